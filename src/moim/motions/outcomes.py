"""A motion follows its decision: adopted or rejected when the verdict is published, and
amended when an amendment to it is adopted, wherever the workflow allows that move."""

from __future__ import annotations

from typing import Any

from moim.governance.enums import Verdict
from moim.governance.models import Decision
from moim.motions.enums import StateMeaning
from moim.motions.models import Motion, StateChange, WorkflowTransition
from moim.permissions import stored_user

_MEANING = {Verdict.ADOPTED: StateMeaning.ADOPTED, Verdict.REJECTED: StateMeaning.REJECTED}


def _follow(decision_id: int, meaning: StateMeaning, by: Any, reason: str) -> None:
    motion = Motion.objects.select_related("state").filter(decision_id=decision_id).first()
    if motion is None:
        return
    move = (
        WorkflowTransition.objects.filter(source=motion.state, target__meaning=meaning)
        .select_related("target")
        .order_by("target__position", "target__pk")
        .first()
    )
    if move is None:
        return
    StateChange.objects.create(
        motion=motion, source=motion.state, target=move.target, by=stored_user(by), reason=reason
    )
    motion.state = move.target
    motion.save(update_fields=["state"])


def follow_published_decision(sender: Any, *, decision: Decision, by: Any, **_: Any) -> None:
    """Receiver of `moim.governance.signals.decision_published`."""
    meaning = _MEANING.get(Verdict(decision.verdict)) if decision.verdict else None
    if meaning is None:
        return
    verdict = Verdict(decision.verdict).label
    _follow(decision.pk, meaning, by, f"{verdict} ({decision.title_en})")
    if decision.amends_id is not None and meaning == StateMeaning.ADOPTED:
        _follow(decision.amends_id, StateMeaning.AMENDED, by, f"{decision.title_en}: {verdict}")

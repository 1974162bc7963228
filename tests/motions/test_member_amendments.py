"""Members table amendments to a paragraph of a text on the agenda; admitted, they become
amendment decisions voted before the text."""

from __future__ import annotations

from typing import Any

import pytest

from moim.assemblies.models import Assembly
from moim.errors import Conflict, Invalid, NotAllowed
from moim.governance.amendments import amendments_in_voting_order
from moim.governance.enums import AmendmentAction, DecisionStatus
from moim.governance.models import Decision
from moim.members.models import Member
from moim.motions import services
from moim.motions.enums import MotionKind
from moim.motions.projection import projected_motion
from tests.governance.conftest import make_motion, make_rules


@pytest.fixture
def statute(assembly: Assembly) -> Decision:
    decision = make_motion(assembly, make_rules(assembly.organization), title="Statute")
    decision.text_en = "Article 1. Members are cities.\nArticle 2. Members pay dues."
    decision.status = DecisionStatus.ON_AGENDA
    decision.save()
    return decision


def _amend(statute: Decision, member: Member, by: Any, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "paragraph": 2,
        "action": AmendmentAction.REPLACE,
        "text_en": "Article 2. Members pay dues yearly.",
        "reason": "Clarity.",
    }
    values.update(fields)
    return services.submit_amendment(decision=statute, member=member, by=by, **values)


def test_an_admitted_amendment_is_voted_before_the_text_and_projected_as_a_change(
    statute: Decision, city_a: Member, delegate_a: Any, secretariat: Any
) -> None:
    motion = _amend(statute, city_a, delegate_a)
    assert motion.kind == MotionKind.AMENDMENT

    services.admit_motion(motion=motion, by=secretariat)

    motion.refresh_from_db()
    assert [a.pk for a in amendments_in_voting_order(statute)] == [motion.decision_id]
    projected = projected_motion(statute, "en")
    amendment = projected["paragraphs"][1]["amendments"][0]
    assert amendment["state"] == "undecided"
    assert amendment["html"] == "Article 2. Members pay <del>dues.</del> <ins>dues yearly.</ins>"
    assert projected["final"] == ["Article 1. Members are cities.", "Article 2. Members pay dues."]


def test_an_amendment_in_another_member_s_name_is_refused(
    statute: Decision, city_b: Member, delegate_a: Any
) -> None:
    with pytest.raises(NotAllowed):
        _amend(statute, city_b, delegate_a)


def test_an_amendment_to_a_missing_paragraph_is_refused(
    statute: Decision, city_a: Member, delegate_a: Any
) -> None:
    with pytest.raises(Invalid, match="no paragraph 7"):
        _amend(statute, city_a, delegate_a, paragraph=7)


def test_no_amendment_to_a_draft_or_an_amendment(
    statute: Decision, city_a: Member, delegate_a: Any, secretariat: Any
) -> None:
    motion = _amend(statute, city_a, delegate_a)
    services.admit_motion(motion=motion, by=secretariat)
    motion.refresh_from_db()
    assert motion.decision is not None

    with pytest.raises(Conflict):
        _amend(motion.decision, city_a, delegate_a, paragraph=1)
    statute.status = DecisionStatus.DRAFT
    statute.save()
    with pytest.raises(Conflict):
        _amend(statute, city_a, delegate_a)

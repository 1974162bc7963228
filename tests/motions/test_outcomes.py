"""A motion follows its decision: amended when an amendment to it is adopted, then adopted
when its own verdict is published."""

from __future__ import annotations

from typing import Any

from moim.assemblies.models import Assembly
from moim.governance import services as governance
from moim.governance.enums import AmendmentAction, BallotShape, OptionValue
from moim.governance.models import Decision
from moim.members.models import Member
from moim.motions import services
from moim.motions.enums import StateMeaning
from tests.governance.conftest import build_plenary
from tests.motions.conftest import submit


def _carry(decision: Decision, plenary: Any, chair: Any) -> None:
    poll = governance.create_poll(decision=decision, by=chair, shape=BallotShape.YES_NO_ABSTAIN)
    poll = governance.open_poll(poll=poll, by=chair)
    yes = poll.options.get(value=OptionValue.YES)
    for member in plenary.members:
        governance.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[yes.pk]
        )
    for step in (governance.close_poll, governance.count_poll, governance.publish_poll):
        poll = step(poll=poll, by=chair)


def test_a_motion_is_amended_then_adopted_as_its_decisions_are_published(
    assembly: Assembly,
    city_a: Member,
    city_b: Member,
    delegate_a: Any,
    delegate_b: Any,
    secretariat: Any,
    chair: Any,
) -> None:
    plenary = build_plenary(assembly.organization, 6, assembly=assembly)
    motion = submit(assembly, city_a, delegate_a)
    services.support_motion(motion=motion, member=city_b, by=delegate_b)
    services.admit_motion(motion=motion, by=secretariat)
    motion.refresh_from_db()
    assert motion.decision is not None
    services.move_motion(
        motion=motion,
        to=motion.state.workflow.states.get(meaning=StateMeaning.ON_AGENDA),
        by=secretariat,
        reason="Scheduled",
    )
    amendment = governance.table_amendment(
        decision=motion.decision, paragraph=2, action=AmendmentAction.DELETE, by=secretariat
    )

    _carry(amendment, plenary, chair)
    motion.refresh_from_db()
    assert motion.state.meaning == StateMeaning.AMENDED

    _carry(motion.decision, plenary, chair)
    motion.refresh_from_db()
    assert motion.state.meaning == StateMeaning.ADOPTED
    assert [c.target.meaning for c in motion.changes.all()][-2:] == [
        StateMeaning.AMENDED,
        StateMeaning.ADOPTED,
    ]

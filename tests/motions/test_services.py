"""Submitting, supporting, admitting, refusing and withdrawing motions: who may, and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from moim.assemblies.models import Assembly
from moim.errors import Conflict, Invalid, NotAllowed
from moim.governance.enums import DecisionStatus
from moim.members.models import Member
from moim.motions import services
from moim.motions.enums import StateMeaning
from moim.motions.models import Motion, StateChange, Support
from tests.motions.conftest import TEXT, submit


def test_a_delegate_submits_its_member_s_motion(
    assembly: Assembly, city_a: Member, delegate_a: Any
) -> None:
    motion = submit(assembly, city_a, delegate_a)

    assert motion.state.meaning == StateMeaning.SUBMITTED
    assert motion.mover == city_a
    assert motion.text_en == TEXT
    assert [c.target.meaning for c in motion.changes.all()] == [StateMeaning.SUBMITTED]


def test_a_delegate_cannot_move_a_motion_in_another_member_s_name(
    assembly: Assembly, city_a: Member, city_b: Member, delegate_a: Any
) -> None:
    with pytest.raises(NotAllowed):
        submit(assembly, city_b, delegate_a)

    assert not Motion.objects.exists()


def test_a_motion_after_the_deadline_is_refused(
    assembly: Assembly, city_a: Member, delegate_a: Any
) -> None:
    late = services.deadline_for(assembly) + dt.timedelta(days=1)

    with pytest.raises(Conflict, match="were due by"):
        submit(assembly, city_a, delegate_a, on=late)
    assert not Motion.objects.exists()


def test_a_motion_needs_a_title_a_text_and_a_reason(
    assembly: Assembly, city_a: Member, delegate_a: Any
) -> None:
    with pytest.raises(Invalid, match="title"):
        submit(assembly, city_a, delegate_a, title_en="")
    with pytest.raises(Invalid, match="text"):
        submit(assembly, city_a, delegate_a, text_en=" \n ")
    with pytest.raises(Invalid, match="why"):
        submit(assembly, city_a, delegate_a, reason="")

    korean_only = submit(
        assembly, city_a, delegate_a, title_en="", title_ko="데이터", text_en="", text_ko="본문"
    )
    assert korean_only.title_ko == "데이터"


def test_another_member_supports_once_and_the_mover_never(
    assembly: Assembly, city_a: Member, city_b: Member, delegate_a: Any, delegate_b: Any
) -> None:
    motion = submit(assembly, city_a, delegate_a)

    services.support_motion(motion=motion, member=city_b, by=delegate_b)
    with pytest.raises(Conflict, match="already supports"):
        services.support_motion(motion=motion, member=city_b, by=delegate_b)
    with pytest.raises(Conflict, match="own motion"):
        services.support_motion(motion=motion, member=city_a, by=delegate_a)

    assert list(Support.objects.values_list("member__slug", flat=True)) == ["mexico-city"]


def test_a_delegate_cannot_support_in_another_member_s_name(
    assembly: Assembly, city_a: Member, city_b: Member, delegate_a: Any, delegate_b: Any
) -> None:
    motion = submit(assembly, city_b, delegate_b)

    with pytest.raises(NotAllowed):
        services.support_motion(motion=motion, member=city_b, by=delegate_a)
    assert not Support.objects.exists()


def test_admitting_needs_the_supporters_the_rules_require(
    assembly: Assembly,
    city_a: Member,
    city_b: Member,
    delegate_a: Any,
    delegate_b: Any,
    secretariat: Any,
) -> None:
    motion = submit(assembly, city_a, delegate_a)

    with pytest.raises(Conflict, match="0 supporter"):
        services.admit_motion(motion=motion, by=secretariat)

    services.support_motion(motion=motion, member=city_b, by=delegate_b)
    services.admit_motion(motion=motion, by=secretariat, reason="In order.")

    motion.refresh_from_db()
    assert motion.state.meaning == StateMeaning.ADMITTED
    decision = motion.decision
    assert decision is not None
    assert (decision.status, decision.title_en, decision.text_en) == (
        DecisionStatus.ON_AGENDA,
        "Data network",
        TEXT,
    )
    change = motion.changes.last()
    assert change is not None
    assert (change.by, change.reason) == (secretariat, "In order.")


def test_a_delegate_or_the_chair_cannot_admit_or_refuse(
    assembly: Assembly, city_a: Member, delegate_a: Any, chair: Any
) -> None:
    motion = submit(assembly, city_a, delegate_a)

    for actor in (delegate_a, chair):
        with pytest.raises(NotAllowed):
            services.admit_motion(motion=motion, by=actor)
        with pytest.raises(NotAllowed):
            services.refuse_motion(motion=motion, by=actor, reason="No")
    motion.refresh_from_db()
    assert motion.state.meaning == StateMeaning.SUBMITTED


def test_refusing_says_why_and_is_recorded(
    assembly: Assembly, city_a: Member, delegate_a: Any, secretariat: Any
) -> None:
    motion = submit(assembly, city_a, delegate_a)

    with pytest.raises(Invalid):
        services.refuse_motion(motion=motion, by=secretariat, reason=" ")
    services.refuse_motion(motion=motion, by=secretariat, reason="Outside the Assembly's remit")

    change = StateChange.objects.filter(motion=motion).last()
    assert change is not None
    assert change.target.meaning == StateMeaning.REFUSED
    assert change.reason == "Outside the Assembly's remit"
    with pytest.raises(Conflict):
        services.admit_motion(motion=motion, by=secretariat)


def test_only_the_mover_withdraws_and_its_decision_leaves_the_agenda(
    assembly: Assembly,
    city_a: Member,
    city_b: Member,
    delegate_a: Any,
    delegate_b: Any,
    secretariat: Any,
) -> None:
    motion = submit(assembly, city_a, delegate_a)
    services.support_motion(motion=motion, member=city_b, by=delegate_b)
    services.admit_motion(motion=motion, by=secretariat)

    with pytest.raises(NotAllowed):
        services.withdraw_motion(motion=motion, by=delegate_b)
    services.withdraw_motion(motion=motion, by=delegate_a, reason="Merged with another")

    motion.refresh_from_db()
    assert motion.state.meaning == StateMeaning.WITHDRAWN
    assert motion.decision is not None
    motion.decision.refresh_from_db()
    assert motion.decision.status == DecisionStatus.WITHDRAWN

"""The secretariat's workflow: renamed and added states, allowed moves, each move recorded."""

from __future__ import annotations

from typing import Any

import pytest

from moim.assemblies.models import Assembly
from moim.errors import Conflict, Invalid, NotAllowed
from moim.members.models import Member
from moim.motions import services
from moim.motions.enums import MotionKind, StateMeaning
from moim.motions.models import WorkflowState, WorkflowTransition
from moim.motions.workflow import workflow_for
from tests.motions.conftest import submit


def test_a_state_the_secretariat_adds_is_reached_by_an_allowed_move_with_a_reason(
    assembly: Assembly, city_a: Member, delegate_a: Any, secretariat: Any
) -> None:
    workflow = workflow_for(assembly.organization, MotionKind.MOTION)
    submitted = workflow.states.get(meaning=StateMeaning.SUBMITTED)
    submitted.name_en = "Received"
    submitted.save()
    legal = WorkflowState.objects.create(workflow=workflow, key="legal", name_en="Legal review")
    WorkflowTransition.objects.create(workflow=workflow, source=submitted, target=legal)
    motion = submit(assembly, city_a, delegate_a)

    assert motion.state.name == "Received"
    with pytest.raises(Invalid):
        services.move_motion(motion=motion, to=legal, by=secretariat, reason="")
    services.move_motion(motion=motion, to=legal, by=secretariat, reason="Check the Statute")

    change = motion.changes.last()
    assert change is not None
    assert (change.source, change.target, change.by, change.reason) == (
        submitted,
        legal,
        secretariat,
        "Check the Statute",
    )


def test_a_move_the_workflow_does_not_allow_is_refused(
    assembly: Assembly, city_a: Member, delegate_a: Any, secretariat: Any
) -> None:
    motion = submit(assembly, city_a, delegate_a)
    adopted = motion.state.workflow.states.get(meaning=StateMeaning.ADOPTED)

    with pytest.raises(Conflict, match="does not allow"):
        services.move_motion(motion=motion, to=adopted, by=secretariat, reason="Skip")
    with pytest.raises(NotAllowed):
        services.move_motion(motion=motion, to=adopted, by=delegate_a, reason="Skip")


def test_admitting_follows_the_workflow_the_secretariat_rewired(
    assembly: Assembly, city_a: Member, delegate_a: Any, secretariat: Any
) -> None:
    services.motion_rules_for(assembly.organization)
    workflow = workflow_for(assembly.organization, MotionKind.MOTION)
    WorkflowTransition.objects.filter(
        workflow=workflow, target__meaning=StateMeaning.ADMITTED
    ).delete()
    rules = services.motion_rules_for(assembly.organization)
    rules.supporters_required = 0
    rules.save()
    motion = submit(assembly, city_a, delegate_a)

    with pytest.raises(Conflict, match="cannot be admitted"):
        services.admit_motion(motion=motion, by=secretariat)

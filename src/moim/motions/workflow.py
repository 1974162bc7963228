"""The workflow each kind of motion starts with, made on first use and then the secretariat's
to rename, extend and rewire (in the back office): states and the moves allowed between them."""

from __future__ import annotations

from django.db import transaction

from moim.members.models import Organization
from moim.motions.enums import MotionKind, StateMeaning
from moim.motions.models import Workflow, WorkflowState, WorkflowTransition

# (key, English, Korean, meaning), in order.
DEFAULT_STATES = (
    ("submitted", "Submitted", "제출됨", StateMeaning.SUBMITTED),
    ("admitted", "Admitted", "수리됨", StateMeaning.ADMITTED),
    ("on-agenda", "On the agenda", "의제 상정", StateMeaning.ON_AGENDA),
    ("amended", "Amended", "수정됨", StateMeaning.AMENDED),
    ("adopted", "Adopted", "채택", StateMeaning.ADOPTED),
    ("rejected", "Rejected", "부결", StateMeaning.REJECTED),
    ("withdrawn", "Withdrawn", "철회됨", StateMeaning.WITHDRAWN),
    ("refused", "Refused", "불수리", StateMeaning.REFUSED),
)
DEFAULT_TRANSITIONS = (
    ("submitted", "admitted"),
    ("submitted", "refused"),
    ("submitted", "withdrawn"),
    ("admitted", "on-agenda"),
    ("admitted", "withdrawn"),
    ("admitted", "adopted"),
    ("admitted", "rejected"),
    ("on-agenda", "amended"),
    ("on-agenda", "adopted"),
    ("on-agenda", "rejected"),
    ("on-agenda", "withdrawn"),
    ("amended", "adopted"),
    ("amended", "rejected"),
)


@transaction.atomic
def workflow_for(organization: Organization, kind: str) -> Workflow:
    """The organization's workflow for this kind of motion, made with the default states and
    transitions the first time it is asked for."""
    workflow, created = Workflow.objects.get_or_create(organization=organization, kind=kind)
    if created:
        states = {
            key: WorkflowState.objects.create(
                workflow=workflow,
                key=key,
                name_en=name_en,
                name_ko=name_ko,
                meaning=meaning,
                position=position,
            )
            for position, (key, name_en, name_ko, meaning) in enumerate(DEFAULT_STATES)
        }
        WorkflowTransition.objects.bulk_create(
            WorkflowTransition(workflow=workflow, source=states[a], target=states[b])
            for a, b in DEFAULT_TRANSITIONS
        )
    return workflow


def first_state(organization: Organization, kind: str = MotionKind.MOTION) -> WorkflowState:
    """Where a motion of this kind starts: the first state meaning "submitted"."""
    workflow = workflow_for(organization, kind)
    state = workflow.states.filter(meaning=StateMeaning.SUBMITTED).first()
    return state or workflow.states.order_by("position", "pk").first() or _missing(workflow)


def _missing(workflow: Workflow) -> WorkflowState:
    # A workflow the secretariat emptied: a motion still needs somewhere to start.
    return WorkflowState.objects.create(
        workflow=workflow,
        key="submitted",
        name_en="Submitted",
        name_ko="제출됨",
        meaning=StateMeaning.SUBMITTED,
    )


def next_states(state: WorkflowState) -> list[WorkflowState]:
    """The states a motion in `state` may move to, in the workflow's order."""
    return [
        t.target
        for t in WorkflowTransition.objects.filter(source=state)
        .select_related("target")
        .order_by("target__position", "target__pk")
    ]

"""The poll life cycle as one table: which action a poll's stage allows, who may take it.

Every service that moves a poll (`open_poll`, `close_poll`, `count_poll`, `publish_poll`,
`enter_analog_result`, `change_poll_method`, `settle_tie`) starts with `begin`, which checks
the actor with the table's predicate, locks the poll row and checks its stage against the
table. The chair's console shows a button for an action exactly when `allowed_actions` lists
it, and the API's poll actions are the table's one-click steps: a refusal reads the same on
the page and in the API, since both come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from moim.governance.amendments import check_amendments_decided, may_open
from moim.governance.enums import (
    DecisionStatus,
    PollAction,
    PollStage,
    PollState,
    TiePolicy,
    Verdict,
)
from moim.governance.models import Poll
from moim.governance.rules import can_run_polls
from moim.governance.services.base import PollStateError
from moim.permissions import require

Stages = frozenset[PollStage]


@dataclass(frozen=True)
class Transition:
    """One action of the life cycle: the stages it starts from and may end in, the predicate
    the actor must pass, and what a refusal says when the stage does not allow it."""

    action: PollAction
    from_stages: Stages
    to_stages: Stages
    refusal: Promise
    predicate: Any = can_run_polls
    # A one-click step (a console button, `POST /api/governance/polls/{id}/{action}`); the
    # others take input (figures, a method, a settlement) on their own form and endpoint.
    step: bool = False
    # Asked before an act that cannot be undone; the form then carries confirm=<action>.
    confirm: Promise | None = None
    confirmed: Promise | None = None


_UNCOUNTED = frozenset({PollStage.CLOSED})
_COUNTED = frozenset({PollStage.COUNTED, PollStage.TIED})

TRANSITIONS: dict[PollAction, Transition] = {
    t.action: t
    for t in (
        Transition(
            PollAction.OPEN,
            from_stages=frozenset({PollStage.DRAFT}),
            to_stages=frozenset({PollStage.OPEN}),
            refusal=_("Only a draft poll can open."),
            step=True,
        ),
        Transition(
            PollAction.CLOSE,
            from_stages=frozenset({PollStage.OPEN}),
            to_stages=_UNCOUNTED,
            refusal=_("Only an open poll can close."),
            step=True,
            confirm=_("Close the poll now? No more ballots will be accepted."),
            confirmed=_("Yes, close the poll"),
        ),
        Transition(
            PollAction.COUNT,
            from_stages=_UNCOUNTED,
            to_stages=_COUNTED,
            refusal=_("A poll is counted once, after it closes."),
            step=True,
        ),
        Transition(
            PollAction.PUBLISH,
            from_stages=_COUNTED,
            to_stages=frozenset({PollStage.PUBLISHED}),
            refusal=_("A poll is published after it is closed and counted."),
            step=True,
            confirm=_("Publish the result now? Everyone will see it, and it cannot be withdrawn."),
            confirmed=_("Yes, publish the result"),
        ),
        Transition(
            PollAction.ANALOG,
            from_stages=frozenset({PollStage.OPEN, PollStage.CLOSED}),
            to_stages=frozenset({PollStage.OPEN, PollStage.CLOSED}),
            refusal=_("Analog results are entered while the poll is open or closed."),
        ),
        Transition(
            PollAction.METHOD,
            from_stages=frozenset({PollStage.DRAFT, PollStage.CLOSED}),
            to_stages=frozenset({PollStage.DRAFT, PollStage.CLOSED}),
            refusal=_(
                "The counting method changes before the poll opens, or after it closes and "
                "before it is counted."
            ),
        ),
        Transition(
            PollAction.TIE,
            from_stages=frozenset({PollStage.TIED}),
            to_stages=_COUNTED,
            refusal=_("There is no tie waiting for the chair in this poll."),
        ),
    )
}


def stage_of(poll: Poll) -> PollStage:
    """The poll's stage: its state, a closed poll told apart by its count (reads no database
    once the poll is closed: the tie policy is in the rules frozen at opening)."""
    if poll.state != PollState.CLOSED:
        return PollStage(poll.state)
    if poll.counted_at is None:
        return PollStage.CLOSED
    waiting = poll.verdict == Verdict.TIE and (poll.result or {}).get("tie")
    if waiting and poll.tie_policy == TiePolicy.CHAIR:
        return PollStage.TIED
    return PollStage.COUNTED


def _may_open(poll: Poll) -> bool:
    decision = poll.decision
    return decision.status != DecisionStatus.WITHDRAWN and may_open(decision)


def allowed_actions(poll: Poll) -> list[Transition]:
    """The transitions the poll's stage allows, in the table's order; a text is not opened
    while amendments to it (or voted before it) are undecided."""
    stage = stage_of(poll)
    allowed = [t for t in TRANSITIONS.values() if stage in t.from_stages]
    if stage == PollStage.DRAFT and not _may_open(poll):
        allowed = [t for t in allowed if t.action != PollAction.OPEN]
    return allowed


def begin(action: PollAction, *, poll: Poll, by: Any) -> Poll:
    """The prologue of every transition, inside its transaction: check the actor, lock the
    poll row (`select_for_update`, so casts under way finish first and later ones find the new
    state), then check the locked poll's stage. Returns the locked poll, with its decision and
    assembly."""
    transition = TRANSITIONS[action]
    require(transition.predicate, by)
    locked = Poll.objects.select_for_update().select_related("decision__assembly").get(pk=poll.pk)
    if stage_of(locked) not in transition.from_stages:
        raise PollStateError(str(transition.refusal))
    if action == PollAction.OPEN:
        if locked.decision.status == DecisionStatus.WITHDRAWN:
            raise PollStateError(str(_("This decision was withdrawn.")))
        check_amendments_decided(locked.decision)
    return locked

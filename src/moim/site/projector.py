"""What the hall's projector shows: the programme item, the open poll and its turnout, then
the published result with its verdict (a ranked election round after round)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from moim.assemblies import queries
from moim.assemblies.models import Assembly, ProgrammeItem
from moim.governance.enums import PollState
from moim.governance.models import Poll
from moim.governance.results import PollView, poll_view
from moim.governance.services import Turnout, turnout


@dataclass(frozen=True)
class ProjectorState:
    assembly: Assembly
    item: ProgrammeItem | None
    poll: Poll | None
    turnout: Turnout | None
    result: PollView | None

    @property
    def voting(self) -> bool:
        return self.poll is not None and self.poll.state == PollState.OPEN

    @property
    def awaiting_result(self) -> bool:
        return self.poll is not None and self.poll.state == PollState.CLOSED


def _moment(poll: Poll) -> dt.datetime:
    return (
        poll.published_at
        or poll.closed_at
        or poll.opened_at
        or dt.datetime.min.replace(tzinfo=dt.UTC)
    )


def focus_poll(assembly: Assembly) -> Poll | None:
    """The open poll if there is one, else the poll the chair acted on last."""
    polls = list(
        Poll.objects.filter(decision__assembly=assembly)
        .exclude(state=PollState.DRAFT)
        .select_related("decision")
    )
    open_polls = [p for p in polls if p.state == PollState.OPEN]
    if open_polls:
        return max(open_polls, key=_moment)
    return max(polls, key=_moment, default=None)


def current_item(assembly: Assembly, poll: Poll | None) -> ProgrammeItem | None:
    return queries.current_item(assembly, voting=poll is not None)


def projector_state(assembly: Assembly) -> ProjectorState:
    poll = focus_poll(assembly)
    return ProjectorState(
        assembly=assembly,
        item=current_item(assembly, poll),
        poll=poll,
        turnout=turnout(poll) if poll is not None and poll.state == PollState.OPEN else None,
        result=poll_view(poll) if poll is not None and poll.state == PollState.PUBLISHED else None,
    )

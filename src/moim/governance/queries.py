"""Reusable queries of the plenary."""

from __future__ import annotations

from django.db.models import QuerySet

from moim.governance.enums import PollState
from moim.governance.models import Ballot, Decision, Poll


def published_ballots(poll: Poll) -> QuerySet[Ballot]:
    """The public ballot list: only after publication, in the order of the random keys."""
    if poll.state != PollState.PUBLISHED:
        return Ballot.objects.none()
    return Ballot.objects.filter(poll=poll).order_by("id")


def agenda_for_public(assembly_id: int) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(assembly_id=assembly_id)
        .exclude(status="draft")
        .select_related("office")
        .order_by("position", "pk")
    )

"""Reusable queries of the plenary."""

from __future__ import annotations

from django.db.models import QuerySet

from moim.governance.enums import PollState
from moim.governance.models import Ballot, Decision, Poll, VoteRecord


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


def roll_call(poll: Poll) -> list[tuple[str, list[str]]]:
    """How each member voted in a named poll, once it is published; nothing for a secret one."""
    if poll.secret or poll.state != PollState.PUBLISHED:
        return []
    labels = {o.position: o.label for o in poll.options.all()}
    records = (
        VoteRecord.objects.filter(poll=poll).select_related("member").order_by("member__name_en")
    )
    return [(r.member.name, [labels[p] for p in (r.choices or [])]) for r in records]

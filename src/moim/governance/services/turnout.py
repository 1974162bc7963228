"""What the chair sees while a poll is open: turnout and who has not voted yet."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from moim.governance import ballot_reads
from moim.governance.models import (
    Poll,
    RegisterEntry,
    VoteRecord,
)
from moim.members.models import Person


@dataclass(frozen=True)
class Turnout:
    voted: int
    entitled: int
    voted_weight: int
    entitled_weight: int


def turnout(poll: Poll) -> Turnout:
    """How many entitled members have voted: heads and weight, never what they chose."""
    totals = RegisterEntry.objects.filter(poll=poll).aggregate(n=Count("pk"), w=Sum("weight"))
    voted_ids = VoteRecord.objects.filter(poll=poll).values("member_id")
    voted = RegisterEntry.objects.filter(poll=poll, member_id__in=voted_ids).aggregate(
        n=Count("pk"), w=Sum("weight")
    )
    return Turnout(voted["n"] or 0, totals["n"] or 0, voted["w"] or 0, totals["w"] or 0)


def not_yet_voted(poll: Poll) -> list[str]:
    voted_ids = VoteRecord.objects.filter(poll=poll).values("member_id")
    return list(
        RegisterEntry.objects.filter(poll=poll)
        .exclude(member_id__in=voted_ids)
        .order_by("member__name_en")
        .values_list("member__name_en", flat=True)
    )


@dataclass(frozen=True)
class NotVoted:
    """Who has not voted yet: first the members present or represented, then the absent."""

    present: list[str]
    absent: list[str]

    def __bool__(self) -> bool:
        return bool(self.present or self.absent)


def not_yet_voted_by_presence(poll: Poll) -> NotVoted:
    """The members of the register without a ballot, split by whether someone can cast it."""
    voted_ids = VoteRecord.objects.filter(poll=poll).values("member_id")
    present: list[str] = []
    absent: list[str] = []
    for entry in (
        RegisterEntry.objects.filter(poll=poll)
        .exclude(member_id__in=voted_ids)
        .select_related("member")
        .order_by("member__name_en")
    ):
        (present if entry.represented else absent).append(entry.member.name)
    return NotVoted(present, absent)


def votes_held_by(poll: Poll, person: Person) -> list[RegisterEntry]:
    """The register entries whose ballot `person` may cast in `poll`."""
    entries = (
        RegisterEntry.objects.filter(poll=poll)
        .filter(Q(proxy_holder=person) | Q(delegate=person))
        .select_related("member")
    )
    return [e for e in entries if person.pk in e.voters()]


def ballots_held_by(poll: Poll, person: Person) -> list[tuple[RegisterEntry, bool]]:
    """`votes_held_by` with, for each entry, whether its member has voted, by member name: one
    query, written as SQL (it is on every ballot's path: governance/ballot_reads.py)."""
    return ballot_reads.ballots_held(poll, person)

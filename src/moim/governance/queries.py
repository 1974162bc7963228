"""Reusable queries of the plenary."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from moim.governance import ballot_reads
from moim.governance.enums import AuditAction, DecisionStatus, PollState
from moim.governance.models import (
    AuditEntry,
    Ballot,
    Decision,
    Poll,
    PollOption,
    RegisterEntry,
)
from moim.members.models import Person, Term


def options_in_order() -> Prefetch[Any]:
    """A poll's options in ballot order, for prefetch_related: the model's default order would
    join the poll, its decision and its assembly to sort the options of one poll."""
    return Prefetch("options", queryset=PollOption.objects.order_by("position"))


def published_ballots(poll: Poll) -> QuerySet[Ballot]:
    """The public ballot list: only after publication, in the order of the random keys."""
    if poll.state != PollState.PUBLISHED:
        return Ballot.objects.none()
    return Ballot.objects.filter(poll=poll).order_by("id")


def publication_entries(polls: Iterable[Poll]) -> dict[int, AuditEntry]:
    """The audit entry that published each poll, by poll id, in one query.

    Its hash was the chain's head when the result was published, and it pins the ballot digest,
    the roll call and the result: a copy kept outside (by a member, the press, an observer) is an
    anchor for `moim audit verify --anchor`, which fails if the log was later rewritten or cut.
    """
    subjects = {f"poll:{p.pk}": p.pk for p in polls if p.state == PollState.PUBLISHED}
    found: dict[int, AuditEntry] = {}
    for entry in AuditEntry.objects.filter(
        action=AuditAction.POLL_PUBLISHED, subject__in=list(subjects)
    ).order_by("sequence"):
        found[subjects[entry.subject]] = entry
    return found


def decision_publication_entry(decision: Decision) -> AuditEntry | None:
    """The audit entry that published `decision` (its verdict and winners), if it is published."""
    if decision.published_at is None:
        return None
    return (
        AuditEntry.objects.filter(
            action=AuditAction.DECISION_PUBLISHED, subject=f"decision:{decision.pk}"
        )
        .order_by("-sequence")
        .first()
    )


def agenda_for_public(assembly_id: int) -> QuerySet[Decision]:
    """The decisions the public lists: amendments are shown with the text they amend, and
    withdrawn decisions are off the agenda."""
    return (
        Decision.objects.filter(assembly_id=assembly_id, amends__isnull=True)
        .exclude(status__in=[DecisionStatus.DRAFT, DecisionStatus.WITHDRAWN])
        .select_related("office")
        .order_by("position", "pk")
    )


@dataclass(frozen=True)
class HeldBallot:
    """One vote a person may cast in an open poll: its own member's or a proxy's."""

    entry: RegisterEntry
    voted: bool


@dataclass(frozen=True)
class OpenPoll:
    poll: Poll
    held: list[HeldBallot]


def open_polls_for_person(person: Person | None, assembly_id: int | None = None) -> list[OpenPoll]:
    """The open polls in which `person` holds a vote (own member or proxy), and which are cast.

    Reads the frozen registers only, so a delegate who arrives after a poll opened sees nothing
    in it, as the register says.
    """
    if person is None:
        return []
    # Read as SQL (ballot_reads): each sitting page asks for it when a poll opens or closes.
    return [
        OpenPoll(poll, [HeldBallot(entry, voted) for entry, voted in held])
        for poll, held in ballot_reads.open_ballots(person, assembly_id)
    ]


def ballot_version(open_polls: list[OpenPoll]) -> str:
    """A short fingerprint of what a ballot page shows: it changes when a poll opens or closes
    or a held ballot is cast, so a page can ask whether to redraw without losing a half-filled
    form."""
    state = sorted((p.poll.pk, h.entry.member_id, h.voted) for p in open_polls for h in p.held)
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def decision_terms(decision: Decision) -> list[Term]:
    """The terms of office resting on a decision, with their office and holder, as the
    plenary's decision page and the public results page list them."""
    return list(decision.terms.select_related("office", "member", "person"))

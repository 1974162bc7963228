"""Reusable queries on the awards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from moim.awards.enums import EntryStatus, RoundStatus
from moim.awards.models import Award, Edition, Entry, Round

# Entries that reached the competition (submitted, and approved by their city where needed).
ENTERED_STATUSES = (
    EntryStatus.SUBMITTED,
    EntryStatus.ELIGIBLE,
    EntryStatus.INELIGIBLE,
    EntryStatus.FINALIST,
)


@dataclass(frozen=True)
class EditionFacts:
    entries: int
    countries: int
    winners: int


def edition_facts(edition: Edition) -> EditionFacts:
    """Counted from the entries; an edition kept only as a summary reports its own figures."""
    entered = edition.entries.filter(status__in=ENTERED_STATUSES)
    entries = entered.count()
    if entries == 0 and edition.reported_entries is not None:
        return EditionFacts(
            entries=edition.reported_entries,
            countries=0,
            winners=edition.reported_winners or 0,
        )
    return EditionFacts(
        entries=entries,
        countries=entered.values("beneficiary__country").distinct().count(),
        winners=edition.awards.count(),
    )


def editions_with_facts(editions: QuerySet[Edition]) -> list[tuple[Edition, EditionFacts]]:
    """Each edition with its figures, counted in the same query (for lists)."""
    entered = Q(entries__status__in=ENTERED_STATUSES)
    rows = editions.annotate(
        n_entries=Count("entries", filter=entered, distinct=True),
        n_countries=Count("entries__beneficiary__country", filter=entered, distinct=True),
        n_winners=Count("awards", distinct=True),
    )
    result: list[tuple[Edition, EditionFacts]] = []
    for edition in rows:
        if edition.n_entries == 0 and edition.reported_entries is not None:
            facts = EditionFacts(edition.reported_entries, 0, edition.reported_winners or 0)
        else:
            facts = EditionFacts(edition.n_entries, edition.n_countries, edition.n_winners)
        result.append((edition, facts))
    return result


def awards_for_edition(edition: Edition) -> QuerySet[Award]:
    return edition.awards.select_related("category", "level", "entry__beneficiary").order_by(
        "category__position", "level__position", "entry__beneficiary__name_en"
    )


def entries_for_user(edition: Edition, user: Any) -> QuerySet[Entry]:
    if not user.is_authenticated:
        return Entry.objects.none()
    return edition.entries.filter(created_by=user).select_related("category", "beneficiary")


def current_round(edition: Edition) -> Round | None:
    """The round open for scoring, else the latest one."""
    rounds = edition.rounds.all()
    return rounds.filter(status=RoundStatus.SCORING).first() or rounds.order_by("-kind").first()

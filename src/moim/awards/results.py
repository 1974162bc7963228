"""Results: progress, the advisory ranking, finalists, the jury's decisions, announcement.

The maths is in `moim.tally.methods.scoring` (plain functions); this module feeds it the
submitted sheets of one round and keeps what the jury decided apart from what the ranking
advised. Results are frozen when announced: a recomputation is compared with them, never written
over them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from moim import errors
from moim.awards.enums import EditionStatus, EntryStatus, LogAction, RoundKind, RoundStatus
from moim.awards.judging import round_entries
from moim.awards.models import (
    Award,
    AwardLevel,
    Category,
    Conflict,
    Edition,
    Entry,
    Juror,
    JuryDecision,
    ResultSnapshot,
    Round,
)
from moim.awards.rules import can_manage_awards
from moim.awards.services import log
from moim.permissions import require, stored_user
from moim.tally.methods import scoring


@dataclass(frozen=True)
class JurorProgress:
    juror: Juror
    assigned: int
    submitted: int
    late: bool

    @property
    def remaining(self) -> int:
        return self.assigned - self.submitted


def progress(*, round_: Round) -> list[JurorProgress]:
    """Each juror's assigned and submitted sheets; late when the due date passed unfinished."""
    jurors = round_.edition.jurors.select_related("person").annotate(
        assigned=Count("assignments", filter=Q(assignments__round=round_), distinct=True),
        submitted=Count(
            "sheets",
            filter=Q(sheets__round=round_, sheets__submitted_at__isnull=False),
            distinct=True,
        ),
    )
    overdue = round_.due is not None and timezone.now() > round_.due
    return [
        JurorProgress(
            juror=j,
            assigned=j.assigned,
            submitted=j.submitted,
            late=overdue and j.submitted < j.assigned,
        )
        for j in jurors
    ]


@dataclass(frozen=True)
class RankingRow:
    entry: Entry
    position: int
    weighted_mean: float
    z_mean: float
    sheets: int
    tie: scoring.TieState


def counted_sheets(round_: Round) -> list[scoring.Sheet]:
    """The round's submitted sheets as weighted totals, leaving out any conflicted pair."""
    weights = {c.key: float(c.weight) for c in round_.edition.criteria.all()}
    conflicted = set(
        Conflict.objects.applying()
        .filter(juror__edition=round_.edition)
        .values_list("juror_id", "entry_id")
    )
    sheets = round_.sheets.filter(submitted_at__isnull=False).prefetch_related("scores__criterion")
    result: list[scoring.Sheet] = []
    for sheet in sheets:
        if (sheet.juror_id, sheet.entry_id) in conflicted:
            continue
        values = {s.criterion.key: float(s.value) for s in sheet.scores.all()}
        total = scoring.weighted_total(values, weights)
        result.append(scoring.Sheet(juror=sheet.juror_id, entry=sheet.entry_id, total=total))
    return result


def compute_ranking(*, round_: Round) -> dict[Category, list[RankingRow]]:
    """The advisory ranking of each category, both figures side by side."""
    by_entry = {e.pk: e for e in round_entries(round_).select_related("category", "beneficiary")}
    grouped: dict[int, list[scoring.Sheet]] = defaultdict(list)
    for sheet in counted_sheets(round_):
        entry = by_entry.get(int(sheet.entry))  # type: ignore[call-overload]
        if entry is not None:
            grouped[entry.category_id].append(sheet)
    result: dict[Category, list[RankingRow]] = {}
    for category in round_.edition.categories.all():
        ranked = scoring.rank(
            grouped.get(category.pk, []),
            method=scoring.Method(round_.method),
            tie_rule=scoring.TieRule(round_.tie_rule),
        )
        result[category] = [
            RankingRow(
                entry=by_entry[int(row.entry)],  # type: ignore[call-overload]
                position=row.position,
                weighted_mean=row.weighted_mean,
                z_mean=row.z_mean,
                sheets=row.sheets,
                tie=row.tie,
            )
            for row in ranked
        ]
    return result


def proposed_finalists(*, round_: Round, per_category: int) -> set[int]:
    """The entries the ranking proposes: the first `per_category` positions of each category."""
    return {
        row.entry.pk
        for rows in compute_ranking(round_=round_).values()
        for row in rows
        if row.position <= per_category
    }


def select_finalists(
    *,
    round_: Round,
    by: Any,
    per_category: int | None = None,
    entries: list[Entry] | None = None,
) -> list[Entry]:
    """The entries chosen from the first round's ranking become finalists.

    Either the ranking's first `per_category` of each category, or the `entries` the
    secretariat ticked on the finalists page. Selecting again replaces the earlier choice (an
    entry no longer chosen is eligible again) until the jury round opens. The jury round is
    created, in preparation, with the first round's ranking method, if it does not exist yet.
    """
    require(can_manage_awards, by)
    if round_.kind != RoundKind.FIRST:
        raise errors.Invalid(_("Finalists come from the first evaluation round."))
    if (per_category is None) == (entries is None):
        raise errors.Invalid(_("Choose the finalists, or how many per category."))
    if per_category is not None and per_category < 1:
        raise errors.Invalid(_("Choose at least one finalist per category."))
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("edition").get(pk=round_.pk)
        edition = round_.edition
        if round_.status != RoundStatus.CLOSED:
            raise errors.Conflict(_("Close the first round before selecting the finalists."))
        jury = edition.rounds.filter(kind=RoundKind.JURY).first()
        if jury is not None and jury.status != RoundStatus.PREPARING:
            raise errors.Conflict(
                _("The jury round has opened: the finalists can no longer change.")
            )
        ranked = {
            row.entry.pk: row for rows in compute_ranking(round_=round_).values() for row in rows
        }
        if per_category is not None:
            chosen = [row.entry for row in ranked.values() if row.position <= per_category]
        else:
            assert entries is not None
            strays = [e.title for e in entries if e.pk not in ranked]
            if strays:
                raise errors.Invalid(
                    _("Not in the first round's ranking: %(entries)s.")
                    % {"entries": ", ".join(strays)}
                )
            chosen = [ranked[e.pk].entry for e in entries]
        if not chosen:
            raise errors.Invalid(_("Choose at least one finalist."))
        chosen_ids = [e.pk for e in chosen]
        dropped = list(
            Entry.objects.filter(edition=edition, status=EntryStatus.FINALIST)
            .exclude(pk__in=chosen_ids)
            .values_list("pk", flat=True)
        )
        Entry.objects.filter(pk__in=dropped).update(status=EntryStatus.ELIGIBLE)
        Entry.objects.filter(pk__in=chosen_ids).update(status=EntryStatus.FINALIST)
        if jury is None:
            jury = Round.objects.create(
                edition=edition,
                kind=RoundKind.JURY,
                method=round_.method,
                tie_rule=round_.tie_rule,
            )
        log(
            edition=edition,
            action=LogAction.FINALISTS_SELECTED,
            actor=by,
            entries=chosen_ids,
            dropped=dropped,
            per_category=per_category,
            positions={str(e.pk): ranked[e.pk].position for e in chosen},
        )
    return chosen


def _level_slots(level: AwardLevel) -> range:
    before = sum(lv.per_category for lv in level.edition.levels.filter(position__lt=level.position))
    return range(before + 1, before + level.per_category + 1)


def decide_award(
    *, round_: Round, entry: Entry, level: AwardLevel, by: Any, rationale: str = ""
) -> JuryDecision:
    """Record the jury's decision; departing from the ranking or breaking a tie needs a reason."""
    require(can_manage_awards, by)
    entry.refresh_from_db(fields=["status", "category"])
    if round_.kind != RoundKind.JURY or entry.status != EntryStatus.FINALIST:
        raise errors.Invalid(_("Awards go to finalists, by decision of the jury round."))
    if level.edition_id != round_.edition_id:
        raise errors.Invalid(_("That level belongs to another edition."))
    taken = JuryDecision.objects.filter(round=round_, category=entry.category, level=level)
    if taken.exclude(entry=entry).count() >= level.per_category:
        raise errors.Conflict(
            _("%(category)s already has its %(count)d %(level)s award(s).")
            % {"category": entry.category.name, "count": level.per_category, "level": level.name}
        )
    rows = compute_ranking(round_=round_).get(entry.category, [])
    row = next((r for r in rows if r.entry.pk == entry.pk), None)
    position = row.position if row else None
    follows = (
        row is not None
        and position in _level_slots(level)
        and row.tie != scoring.TieState.UNRESOLVED
    )
    if not follows and not rationale.strip():
        raise errors.Invalid(
            _(
                "This decision departs from the ranking (position %(position)s) or breaks a tie: "
                "record the jury's rationale."
            )
            % {"position": position or "—"}
        )
    with transaction.atomic():
        decision, _created = JuryDecision.objects.update_or_create(
            round=round_,
            entry=entry,
            defaults={
                "category": entry.category,
                "level": level,
                "ranking_position": position,
                "follows_ranking": follows,
                "rationale": rationale.strip(),
                "decided_by": stored_user(by),
                "decided_at": timezone.now(),
            },
        )
        log(
            edition=round_.edition,
            entry=entry,
            action=LogAction.AWARD_DECIDED,
            actor=by,
            level=level.name_en,
            follows_ranking=follows,
        )
    return decision


def _snapshot(edition: Edition) -> dict[str, Any]:
    data: dict[str, Any] = {"edition": edition.number, "rounds": {}, "awards": []}
    for round_ in edition.rounds.all():
        data["rounds"][round_.kind] = {
            "method": round_.method,
            "tie_rule": round_.tie_rule,
            "ranking": {
                category.slug: [
                    {
                        "entry": row.entry.pk,
                        "position": row.position,
                        "weighted_mean": row.weighted_mean,
                        "z_mean": row.z_mean,
                        "sheets": row.sheets,
                        "tie": str(row.tie),
                    }
                    for row in rows
                ]
                for category, rows in compute_ranking(round_=round_).items()
            },
        }
    for award in edition.awards.select_related("category", "level", "entry__beneficiary"):
        data["awards"].append(
            {
                "category": award.category.slug,
                "level": award.level.name_en,
                "entry": award.entry_id,
                "title": award.entry.title,
                "city": award.entry.beneficiary.name_en,
            }
        )
    return data


def announce(*, edition: Edition, by: Any) -> ResultSnapshot:
    """Publish the jury's decisions as awards and freeze what was announced."""
    require(can_manage_awards, by)
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if ResultSnapshot.objects.filter(edition=edition).exists():
            raise errors.Conflict(_("The results of this edition have already been announced."))
        decisions = JuryDecision.objects.filter(round__edition=edition).select_related("entry")
        if not decisions.exists():
            raise errors.Conflict(_("The jury has decided no award yet."))
        for decision in decisions:
            Award.objects.update_or_create(
                entry=decision.entry,
                defaults={
                    "edition": edition,
                    "category_id": decision.category_id,
                    "level_id": decision.level_id,
                    "decision": decision,
                },
            )
        snapshot = ResultSnapshot.objects.create(
            edition=edition, announced_by=stored_user(by), data=_snapshot(edition)
        )
        edition.status = EditionStatus.ANNOUNCED
        if edition.winners_announced is None:
            edition.winners_announced = snapshot.announced_at
        edition.save(update_fields=["status", "winners_announced"])
        log(edition=edition, action=LogAction.RESULTS_ANNOUNCED, actor=by)
    return snapshot


def snapshot_differences(*, edition: Edition) -> list[str]:
    """How a recomputation differs from what was announced (empty when it does not)."""
    snapshot = ResultSnapshot.objects.filter(edition=edition).first()
    if snapshot is None:
        return []
    now = _snapshot(edition)
    differences: list[str] = []
    # In the edition's own order: a JSON column (PostgreSQL jsonb) does not keep key order.
    announced_rounds = snapshot.data.get("rounds", {})
    for kind in edition.rounds.order_by("kind").values_list("kind", flat=True):
        announced = announced_rounds.get(kind, {}).get("ranking", {})
        current = now["rounds"].get(kind, {}).get("ranking", {})
        for category in edition.categories.values_list("slug", flat=True):
            if announced.get(category) != current.get(category):
                differences.append(
                    _("%(round)s, %(category)s: the ranking now differs from the one announced.")
                    % {"round": kind, "category": category}
                )
    if snapshot.data.get("awards") != now["awards"]:
        differences.append(_("The awards now differ from those announced."))
    return differences

"""Jury work: assignment, conflicts of interest, scoring, ranking, decisions and announcement.

The maths is in `moim.tally.scoring` (plain functions); this module feeds it the submitted sheets
of one round and keeps what the jury decided apart from what the ranking advised.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.awards.enums import (
    ConflictSource,
    ConflictStatus,
    EditionStatus,
    EntryStatus,
    LogAction,
    RoundKind,
    RoundStatus,
)
from moim.awards.models import (
    COUNTED_STATUSES,
    Assignment,
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
    Score,
    Sheet,
)
from moim.awards.rules import is_conflicted
from moim.awards.services import log
from moim.members.rules import is_secretariat
from moim.tally import scoring


def _require_secretariat(by: Any, what: str) -> None:
    if not is_secretariat(by):
        raise PermissionDenied(_("Only the secretariat %s.") % what)


def round_entries(round_: Round) -> QuerySet[Entry]:
    return Entry.objects.filter(edition_id=round_.edition_id, status__in=round_.entry_statuses())


def conflicts_frozen(edition: Edition) -> bool:
    """Conflicts are frozen while any round of the edition is open for scoring."""
    return edition.rounds.filter(status=RoundStatus.SCORING).exists()


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


def detect_conflicts(*, edition: Edition, by: Any = None) -> list[Conflict]:
    """Record a conflict for every juror affiliated with an entry's applicant or city.

    A juror's member is compared with the applicant and the city; a juror from outside the
    registry is compared by organization name with a company or organization applying.
    With `edition.conflict_same_country`, a juror from a member in the city's country is
    conflicted too. Existing conflicts (declared, waived...) are left as they are.
    """
    if conflicts_frozen(edition):
        raise ValidationError(_("Conflicts are frozen while scoring is open."))
    created: list[Conflict] = []
    jurors = edition.jurors.select_related("person__member")
    entries = list(
        edition.entries.filter(status__in=COUNTED_STATUSES).select_related(
            "beneficiary", "applicant_member"
        )
    )
    with transaction.atomic():
        for juror in jurors:
            member = juror.person.member
            outside = juror.person.affiliation_en.strip().casefold()
            for entry in entries:
                reason = ""
                if member is not None and entry.beneficiary_id == member.pk:
                    reason = _("The juror belongs to the beneficiary city, %s.") % member.name_en
                elif member is not None and entry.applicant_member_id == member.pk:
                    reason = _("The juror belongs to the applicant, %s.") % member.name_en
                elif outside and outside == entry.applicant_name.strip().casefold():
                    reason = _("The juror works for the applicant, %s.") % entry.applicant_name
                elif (
                    member is not None
                    and edition.conflict_same_country
                    and entry.beneficiary.country == member.country
                ):
                    reason = _("The juror's member, %(member)s, is in the city's country.") % {
                        "member": member.name_en
                    }
                if not reason:
                    continue
                conflict, was_created = Conflict.objects.get_or_create(
                    juror=juror,
                    entry=entry,
                    defaults={"source": ConflictSource.AUTOMATIC, "reason": reason},
                )
                if was_created:
                    created.append(conflict)
        if created:
            log(edition=edition, action=LogAction.CONFLICT_RECORDED, actor=by, count=len(created))
    return created


def declare_conflict(*, juror: Juror, entry: Entry, reason: str, by: Any) -> Conflict:
    """A juror declares a conflict, or the secretariat sets one.

    Recusal is always possible, even while scoring is open: it only removes the juror from the
    entry, and any sheet it had started stops counting. What the freeze forbids is waiving.
    """
    if not reason.strip():
        raise ValidationError(_("Give the reason for the conflict."))
    own = juror.person.user_id is not None and juror.person.user_id == getattr(by, "pk", None)
    if not own and not is_secretariat(by):
        raise PermissionDenied(_("Only the juror or the secretariat records this conflict."))
    source = ConflictSource.DECLARED if own else ConflictSource.CHAIR
    with transaction.atomic():
        conflict, _created = Conflict.objects.update_or_create(
            juror=juror,
            entry=entry,
            defaults={"source": source, "reason": reason.strip(), "status": ConflictStatus.OPEN},
        )
        Assignment.objects.filter(juror=juror, entry=entry).delete()
        log(
            edition=entry.edition,
            entry=entry,
            action=LogAction.CONFLICT_RECORDED,
            actor=by,
            juror=juror.pk,
            source=source,
        )
    return conflict


def review_conflict(*, conflict: Conflict, status: ConflictStatus, by: Any) -> Conflict:
    """The chair (secretariat) confirms or waives a conflict, before scoring opens."""
    _require_secretariat(by, _("reviews conflicts"))
    if status == ConflictStatus.OPEN:
        raise ValidationError(_("A review confirms or waives the conflict."))
    if conflicts_frozen(conflict.entry.edition):
        raise ValidationError(_("Conflicts are frozen while scoring is open."))
    with transaction.atomic():
        conflict.status = status
        conflict.reviewed_by = by
        conflict.reviewed_at = timezone.now()
        conflict.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        log(
            edition=conflict.entry.edition,
            entry=conflict.entry,
            action=LogAction.CONFLICT_REVIEWED,
            actor=by,
            juror=conflict.juror_id,
            status=status,
        )
    return conflict


# ---------------------------------------------------------------------------------------------
# Assignment and rounds


def assign_jurors(*, round_: Round, by: Any, per_entry: int | None = None) -> int:
    """Assign the round's entries to jurors; returns how many assignments were made.

    Without `per_entry`, every juror gets every entry of its categories (all categories when it
    has none). With `per_entry` = k, each entry gets k jurors, spread evenly: the least loaded
    jurors first. A conflicted juror is never assigned.
    """
    _require_secretariat(by, _("assigns jurors"))
    if round_.status != RoundStatus.PREPARING:
        raise ValidationError(_("Jurors are assigned before scoring opens."))
    jurors = list(round_.edition.jurors.prefetch_related("categories").order_by("pk"))
    if not jurors:
        raise ValidationError(_("This edition has no jurors yet."))
    conflicted = set(
        Conflict.objects.applying()
        .filter(juror__edition=round_.edition)
        .values_list("juror_id", "entry_id")
    )
    entries = list(round_entries(round_).order_by("category__position", "pk"))
    pairs: list[tuple[Juror, Entry]] = []
    if per_entry is None:
        for juror in jurors:
            categories = {c.pk for c in juror.categories.all()}
            for entry in entries:
                if (not categories or entry.category_id in categories) and (
                    juror.pk,
                    entry.pk,
                ) not in conflicted:
                    pairs.append((juror, entry))
    else:
        if per_entry < 1:
            raise ValidationError(_("Each entry needs at least one juror."))
        load: dict[int, int] = dict.fromkeys((j.pk for j in jurors), 0)
        free_jurors = {
            entry.pk: [j for j in jurors if (j.pk, entry.pk) not in conflicted] for entry in entries
        }
        # The most constrained entries choose first, so conflicts do not unbalance the loads.
        for entry in sorted(entries, key=lambda e: len(free_jurors[e.pk])):
            free = free_jurors[entry.pk]
            if len(free) < per_entry:
                raise ValidationError(
                    _("“%(entry)s” has only %(free)d jurors without a conflict; %(k)d are needed.")
                    % {"entry": entry.title, "free": len(free), "k": per_entry}
                )
            chosen = sorted(free, key=lambda j: (load[j.pk], j.pk))[:per_entry]
            for juror in chosen:
                load[juror.pk] += 1
                pairs.append((juror, entry))
    with transaction.atomic():
        round_.assignments.all().delete()
        Assignment.objects.bulk_create(
            [Assignment(round=round_, juror=juror, entry=entry) for juror, entry in pairs]
        )
        log(edition=round_.edition, action=LogAction.JURORS_ASSIGNED, actor=by, count=len(pairs))
    return len(pairs)


def open_scoring(*, round_: Round, by: Any) -> Round:
    """Open the round for scoring; from now on the set of conflicts is frozen."""
    _require_secretariat(by, _("opens scoring"))
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != RoundStatus.PREPARING:
            raise ValidationError(_("This round has already been opened."))
        if not round_.assignments.exists():
            raise ValidationError(_("Assign jurors before opening the round."))
        # A conflict recorded after assignment still removes the juror from that entry.
        applying = Conflict.objects.applying().filter(juror__edition=round_.edition)
        for juror_id, entry_id in applying.values_list("juror_id", "entry_id"):
            round_.assignments.filter(juror_id=juror_id, entry_id=entry_id).delete()
        round_.status = RoundStatus.SCORING
        round_.opened_at = timezone.now()
        round_.save(update_fields=["status", "opened_at"])
        edition = round_.edition
        edition.status = EditionStatus.JUDGING
        edition.save(update_fields=["status"])
        log(
            edition=edition,
            action=LogAction.ROUND_OPENED,
            actor=by,
            round=round_.kind,
            conflicts=[
                {"juror": c.juror_id, "entry": c.entry_id, "source": c.source, "status": c.status}
                for c in Conflict.objects.filter(juror__edition=edition).order_by("pk")
            ],
        )
    return round_


def close_round(*, round_: Round, by: Any) -> Round:
    _require_secretariat(by, _("closes rounds"))
    if round_.status != RoundStatus.SCORING:
        raise ValidationError(_("Only an open round can be closed."))
    with transaction.atomic():
        round_.status = RoundStatus.CLOSED
        round_.closed_at = timezone.now()
        round_.save(update_fields=["status", "closed_at"])
        log(edition=round_.edition, action=LogAction.ROUND_CLOSED, actor=by, round=round_.kind)
    return round_


def score_entry(
    *,
    round_: Round,
    juror: Juror,
    entry: Entry,
    values: dict[str, int | None],
    comments: dict[str, str] | None = None,
    comment: str = "",
    submit: bool = False,
) -> Sheet:
    """Save a juror's scores for an entry in an open round; `submit` requires every criterion.

    A juror conflicted with the entry, or not assigned to it, gets Http404: for that juror the
    entry does not exist.
    """
    if (
        is_conflicted(juror, entry)
        or not Assignment.objects.filter(round=round_, juror=juror, entry=entry).exists()
    ):
        raise Http404("No such entry.")
    # The round's state is read from the database, never trusted from a caller's copy.
    round_.refresh_from_db(fields=["status"])
    if round_.status != RoundStatus.SCORING:
        raise ValidationError(_("Scoring is not open in this round."))
    criteria = {c.key: c for c in round_.edition.criteria.all()}
    unknown = sorted(set(values) - set(criteria))
    if unknown:
        raise ValidationError(_("Unknown criteria: %s.") % ", ".join(unknown))
    for key, value in values.items():
        criterion = criteria[key]
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            raise ValidationError(
                _("%(criterion)s: %(value)s is outside the scale %(low)d–%(high)d.")
                % {
                    "criterion": criterion.name,
                    "value": value,
                    "low": criterion.scale_min,
                    "high": criterion.scale_max,
                }
            )
    if submit:
        missing = [c.name for key, c in criteria.items() if values.get(key) is None]
        if missing:
            raise ValidationError(
                _("Score every criterion before submitting: %s.") % ", ".join(missing)
            )
    comments = comments or {}
    with transaction.atomic():
        sheet, _created = Sheet.objects.get_or_create(round=round_, juror=juror, entry=entry)
        for key, criterion in criteria.items():
            value = values.get(key)
            if value is None:
                Score.objects.filter(sheet=sheet, criterion=criterion).delete()
                continue
            Score.objects.update_or_create(
                sheet=sheet,
                criterion=criterion,
                defaults={"value": value, "comment": comments.get(key, "")},
            )
        sheet.comment = comment
        sheet.submitted_at = timezone.now() if submit else None
        sheet.save(update_fields=["comment", "submitted_at"])
    return sheet


# ---------------------------------------------------------------------------------------------
# Progress and ranking


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


def select_finalists(*, round_: Round, per_category: int, by: Any) -> list[Entry]:
    """The first round's top entries of each category become finalists."""
    _require_secretariat(by, _("selects finalists"))
    if round_.kind != RoundKind.FIRST:
        raise ValidationError(_("Finalists come from the first evaluation round."))
    chosen: list[Entry] = []
    for rows in compute_ranking(round_=round_).values():
        chosen += [row.entry for row in rows if row.position <= per_category]
    with transaction.atomic():
        Entry.objects.filter(pk__in=[e.pk for e in chosen]).update(status=EntryStatus.FINALIST)
        log(
            edition=round_.edition,
            action=LogAction.FINALISTS_SELECTED,
            actor=by,
            entries=[e.pk for e in chosen],
        )
    return chosen


def _level_slots(level: AwardLevel) -> range:
    before = sum(lv.per_category for lv in level.edition.levels.filter(position__lt=level.position))
    return range(before + 1, before + level.per_category + 1)


def decide_award(
    *, round_: Round, entry: Entry, level: AwardLevel, by: Any, rationale: str = ""
) -> JuryDecision:
    """Record the jury's decision; departing from the ranking or breaking a tie needs a reason."""
    _require_secretariat(by, _("records the jury's decisions"))
    entry.refresh_from_db(fields=["status", "category"])
    if round_.kind != RoundKind.JURY or entry.status != EntryStatus.FINALIST:
        raise ValidationError(_("Awards go to finalists, by decision of the jury round."))
    if level.edition_id != round_.edition_id:
        raise ValidationError(_("That level belongs to another edition."))
    taken = JuryDecision.objects.filter(round=round_, category=entry.category, level=level)
    if taken.exclude(entry=entry).count() >= level.per_category:
        raise ValidationError(
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
        raise ValidationError(
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
                "decided_by": by,
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
    _require_secretariat(by, _("announces results"))
    return record_announcement(edition=edition, by=by)


def record_announcement(*, edition: Edition, by: Any = None) -> ResultSnapshot:
    """The work of `announce`, without the access check: for loaders and commands."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if ResultSnapshot.objects.filter(edition=edition).exists():
            raise ValidationError(_("The results of this edition have already been announced."))
        decisions = JuryDecision.objects.filter(round__edition=edition).select_related("entry")
        if not decisions.exists():
            raise ValidationError(_("The jury has decided no award yet."))
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
            edition=edition, announced_by=by, data=_snapshot(edition)
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

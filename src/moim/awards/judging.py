"""Jury work: conflicts of interest, assignment, rounds and scoring.

What the scores give (ranking, finalists, decisions, announcement) is in `results.py`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from moim import errors
from moim.awards.enums import (
    ConflictSource,
    ConflictStatus,
    EditionStatus,
    LogAction,
    RoundKind,
    RoundStatus,
)
from moim.awards.models import (
    COUNTED_STATUSES,
    Assignment,
    Conflict,
    Edition,
    Entry,
    Juror,
    ResultSnapshot,
    Round,
    Score,
    Sheet,
)
from moim.awards.rules import can_manage_awards, can_record_conflict, is_conflicted, is_the_juror
from moim.awards.services import log
from moim.permissions import require, stored_user


def round_entries(round_: Round) -> QuerySet[Entry]:
    return Entry.objects.filter(edition_id=round_.edition_id, status__in=round_.entry_statuses())


def conflicts_frozen(edition: Edition) -> bool:
    """Conflicts are frozen while any round of the edition is open for scoring."""
    return edition.rounds.filter(status=RoundStatus.SCORING).exists()


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


def detect_conflicts(*, edition: Edition, by: Any) -> list[Conflict]:
    """Record a conflict for every juror affiliated with an entry's applicant or city.

    A juror's member is compared with the applicant and the city; a juror from outside the
    registry is compared by organization name with a company or organization applying.
    With `edition.conflict_same_country`, a juror from a member in the city's country is
    conflicted too. Existing conflicts (declared, waived...) are left as they are.
    """
    require(can_manage_awards, by)
    if conflicts_frozen(edition):
        raise errors.Conflict(_("Conflicts are frozen while scoring is open."))
    entries = edition.entries.filter(status__in=COUNTED_STATUSES)
    with transaction.atomic():
        created = _record_conflicts(edition=edition, entries=entries)
        if created:
            log(edition=edition, action=LogAction.CONFLICT_RECORDED, actor=by, count=len(created))
    return created


def _record_conflicts(*, edition: Edition, entries: QuerySet[Entry]) -> list[Conflict]:
    """Record the automatic conflicts of every juror with these entries; returns the new ones."""
    created: list[Conflict] = []
    jurors = edition.jurors.select_related("person__member")
    entries = entries.select_related("beneficiary", "applicant_member")
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
    return created


def declare_conflict(*, juror: Juror, entry: Entry, reason: str, by: Any) -> Conflict:
    """A juror declares a conflict, or the secretariat sets one.

    Recusal is always possible, even while scoring is open: it only removes the juror from the
    entry, and any sheet it had started stops counting. What the freeze forbids is waiving.
    """
    if not reason.strip():
        raise errors.Invalid(_("Give the reason for the conflict."))
    message = _("Only the juror or the secretariat records this conflict.")
    require(can_record_conflict, by, juror, message=message)
    own = is_the_juror.test(by, juror)
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
    require(can_manage_awards, by)
    if status == ConflictStatus.OPEN:
        raise errors.Invalid(_("A review confirms or waives the conflict."))
    if conflicts_frozen(conflict.entry.edition):
        raise errors.Conflict(_("Conflicts are frozen while scoring is open."))
    with transaction.atomic():
        conflict.status = status
        conflict.reviewed_by = stored_user(by)
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
    require(can_manage_awards, by)
    if round_.status != RoundStatus.PREPARING:
        raise errors.Conflict(_("Jurors are assigned before scoring opens."))
    jurors = list(round_.edition.jurors.prefetch_related("categories").order_by("pk"))
    if not jurors:
        raise errors.Conflict(_("This edition has no jurors yet."))
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
            raise errors.Invalid(_("Each entry needs at least one juror."))
        load: dict[int, int] = dict.fromkeys((j.pk for j in jurors), 0)
        free_jurors = {
            entry.pk: [j for j in jurors if (j.pk, entry.pk) not in conflicted] for entry in entries
        }
        # The most constrained entries choose first, so conflicts do not unbalance the loads.
        for entry in sorted(entries, key=lambda e: len(free_jurors[e.pk])):
            free = free_jurors[entry.pk]
            if len(free) < per_entry:
                raise errors.Conflict(
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
    require(can_manage_awards, by)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != RoundStatus.PREPARING:
            raise errors.Conflict(_("This round has already been opened."))
        if not round_.assignments.exists():
            raise errors.Conflict(_("Assign jurors before opening the round."))
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
    require(can_manage_awards, by)
    if round_.status != RoundStatus.SCORING:
        raise errors.Conflict(_("Only an open round can be closed."))
    with transaction.atomic():
        round_.status = RoundStatus.CLOSED
        round_.closed_at = timezone.now()
        round_.save(update_fields=["status", "closed_at"])
        log(edition=round_.edition, action=LogAction.ROUND_CLOSED, actor=by, round=round_.kind)
    return round_


def reopen_round(*, round_: Round, reason: str, by: Any) -> Round:
    """Reopen a closed round for scoring (a late entry, a juror who could not finish).

    Refused once the next step has begun: the jury round has opened after the first round, or
    the results are announced. The conflicts are frozen again while it is open.
    """
    require(can_manage_awards, by)
    if not reason.strip():
        raise errors.Invalid(_("Say why the round is reopened."))
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("edition").get(pk=round_.pk)
        edition = round_.edition
        if round_.status != RoundStatus.CLOSED:
            raise errors.Conflict(_("Only a closed round can be reopened."))
        if ResultSnapshot.objects.filter(edition=edition).exists():
            raise errors.Conflict(
                _("The results of this edition are announced: its rounds stay closed.")
            )
        if (
            round_.kind == RoundKind.FIRST
            and edition.rounds.filter(kind=RoundKind.JURY)
            .exclude(status=RoundStatus.PREPARING)
            .exists()
        ):
            raise errors.Conflict(
                _("The jury round has opened: the first round can no longer be reopened.")
            )
        round_.status = RoundStatus.SCORING
        round_.closed_at = None
        round_.save(update_fields=["status", "closed_at"])
        edition.status = EditionStatus.JUDGING
        edition.save(update_fields=["status"])
        log(
            edition=edition,
            action=LogAction.ROUND_REOPENED,
            actor=by,
            round=round_.kind,
            reason=reason.strip(),
        )
    return round_


def entries_waiting(round_: Round) -> QuerySet[Entry]:
    """The round's entries that no juror has in this round yet (screened late, say)."""
    return (
        round_entries(round_)
        .exclude(assignments__round=round_)
        .select_related("category", "beneficiary")
        .order_by("category__position", "title")
    )


def add_late_entries(
    *,
    round_: Round,
    by: Any,
    entries: list[Entry] | None = None,
    per_entry: int | None = None,
) -> int:
    """Bring entries into a round already open for scoring; returns the assignments made.

    Without `entries`, every entry waiting for the round joins it. Conflicts with the new
    entries are detected first (the freeze forbids waiving, not recording), then each entry
    goes to every juror of its category or, with `per_entry` = k, to the k least loaded
    jurors, never to a conflicted one. Each entry's arrival is logged.
    """
    require(can_manage_awards, by)
    if per_entry is not None and per_entry < 1:
        raise errors.Invalid(_("Each entry needs at least one juror."))
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("edition").get(pk=round_.pk)
        edition = round_.edition
        if round_.status == RoundStatus.CLOSED:
            raise errors.Conflict(_("This round is closed: reopen it before adding entries."))
        if round_.status != RoundStatus.SCORING:
            raise errors.Conflict(
                _("This round is not open yet: assign the jurors again to include every entry.")
            )
        waiting = {e.pk: e for e in entries_waiting(round_)}
        if entries is None:
            chosen = list(waiting.values())
        else:
            strays = [e.title for e in entries if e.pk not in waiting]
            if strays:
                raise errors.Invalid(
                    _(
                        "Not waiting for this round (already in it, or not screened for it): "
                        "%(entries)s."
                    )
                    % {"entries": ", ".join(strays)}
                )
            chosen = [waiting[e.pk] for e in entries]
        if not chosen:
            raise errors.Conflict(_("No entry is waiting to join this round."))
        new_conflicts = _record_conflicts(
            edition=edition, entries=Entry.objects.filter(pk__in=[e.pk for e in chosen])
        )
        conflicted = set(
            Conflict.objects.applying()
            .filter(juror__edition=edition)
            .values_list("juror_id", "entry_id")
        )
        jurors = list(edition.jurors.prefetch_related("categories").order_by("pk"))
        load: dict[int, int] = dict.fromkeys((j.pk for j in jurors), 0)
        for juror_id in round_.assignments.values_list("juror_id", flat=True):
            load[juror_id] += 1
        made = 0
        for entry in chosen:
            free = [j for j in jurors if (j.pk, entry.pk) not in conflicted]
            if per_entry is None:
                picked = [
                    j
                    for j in free
                    if not j.categories.all()
                    or entry.category_id in {c.pk for c in j.categories.all()}
                ]
            else:
                if len(free) < per_entry:
                    raise errors.Conflict(
                        _(
                            "“%(entry)s” has only %(free)d jurors without a conflict; "
                            "%(k)d are needed."
                        )
                        % {"entry": entry.title, "free": len(free), "k": per_entry}
                    )
                picked = sorted(free, key=lambda j: (load[j.pk], j.pk))[:per_entry]
            if not picked:
                raise errors.Conflict(
                    _("“%(entry)s” has no juror without a conflict in its category.")
                    % {"entry": entry.title}
                )
            Assignment.objects.bulk_create(
                [Assignment(round=round_, juror=juror, entry=entry) for juror in picked]
            )
            for juror in picked:
                load[juror.pk] += 1
            made += len(picked)
            log(
                edition=edition,
                entry=entry,
                action=LogAction.ROUND_ENTRIES_ADDED,
                actor=by,
                round=round_.kind,
                jurors=[j.pk for j in picked],
            )
        if new_conflicts:
            log(
                edition=edition,
                action=LogAction.CONFLICT_RECORDED,
                actor=by,
                count=len(new_conflicts),
            )
    return made


def check_round_deletable(round_: Round) -> None:
    """An open round, or one with score sheets or decisions, is never deleted."""
    if round_.status == RoundStatus.SCORING:
        raise errors.Conflict(
            _("“%(round)s” is open for scoring: an open round is never deleted.")
            % {"round": round_}
        )
    if round_.sheets.exists() or round_.decisions.exists():
        raise errors.Conflict(
            _("“%(round)s” has scores: a round with scores is kept.") % {"round": round_}
        )


def delete_round(*, round_: Round, by: Any) -> None:
    """Delete a round that never held scores (one made by mistake, say), with its log entry."""
    require(can_manage_awards, by)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().select_related("edition").get(pk=round_.pk)
        check_round_deletable(round_)
        edition, kind, status = round_.edition, round_.kind, round_.status
        round_.delete()
        log(edition=edition, action=LogAction.ROUND_DELETED, actor=by, round=kind, status=status)


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

    A juror conflicted with the entry, or not assigned to it, gets `NotFound`: for that juror the
    entry does not exist.
    """
    if (
        is_conflicted(juror, entry)
        or not Assignment.objects.filter(round=round_, juror=juror, entry=entry).exists()
    ):
        raise errors.NotFound("No such entry.")
    # The round's state is read from the database, never trusted from a caller's copy.
    round_.refresh_from_db(fields=["status"])
    if round_.status != RoundStatus.SCORING:
        raise errors.Conflict(_("Scoring is not open in this round."))
    criteria = {c.key: c for c in round_.edition.criteria.all()}
    unknown = sorted(set(values) - set(criteria))
    if unknown:
        raise errors.Invalid(_("Unknown criteria: %s.") % ", ".join(unknown))
    for key, value in values.items():
        criterion = criteria[key]
        if value is not None and not criterion.scale_min <= value <= criterion.scale_max:
            raise errors.Invalid(
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
            raise errors.Invalid(
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

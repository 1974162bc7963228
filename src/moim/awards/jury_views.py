"""The jury's pages and the secretariat's: scoring, progress, ranking and CSV exports."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moim.awards import answers, judging, results, services
from moim.awards.access import edition_by_number, entry_for_juror, entry_in, juror_seat
from moim.awards.enums import EntryStatus, RoundKind, RoundStatus
from moim.awards.forms import ConflictForm, ScoreSheetForm
from moim.awards.models import (
    Assignment,
    Conflict,
    Edition,
    Entry,
    JuryDecision,
    Round,
    Score,
    Sheet,
)
from moim.awards.queries import current_round
from moim.awards.round_views import round_acts
from moim.awards.rules import can_manage_awards
from moim.errors import Refused
from moim.permissions import guard
from moim.spreadsheets import safe_row


def jury_home(request: HttpRequest, number: int) -> HttpResponse:
    edition = edition_by_number(number)
    juror = juror_seat(request.user, edition)
    round_ = current_round(edition)
    assignments = []
    if round_ is not None:
        submitted = set(
            Sheet.objects.filter(round=round_, juror=juror, submitted_at__isnull=False).values_list(
                "entry_id", flat=True
            )
        )
        assignments = [
            (assignment.entry, assignment.entry_id in submitted)
            for assignment in Assignment.objects.filter(round=round_, juror=juror)
            .exclude(entry__in=Conflict.objects.applying().filter(juror=juror).values("entry"))
            .select_related("entry__category", "entry__beneficiary")
            .order_by("entry__category__position", "entry__title")
        ]
    return render(
        request,
        "awards/jury_home.html",
        {
            "edition": edition,
            "juror": juror,
            "round": round_,
            "assignments": assignments,
            "done": sum(1 for _entry, done in assignments if done),
        },
    )


def jury_entry(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    """An assigned entry and the juror's score sheet; a conflicted juror gets 404."""
    edition = edition_by_number(number)
    juror = juror_seat(request.user, edition)
    entry = entry_for_juror(request.user, edition, pk)
    round_ = current_round(edition)
    if round_ is None:
        raise Http404("No round.")
    criteria = list(edition.criteria.all())
    sheet = Sheet.objects.filter(round=round_, juror=juror, entry=entry).first()
    initial: dict[str, Any] = {}
    if sheet is not None:
        initial["comment"] = sheet.comment
        for score in Score.objects.filter(sheet=sheet).select_related("criterion"):
            initial[f"score_{score.criterion.key}"] = score.value
            initial[f"comment_{score.criterion.key}"] = score.comment
    form = ScoreSheetForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            judging.score_entry(
                round_=round_,
                juror=juror,
                entry=entry,
                values=form.values(),
                comments=form.comments(),
                comment=form.cleaned_data["comment"],
                submit="submit" in request.POST,
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Scores submitted.") if "submit" in request.POST else _("Saved.")
            )
            return redirect("awards:jury_entry", number=number, pk=pk)
    return render(
        request,
        "awards/jury_entry.html",
        {
            "edition": edition,
            "entry": entry,
            "round": round_,
            "form": form,
            "sheet": sheet,
            "open": round_.status == RoundStatus.SCORING,
            "conflict_form": ConflictForm(),
            "answered": answers.answered(entry, answers.questions_for(edition)),
        },
    )


@require_POST
def declare_conflict(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    edition = edition_by_number(number)
    juror = juror_seat(request.user, edition)
    entry = entry_for_juror(request.user, edition, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        judging.declare_conflict(
            juror=juror, entry=entry, reason=form.cleaned_data["reason"], by=request.user
        )
        messages.success(request, _("Conflict declared: the entry is no longer yours to score."))
    else:
        messages.error(request, _("Give the reason for the conflict."))
    return redirect("awards:jury", number=number)


# ---------------------------------------------------------------------------------------------
# The secretariat


def _round(edition: Edition, kind: str | None) -> Round:
    if kind:
        return get_object_or_404(edition.rounds, kind=kind)
    round_ = current_round(edition)
    if round_ is None:
        raise Http404("This edition has no evaluation round yet.")
    return round_


def screening(request: HttpRequest, number: int) -> HttpResponse:
    """The secretariat marks submitted entries eligible or not (a refusal needs a reason)."""
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    if request.method == "POST":
        entry_id = request.POST.get("entry", "")
        if not entry_id.isdigit():
            messages.error(request, _("Choose an entry to screen."))
            return redirect("awards:screening", number=number)
        entry = entry_in(edition, int(entry_id))
        try:
            services.screen_entry(
                entry=entry,
                eligible="eligible" in request.POST,
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
        except (Refused, PermissionDenied) as error:
            messages.error(request, f"{entry.title}: {error!s}")
        else:
            messages.success(request, f"{entry.title}: {entry.get_status_display()}.")
        return redirect("awards:screening", number=number)
    entries = edition.entries.filter(
        status__in=[EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE]
    ).select_related("category", "beneficiary", "applicant_member")
    return render(request, "awards/screening.html", {"edition": edition, "entries": entries})


def progress(request: HttpRequest, number: int) -> HttpResponse:
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    round_ = _round(edition, request.GET.get("round"))
    rows = results.progress(round_=round_)
    return render(
        request,
        "awards/progress.html",
        {
            "edition": edition,
            "round": round_,
            "rows": rows,
            "late": [row for row in rows if row.late],
            **round_acts(round_),
        },
    )


def ranking(request: HttpRequest, number: int) -> HttpResponse:
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    round_ = _round(edition, request.GET.get("round"))
    decisions = {
        d.entry_id: d for d in JuryDecision.objects.filter(round=round_).select_related("level")
    }
    return render(
        request,
        "awards/ranking.html",
        {
            "edition": edition,
            "round": round_,
            "ranking": {
                category: [(row, decisions.get(row.entry.pk)) for row in rows]
                for category, rows in results.compute_ranking(round_=round_).items()
            },
            "differences": results.snapshot_differences(edition=edition),
            "levels": edition.levels.all(),
            "can_decide": round_.kind == RoundKind.JURY and not hasattr(edition, "snapshot"),
        },
    )


@require_POST
def decide(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    """Record the jury's decision for one entry from the ranking page."""
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    entry = entry_in(edition, pk, Entry.objects.select_related("category"))
    round_ = get_object_or_404(edition.rounds, kind=RoundKind.JURY)
    level_id = request.POST.get("level", "")
    if not level_id.isdigit():
        messages.error(request, _("Choose an award level."))
        return redirect(f"{reverse('awards:ranking', kwargs={'number': number})}?round=jury")
    level = get_object_or_404(edition.levels, pk=int(level_id))
    try:
        results.decide_award(
            round_=round_,
            entry=entry,
            level=level,
            by=request.user,
            rationale=request.POST.get("rationale", ""),
        )
    except (Refused, PermissionDenied) as error:
        messages.error(request, f"{entry.title}: {error!s}")
    else:
        messages.success(request, f"{entry.title}: {level.name}.")
    return redirect(f"{reverse('awards:ranking', kwargs={'number': number})}?round=jury")


@require_POST
def announce(request: HttpRequest, number: int) -> HttpResponse:
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    try:
        results.announce(edition=edition, by=request.user)
    except Refused as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('awards:ranking', kwargs={'number': number})}?round=jury")
    messages.success(request, _("The winners are announced."))
    return redirect("awards:winners", number=number)


def _csv_response(filename: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 (Korean names) with a BOM
    return response, csv.writer(response)


def export_entries(request: HttpRequest, number: int) -> HttpResponse:
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    response, writer = _csv_response(f"awards-{edition.number}-entries.csv")
    questions = answers.questions_for(edition)
    writer.writerow(
        [
            *["id", "category", "title", "applicant", "beneficiary", "country", "status"],
            "submitted",
            # One column per question of the edition's own, headed by its English wording.
            *safe_row(q.label_en for q in questions),
        ]
    )
    entries = edition.entries.select_related("category", "beneficiary", "applicant_member")
    if questions:
        entries = entries.prefetch_related("answers")
    for entry in entries.order_by("category__position", "pk"):
        # Text typed by applicants and jurors: no cell may be a formula; figures stay figures.
        writer.writerow(
            safe_row(
                [
                    entry.pk,
                    entry.category.name_en,
                    entry.title,
                    entry.applicant,
                    entry.beneficiary.name_en,
                    str(entry.beneficiary.country),
                    entry.status,
                    entry.submitted_at.isoformat() if entry.submitted_at else "",
                    *(answers.answer_cells(entry, questions) if questions else []),
                ]
            )
        )
    return response


def export_scores(request: HttpRequest, number: int) -> HttpResponse:
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    response, writer = _csv_response(f"awards-{edition.number}-scores.csv")
    writer.writerow(
        [
            "round",
            "entry_id",
            "entry",
            "juror",
            "criterion",
            "weight",
            "score",
            "submitted",
            "comment",
        ]
    )
    scores = (
        Score.objects.filter(sheet__round__edition=edition)
        .select_related("sheet__round", "sheet__entry", "sheet__juror__person", "criterion")
        .order_by("sheet__round__kind", "sheet__entry_id", "sheet__juror_id", "criterion__position")
    )
    for score in scores:
        sheet = score.sheet
        writer.writerow(
            safe_row(
                [
                    sheet.round.kind,
                    sheet.entry_id,
                    sheet.entry.title,
                    sheet.juror.person.name_en,
                    score.criterion.key,
                    score.criterion.weight,
                    score.value,
                    "yes" if sheet.submitted_at else "no",
                    score.comment,
                ]
            )
        )
    return response

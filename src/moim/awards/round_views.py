"""The secretariat's acts on rounds, through pages: finalists, late entries, close and reopen."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from moim.awards import judging, results
from moim.awards.access import edition_by_number
from moim.awards.enums import EntryStatus, RoundKind, RoundStatus
from moim.awards.forms import FinalistsForm, LateEntriesForm, ReopenRoundForm
from moim.awards.models import Edition, Entry, Round
from moim.awards.rules import can_manage_awards
from moim.errors import Refused
from moim.permissions import guard

DEFAULT_FINALISTS = 3


class FinalistCountForm(forms.Form):
    top = forms.IntegerField(
        label=gettext_lazy("Propose the first"), min_value=1, max_value=100, required=False
    )


def _progress_url(edition: Edition, round_: Round) -> str:
    return f"{reverse('awards:progress', kwargs={'number': edition.number})}?round={round_.kind}"


def round_acts(round_: Round) -> dict[str, Any]:
    """What the progress page offers for the round's state (its `_round_acts.html` partial)."""
    waiting = judging.entries_waiting(round_)
    return {
        "waiting_form": LateEntriesForm(waiting=waiting)
        if round_.status == RoundStatus.SCORING and waiting.exists()
        else None,
        "reopen_form": ReopenRoundForm() if round_.status == RoundStatus.CLOSED else None,
    }


def finalists(request: HttpRequest, number: int) -> HttpResponse:
    """The first round's ranking with a box per entry: the ticked ones become finalists."""
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    round_ = get_object_or_404(edition.rounds, kind=RoundKind.FIRST)
    ranking = results.compute_ranking(round_=round_)
    candidates = Entry.objects.filter(
        pk__in=[row.entry.pk for rows in ranking.values() for row in rows]
    ).select_related("beneficiary")
    count_form = FinalistCountForm(request.GET or None)
    top = DEFAULT_FINALISTS
    if count_form.is_valid() and count_form.cleaned_data["top"]:
        top = count_form.cleaned_data["top"]
    posted = request.POST if request.method == "POST" else None
    form = FinalistsForm(posted, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = results.select_finalists(
                round_=round_, entries=list(form.cleaned_data["entries"]), by=request.user
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(count)d finalists selected. The jury round is ready for its jurors.")
                % {"count": len(chosen)},
            )
            return redirect("awards:finalists", number=number)
    if form.is_bound:
        selected = {int(pk) for pk in request.POST.getlist("entries") if pk.isdigit()}
    else:
        current = set(candidates.filter(status=EntryStatus.FINALIST).values_list("pk", flat=True))
        selected = current or results.proposed_finalists(round_=round_, per_category=top)
    jury = edition.rounds.filter(kind=RoundKind.JURY).first()
    return render(
        request,
        "awards/finalists.html",
        {
            "edition": edition,
            "round": round_,
            "ranking": ranking,
            "selected": selected,
            "form": form,
            "count_form": count_form,
            "top": top,
            "jury": jury,
            "can_select": round_.status == RoundStatus.CLOSED
            and (jury is None or jury.status == RoundStatus.PREPARING),
        },
    )


def _round_for_act(request: HttpRequest, number: int, kind: str) -> tuple[Edition, Round]:
    guard(request, can_manage_awards)
    edition = edition_by_number(number)
    return edition, get_object_or_404(edition.rounds, kind=kind)


def _report(request: HttpRequest, act: Any, done: str) -> None:
    try:
        act()
    except (Refused, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)


@require_POST
def close_round(request: HttpRequest, number: int, kind: str) -> HttpResponse:
    edition, round_ = _round_for_act(request, number, kind)
    _report(
        request,
        lambda: judging.close_round(round_=round_, by=request.user),
        _("Scoring is closed in this round."),
    )
    if round_.kind == RoundKind.FIRST:
        return redirect("awards:finalists", number=number)
    return redirect(_progress_url(edition, round_))


@require_POST
def reopen_round(request: HttpRequest, number: int, kind: str) -> HttpResponse:
    edition, round_ = _round_for_act(request, number, kind)
    form = ReopenRoundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the round is reopened."))
    else:
        _report(
            request,
            lambda: judging.reopen_round(
                round_=round_, reason=form.cleaned_data["reason"], by=request.user
            ),
            _("Scoring is open again in this round."),
        )
    return redirect(_progress_url(edition, round_))


@require_POST
def add_late_entries(request: HttpRequest, number: int, kind: str) -> HttpResponse:
    edition, round_ = _round_for_act(request, number, kind)
    form = LateEntriesForm(request.POST, waiting=judging.entries_waiting(round_))
    if not form.is_valid():
        problems = " ".join(str(m) for errors in form.errors.values() for m in errors)
        messages.error(request, problems)
    else:
        _report(
            request,
            lambda: judging.add_late_entries(
                round_=round_,
                entries=list(form.cleaned_data["entries"]),
                per_entry=form.cleaned_data["per_entry"],
                by=request.user,
            ),
            _("The entries are in the round and assigned to their jurors."),
        )
    return redirect(_progress_url(edition, round_))

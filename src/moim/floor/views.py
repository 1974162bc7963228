"""Pages of the list of speakers: the chair's console, the read-only list, the delegate's part
of the sitting page and the live stream they listen to. Views check access, call one service,
then render or redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from moim import live
from moim.assemblies.access import assembly_by_edition
from moim.assemblies.models import Assembly
from moim.errors import Refused
from moim.floor import services
from moim.floor.access import item_in, list_in
from moim.floor.enums import FloorAction, SpeechKind
from moim.floor.forms import AskForm, SpeakerForm, SpeakingTimeForm
from moim.floor.models import SpeakersList, Speech
from moim.floor.projection import board
from moim.floor.queries import focus_list, lists_of, with_speeches
from moim.floor.rules import can_ask_to_speak, can_run_floor
from moim.floor.sitting import sitting_context
from moim.governance.agenda_tree import agenda_tree
from moim.governance.models import AgendaItem
from moim.live.sse import hub_sse_response, sse_response
from moim.permissions import guard

# --- the chair's console ----------------------------------------------------------------------


def console(request: HttpRequest, edition: int) -> HttpResponse:
    """Every item of the agenda, with its list of speakers when one is open."""
    guard(request, can_run_floor)
    assembly = assembly_by_edition(edition)
    lists = {s.agenda_item_id: s for s in lists_of(assembly)}
    nodes = [node for root in agenda_tree(assembly.pk) for node in root.walk() if node.item]
    return render(
        request,
        "floor/console.html",
        {
            "assembly": assembly,
            "rows": [(node, lists.get(node.item.pk)) for node in nodes if node.item],
            "focus": focus_list(assembly),
        },
    )


def _item_list(item: AgendaItem) -> SpeakersList | None:
    return with_speeches(SpeakersList.objects.filter(agenda_item=item)).first()


def _item_context(assembly: Assembly, item: AgendaItem, **extra: Any) -> dict[str, Any]:
    speakers_list = _item_list(item)
    organization = assembly.organization
    return {
        "assembly": assembly,
        "item": item,
        "speakers_list": speakers_list,
        "board": board(speakers_list) if speakers_list is not None else None,
        "time_form": SpeakingTimeForm(
            initial={"minutes": speakers_list.speaking_seconds / 60} if speakers_list else None
        ),
        "speaker_form": SpeakerForm(organization=organization),
        "order_form": SpeakerForm(
            organization=organization, prefix="poo", initial={"kind": SpeechKind.POINT_OF_ORDER}
        ),
        "console": True,
        **extra,
    }


def item_console(request: HttpRequest, edition: int, item_pk: int) -> HttpResponse:
    guard(request, can_run_floor)
    assembly = assembly_by_edition(edition)
    item = item_in(assembly, item_pk)
    return render(request, "floor/item.html", _item_context(assembly, item))


@never_cache
def item_state(request: HttpRequest, edition: int, item_pk: int) -> HttpResponse:
    """The console's live part, fetched again whenever the list changes."""
    guard(request, can_run_floor)
    assembly = assembly_by_edition(edition)
    item = item_in(assembly, item_pk)
    return render(request, "floor/item.html#state", _item_context(assembly, item))


def _back(edition: int, item_pk: int) -> HttpResponse:
    return redirect("floor:item", edition=edition, item_pk=item_pk)


@require_POST
def open_list(request: HttpRequest, edition: int, item_pk: int) -> HttpResponse:
    """Open the item's list (or change its speaking time when it is open)."""
    guard(request, can_run_floor)
    assembly = assembly_by_edition(edition)
    item = item_in(assembly, item_pk)
    form = SpeakingTimeForm(request.POST)
    if form.is_valid():
        try:
            existing = _item_list(item)
            if existing is None:
                services.open_list(
                    agenda_item=item, by=request.user, speaking_seconds=form.seconds()
                )
                messages.success(request, _("The list of speakers is open."))
            else:
                services.set_speaking_time(
                    speakers_list=existing, by=request.user, seconds=form.seconds()
                )
                messages.success(request, _("The speaking time is changed."))
            return _back(edition, item_pk)
        except Refused as error:
            form.add_error("minutes", error.message)
    context = _item_context(assembly, item, time_form=form)
    return render(request, "floor/item.html", context, status=400)


def _bound_list(assembly: Assembly, item: AgendaItem) -> SpeakersList:
    speakers_list = _item_list(item)
    if speakers_list is None:
        raise Http404("no list of speakers")
    return speakers_list


@require_POST
def add_speaker(request: HttpRequest, edition: int, item_pk: int) -> HttpResponse:
    """Put a name on the list; a point of order (prefix `poo`) may be heard at once."""
    guard(request, can_run_floor)
    assembly = assembly_by_edition(edition)
    item = item_in(assembly, item_pk)
    speakers_list = _bound_list(assembly, item)
    order = "poo-kind" in request.POST
    form = SpeakerForm(
        request.POST, organization=assembly.organization, prefix="poo" if order else None
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            speech = services.add_speaker(
                speakers_list=speakers_list,
                by=request.user,
                kind=SpeechKind.POINT_OF_ORDER if order else SpeechKind(data["kind"]),
                person=data["person"],
                member=data["member"],
                name_en=data["name_en"],
                name_ko=data["name_ko"],
                online=data["online"],
            )
            if order and request.POST.get("now"):
                services.start_speech(speakers_list=speakers_list, by=request.user, speech=speech)
            return _back(edition, item_pk)
        except Refused as error:
            form.add_error(None, error.message)
    key = "order_form" if order else "speaker_form"
    context = _item_context(assembly, item, **{key: form})
    return render(request, "floor/item.html", context, status=400)


def _speech_in(speakers_list: SpeakersList, request: HttpRequest) -> Speech:
    raw = request.POST.get("speech", "")
    if not raw.isdigit():
        raise Http404("no speech named")
    found = Speech.objects.filter(speakers_list=speakers_list, pk=int(raw)).first()
    if found is None:
        raise Http404("no such speech on this list")
    found.speakers_list = speakers_list
    return found


@require_POST
def act(request: HttpRequest, edition: int, item_pk: int, action: str) -> HttpResponse:
    """A one-click act of the chair on the item's list (`FloorAction`)."""
    guard(request, can_run_floor)
    if action not in FloorAction.values:
        raise Http404
    assembly = assembly_by_edition(edition)
    item = item_in(assembly, item_pk)
    speakers_list = _bound_list(assembly, item)
    by = request.user
    try:
        match FloorAction(action):
            case FloorAction.CLOSE:
                services.close_list(speakers_list=speakers_list, by=by)
            case FloorAction.REOPEN:
                services.reopen_list(speakers_list=speakers_list, by=by)
            case FloorAction.START:
                chosen = _speech_in(speakers_list, request) if request.POST.get("speech") else None
                services.start_speech(speakers_list=speakers_list, by=by, speech=chosen)
            case FloorAction.END:
                services.end_speech(speakers_list=speakers_list, by=by)
            case FloorAction.NEXT:
                if services.next_speaker(speakers_list=speakers_list, by=by) is None:
                    messages.info(request, _("Nobody else is waiting to speak."))
            case FloorAction.UP | FloorAction.DOWN:
                services.move_request(
                    speech=_speech_in(speakers_list, request),
                    by=by,
                    up=action == FloorAction.UP,
                )
            case FloorAction.WITHDRAW:
                services.withdraw_request(speech=_speech_in(speakers_list, request), by=by)
    except Refused as error:
        messages.error(request, error.message)
    return _back(edition, item_pk)


# --- the read-only list -----------------------------------------------------------------------


def list_page(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    """The list as the hall sees it: who speaks, the time left, who is next, who spoke."""
    assembly = assembly_by_edition(edition)
    speakers_list = list_in(assembly, pk)
    found = with_speeches(SpeakersList.objects.filter(pk=speakers_list.pk)).get()
    return render(
        request, "floor/list.html", {"assembly": assembly, "board": board(found), "console": False}
    )


@never_cache
def list_state(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    speakers_list = list_in(assembly, pk)
    found = with_speeches(SpeakersList.objects.filter(pk=speakers_list.pk)).get()
    return render(
        request,
        "floor/list.html#state",
        {"assembly": assembly, "board": board(found), "console": False},
    )


# --- the delegate's part of the sitting page --------------------------------------------------


@never_cache
def sitting_panel(request: HttpRequest, edition: int) -> HttpResponse:
    """GET: the floor's part of the sitting page. POST: ask for the floor, or withdraw."""
    guard(request, can_ask_to_speak)
    assembly = assembly_by_edition(edition)
    error = ""
    if request.method == "POST":
        raw = request.POST.get("list", "")
        speakers_list = list_in(assembly, int(raw)) if raw.isdigit() else None
        if speakers_list is None:
            raise Http404("no list named")
        try:
            if request.POST.get("action") == "withdraw":
                services.withdraw_mine(speakers_list=speakers_list, by=request.user)
            else:
                form = AskForm(request.POST)
                kind = form.cleaned_data["kind"] if form.is_valid() else SpeechKind.SPEECH
                services.ask_to_speak(speakers_list=speakers_list, by=request.user, kind=kind)
        except Refused as error_found:
            error = error_found.message
        if not request.htmx:  # type: ignore[attr-defined]
            if error:
                messages.error(request, error)
            return redirect(reverse("governance:sitting", args=[edition]))
    context = sitting_context(request, assembly, error=error)
    return render(request, "floor/_sitting.html", context, status=400 if error else 200)


# --- the live stream --------------------------------------------------------------------------


def _assembly_pk(edition: int) -> int:
    assembly = assembly_by_edition(edition)
    # A stream lasts minutes and reads no database: give its connection back now (an in-memory
    # test database is shared between threads and must stay open).
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):  # type: ignore[attr-defined]
        connection.close()
    return assembly.pk


# What the floor's pages and the delegate's sitting page act on: a list of speakers changed
# (`floor`), a poll opened, closed or was counted (`state`). Each ballot's turnout and the
# projectors' changes never reach these streams (moim.live.hub).
TOPICS = frozenset({"floor", "state"})


def events(request: HttpRequest, edition: int) -> HttpResponseBase:
    """The assembly's live channel, its floor and poll changes: the floor's pages fetch their
    state again on each event that names a list (`floor`), the sitting page its ballot part on
    each that changes a poll's state (`state`); both after a reconnect."""
    channel = live.assembly_channel(_assembly_pk(edition))
    if not isinstance(request, ASGIRequest):
        return sse_response(request, channel, topics=TOPICS)
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    return hub_sse_response(request, channel, language=language, topics=TOPICS)

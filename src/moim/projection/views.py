"""The chair's control page and the public screens of each projector."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from moim import live
from moim.assemblies.access import assembly_by_edition
from moim.assemblies.models import Assembly
from moim.errors import Refused
from moim.live.sse import hub_sse_response, sse_response
from moim.permissions import guard
from moim.projection import services
from moim.projection.access import projector_of
from moim.projection.enums import SlideMove
from moim.projection.forms import SlideForm
from moim.projection.models import Slide
from moim.projection.rules import can_control_projection
from moim.projection.slides import render_screen, render_screen_state, shown

ACTIONS = ("add", "project", "next", "clear", "remove", "up", "down")


# --- the chair's control page ---------------------------------------------------------------


def _control_page(
    request: HttpRequest,
    assembly: Assembly,
    *,
    bound: tuple[int, SlideForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    panels = []
    for projector in services.ensure_projectors(assembly=assembly, by=request.user):
        projector.assembly = assembly
        form = (
            bound[1]
            if bound is not None and bound[0] == projector.pk
            else SlideForm(assembly=assembly, prefix=f"p{projector.pk}")
        )
        panels.append(
            {
                "projector": projector,
                "queue": list(projector.slides.order_by("position", "pk")),
                "preview": render_screen(projector),
                "form": form,
            }
        )
    return render(
        request,
        "projection/control.html",
        {"assembly": assembly, "panels": panels},
        status=status,
    )


def control(request: HttpRequest, edition: int) -> HttpResponse:
    """Per projector: its queue, what it shows now, and the form for a new slide."""
    guard(request, can_control_projection)
    return _control_page(request, assembly_by_edition(edition))


@require_POST
def act(request: HttpRequest, edition: int, slug: str) -> HttpResponse:
    """One act of the chair on one projector (a button or the new-slide form)."""
    guard(request, can_control_projection)
    assembly = assembly_by_edition(edition)
    projector = projector_of(assembly, slug)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            form = SlideForm(request.POST, assembly=assembly, prefix=f"p{projector.pk}")
            if not form.is_valid():
                return _control_page(request, assembly, bound=(projector.pk, form), status=400)
            try:
                services.add_slide(projector=projector, by=request.user, **form.cleaned_data)
            except Refused as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                return _control_page(request, assembly, bound=(projector.pk, form), status=400)
            messages.success(request, _("The slide was added to the queue."))
        elif action == "next":
            services.next_slide(projector=projector, by=request.user)
        elif action == "clear":
            services.clear_projector(projector=projector, by=request.user)
        elif action in ("project", "remove", "up", "down"):
            raw = request.POST.get("slide", "")
            slide = get_object_or_404(
                Slide, projector=projector, pk=int(raw) if raw.isdigit() else None
            )
            slide.projector = projector
            if action == "project":
                services.project_slide(slide=slide, by=request.user)
            elif action == "remove":
                services.remove_slide(slide=slide, by=request.user)
            else:
                direction = SlideMove.UP if action == "up" else SlideMove.DOWN
                services.move_slide(slide=slide, direction=direction, by=request.user)
        else:
            messages.error(request, _("Choose what to do."))
    except Refused as error:
        messages.error(request, error.message)
        return _control_page(request, assembly, status=400)
    return redirect(f"{reverse('projection:control', args=[edition])}#projector-{projector.slug}")


# --- the screens ----------------------------------------------------------------------------


def screen(request: HttpRequest, edition: int, slug: str) -> HttpResponse:
    """A projector's public screen: no login, like the site's projector."""
    assembly = assembly_by_edition(edition)
    projector = projector_of(assembly, slug)
    return render(
        request,
        "projection/screen.html",
        {
            "assembly": assembly,
            "projector": projector,
            "shown": shown(projector),
            "pushes_state": isinstance(request, ASGIRequest),
        },
    )


@never_cache
def screen_state(request: HttpRequest, edition: int, slug: str) -> HttpResponse:
    """The screen's slide as an HTML fragment, fetched after an event under the development
    server and after a reconnect."""
    assembly = assembly_by_edition(edition)
    return HttpResponse(render_screen(projector_of(assembly, slug)))


def _streamed_projector(edition: int, slug: str) -> tuple[int, int]:
    projector = projector_of(assembly_by_edition(edition), slug)
    # A stream lasts minutes and reads no database: give its connection back now (an in-memory
    # test database is shared between threads and must stay open).
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):  # type: ignore[attr-defined]
        connection.close()
    return projector.assembly_id, projector.pk


def screen_events(request: HttpRequest, edition: int, slug: str) -> HttpResponseBase:
    """The screen's stream, on its assembly's channel: a slide changed, or a projected poll's
    turnout. Under ASGI the hub renders each projector's slide once per change and language
    for all its screens (the hub keys its renders by channel and this projector's own key)."""
    assembly_id, projector_pk = _streamed_projector(edition, slug)
    if not isinstance(request, ASGIRequest):
        return sse_response(request, live.assembly_channel(assembly_id))
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    return hub_sse_response(
        request,
        live.assembly_channel(assembly_id),
        language=f"{language}/projector-{projector_pk}",
        renderer=partial(render_screen_state, projector_pk, language),
    )

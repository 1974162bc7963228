"""Public pages of publication: projector, results, report, archive and the press release."""

from __future__ import annotations

import threading
import time
from functools import partial

from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache

from moim import live
from moim.assemblies.access import assembly_by_edition
from moim.assemblies.models import Assembly
from moim.governance.enums import BallotShape, PollState
from moim.governance.models import Decision, Poll
from moim.governance.queries import (
    agenda_for_public,
    decision_publication_entry,
    decision_terms,
)
from moim.governance.results import poll_views
from moim.live.sse import hub_sse_response, sse_response
from moim.members.queries import current_organization
from moim.site import archive, report, results
from moim.site.models import PressRelease
from moim.site.projector import projector_state

# --- projector ------------------------------------------------------------------------------


def projector(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    return render(
        request,
        "site/publication/projector.html",
        {
            "assembly": assembly,
            "state": projector_state(assembly),
            # Under ASGI the stream greets the screen with the state (moim.live.hub), so the
            # page fetches none when its stream opens.
            "pushes_state": isinstance(request, ASGIRequest),
        },
    )


@never_cache
def projector_snapshot(request: HttpRequest, edition: int) -> HttpResponse:
    """The projector's current state as an HTML fragment, fetched on every event and after
    a reconnect."""
    assembly = assembly_by_edition(edition)
    return render(
        request,
        "site/publication/_projector_state.html",
        {"assembly": assembly, "state": projector_state(assembly)},
    )


def render_projector_state(assembly_pk: int, language: str) -> str:
    """The fragment of `projector_snapshot`, drawn without a request: what the live hub pushes
    to every screen of this assembly and language."""
    with translation.override(language):
        assembly = Assembly.objects.select_related("organization", "host").get(pk=assembly_pk)
        return render_to_string(
            "site/publication/_projector_state.html",
            {"assembly": assembly, "state": projector_state(assembly)},
        )


def _streamed_assembly(edition: int) -> int:
    assembly = assembly_by_edition(edition)
    # A stream lasts minutes and reads no database: give its connection back now (an in-memory
    # test database is shared between threads and must stay open).
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):  # type: ignore[attr-defined]
        connection.close()
    return assembly.pk


class _StreamedAssemblies:
    """Which assembly an edition's stream follows, looked up once per process and half minute.

    Screens reconnect together (after a deploy, a network blip, every stream's lifetime): a
    thousand streams opening at once would otherwise make a thousand queries. Lookups wait for
    each other, so those that waited find the answer of the first.
    """

    TTL_SECONDS = 30.0
    KEPT = 64

    def __init__(self) -> None:
        self._found: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def pk(self, edition: int) -> int:
        with self._lock:
            found = self._found.get(edition)
            if found is not None and found[0] > time.monotonic():
                return found[1]
            pk = _streamed_assembly(edition)  # Http404 for an unknown edition: nothing kept
            if len(self._found) >= self.KEPT:
                self._found.clear()
            self._found[edition] = (time.monotonic() + self.TTL_SECONDS, pk)
            return pk

    def forget(self) -> None:
        with self._lock:
            self._found.clear()


_streamed_assemblies = _StreamedAssemblies()
forget_streamed_assemblies = _streamed_assemblies.forget


def projector_events(request: HttpRequest, edition: int) -> HttpResponseBase:
    """The projector's stream. Under ASGI it holds no thread and no database connection once
    open: the process's live hub sends each change as the rendered state; under the
    development server (WSGI) a thread per stream sends `update` events and the page fetches
    its snapshot."""
    assembly_pk = _streamed_assemblies.pk(edition)
    if not isinstance(request, ASGIRequest):
        return sse_response(request, live.assembly_channel(assembly_pk))
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language()
    return hub_sse_response(
        request,
        live.assembly_channel(assembly_pk),
        language=language,
        renderer=partial(render_projector_state, assembly_pk, language),
    )


# --- results --------------------------------------------------------------------------------


def results_index(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    decisions = [d for d in agenda_for_public(assembly.pk) if d.published_at is not None]
    return render(
        request,
        "site/publication/results_index.html",
        {"assembly": assembly, "decisions": decisions},
    )


def _decision(assembly: Assembly, pk: int) -> Decision:
    decision = get_object_or_404(
        Decision.objects.select_related("office", "assembly"), assembly=assembly, pk=pk
    )
    if decision.published_at is None:
        raise Http404("not published")
    return decision


def decision_results(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    decision = _decision(assembly, pk)
    polls = poll_views(decision.polls.filter(state=PollState.PUBLISHED).order_by("round"))
    for view in polls:
        args = (edition, pk, view.poll.round)
        view.downloads = [("JSON", reverse("site:poll_json", args=args))]
        view.downloads.append(("CSV", reverse("site:poll_csv", args=args)))
        if view.ranked:
            view.downloads.append(("BLT", reverse("site:poll_blt", args=args)))
    return render(
        request,
        "site/publication/decision.html",
        {
            "assembly": assembly,
            "decision": decision,
            "polls": polls,
            "terms": decision_terms(decision),
            "anchor": decision_publication_entry(decision),
        },
    )


def _poll(edition: int, pk: int, round_number: int) -> Poll:
    decision = _decision(assembly_by_edition(edition), pk)
    return get_object_or_404(
        Poll.objects.select_related("decision"),
        decision=decision,
        round=round_number,
        state=PollState.PUBLISHED,
    )


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def poll_json(request: HttpRequest, edition: int, pk: int, round_number: int) -> HttpResponse:
    poll = _poll(edition, pk, round_number)
    return _download(
        results.result_json(poll),
        "application/json; charset=utf-8",
        f"assembly-{edition}-decision-{pk}-round-{round_number}.json",
    )


def poll_csv(request: HttpRequest, edition: int, pk: int, round_number: int) -> HttpResponse:
    poll = _poll(edition, pk, round_number)
    return _download(
        results.ballots_csv(poll),
        "text/csv; charset=utf-8",
        f"assembly-{edition}-decision-{pk}-round-{round_number}-ballots.csv",
    )


def poll_blt(request: HttpRequest, edition: int, pk: int, round_number: int) -> HttpResponse:
    poll = _poll(edition, pk, round_number)
    if poll.shape != BallotShape.RANKED:
        raise Http404("BLT files hold ranked ballots only")
    return _download(
        results.ballots_blt(poll),
        "text/plain; charset=utf-8",
        f"assembly-{edition}-decision-{pk}-round-{round_number}.blt",
    )


# --- report, archive, press release -----------------------------------------------------------


def assembly_report(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    release = PressRelease.objects.filter(
        assembly=assembly, language=translation.get_language(), published_at__isnull=False
    ).first()
    return render(
        request,
        "site/publication/report.html",
        {"assembly": assembly, "report": report.assembly_report(assembly), "release": release},
    )


def assembly_report_pdf(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    document = report.report_pdf(report.assembly_report(assembly))
    if document is None:
        return render(
            request,
            "site/publication/report_no_pdf.html",
            {"assembly": assembly, "reason": report.pdf_unavailable_reason()},
            status=503,
        )
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="assembly-{edition}-report-{translation.get_language()}.pdf"'
    )
    return response


def archive_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "site/publication/archive.html",
        {"editions": archive.archive_entries(current_organization())},
    )


def press_release(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = assembly_by_edition(edition)
    language = translation.get_language() or "en"
    release = PressRelease.objects.filter(
        assembly=assembly, language=language, published_at__isnull=False
    ).first()
    if release is None:
        raise Http404("no published press release in this language")
    return render(
        request, "site/publication/press_release.html", {"assembly": assembly, "release": release}
    )

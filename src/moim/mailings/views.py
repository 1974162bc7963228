"""The secretariat's pages: the convocation, messages to groups and their delivery reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from moim.assemblies.access import assembly_by_edition
from moim.assemblies.models import Assembly
from moim.errors import Refused
from moim.mailings import queries, services
from moim.mailings.access import mailing_in
from moim.mailings.enums import Audience
from moim.mailings.forms import ComposeForm, ConvocationForm, DeliveryFilterForm
from moim.mailings.recipients import members_without_address, recipients_for
from moim.mailings.records import convocation_record, delivery_counts
from moim.mailings.rendering import assembly_facts, written_for
from moim.mailings.rules import can_send_mailings, can_view_mailings
from moim.permissions import guard

DELIVERIES_PER_PAGE = 100


def _staff_assembly(request: HttpRequest, edition: int, predicate: Any) -> Assembly:
    """Outsiders (not logged in) get 404; a logged-in person without the right gets 403."""
    if not request.user.is_authenticated:
        raise Http404
    guard(request, predicate)
    return assembly_by_edition(edition)


def overview(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_view_mailings)
    return render(
        request,
        "mailings/overview.html",
        {
            "assembly": assembly,
            "record": convocation_record(assembly),
            "notice": services.notice_for(assembly),
            "mailings": list(queries.mailings_for_secretariat(assembly)),
        },
    )


def _previews(assembly: Assembly, template: Any, audience: str) -> list[dict[str, str]]:
    """The message as the first recipient of each language will read it."""
    shown: dict[str, dict[str, str]] = {}
    for recipient in recipients_for(assembly, audience):
        if recipient.language not in shown:
            subject, body = written_for(
                template, recipient, assembly_facts(assembly, recipient.language)
            )
            shown[recipient.language] = {
                "language": recipient.language,
                "to": f"{recipient.name} <{recipient.address}>",
                "subject": subject,
                "body": body,
            }
    return [shown[code] for code in sorted(shown)]


@require_http_methods(["GET", "POST"])
def convocation(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_send_mailings)
    form = ConvocationForm(request.POST if request.method == "POST" else None, assembly=assembly)
    if request.method == "POST" and form.is_valid():
        try:
            services.send_convocation(
                assembly=assembly,
                by=request.user,
                confirm_late=form.cleaned_data["confirm_late"],
                template=form.cleaned_data["template"],
            )
        except Refused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("The convocation is queued; the mail worker sends it now."),
            )
            return redirect("mailings:overview", edition=assembly.edition)
    template = form.cleaned_data.get("template") if form.is_bound and form.is_valid() else None
    template = (
        template or services.default_templates(assembly.organization)[services.CONVOCATION_KEY]
    )
    recipients = recipients_for(assembly, Audience.MEMBERS)
    return render(
        request,
        "mailings/convocation.html",
        {
            "assembly": assembly,
            "form": form,
            "record": convocation_record(assembly),
            "notice": services.notice_for(assembly),
            "recipients": len(recipients),
            "unreachable": members_without_address(assembly),
            "previews": _previews(assembly, template, Audience.MEMBERS),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def compose(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_send_mailings)
    services.default_templates(assembly.organization)
    form = ComposeForm(request.POST if request.method == "POST" else None, assembly=assembly)
    if request.method == "POST" and form.is_valid():
        try:
            mailing = services.send_message(
                assembly=assembly,
                audience=form.cleaned_data["audience"],
                template=form.cleaned_data["template"],
                by=request.user,
            )
        except Refused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The message is queued; the mail worker sends it now."))
            return redirect("mailings:mailing", edition=assembly.edition, pk=mailing.pk)
    audience = request.GET.get("audience", "")
    context = {
        "assembly": assembly,
        "form": form,
        "audience_count": len(recipients_for(assembly, audience))
        if audience in Audience.values
        else None,
    }
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return render(request, "mailings/compose.html#audience-count", context)
    return render(request, "mailings/compose.html", context, status=400 if form.errors else 200)


def mailing_detail(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_view_mailings)
    mailing = mailing_in(assembly, pk)
    filters = DeliveryFilterForm(request.GET or None)
    status = filters.cleaned_data.get("status", "") if filters.is_valid() else ""
    counts = delivery_counts(mailing)
    context: dict[str, Any] = {"assembly": assembly, "mailing": mailing, "counts": counts}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "mailings/mailing.html#progress", context)
    page = Paginator(queries.deliveries_for_secretariat(mailing, status), DELIVERIES_PER_PAGE)
    current = page.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        {
            "filters": filters,
            "page": current,
            "deliveries": current.object_list,
            "query": query.urlencode(),
        }
    )
    return render(request, "mailings/mailing.html", context)


@require_POST
def mailing_retry(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_send_mailings)
    mailing = mailing_in(assembly, pk)
    queued = services.retry_failed(mailing=mailing, by=request.user)
    if queued:
        messages.success(request, _("%(n)d failed deliveries are queued again.") % {"n": queued})
    else:
        messages.info(request, _("No delivery of this mailing has failed."))
    return redirect("mailings:mailing", edition=assembly.edition, pk=mailing.pk)

"""Pages that print: the secretariat's badges, and certificates of attendance (asked for by the
registrant from "My registrations", issued by the secretariat, downloaded as PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from moim.assemblies import badges, certificates, queries
from moim.assemblies.access import registration_in, served_assemblies
from moim.assemblies.enums import BadgeSize, CertificateStatus
from moim.assemblies.forms import BadgeForm, RegistrationFilterForm
from moim.assemblies.models import Registration
from moim.assemblies.rules import (
    can_download_certificate,
    can_issue_certificates,
    can_print_badges,
    can_request_certificate,
)
from moim.assemblies.views import _staff_assembly
from moim.errors import Refused
from moim.pdf import no_pdf_reason
from moim.permissions import allows


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _size(request: HttpRequest) -> str:
    form = BadgeForm(request.GET)
    return form.cleaned_data["size"] if form.is_valid() else BadgeSize.A6


@require_GET
def badges_pdf(request: HttpRequest, edition: int) -> HttpResponse:
    """Every registration the list's filters select, one badge each, in one PDF."""
    assembly = _staff_assembly(request, edition, can_print_badges)
    filters = RegistrationFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    registrations = queries.registrations_for_secretariat(
        assembly,
        status=criteria.get("status", ""),
        mode=criteria.get("mode", ""),
        role=criteria.get("role", ""),
        q=criteria.get("q", ""),
    ).select_related("assembly")
    size = _size(request)
    body = badges.badges_pdf(registrations, size=size)
    if body is None:
        messages.error(request, no_pdf_reason())
        return redirect("assemblies:registrations", edition=edition)
    return _pdf(body, f"assembly-{assembly.edition}-badges-{size}.pdf")


@require_GET
def badge_pdf(request: HttpRequest, edition: int, pk: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_print_badges)
    registration = registration_in(assembly, pk)
    body = badges.badges_pdf([registration], size=_size(request))
    if body is None:
        messages.error(request, no_pdf_reason())
        return redirect("assemblies:registrations", edition=edition)
    return _pdf(body, f"badge-{registration.check_in_code}.pdf")


@require_GET
def my_registrations(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    return render(
        request,
        "assemblies/mine.html",
        {"registrations": certificates.registrations_of(request.user)},
    )


def _own_registration(request: HttpRequest, pk: int) -> Registration:
    """A registration of the served organization; someone else's answers 404, not 403, so that
    nobody learns which registrations exist."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Registration.objects.select_related("assembly", "assembly__organization", "member"),
        assembly__in=served_assemblies(),
        pk=pk,
    )


@require_POST
def certificate_request(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    if not allows(can_request_certificate, request.user, registration):
        raise Http404
    try:
        certificates.request_certificate(registration=registration, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Your request is recorded: the secretariat issues the certificate, then you can "
                "download it here."
            ),
        )
    return redirect("assemblies:mine")


@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    registration = _own_registration(request, pk)
    if not allows(can_download_certificate, request.user, registration):
        raise Http404
    try:
        certificate = certificates.downloadable(registration=registration, by=request.user)
    except Refused as error:
        messages.error(request, error.message)
        return redirect("assemblies:mine")
    body = certificates.certificate_pdf(certificate)
    if body is None:
        messages.error(request, no_pdf_reason())
        return redirect("assemblies:mine")
    return _pdf(body, f"certificate-{registration.assembly.edition}-{registration.pk}.pdf")


def certificate_list(request: HttpRequest, edition: int) -> HttpResponse:
    """The secretariat's list of requests; one button issues every requested certificate."""
    assembly = _staff_assembly(request, edition, can_issue_certificates)
    if request.method == "POST":
        wanted = certificates.requested_for(assembly.pk).filter(status=CertificateStatus.REQUESTED)
        try:
            issued, skipped = certificates.issue_certificates(
                registrations=[c.registration for c in wanted], by=request.user
            )
        except Refused as error:
            messages.error(request, error.message)
        else:
            for registration, reason in skipped:
                messages.warning(request, f"{registration.full_name}: {reason}")
            messages.success(request, _("%(n)d certificates issued.") % {"n": len(issued)})
        return redirect("assemblies:certificates", edition=edition)
    return render(
        request,
        "assemblies/certificates.html",
        {"assembly": assembly, "certificates": certificates.requested_for(assembly.pk)},
    )

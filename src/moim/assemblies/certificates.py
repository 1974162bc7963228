"""Certificates of attendance: a registrant who attended (checked in at the desk, or joined
online) asks for one; the secretariat issues them, one by one or all at once; the registrant
then downloads it as a PDF in English and Korean.

Attendance is read from the records (`Registration.is_present`), never from what is asked: a
registrant who did not attend gets no certificate, whoever asks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moim.assemblies.enums import AttendanceMode, CertificateStatus
from moim.assemblies.models import AttendanceCertificate, Registration
from moim.assemblies.rules import (
    can_download_certificate,
    can_issue_certificates,
    can_request_certificate,
)
from moim.errors import Conflict
from moim.pdf import latin, pdf_available, use_cjk_font
from moim.permissions import require, stored_user


def registrations_of(user: Any) -> QuerySet[Registration]:
    """The registrations of the logged-in person (through the registry's record of them)."""
    if not user.is_authenticated:
        return Registration.objects.none()
    return (
        Registration.objects.filter(person__user=user)
        .select_related("assembly", "member", "certificate")
        .order_by("-assembly__starts_at", "pk")
    )


def _check_attended(registration: Registration) -> None:
    if not registration.is_present:
        raise Conflict(
            _(
                "%(name)s has no attendance recorded at the %(assembly)s: a certificate is "
                "only for those who checked in or joined online."
            )
            % {"name": registration.full_name, "assembly": registration.assembly.title}
        )


@transaction.atomic
def request_certificate(
    *, registration: Registration, by: Any, now: dt.datetime | None = None
) -> AttendanceCertificate:
    """The registrant asks for a certificate; asking again changes nothing."""
    require(
        can_request_certificate,
        by,
        registration,
        message=_("Only the registrant may ask for this certificate."),
    )
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    _check_attended(registration)
    certificate, _created = AttendanceCertificate.objects.get_or_create(
        registration=registration, defaults={"requested_at": now or timezone.now()}
    )
    return certificate


@transaction.atomic
def issue_certificates(
    *, registrations: Iterable[Registration], by: Any, now: dt.datetime | None = None
) -> tuple[list[AttendanceCertificate], list[tuple[Registration, str]]]:
    """Issue a certificate to each registration that attended (requested or not); returns the
    certificates issued and, for the others, why not."""
    require(can_issue_certificates, by)
    now = now or timezone.now()
    issued: list[AttendanceCertificate] = []
    skipped: list[tuple[Registration, str]] = []
    for registration in registrations:
        if not registration.is_present:
            skipped.append((registration, _("no attendance is recorded.")))
            continue
        certificate, _created = AttendanceCertificate.objects.get_or_create(
            registration=registration
        )
        if certificate.status == CertificateStatus.ISSUED:
            continue
        certificate.status = CertificateStatus.ISSUED
        certificate.issued_at = now
        certificate.issued_by = stored_user(by)
        certificate.save(update_fields=["status", "issued_at", "issued_by"])
        issued.append(certificate)
    return issued, skipped


def requested_for(assembly_id: int) -> QuerySet[AttendanceCertificate]:
    return (
        AttendanceCertificate.objects.filter(registration__assembly_id=assembly_id)
        .select_related("registration", "registration__member")
        .order_by("status", "registration__full_name")
    )


def downloadable(*, registration: Registration, by: Any) -> AttendanceCertificate:
    """The issued certificate the actor may download, else a refusal saying why."""
    require(can_download_certificate, by, registration)
    certificate = AttendanceCertificate.objects.filter(registration=registration).first()
    if certificate is None or certificate.status != CertificateStatus.ISSUED:
        raise Conflict(_("This certificate has not been issued yet."))
    _check_attended(registration)
    return certificate


def certificate_lines(registration: Registration, language: str) -> list[tuple[str, str]]:
    """The certificate's text in one language, as (style, text) lines."""
    assembly = registration.assembly
    zone = assembly.zone
    starts = assembly.starts_at.astimezone(zone).date()
    ends = assembly.ends_at.astimezone(zone).date()
    with translation.override(language):
        days = f"{starts:%Y-%m-%d}" if starts == ends else f"{starts:%Y-%m-%d} – {ends:%Y-%m-%d}"
        mode = (
            _("in person, in %(city)s") % {"city": assembly.city}
            if registration.attendance_mode == AttendanceMode.IN_PERSON
            else _("online")
        )
        member = registration.member
        represents = member.name if member is not None else registration.represents
        lines = [
            ("title", _("Certificate of attendance")),
            ("line", _("This is to certify that")),
            ("name", registration.full_name),
        ]
        if represents:
            lines.append(("line", represents))
        lines += [
            ("line", _("attended the %(assembly)s") % {"assembly": assembly.title}),
            ("line", _("held on %(days)s, %(mode)s.") % {"days": days, "mode": mode}),
        ]
    return lines


def certificate_pdf(certificate: AttendanceCertificate) -> bytes | None:
    """The certificate as an A4 landscape PDF, English above Korean; None without PDF
    support."""
    if not pdf_available():
        return None
    from fpdf import FPDF

    registration = certificate.registration
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    clean: Callable[[str], str] = str
    languages = ["en", "ko"]
    if use_cjk_font(pdf, "certificate"):
        pdf.set_font("certificate", size=12)
    else:
        pdf.set_font("Helvetica", size=12)
        clean = latin
        languages = ["en"]
    pdf.set_draw_color(0, 75, 135)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    sizes = {"title": (24, 12), "name": (20, 11), "line": (12, 7)}
    pdf.set_y(22)
    for language in languages:
        for style, text in certificate_lines(registration, language):
            size, height = sizes[style]
            pdf.set_font_size(size)
            pdf.set_x(20)
            pdf.multi_cell(257, height, clean(text), align="C")
        pdf.ln(8)
    issued = certificate.issued_at or timezone.now()
    pdf.set_font_size(10)
    pdf.set_xy(20, 182)
    pdf.cell(257, 6, clean(f"{registration.assembly.organization.name_en} · {issued:%Y-%m-%d}"))
    return bytes(pdf.output())

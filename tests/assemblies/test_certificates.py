"""Certificates of attendance: asked for by the registrant who attended, issued by the
secretariat, downloaded by the registrant; nobody else's, and none without attendance."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from moim.assemblies import certificates
from moim.assemblies.enums import AttendanceMode, CertificateStatus
from moim.assemblies.models import Assembly, AttendanceCertificate, Registration
from moim.errors import Conflict, NotAllowed
from moim.members.models import Member, Person
from tests.assemblies.factories import RegistrationFactory
from tests.assemblies.helpers import logged_in, pdf_pages
from tests.conftest import Persona


def registered(user: Persona, assembly: Assembly, *, attended: bool = True) -> Registration:
    person = Person.objects.get(user=user)
    return RegistrationFactory(
        assembly=assembly,
        person=person,
        member=person.member,
        full_name=person.name_en,
        checked_in_at=timezone.now() if attended else None,
    )


def test_a_registrant_who_attended_requests_then_downloads_after_issue(
    assembly: Assembly, delegate_a: Persona, secretariat: Persona
) -> None:
    registration = registered(delegate_a, assembly)
    delegate = logged_in(delegate_a)

    mine = delegate.get("/en/assemblies/mine/").content.decode()
    delegate.post(f"/en/assemblies/mine/{registration.pk}/certificate/request/")
    waiting = delegate.get(f"/en/assemblies/mine/{registration.pk}/certificate.pdf")
    staff = logged_in(secretariat)
    listed = staff.get(f"/en/assemblies/{assembly.edition}/certificates/").content.decode()
    staff.post(f"/en/assemblies/{assembly.edition}/certificates/")
    pdf = delegate.get(f"/en/assemblies/mine/{registration.pk}/certificate.pdf")

    assert "Request a certificate of attendance" in mine
    assert not waiting.content.startswith(b"%PDF")
    assert waiting["Location"] == "/en/assemblies/mine/"
    assert "Dana Delegate" in listed
    assert AttendanceCertificate.objects.get().status == CertificateStatus.ISSUED
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf_pages(pdf.content) == 1
    assert "Download the certificate" in delegate.get("/en/assemblies/mine/").content.decode()


def test_certificate_text_in_both_languages_names_attendance_mode(
    assembly: Assembly, city_a: Member
) -> None:
    registration = RegistrationFactory(
        assembly=assembly,
        member=city_a,
        full_name="Dana Delegate",
        attendance_mode=AttendanceMode.ONLINE,
        joined_at=timezone.now(),
    )

    english = certificates.certificate_lines(registration, "en")
    korean = certificates.certificate_lines(registration, "ko")

    texts = [text for _style, text in english]
    assert "Dana Delegate" in texts
    assert "Seoul" in texts
    assert any(text.endswith("online.") for text in texts)
    assert [text for _style, text in korean] != texts


def test_someone_who_did_not_attend_gets_no_certificate(
    assembly: Assembly, delegate_a: Persona, secretariat: Persona
) -> None:
    registration = registered(delegate_a, assembly, attended=False)

    with pytest.raises(Conflict, match="no attendance recorded"):
        certificates.request_certificate(registration=registration, by=delegate_a)
    issued, skipped = certificates.issue_certificates(registrations=[registration], by=secretariat)

    assert issued == []
    assert [r for r, _reason in skipped] == [registration]
    assert AttendanceCertificate.objects.count() == 0


def test_a_delegate_cannot_request_another_persons_certificate(
    assembly: Assembly, delegate_a: Persona, delegate_b: Persona
) -> None:
    theirs = registered(delegate_b, assembly)

    response = logged_in(delegate_a).post(f"/en/assemblies/mine/{theirs.pk}/certificate/request/")
    with pytest.raises(NotAllowed):
        certificates.request_certificate(registration=theirs, by=delegate_a)

    assert response.status_code == 404
    assert AttendanceCertificate.objects.count() == 0


def test_a_delegate_cannot_download_another_persons_issued_certificate(
    assembly: Assembly, delegate_a: Persona, delegate_b: Persona, secretariat: Persona
) -> None:
    theirs = registered(delegate_b, assembly)
    certificates.issue_certificates(registrations=[theirs], by=secretariat)

    response = logged_in(delegate_a).get(f"/en/assemblies/mine/{theirs.pk}/certificate.pdf")
    mine = logged_in(delegate_a).get("/en/assemblies/mine/").content.decode()

    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")
    assert "Diego Delegate" not in mine


def test_a_delegate_cannot_issue_certificates(assembly: Assembly, delegate_a: Persona) -> None:
    mine = registered(delegate_a, assembly)
    certificates.request_certificate(registration=mine, by=delegate_a)

    response = logged_in(delegate_a).post(f"/en/assemblies/{assembly.edition}/certificates/")
    with pytest.raises(NotAllowed):
        certificates.issue_certificates(registrations=[mine], by=delegate_a)

    assert response.status_code == 403
    assert AttendanceCertificate.objects.get().status == CertificateStatus.REQUESTED


def test_an_anonymous_visitor_has_no_registrations_page(client: Client, db: None) -> None:
    assert client.get("/en/assemblies/mine/").status_code == 404


def test_asking_twice_keeps_one_request(assembly: Assembly, delegate_a: Persona) -> None:
    registration = registered(delegate_a, assembly)

    first = certificates.request_certificate(registration=registration, by=delegate_a)
    second = certificates.request_certificate(registration=registration, by=delegate_a)

    assert first.pk == second.pk
    assert AttendanceCertificate.objects.count() == 1

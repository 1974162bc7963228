"""Entry services: submission, the city's approval, limits, the deadline lock, attachments."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from moim.awards import services
from moim.awards.enums import EntryStatus, LogAction
from moim.awards.models import Edition, LogEntry
from moim.errors import Conflict, Invalid
from moim.members.models import Member
from tests.awards.conftest import city, make_entry

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


def close_deadline(edition: Edition) -> None:
    edition.deadline = timezone.now() - dt.timedelta(minutes=1)
    edition.save()


def test_submit_own_entry_is_submitted_at_once(
    edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    services.submit_entry(entry=entry, by=delegate_a)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.submitted_at is not None
    assert mail.outbox == []


def test_submit_on_behalf_waits_for_the_city_and_mails_its_contact(
    edition: Edition, city_b: Member, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entry = make_entry(edition, city_b, company="Acme Mobility", created_by=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_entry(entry=entry, by=outsider)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.AWAITING_APPROVAL
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["contact@city.example"]
    assert entry.approval_token in mail.outbox[0].body
    assert "Acme Mobility" in mail.outbox[0].body


def test_city_approves_an_entry_made_on_its_behalf(edition: Edition, city_b: Member) -> None:
    entry = make_entry(edition, city_b, company="Acme", status=EntryStatus.AWAITING_APPROVAL)
    services.approve_on_behalf(entry=entry, name="Ana Díaz, CIO")
    entry.refresh_from_db()
    assert (entry.status, entry.approval_decided_by) == (EntryStatus.SUBMITTED, "Ana Díaz, CIO")


def test_city_declines_an_entry_and_it_no_longer_counts(edition: Edition, city_b: Member) -> None:
    entry = make_entry(edition, city_b, company="Acme", status=EntryStatus.AWAITING_APPROVAL)
    services.decline_on_behalf(entry=entry, name="Ana Díaz", reason="Not our project")
    entry.refresh_from_db()
    assert (entry.status, entry.decline_reason) == (EntryStatus.DECLINED, "Not our project")
    with pytest.raises(Conflict, match="not waiting"):
        services.approve_on_behalf(entry=entry, name="Ana Díaz")


def test_a_city_cannot_exceed_its_entries(
    edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    make_entry(edition, city_a, title="One", status=EntryStatus.SUBMITTED)
    make_entry(edition, city_a, title="Two", status=EntryStatus.SUBMITTED)
    third = make_entry(edition, city_a, title="Three", created_by=delegate_a)
    with pytest.raises(Conflict, match="Seoul already has 2 entries"):
        services.submit_entry(entry=third, by=delegate_a)
    third.refresh_from_db()
    assert third.status == EntryStatus.DRAFT


def test_submit_names_the_missing_fields(edition: Edition, city_a: Member, delegate_a: Any) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    entry.results = ""
    entry.save()
    with pytest.raises(Invalid, match="Fill in before submitting: results"):
        services.submit_entry(entry=entry, by=delegate_a)


def test_after_the_deadline_the_applicant_cannot_change_the_entry(
    edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a, status=EntryStatus.SUBMITTED)
    close_deadline(edition)
    entry.title = "Changed late"
    with pytest.raises(PermissionDenied, match=r"deadline .* has passed"):
        services.save_entry(entry=entry, by=delegate_a)
    entry.refresh_from_db()
    assert entry.title == "Seoul mobility project"


def test_after_the_deadline_the_secretariat_changes_it_and_it_is_logged(
    edition: Edition, city_a: Member, secretariat: Any
) -> None:
    entry = make_entry(edition, city_a, status=EntryStatus.SUBMITTED)
    close_deadline(edition)
    entry.title = "Corrected title"
    services.save_entry(entry=entry, by=secretariat, fields=["title"])
    entry.refresh_from_db()
    assert entry.title == "Corrected title"
    record = LogEntry.objects.get(entry=entry)
    assert (record.action, record.actor, record.detail) == (
        LogAction.ENTRY_CHANGED_AFTER_DEADLINE,
        secretariat,
        {"fields": ["title"]},
    )


def test_extend_deadline_keeps_the_original(edition: Edition, secretariat: Any) -> None:
    first = edition.deadline
    assert first is not None
    services.extend_deadline(edition=edition, deadline=first + dt.timedelta(days=7), by=secretariat)
    edition.refresh_from_db()
    assert edition.original_deadline == first
    assert edition.deadline == first + dt.timedelta(days=7)
    with pytest.raises(Invalid, match="later than the current"):
        services.extend_deadline(edition=edition, deadline=first, by=secretariat)


def test_a_forbidden_attachment_type_is_refused(
    edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(Invalid, match=re.escape("“tool.exe” is not an accepted file type")):
        services.add_attachment(entry=entry, upload=upload, by=delegate_a)
    assert entry.attachments.count() == 0


def test_an_attachment_over_the_limit_is_refused(
    edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    upload = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(Invalid, match=re.escape("“big.pdf” is 1.0 MB; the limit is 1 MB")):
        services.add_attachment(entry=entry, upload=upload, by=delegate_a)
    assert entry.attachments.count() == 0


def test_a_disguised_attachment_is_refused(
    edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    upload = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(Invalid, match="does not contain what its name says"):
        services.add_attachment(entry=entry, upload=upload, by=delegate_a)


def test_a_pdf_attachment_is_stored_under_our_own_name(
    edition: Edition, city_a: Member, delegate_a: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    entry = make_entry(edition, city_a, created_by=delegate_a)
    upload = SimpleUploadedFile("../../Plan <final>.pdf", PDF)
    attachment = services.add_attachment(entry=entry, upload=upload, by=delegate_a)
    assert attachment.original_name == "Plan <final>.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.startswith("awards/attachments/")
    assert ".." not in attachment.file.name
    assert "<" not in attachment.file.name
    assert attachment.file.read() == PDF


def test_screening_refusal_needs_a_reason(
    edition: Edition, secretariat: Any, organization: Any
) -> None:
    entry = make_entry(edition, city(organization, "Busan"), status=EntryStatus.SUBMITTED)
    with pytest.raises(Invalid, match="Say why"):
        services.screen_entry(entry=entry, eligible=False, reason=" ", by=secretariat)
    services.screen_entry(entry=entry, eligible=False, reason="Not an ICT project", by=secretariat)
    entry.refresh_from_db()
    assert (entry.status, entry.screening_reason) == (EntryStatus.INELIGIBLE, "Not an ICT project")


def test_only_the_secretariat_screens(edition: Edition, delegate_a: Any, city_a: Member) -> None:
    entry = make_entry(edition, city_a, status=EntryStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.screen_entry(entry=entry, eligible=True, reason="", by=delegate_a)

"""The entry form, attachments, approval page, winners page and certificate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moim.awards import services
from moim.awards.enums import AcceptanceMode, EditionStatus, EntryStatus, RemarksForm
from moim.awards.models import Attachment, Award, Edition, Entry
from moim.members.models import Member, Organization
from tests.awards.conftest import city, make_entry

PDF = b"%PDF-1.7\n%test\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def form_data(edition: Edition, beneficiary: Member, **extra: Any) -> dict[str, Any]:
    return {
        "category": edition.categories.get(slug="mobility").pk,
        "title": "Smart buses",
        "applicant_kind": "member",
        "applicant_name": "",
        "beneficiary": beneficiary.pk,
        "approval_contact": "",
        "summary": "Buses that tell you when they come.",
        "description": "Sensors and an open feed.",
        "results": "Waiting times down by a fifth.",
        **extra,
    }


def test_a_delegate_creates_a_draft_then_submits_it(
    client: Client, edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    client.force_login(delegate_a)
    client.post(reverse("awards:entry_new", kwargs={"number": 4}), form_data(edition, city_a))
    entry = Entry.objects.get()
    assert (entry.status, entry.applicant_member, entry.created_by) == (
        EntryStatus.DRAFT,
        city_a,
        delegate_a,
    )
    page = client.post(
        reverse("awards:entry", kwargs={"pk": entry.pk}),
        {**form_data(edition, city_a), "submit": ""},
        follow=True,
    ).content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert "Your entry has been submitted." in page


def test_autosave_keeps_a_draft_and_says_when(
    client: Client, edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    client.force_login(delegate_a)
    response = client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk}),
        form_data(edition, city_a, title="Half-written title", results=""),
        headers={"HX-Request": "true"},
    )
    entry.refresh_from_db()
    assert entry.title == "Half-written title"
    assert entry.results == ""
    assert "Saved at" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_autosave_after_the_deadline_saves_nothing_and_says_why(
    client: Client, edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a, status=EntryStatus.SUBMITTED)
    edition.deadline = timezone.now() - dt.timedelta(minutes=5)
    edition.save()
    client.force_login(delegate_a)
    response = client.post(
        reverse("awards:entry_autosave", kwargs={"pk": entry.pk}),
        form_data(edition, city_a, title="Too late"),
    )
    entry.refresh_from_db()
    assert entry.title == "Seoul mobility project"
    assert "has passed: only the secretariat can change it now" in response.content.decode()


def test_a_company_applies_on_behalf_of_a_city(
    client: Client, edition: Edition, city_b: Member, outsider: Any
) -> None:
    client.force_login(outsider)
    data = form_data(edition, city_b, applicant_kind="company", applicant_name="")
    page = client.post(reverse("awards:entry_new", kwargs={"number": 4}), data).content.decode()
    assert "Name the company or organization applying." in page
    assert Entry.objects.count() == 0
    data.update(applicant_name="Acme Mobility", approval_contact="cio@cdmx.example")
    client.post(reverse("awards:entry_new", kwargs={"number": 4}), data)
    entry = Entry.objects.get()
    assert (entry.applicant, entry.on_behalf) == ("Acme Mobility", True)


def test_someone_else_cannot_open_an_entry(
    client: Client, edition: Edition, city_a: Member, delegate_a: Any, delegate_b: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a, title="Private draft")
    client.force_login(delegate_b)
    response = client.get(reverse("awards:entry", kwargs={"pk": entry.pk}))
    assert response.status_code == 404
    assert "Private draft" not in response.content.decode()


def test_the_form_refuses_a_forbidden_attachment_with_a_clear_message(
    client: Client, edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    client.force_login(delegate_a)
    page = client.post(
        reverse("awards:attachment_add", kwargs={"pk": entry.pk}),
        {"file": SimpleUploadedFile("macro.docm", b"PK\x03\x04")},
        follow=True,
    ).content.decode()
    assert (
        "“macro.docm” is not an accepted file type. Accepted: PDF, PNG, JPEG, DOCX, PPTX." in page
    )
    page = client.post(
        reverse("awards:attachment_add", kwargs={"pk": entry.pk}),
        {"file": SimpleUploadedFile("huge.pdf", PDF + b"0" * (2 * 1024 * 1024))},
        follow=True,
    ).content.decode()
    assert "“huge.pdf” is 2.0 MB; the limit is 1 MB." in page
    assert Attachment.objects.count() == 0


def test_an_attachment_downloads_as_an_attachment(
    client: Client, edition: Edition, city_a: Member, delegate_a: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    attachment = services.add_attachment(
        entry=entry, upload=SimpleUploadedFile("plan.pdf", PDF), by=delegate_a
    )
    client.force_login(delegate_a)
    response = client.get(reverse("awards:attachment", kwargs={"pk": attachment.pk}))
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]


def test_an_attachment_is_hidden_from_others(
    client: Client, edition: Edition, city_a: Member, delegate_a: Any, delegate_b: Any
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)
    attachment = services.add_attachment(
        entry=entry, upload=SimpleUploadedFile("plan.pdf", PDF), by=delegate_a
    )
    client.force_login(delegate_b)
    response = client.get(reverse("awards:attachment", kwargs={"pk": attachment.pk}))
    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_the_approval_page_shows_the_entry_and_records_the_decision(
    client: Client, edition: Edition, city_b: Member
) -> None:
    entry = make_entry(edition, city_b, company="Acme", status=EntryStatus.AWAITING_APPROVAL)
    url = reverse("awards:approval", kwargs={"token": entry.approval_token})
    assert "Acme" in client.get(url).content.decode()
    page = client.post(url, {"name": "", "approve": ""}).content.decode()
    assert "This field is required." in page
    page = client.post(url, {"name": "Ana Díaz", "approve": ""}, follow=True).content.decode()
    assert "You have approved the entry." in page
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def announced_edition(edition: Edition, organization: Organization, winners: int) -> list[Award]:
    gold = edition.levels.get(position=1)
    awards = []
    for n in range(winners):
        entry = make_entry(edition, city(organization, f"Winner {n}"), status=EntryStatus.FINALIST)
        awards.append(
            Award.objects.create(
                edition=edition,
                category=entry.category,
                level=gold,
                entry=entry,
                acceptance_mode=AcceptanceMode.REPRESENTATIVE,
                accepted_by="Amb. N",
                accepted_by_title="Ambassador",
                remarks_form=RemarksForm.ONLINE,
            )
        )
    edition.status = EditionStatus.ANNOUNCED
    edition.save()
    return awards


@pytest.mark.parametrize(("winners", "queries"), [(1, 3), (3, 3)])
def test_winners_page_queries_do_not_grow(
    client: Client,
    edition: Edition,
    organization: Organization,
    django_assert_num_queries: Any,
    winners: int,
    queries: int,
) -> None:
    announced_edition(edition, organization, winners)
    url = reverse("awards:winners", kwargs={"number": 4})
    with django_assert_num_queries(queries):
        page = client.get(url).content.decode()
    assert page.count('class="winner__city"') == winners
    assert "By a representative: Amb. N, Ambassador · remarks: heard online" in page


def test_winners_are_hidden_until_announced(
    client: Client, edition: Edition, organization: Organization
) -> None:
    awards = announced_edition(edition, organization, 1)
    edition.status = EditionStatus.JUDGING
    edition.save()
    response = client.get(reverse("awards:winners", kwargs={"number": 4}))
    assert response.status_code == 404
    assert "Winner 0" not in response.content.decode()
    certificate = client.get(awards[0].get_absolute_url())
    assert certificate.status_code == 404
    assert "Winner 0" not in certificate.content.decode()


def test_the_certificate_is_a_print_ready_page(
    client: Client, edition: Edition, organization: Organization
) -> None:
    (award,) = announced_edition(edition, organization, 1)
    page = client.get(award.get_absolute_url()).content.decode()
    assert '<h1 class="certificate__level">Gold</h1>' in page
    assert '<p class="certificate__city">Winner 0</p>' in page
    assert "awards/awards.css" in page

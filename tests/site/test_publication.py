"""The press release in the back office: drafted from the records, edited, published."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moim.errors import Conflict
from moim.members.models import Organization
from moim.permissions import SYSTEM
from moim.site.models import PressRelease
from moim.site.press import draft_press_release, publish_press_release
from tests.site import publication_demo
from tests.site.publication_demo import fifth

wego_for_module = publication_demo.wego_for_module


@pytest.fixture
def wego(wego_for_module: Organization, db: None) -> Organization:
    return wego_for_module


@pytest.fixture
def staff_client(client: Client, secretariat: Any) -> Client:
    secretariat.is_superuser = True
    secretariat.save()
    client.force_login(secretariat)
    return client


def test_back_office_drafts_the_release_from_the_records_when_left_empty(
    staff_client: Client, wego: Organization
) -> None:
    assembly = fifth(wego)
    PressRelease.objects.filter(assembly=assembly).delete()  # the demo publishes its own

    staff_client.post(
        "/en/admin/moim_site/pressrelease/add/",
        {"assembly": assembly.pk, "language": "ko", "body": ""},
    )

    release = PressRelease.objects.get(assembly=assembly, language="ko")
    assert "이 날 행사에는 230명의 회원과" in release.body
    assert release.drafted_at is not None
    assert release.published_at is None


def test_secretariat_edits_then_publishes_and_the_public_reads_the_edited_text(
    staff_client: Client, client: Client, wego: Organization
) -> None:
    assembly = fifth(wego)
    release = draft_press_release(assembly=assembly, language="en")
    edited = release.body.replace("took part", "joined the Assembly", 1)

    staff_client.post(
        f"/en/admin/moim_site/pressrelease/{release.pk}/change/",
        {"assembly": assembly.pk, "language": "en", "body": edited},
    )
    before = Client().get("/en/press/5/")
    staff_client.post(
        "/en/admin/moim_site/pressrelease/",
        {"action": "publish", "_selected_action": [release.pk]},
    )
    after = Client().get("/en/press/5/").content.decode()

    report = Client().get("/en/report/5/").content.decode()
    assert before.status_code == 404
    assert "joined the Assembly" not in before.content.decode()
    assert 'href="/en/press/5/">Press release</a>' in report
    assert "230 members, partners and stakeholders joined the Assembly" in after
    assert "<h1>World Smart Sustainable Cities Organization (WeGO) holds its 5th" in after


def test_redrafting_follows_changed_records_and_withdraws_publication(wego: Organization) -> None:
    assembly = fifth(wego)
    release = publish_press_release(
        release=draft_press_release(assembly=assembly, language="en"), by=SYSTEM
    )
    assembly.sponsors.filter(name="Dohwa").update(name="Dohwa Engineering")

    again = draft_press_release(assembly=assembly, language="en")

    assert again.pk == release.pk
    assert "Dohwa Engineering" in again.body
    assert again.published_at is None


def test_an_empty_release_cannot_be_published(wego: Organization) -> None:
    PressRelease.objects.filter(assembly=fifth(wego)).delete()  # the demo publishes its own
    release = PressRelease.objects.create(assembly=fifth(wego), language="en", body="  ")

    with pytest.raises(Conflict, match="empty press release cannot be published"):
        publish_press_release(release=release, by=SYSTEM)
    release.refresh_from_db()
    assert release.published_at is None

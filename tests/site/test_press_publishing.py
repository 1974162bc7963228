"""The secretariat publishes the press release through the back office; no one else may."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from moim.members.models import Organization
from moim.site.models import PressRelease
from moim.site.press import draft_press_release, publish_press_release, withdraw_press_release
from tests.assemblies.factories import AssemblyFactory
from tests.conftest import Persona

pytestmark = pytest.mark.django_db

ADMIN = "/en/admin/moim_site/pressrelease/"


@pytest.fixture
def release(organization: Organization) -> PressRelease:
    assembly = AssemblyFactory(organization=organization, edition=7, title_en="7th Assembly")
    return draft_press_release(assembly=assembly, language="en")


def _logged_in(user: Persona) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_secretariat_drafts_and_publishes_through_the_back_office(
    organization: Organization, secretariat: Persona
) -> None:
    assembly = AssemblyFactory(organization=organization, edition=7, title_en="7th Assembly")
    staff = _logged_in(secretariat)

    staff.post(f"{ADMIN}add/", {"assembly": assembly.pk, "language": "en", "body": ""})
    release = PressRelease.objects.get(assembly=assembly, language="en")
    listing = staff.get(ADMIN).content.decode()
    staff.post(ADMIN, {"action": "publish", "_selected_action": [release.pk]})
    public = Client().get("/en/press/7/").content.decode()

    release.refresh_from_db()
    assert '<option value="publish">Publish</option>' in listing
    assert release.published_at is not None
    assert "7th Assembly took place" in public


def test_secretariat_withdraws_a_published_release(
    release: PressRelease, secretariat: Persona
) -> None:
    publish_press_release(release=release, by=secretariat)
    published = Client().get("/en/press/7/").content.decode()

    _logged_in(secretariat).post(ADMIN, {"action": "unpublish", "_selected_action": [release.pk]})

    release.refresh_from_db()
    withdrawn = Client().get("/en/press/7/")
    assert release.published_at is None
    assert "holds its 7th" in published
    assert withdrawn.status_code == 404
    assert "holds its 7th" not in withdrawn.content.decode()


def test_chair_cannot_publish_through_the_back_office(
    release: PressRelease, chair: Persona
) -> None:
    chair.is_staff = True
    chair.save()

    response = _logged_in(chair).post(
        ADMIN, {"action": "publish", "_selected_action": [release.pk]}
    )

    release.refresh_from_db()
    assert response.status_code == 403
    assert release.published_at is None


def test_outsider_cannot_publish_and_is_sent_to_log_in(
    release: PressRelease, outsider: Persona
) -> None:
    response = _logged_in(outsider).post(
        ADMIN, {"action": "publish", "_selected_action": [release.pk]}
    )

    release.refresh_from_db()
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert release.published_at is None


def test_publishing_service_refuses_anyone_but_the_secretariat(
    release: PressRelease, chair: Persona, delegate_a: Persona
) -> None:
    for person in (chair, delegate_a):
        with pytest.raises(PermissionDenied, match="Only the secretariat may publish"):
            publish_press_release(release=release, by=person)
        with pytest.raises(PermissionDenied):
            withdraw_press_release(release=release, by=person)

    release.refresh_from_db()
    assert release.published_at is None

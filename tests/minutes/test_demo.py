"""The WeGO 2021 demonstration holds the 5th Assembly's minutes, approved and published,
written from the demo's records."""

from __future__ import annotations

import pytest
from django.test import Client

from moim.errors import Conflict
from moim.members.models import Organization
from moim.minutes.enums import SectionKey
from moim.minutes.models import Minutes
from moim.minutes.services import draft_minutes
from moim.minutes.writing import section_text
from moim.permissions import SYSTEM
from tests.site import publication_demo
from tests.site.publication_demo import fifth

pytestmark = pytest.mark.django_db

# The demo is loaded once for this module (see publication_demo.wego_for_module).
wego_for_module = publication_demo.wego_for_module


@pytest.fixture
def wego(wego_for_module: Organization, db: None) -> Organization:
    return wego_for_module


def test_the_demo_s_minutes_are_approved_and_published(wego: Organization) -> None:
    minutes = Minutes.objects.get(assembly=fifth(wego))

    assert minutes.approved_at is not None
    assert minutes.published_at is not None
    assert [s.key for s in minutes.sections.all()] == SectionKey.values


def test_the_published_minutes_state_the_2021_plenary(wego: Organization) -> None:
    english = Client().get("/en/minutes/5/published/").content.decode()
    korean = Client().get("/ko/minutes/5/published/").content.decode()

    assert "Amendments to the Charter and the Statute" in english
    assert "Yes 111, No 7 and Abstain 11 (129 ballots)" in english
    assert "The next General Assembly will be hosted by Mexico City." in english
    assert "George Town (Penang Island City Council)" in english
    assert "헌장 및 정관 개정" in korean
    assert "찬성 111, 반대 7, 기권 11" in korean
    assert "멕시코시티" in korean


def test_the_demo_s_minutes_are_frozen(wego: Organization) -> None:
    with pytest.raises(Conflict, match="approved"):
        draft_minutes(assembly=fifth(wego), by=SYSTEM)


def test_the_published_minutes_record_the_convocation_the_amendments_and_the_speakers(
    wego: Organization,
) -> None:
    english = Client().get("/en/minutes/5/published/").content.decode()
    korean = Client().get("/ko/minutes/5/published/").content.decode()

    assert "30 days before the opening" in english
    assert "Recipients: 213; delivered 211, bounced 2" in english
    assert "Amendment to Article 12, paragraph 1: geographic balance" in english
    assert "Ricardo Nunes (São Paulo, speech, online" in english
    assert "Jung Hae-won (Busan, point of order, in the room" in english
    assert "point_of_order" not in english
    assert "의사진행 발언" in korean


def test_the_attendance_at_each_vote_counts_the_amendments_votes_first(
    wego: Organization,
) -> None:
    attendance = section_text(fifth(wego), SectionKey.ATTENDANCE, "en")

    first = attendance.index("Amendment to Article 12, paragraph 1")
    second = attendance.index("Amendment to Article 12, paragraph 2")
    text = attendance.index("Amendments to the Charter and the Statute")
    assert first < second < text

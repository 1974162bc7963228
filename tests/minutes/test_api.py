"""The minutes through the JSON API: the published minutes for anyone; approval and
publication by the same rules as the minutes page."""

from __future__ import annotations

from typing import Any

import pytest

from moim.minutes.models import Minutes
from tests.minutes.conftest import logged_in

pytestmark = pytest.mark.django_db

API = "/api/minutes/5"


def test_the_chair_approves_and_the_secretariat_publishes_through_the_api(
    minutes: Minutes, chair: Any, secretariat: Any
) -> None:
    before = logged_in().get(API)
    early = logged_in(secretariat).post(f"{API}/publish")
    approved = logged_in(chair).post(f"{API}/approve").json()
    published = logged_in(secretariat).post(f"{API}/publish").json()
    public = logged_in().get(API).json()

    assert before.status_code == 404
    assert early.status_code == 409
    assert approved["stage"] == "approved"
    assert published["stage"] == "published"
    assert [s["key"] for s in public["sections"]][:3] == ["opening", "attendance", "decisions"]
    assert "Yes 8, No 2 and Abstain 2" in public["sections"][2]["text_en"]
    assert "찬성 8, 반대 2, 기권 2" in public["sections"][2]["text_ko"]


def test_a_delegate_cannot_approve_nor_publish_through_the_api(
    minutes: Minutes, delegate_a: Any
) -> None:
    client = logged_in(delegate_a)

    approve = client.post(f"{API}/approve")
    publish = client.post(f"{API}/publish")
    anonymous = logged_in().post(f"{API}/approve")

    minutes.refresh_from_db()
    assert (approve.status_code, publish.status_code, anonymous.status_code) == (403, 403, 401)
    assert minutes.approved_at is None
    assert minutes.published_at is None

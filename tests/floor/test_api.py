"""The floor's API: read a list, ask for oneself, withdraw one's own request."""

from __future__ import annotations

from typing import Any

from moim.floor import services
from moim.floor.enums import SpeechState
from moim.floor.models import SpeakersList, Speech
from moim.permissions import SYSTEM
from tests.floor.conftest import client_for


def test_list_reads_the_speaker_the_clock_and_the_queue(
    speakers_list: SpeakersList, online_a: Any, client: Any
) -> None:
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Ana", online=False)
    services.start_speech(speakers_list=speakers_list, by=SYSTEM)
    services.ask_to_speak(speakers_list=speakers_list, by=online_a)

    body = client.get(f"/api/floor/lists/{speakers_list.pk}").json()

    assert body["item_title_en"] == "General debate"
    assert body["current"]["name_en"] == "Ana"
    assert 175 <= body["current"]["seconds_left"] <= 180
    assert body["current"]["paused"] is False
    assert [(s["name_en"], s["member_en"], s["online"]) for s in body["queue"]] == [
        ("Dana Delegate", "Seoul", True)
    ]
    assert body["closed"] is False


def test_ask_then_withdraw_mine(speakers_list: SpeakersList, online_a: Any) -> None:
    client = client_for(online_a)
    asked = client.post(
        f"/api/floor/lists/{speakers_list.pk}/requests",
        data={"kind": "reply"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    assert (asked.json()["kind"], asked.json()["member_en"]) == ("reply", "Seoul")

    gone = client.delete(f"/api/floor/lists/{speakers_list.pk}/requests/mine")

    assert gone.status_code == 204
    assert Speech.objects.get().state == SpeechState.WITHDRAWN
    again = client.delete(f"/api/floor/lists/{speakers_list.pk}/requests/mine")
    assert again.status_code == 409


def test_asking_needs_a_login(speakers_list: SpeakersList, client: Any) -> None:
    answer = client.post(
        f"/api/floor/lists/{speakers_list.pk}/requests",
        data={"kind": "speech"},
        content_type="application/json",
    )

    assert answer.status_code == 401
    assert not Speech.objects.exists()

"""The floor's pages walked as their users would: the chair from an empty agenda item to a
point of order and back, the delegate on the sitting page, the read-only list."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from moim.assemblies.models import Assembly
from moim.floor import services
from moim.floor.enums import SpeechKind, SpeechState
from moim.floor.models import SpeakersList, Speech
from moim.governance.models import AgendaItem
from moim.permissions import SYSTEM
from tests.floor.conftest import client_for


def test_chair_walks_a_list_from_opening_to_a_point_of_order(
    assembly: Assembly, item: AgendaItem, chair: Any, city_b: Any
) -> None:
    client = client_for(chair)
    edition = assembly.edition
    index = client.get(reverse("floor:console", args=[edition])).content.decode()
    assert "General debate" in index
    assert "Not opened" in index

    client.post(reverse("floor:open", args=[edition, item.pk]), {"minutes": "2"})
    client.post(
        reverse("floor:add_speaker", args=[edition, item.pk]),
        {"kind": "speech", "member": city_b.pk, "name_en": "Diego Ruiz"},
    )
    client.post(reverse("floor:act", args=[edition, item.pk, "next"]))
    client.post(
        reverse("floor:add_speaker", args=[edition, item.pk]),
        {"poo-kind": "point_of_order", "poo-name_en": "Mei Lin", "now": "1"},
    )
    page = client.get(reverse("floor:item", args=[edition, item.pk])).content.decode()

    speakers_list = SpeakersList.objects.get()
    assert speakers_list.speaking_seconds == 120
    states = dict(speakers_list.speeches.values_list("name_en", "state"))
    assert states == {"Diego Ruiz": SpeechState.INTERRUPTED, "Mei Lin": SpeechState.SPEAKING}
    assert "Mei Lin" in page
    assert "Interrupted by a point of order" in page

    client.post(reverse("floor:act", args=[edition, item.pk, "end"]))
    client.post(reverse("floor:act", args=[edition, item.pk, "close"]))

    assert speakers_list.speeches.get(name_en="Diego Ruiz").state == SpeechState.SPEAKING
    speakers_list.refresh_from_db()
    assert speakers_list.closed is True


def test_add_speaker_without_a_name_keeps_what_was_typed(
    assembly: Assembly, speakers_list: SpeakersList, chair: Any
) -> None:
    answer = client_for(chair).post(
        reverse("floor:add_speaker", args=[assembly.edition, speakers_list.agenda_item_id]),
        {"kind": "reply", "name_ko": "이름만"},
    )

    assert answer.status_code == 400
    text = answer.content.decode()
    assert "Name the speaker" in text
    assert 'value="이름만"' in text
    assert not Speech.objects.exists()


def test_refused_act_is_shown_to_the_chair(
    assembly: Assembly, speakers_list: SpeakersList, chair: Any
) -> None:
    client = client_for(chair)
    answer = client.post(
        reverse("floor:act", args=[assembly.edition, speakers_list.agenda_item_id, "start"]),
        follow=True,
    )

    assert "Nobody is waiting to speak." in answer.content.decode()


def test_delegate_online_asks_and_withdraws_from_the_sitting_page(
    assembly: Assembly, speakers_list: SpeakersList, online_a: Any
) -> None:
    client = client_for(online_a)
    sitting = client.get(reverse("governance:sitting", args=[assembly.edition])).content.decode()
    assert "Ask to speak" in sitting
    assert "General debate" in sitting

    asked = client.post(
        reverse("floor:sitting", args=[assembly.edition]),
        {"list": speakers_list.pk, "action": "ask", "kind": "reply"},
        headers={"HX-Request": "true"},
    )
    assert "You are on the list (Reply)" in asked.content.decode()
    assert Speech.objects.get().kind == SpeechKind.REPLY

    withdrawn = client.post(
        reverse("floor:sitting", args=[assembly.edition]),
        {"list": speakers_list.pk, "action": "withdraw"},
        headers={"HX-Request": "true"},
    )
    assert "Ask to speak" in withdrawn.content.decode()
    assert Speech.objects.get().state == SpeechState.WITHDRAWN


def test_delegate_in_the_room_is_told_to_raise_a_hand(
    assembly: Assembly, speakers_list: SpeakersList, delegate_b: Any
) -> None:
    page = client_for(delegate_b).get(reverse("governance:sitting", args=[assembly.edition]))

    text = page.content.decode()
    assert "Ask to speak" not in text
    assert "raise your hand" in text


def test_read_only_list_shows_the_clock_and_the_queue(
    assembly: Assembly, speakers_list: SpeakersList, client: Any
) -> None:
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Ana")
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Luis")
    services.start_speech(speakers_list=speakers_list, by=SYSTEM)

    text = client.get(reverse("floor:list", args=[assembly.edition, speakers_list.pk])).content
    state = client.get(reverse("floor:list_state", args=[assembly.edition, speakers_list.pk]))

    assert b"data-floor-timer" in text
    assert b'data-seconds-left="180"' in text or b'data-seconds-left="179"' in text
    assert b"Luis" in state.content
    assert b"<html" not in state.content


def test_console_names_the_item_in_korean(
    assembly: Assembly, speakers_list: SpeakersList, chair: Any
) -> None:
    page = client_for(chair).get(
        f"/ko/floor/{assembly.edition}/item/{speakers_list.agenda_item_id}/"
    )

    assert page.status_code == 200
    assert "<h1>일반 토론</h1>" in page.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_list_page_query_count(
    assembly: Assembly,
    speakers_list: SpeakersList,
    client: Any,
    count: int,
    django_assert_num_queries: Any,
) -> None:
    for n in range(count):
        services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en=f"Speaker {n}")
    url = reverse("floor:list", args=[assembly.edition, speakers_list.pk])

    with django_assert_num_queries(6):
        answer = client.get(url)

    assert answer.content.decode().count("Speaker ") == count


@pytest.mark.parametrize("count", [1, 3])
def test_item_console_query_count(
    assembly: Assembly,
    speakers_list: SpeakersList,
    chair: Any,
    count: int,
    django_assert_num_queries: Any,
) -> None:
    for n in range(count):
        services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en=f"Speaker {n}")
    client = client_for(chair)
    url = reverse("floor:item_state", args=[assembly.edition, speakers_list.agenda_item_id])

    with django_assert_num_queries(6):
        answer = client.get(url)

    assert answer.content.decode().count("Speaker ") == count


def test_closed_list_offers_the_delegate_only_a_point_of_order(
    assembly: Assembly, speakers_list: SpeakersList, online_a: Any
) -> None:
    services.close_list(speakers_list=speakers_list, by=SYSTEM)
    client = client_for(online_a)

    page = client.get(reverse("governance:sitting", args=[assembly.edition])).content.decode()
    client.post(
        reverse("floor:sitting", args=[assembly.edition]),
        {"list": speakers_list.pk, "action": "ask", "kind": "point_of_order"},
    )

    assert "Raise a point of order" in page
    assert "Ask to speak" not in page
    assert Speech.objects.get().kind == SpeechKind.POINT_OF_ORDER

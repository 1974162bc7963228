"""What others read: the projector's view of a list, and who spoke on what for the minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from moim.assemblies.models import Assembly
from moim.floor import services
from moim.floor.enums import SpeechKind
from moim.floor.models import SpeakersList
from moim.floor.projection import projected_list
from moim.floor.queries import Spoken, SpokenItem, speeches_for_minutes
from moim.governance.models import AgendaItem
from moim.permissions import SYSTEM
from tests.floor.conftest import make_item

T0 = dt.datetime(2021, 10, 18, 7, 0, tzinfo=dt.UTC)


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def test_no_list_projects_nothing(assembly: Assembly) -> None:
    assert projected_list(assembly) is None


def test_projected_list_shows_the_interrupted_speech_paused_and_who_is_next(
    assembly: Assembly, speakers_list: SpeakersList, online_a: Any
) -> None:
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Ana")
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Luis")
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, at=at(0))
    order = services.ask_to_speak(
        speakers_list=speakers_list, by=online_a, kind=SpeechKind.POINT_OF_ORDER
    )
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, speech=order, at=at(40))

    shown = projected_list(assembly)

    assert shown is not None
    assert (shown["item_title_en"], shown["item_title_ko"]) == ("General debate", "일반 토론")
    assert shown["current"]["name_en"] == "Dana Delegate"
    assert shown["current"]["kind"] == SpeechKind.POINT_OF_ORDER
    assert (shown["current"]["online"], shown["current"]["member_en"]) == (True, "Seoul")
    assert shown["interrupted"]["name_en"] == "Ana"
    assert shown["interrupted"]["paused"] is True
    assert shown["interrupted"]["seconds_left"] == 140
    assert [s["name_en"] for s in shown["next"]] == ["Luis"]
    assert shown["closed"] is False


def test_projected_list_follows_the_item_asked_for(
    assembly: Assembly, speakers_list: SpeakersList
) -> None:
    other = make_item(assembly, "Budget", position=2)
    services.open_list(agenda_item=other, by=SYSTEM)

    shown = projected_list(assembly, agenda_item=speakers_list.agenda_item)
    latest = projected_list(assembly)

    assert shown is not None
    assert latest is not None
    assert shown["list_id"] == speakers_list.pk
    assert latest["item_title_en"] == "Budget"  # the list acted on last


def test_minutes_record_who_spoke_on_what(
    assembly: Assembly, speakers_list: SpeakersList, item: AgendaItem, city_b: Any
) -> None:
    services.add_speaker(
        speakers_list=speakers_list, by=SYSTEM, member=city_b, name_en="Diego", online=True
    )
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Never heard")
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, at=at(0))
    order = services.add_speaker(
        speakers_list=speakers_list, by=SYSTEM, name_en="Mei", kind=SpeechKind.POINT_OF_ORDER
    )
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, speech=order, at=at(30))
    services.end_speech(speakers_list=speakers_list, by=SYSTEM, at=at(45))
    services.end_speech(speakers_list=speakers_list, by=SYSTEM, at=at(100))

    assert speeches_for_minutes(assembly.pk) == [
        SpokenItem(
            agenda_item_id=item.pk,
            agenda_title_en="General debate",
            agenda_title_ko="일반 토론",
            speeches=[
                Spoken("Diego", "Mexico City", city_b.name_ko, "speech", True, at(0), at(100)),
                Spoken("Mei", "", "", "point_of_order", False, at(30), at(45)),
            ],
        )
    ]

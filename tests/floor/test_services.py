"""The queue and the clock: points of order ahead, moves, start, end, next, interruption and
resumption with the time left, closing and reopening."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from moim.errors import Conflict, Invalid
from moim.floor import services
from moim.floor.enums import SpeechKind, SpeechState
from moim.floor.models import SpeakersList, Speech
from moim.governance.models import AgendaItem
from moim.permissions import SYSTEM

T0 = dt.datetime(2021, 10, 18, 7, 0, tzinfo=dt.UTC)


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def add(speakers_list: SpeakersList, name: str, kind: SpeechKind = SpeechKind.SPEECH) -> Speech:
    return services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en=name, kind=kind)


def queue_names(speakers_list: SpeakersList) -> list[str]:
    return [s.name_en for s in services.waiting_in_order(speakers_list)]


def test_points_of_order_go_ahead_of_speeches_and_replies(speakers_list: SpeakersList) -> None:
    add(speakers_list, "Ana")
    add(speakers_list, "Luis", SpeechKind.REPLY)
    add(speakers_list, "Mei", SpeechKind.POINT_OF_ORDER)

    assert queue_names(speakers_list) == ["Mei", "Ana", "Luis"]


def test_move_changes_the_order_but_never_past_a_point_of_order(
    speakers_list: SpeakersList,
) -> None:
    order = add(speakers_list, "Mei", SpeechKind.POINT_OF_ORDER)
    ana = add(speakers_list, "Ana")
    luis = add(speakers_list, "Luis")

    services.move_request(speech=luis, by=SYSTEM, up=True)
    assert queue_names(speakers_list) == ["Mei", "Luis", "Ana"]
    with pytest.raises(Conflict, match="cannot move further"):
        services.move_request(speech=luis, by=SYSTEM, up=True)
    with pytest.raises(Conflict, match="cannot move further"):
        services.move_request(speech=order, by=SYSTEM, up=False)
    services.move_request(speech=luis, by=SYSTEM, up=False)
    assert queue_names(speakers_list) == ["Mei", "Ana", "Luis"]
    assert ana.pk  # still waiting, in its place


def test_next_ends_the_speech_and_starts_the_first_waiting(speakers_list: SpeakersList) -> None:
    add(speakers_list, "Ana")
    add(speakers_list, "Luis")

    first = services.next_speaker(speakers_list=speakers_list, by=SYSTEM, at=at(0))
    second = services.next_speaker(speakers_list=speakers_list, by=SYSTEM, at=at(100))
    done = services.next_speaker(speakers_list=speakers_list, by=SYSTEM, at=at(250))

    assert first is not None
    assert first.name_en == "Ana"
    assert second is not None
    assert second.name_en == "Luis"
    assert done is None
    spoken = {s.name_en: s for s in speakers_list.speeches.all()}
    assert spoken["Ana"].state == SpeechState.DONE
    assert (spoken["Ana"].started_at, spoken["Ana"].ended_at) == (at(0), at(100))
    assert (spoken["Luis"].started_at, spoken["Luis"].ended_at) == (at(100), at(250))


def test_a_speech_waits_until_the_floor_is_free(speakers_list: SpeakersList) -> None:
    add(speakers_list, "Ana")
    luis = add(speakers_list, "Luis")
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, at=at(0))

    with pytest.raises(Conflict, match="Ana has the floor"):
        services.start_speech(speakers_list=speakers_list, by=SYSTEM, speech=luis, at=at(10))

    luis.refresh_from_db()
    assert luis.state == SpeechState.WAITING


def test_time_left_is_computed_from_the_start(speakers_list: SpeakersList) -> None:
    add(speakers_list, "Ana")
    speech = services.start_speech(speakers_list=speakers_list, by=SYSTEM, at=at(0))

    assert speech.seconds_left(at(0)) == 180
    assert speech.seconds_left(at(50)) == 130
    assert speech.seconds_left(at(500)) == 0


def test_point_of_order_interrupts_and_the_speech_resumes_with_its_time_left(
    speakers_list: SpeakersList,
) -> None:
    add(speakers_list, "Ana")
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, at=at(0))
    order = add(speakers_list, "Mei", SpeechKind.POINT_OF_ORDER)

    services.start_speech(speakers_list=speakers_list, by=SYSTEM, speech=order, at=at(60))
    ana = speakers_list.speeches.get(name_en="Ana")
    assert ana.state == SpeechState.INTERRUPTED
    assert ana.seconds_left(at(100)) == 120  # the clock stood still while Mei spoke

    resumed = services.end_speech(speakers_list=speakers_list, by=SYSTEM, at=at(90))

    assert resumed is not None
    assert resumed.pk == ana.pk
    ana.refresh_from_db()
    assert ana.state == SpeechState.SPEAKING
    assert ana.paused_seconds == 30
    assert ana.seconds_left(at(90)) == 120
    assert ana.seconds_left(at(150)) == 60
    order.refresh_from_db()
    assert (order.state, order.started_at, order.ended_at) == (SpeechState.DONE, at(60), at(90))


def test_next_after_a_point_of_order_resumes_the_interrupted_speech(
    speakers_list: SpeakersList,
) -> None:
    add(speakers_list, "Ana")
    add(speakers_list, "Luis")
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, at=at(0))
    order = add(speakers_list, "Mei", SpeechKind.POINT_OF_ORDER)
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, speech=order, at=at(10))

    following = services.next_speaker(speakers_list=speakers_list, by=SYSTEM, at=at(20))

    assert following is not None
    assert following.name_en == "Ana"
    assert queue_names(speakers_list) == ["Luis"]


def test_a_point_of_order_does_not_interrupt_another(speakers_list: SpeakersList) -> None:
    add(speakers_list, "Mei", SpeechKind.POINT_OF_ORDER)
    second = add(speakers_list, "Wei", SpeechKind.POINT_OF_ORDER)
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, at=at(0))

    with pytest.raises(Conflict, match="Mei has the floor"):
        services.start_speech(speakers_list=speakers_list, by=SYSTEM, speech=second, at=at(5))


def test_closed_list_takes_no_speech_but_a_point_of_order(speakers_list: SpeakersList) -> None:
    services.close_list(speakers_list=speakers_list, by=SYSTEM)

    with pytest.raises(Conflict, match="closed"):
        add(speakers_list, "Ana")
    order = add(speakers_list, "Mei", SpeechKind.POINT_OF_ORDER)
    services.reopen_list(speakers_list=speakers_list, by=SYSTEM)
    reply = add(speakers_list, "Luis", SpeechKind.REPLY)

    assert [order.state, reply.state] == [SpeechState.WAITING, SpeechState.WAITING]
    with pytest.raises(Conflict, match="open"):
        services.reopen_list(speakers_list=speakers_list, by=SYSTEM)


def test_one_waiting_request_per_person_is_held_by_the_database(
    speakers_list: SpeakersList, delegate_a: Any
) -> None:
    person = delegate_a.person
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, person=person)

    with pytest.raises(Conflict, match="already waiting"):
        services.add_speaker(speakers_list=speakers_list, by=SYSTEM, person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Speech.objects.create(
            speakers_list=speakers_list,
            person=person,
            name_en="again",
            requested_at=timezone.now(),
        )


def test_one_speech_at_a_time_is_held_by_the_database(speakers_list: SpeakersList) -> None:
    ana = add(speakers_list, "Ana")
    luis = add(speakers_list, "Luis")
    Speech.objects.filter(pk=ana.pk).update(state=SpeechState.SPEAKING)

    with pytest.raises(IntegrityError), transaction.atomic():
        Speech.objects.filter(pk=luis.pk).update(state=SpeechState.SPEAKING)


def test_withdrawn_request_leaves_the_queue_and_may_be_made_again(
    speakers_list: SpeakersList, delegate_a: Any
) -> None:
    first = services.add_speaker(speakers_list=speakers_list, by=SYSTEM, person=delegate_a.person)
    services.withdraw_request(speech=first, by=SYSTEM)
    again = services.add_speaker(speakers_list=speakers_list, by=SYSTEM, person=delegate_a.person)

    assert queue_names(speakers_list) == ["Dana Delegate"]
    first.refresh_from_db()
    assert (first.state, again.state) == (SpeechState.WITHDRAWN, SpeechState.WAITING)
    with pytest.raises(Conflict, match="still waiting"):
        services.withdraw_request(speech=first, by=SYSTEM)


def test_a_speaker_needs_a_name(speakers_list: SpeakersList) -> None:
    with pytest.raises(Invalid, match="Name the speaker"):
        services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="  ")


def test_a_member_names_its_speaker_when_no_name_is_typed(
    speakers_list: SpeakersList, city_b: Any
) -> None:
    speech = services.add_speaker(speakers_list=speakers_list, by=SYSTEM, member=city_b)

    assert (speech.name_en, speech.member) == ("Mexico City", city_b)


def test_opening_twice_keeps_one_list_and_reopens_it(
    speakers_list: SpeakersList, item: AgendaItem
) -> None:
    services.close_list(speakers_list=speakers_list, by=SYSTEM)

    again = services.open_list(agenda_item=item, by=SYSTEM)

    assert again.pk == speakers_list.pk
    assert SpeakersList.objects.get().closed is False


def test_speaking_time_is_bounded(speakers_list: SpeakersList, item: AgendaItem) -> None:
    with pytest.raises(Invalid, match="between"):
        services.set_speaking_time(speakers_list=speakers_list, by=SYSTEM, seconds=5)
    services.set_speaking_time(speakers_list=speakers_list, by=SYSTEM, seconds=120)

    assert SpeakersList.objects.get().speaking_seconds == 120

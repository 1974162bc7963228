"""Attacks on the floor: asking on behalf of another, a delegate acting as chair, asking on a
closed list, asking twice, an outsider and another organization's list. Each test fails without
the check it names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from moim.assemblies.models import Assembly
from moim.errors import Conflict, NotAllowed
from moim.floor import services
from moim.floor.enums import SpeechKind, SpeechState
from moim.floor.models import SpeakersList, Speech
from moim.governance.models import AgendaItem
from moim.permissions import SYSTEM
from tests.assemblies.factories import AssemblyFactory
from tests.factories import OrganizationFactory
from tests.floor.conftest import client_for, make_item


def api_ask(user: Any, speakers_list: SpeakersList, body: dict[str, Any]) -> Any:
    return client_for(user).post(
        f"/api/floor/lists/{speakers_list.pk}/requests",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_api_refuses_a_request_naming_another_person(
    speakers_list: SpeakersList, online_a: Any, online_b: Any
) -> None:
    answer = api_ask(online_a, speakers_list, {"kind": "speech", "person": online_b.person.pk})

    assert answer.status_code == 422
    assert Speech.objects.count() == 0


def test_sitting_form_asks_in_ones_own_name_whatever_is_sent(
    assembly: Assembly, speakers_list: SpeakersList, online_a: Any, online_b: Any
) -> None:
    client_for(online_a).post(
        reverse("floor:sitting", args=[assembly.edition]),
        {
            "list": speakers_list.pk,
            "action": "ask",
            "kind": "speech",
            "person": online_b.person.pk,
            "member": online_b.person.member_id,
        },
    )

    speech = Speech.objects.get()
    assert (speech.person, speech.member) == (online_a.person, online_a.person.member)


def test_delegate_cannot_withdraw_another_delegates_request(
    assembly: Assembly, speakers_list: SpeakersList, online_a: Any, online_b: Any
) -> None:
    theirs = services.ask_to_speak(speakers_list=speakers_list, by=online_b)

    answer = client_for(online_a).delete(f"/api/floor/lists/{speakers_list.pk}/requests/mine")
    page = client_for(online_a).post(
        reverse("floor:act", args=[assembly.edition, speakers_list.agenda_item_id, "withdraw"]),
        {"speech": theirs.pk},
    )

    assert answer.status_code == 409
    assert page.status_code == 403
    theirs.refresh_from_db()
    assert theirs.state == SpeechState.WAITING


def test_delegate_cannot_start_a_speech(
    assembly: Assembly, speakers_list: SpeakersList, online_a: Any
) -> None:
    mine = services.ask_to_speak(speakers_list=speakers_list, by=online_a)

    with pytest.raises(NotAllowed):
        services.start_speech(speakers_list=speakers_list, by=online_a, speech=mine)
    page = client_for(online_a).post(
        reverse("floor:act", args=[assembly.edition, speakers_list.agenda_item_id, "start"]),
        {"speech": mine.pk},
    )

    assert page.status_code == 403
    mine.refresh_from_db()
    assert (mine.state, mine.started_at) == (SpeechState.WAITING, None)


def test_delegate_cannot_add_a_name_nor_open_a_list(
    assembly: Assembly, item: AgendaItem, online_a: Any
) -> None:
    client = client_for(online_a)
    opened = client.post(reverse("floor:open", args=[assembly.edition, item.pk]), {"minutes": 3})

    assert opened.status_code == 403
    assert not SpeakersList.objects.exists()
    with pytest.raises(NotAllowed):
        services.open_list(agenda_item=item, by=online_a)


def test_asking_on_a_closed_list_is_refused(speakers_list: SpeakersList, online_a: Any) -> None:
    services.close_list(speakers_list=speakers_list, by=SYSTEM)

    answer = api_ask(online_a, speakers_list, {"kind": "speech"})
    reply = api_ask(online_a, speakers_list, {"kind": "reply"})

    assert (answer.status_code, answer.json()["code"]) == (409, "conflict")
    assert "closed" in answer.json()["detail"]
    assert reply.status_code == 409
    assert Speech.objects.count() == 0


def test_asking_twice_is_refused(speakers_list: SpeakersList, online_a: Any) -> None:
    first = api_ask(online_a, speakers_list, {"kind": "speech"})
    second = api_ask(online_a, speakers_list, {"kind": "reply"})

    assert first.status_code == 201
    assert (second.status_code, second.json()["code"]) == (409, "conflict")
    assert Speech.objects.filter(person=online_a.person).count() == 1
    with pytest.raises(Conflict, match="already"):
        services.ask_to_speak(speakers_list=speakers_list, by=online_a)


def test_a_delegate_not_joined_online_cannot_ask(
    speakers_list: SpeakersList, delegate_a: Any
) -> None:
    answer = api_ask(delegate_a, speakers_list, {"kind": "speech"})

    assert answer.status_code == 409
    assert "joined the sitting online" in answer.json()["detail"]
    assert Speech.objects.count() == 0


def test_a_chair_or_juror_cannot_ask_as_a_delegate(
    speakers_list: SpeakersList, chair: Any, juror: Any
) -> None:
    assert api_ask(chair, speakers_list, {"kind": "speech"}).status_code == 403
    assert api_ask(juror, speakers_list, {"kind": "speech"}).status_code == 403
    assert Speech.objects.count() == 0


def test_console_answers_404_to_a_visitor_and_403_to_a_delegate(
    assembly: Assembly, item: AgendaItem, delegate_a: Any, outsider: Any, client: Any
) -> None:
    console = reverse("floor:item", args=[assembly.edition, item.pk])

    assert client.get(console).status_code == 404
    assert client_for(outsider).get(console).status_code == 403
    assert client_for(delegate_a).get(console).status_code == 403


def test_another_organizations_list_answers_404(organization: Any, chair: Any) -> None:
    other: Assembly = AssemblyFactory(organization=OrganizationFactory(slug="other"), edition=5)
    theirs = services.open_list(agenda_item=make_item(other, "Their debate"), by=SYSTEM)
    services.add_speaker(speakers_list=theirs, by=SYSTEM, name_en="Secret speaker")

    answer = client_for(chair).get(f"/api/floor/lists/{theirs.pk}")
    page = client_for(chair).get(reverse("floor:list", args=[5, theirs.pk]))

    assert answer.status_code == 404
    assert page.status_code == 404
    assert "Secret speaker" not in answer.content.decode()


def test_a_point_of_order_from_a_delegate_waits_for_the_chair(
    speakers_list: SpeakersList, online_a: Any
) -> None:
    services.add_speaker(speakers_list=speakers_list, by=SYSTEM, name_en="Ana")
    services.start_speech(speakers_list=speakers_list, by=SYSTEM)

    answer = api_ask(online_a, speakers_list, {"kind": SpeechKind.POINT_OF_ORDER})

    assert answer.status_code == 201
    order = Speech.objects.get(person=online_a.person)
    assert order.state == SpeechState.WAITING  # only the chair gives it the floor
    assert speakers_list.speeches.get(name_en="Ana").state == SpeechState.SPEAKING

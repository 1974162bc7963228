"""The list of speakers: read a list (anyone), ask for the floor or withdraw (a delegate who
has joined online, for itself only)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from ninja.security import django_auth
from pydantic import ConfigDict

from moim.api.errors import REFUSALS, errors
from moim.api.params import RecordId
from moim.floor import services
from moim.floor.access import list_by_id
from moim.floor.enums import SpeechKind
from moim.floor.models import SpeakersList, Speech
from moim.floor.projection import board
from moim.floor.queries import item_titles, with_speeches
from moim.floor.rules import can_ask_to_speak
from moim.permissions import require

router = Router(tags=["floor"])


class SpeakerOut(Schema):
    id: int
    name_en: str
    name_ko: str
    member_en: str
    member_ko: str
    kind: SpeechKind
    online: bool


class OnFloorOut(SpeakerOut):
    started_at: dt.datetime | None
    seconds_left: int
    paused: bool


class ListOut(Schema):
    id: int
    agenda_item: int
    item_title_en: str
    item_title_ko: str
    closed: bool
    speaking_seconds: int
    at: dt.datetime
    current: OnFloorOut | None
    interrupted: OnFloorOut | None
    queue: list[SpeakerOut]


class AskIn(Schema):
    """Only the kind: the request is always in the name of the person logged in."""

    model_config = ConfigDict(extra="forbid")

    kind: SpeechKind = SpeechKind.SPEECH


def _speaker(speech: Speech) -> SpeakerOut:
    return SpeakerOut(
        id=speech.pk,
        name_en=speech.name_en,
        name_ko=speech.name_ko,
        member_en=speech.member.name_en if speech.member else "",
        member_ko=speech.member.name_ko if speech.member else "",
        kind=SpeechKind(speech.kind),
        online=speech.online,
    )


def _on_floor(speech: Speech | None, at: dt.datetime, *, paused: bool) -> OnFloorOut | None:
    if speech is None:
        return None
    return OnFloorOut(
        **_speaker(speech).model_dump(),
        started_at=speech.started_at,
        seconds_left=speech.seconds_left(at),
        paused=paused,
    )


def _list_out(speakers_list: SpeakersList) -> ListOut:
    found = board(with_speeches(SpeakersList.objects.filter(pk=speakers_list.pk)).get())
    title_en, title_ko = item_titles(speakers_list.agenda_item)
    return ListOut(
        id=speakers_list.pk,
        agenda_item=speakers_list.agenda_item_id,
        item_title_en=title_en,
        item_title_ko=title_ko,
        closed=found.speakers_list.closed,
        speaking_seconds=found.speakers_list.speaking_seconds,
        at=found.at,
        current=_on_floor(found.current, found.at, paused=False),
        interrupted=_on_floor(found.interrupted, found.at, paused=True),
        queue=[_speaker(s) for s in found.queue],
    )


@router.get("/lists/{list_id}", response={200: ListOut, **errors(404, 422)})
def list_detail(request: HttpRequest, list_id: RecordId) -> ListOut:
    """The list as the hall sees it: the speaker now with the time left, and the queue."""
    return _list_out(list_by_id(list_id))


@router.post(
    "/lists/{list_id}/requests",
    response={201: SpeakerOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def ask(request: HttpRequest, list_id: RecordId, payload: AskIn) -> Status:
    """Ask for the floor, for oneself (a delegate who has joined the sitting online)."""
    require(can_ask_to_speak, request.user)
    speakers_list = list_by_id(list_id)
    speech = services.ask_to_speak(speakers_list=speakers_list, by=request.user, kind=payload.kind)
    return Status(201, _speaker(speech))


@router.delete(
    "/lists/{list_id}/requests/mine",
    response={204: None, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
)
def withdraw(request: HttpRequest, list_id: RecordId) -> Status:
    """Withdraw one's own request while it waits."""
    require(can_ask_to_speak, request.user)
    services.withdraw_mine(speakers_list=list_by_id(list_id), by=request.user)
    return Status(204, None)

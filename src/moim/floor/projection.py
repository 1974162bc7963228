"""What a screen shows of a list of speakers: the speaker now, the clock, who comes next.

`board` draws the floor's pages; `projected_list` gives the same facts as plain data, for the
projector and the API. Times left are computed here, on the server, at the moment of asking:
a page ticks them down itself from that figure, and is sent a fresh one on every change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from moim.assemblies.models import Assembly
from moim.floor.enums import SpeechState
from moim.floor.models import SpeakersList, Speech
from moim.floor.queries import focus_list, item_titles, lists_of, with_speeches
from moim.governance.models import AgendaItem

# How many of those waiting a screen names as next.
NEXT_SHOWN = 3


@dataclass(frozen=True)
class Board:
    speakers_list: SpeakersList
    at: dt.datetime
    current: Speech | None
    interrupted: Speech | None
    queue: list[Speech]
    spoken: list[Speech]

    @property
    def seconds_left(self) -> int | None:
        return self.current.seconds_left(self.at) if self.current is not None else None

    @property
    def interrupted_seconds_left(self) -> int | None:
        return self.interrupted.seconds_left(self.at) if self.interrupted is not None else None

    @property
    def next_up(self) -> list[Speech]:
        return self.queue[:NEXT_SHOWN]

    def waiting_for(self, person_id: int | None) -> Speech | None:
        """The request this person has waiting, if any."""
        return next((s for s in self.queue if person_id and s.person_id == person_id), None)


def board(speakers_list: SpeakersList, at: dt.datetime | None = None) -> Board:
    """The list's state now; uses its prefetched speeches when `with_speeches` fetched them."""
    speeches = [s for s in speakers_list.speeches.all() if s.state != SpeechState.WITHDRAWN]
    for speech in speeches:
        # The clock reads the list's speaking time: no query back to the list per speech.
        speech.speakers_list = speakers_list
    by_state: dict[str, list[Speech]] = {}
    for speech in speeches:
        by_state.setdefault(speech.state, []).append(speech)
    queue = sorted(
        by_state.get(SpeechState.WAITING, []), key=lambda s: (s.priority, s.position, s.pk)
    )
    spoken = sorted(
        by_state.get(SpeechState.DONE, []),
        key=lambda s: (s.started_at or speakers_list.opened_at, s.pk),
    )
    return Board(
        speakers_list=speakers_list,
        at=at or timezone.now(),
        current=next(iter(by_state.get(SpeechState.SPEAKING, [])), None),
        interrupted=next(iter(by_state.get(SpeechState.INTERRUPTED, [])), None),
        queue=queue,
        spoken=spoken,
    )


def _speaker(speech: Speech) -> dict[str, Any]:
    return {
        "id": speech.pk,
        "name": speech.name,
        "name_en": speech.name_en,
        "name_ko": speech.name_ko,
        "member_en": speech.member.name_en if speech.member else "",
        "member_ko": speech.member.name_ko if speech.member else "",
        "kind": speech.kind,
        "online": speech.online,
    }


def _on_floor(speech: Speech | None, at: dt.datetime, *, paused: bool) -> dict[str, Any] | None:
    if speech is None:
        return None
    return {
        **_speaker(speech),
        "started_at": speech.started_at,
        "seconds_left": speech.seconds_left(at),
        "paused": paused,
    }


def as_data(found: Board) -> dict[str, Any]:
    speakers_list = found.speakers_list
    title_en, title_ko = item_titles(speakers_list.agenda_item)
    return {
        "list_id": speakers_list.pk,
        "agenda_item_id": speakers_list.agenda_item_id,
        "item_title_en": title_en,
        "item_title_ko": title_ko,
        "closed": speakers_list.closed,
        "speaking_seconds": speakers_list.speaking_seconds,
        "at": found.at,
        "current": _on_floor(found.current, found.at, paused=False),
        "interrupted": _on_floor(found.interrupted, found.at, paused=True),
        "next": [_speaker(s) for s in found.next_up],
        "waiting": len(found.queue),
    }


def projected_list(
    assembly: Assembly, agenda_item: AgendaItem | None = None
) -> dict[str, Any] | None:
    """The list of speakers a screen shows, as plain data, or None when there is none.

    Without `agenda_item`, the list the hall is on (a speech under way, else the list changed
    last). Keys: list_id, agenda_item_id, item_title_en, item_title_ko, closed,
    speaking_seconds, at (the server's time of the reading), current and interrupted (each
    None or a speaker with started_at, seconds_left and paused; a speech interrupted by a
    point of order is `interrupted`, its clock stopped, paused True), next (up to three
    speakers waiting: id, name, name_en, name_ko, member_en, member_ko, kind, online) and
    waiting (how many wait).
    """
    if agenda_item is None:
        speakers_list = focus_list(assembly)
    else:
        speakers_list = with_speeches(lists_of(assembly)).filter(agenda_item=agenda_item).first()
    if speakers_list is None:
        return None
    return as_data(board(speakers_list))

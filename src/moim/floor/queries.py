"""Reading the lists of speakers: the state a page shows, and who spoke for the minutes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from moim.assemblies.models import Assembly
from moim.floor.enums import ON_THE_FLOOR, SPOKEN_STATES, SpeechState
from moim.floor.models import SpeakersList, Speech
from moim.governance.agenda_tree import agenda_tree
from moim.governance.models import AgendaItem


@dataclass(frozen=True)
class Spoken:
    """One speech as the minutes record it."""

    speaker: str
    member_en: str
    member_ko: str
    kind: str
    online: bool
    started_at: dt.datetime
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class SpokenItem:
    """An agenda item and the speeches heard on it, in the order they began."""

    agenda_item_id: int
    agenda_title_en: str
    agenda_title_ko: str
    speeches: list[Spoken]


def item_titles(item: AgendaItem) -> tuple[str, str]:
    """An agenda item's title in English and Korean (a decision item's is its decision's)."""
    if item.title_en or item.decision is None:
        return item.title_en, item.title_ko
    return item.decision.title_en, item.decision.title_ko


def speeches_for_minutes(assembly_id: int) -> list[SpokenItem]:
    """Every speech given at the assembly, grouped by agenda item in the agenda's order, each
    with its start and end times, whether it was given online, and its kind."""
    speeches = (
        Speech.objects.filter(
            speakers_list__assembly_id=assembly_id,
            state__in=SPOKEN_STATES,
            started_at__isnull=False,
        )
        .select_related("member", "speakers_list")
        .order_by("started_at", "pk")
    )
    by_item: dict[int, list[Spoken]] = {}
    for speech in speeches:
        assert speech.started_at is not None
        by_item.setdefault(speech.speakers_list.agenda_item_id, []).append(
            Spoken(
                speaker=speech.name,
                member_en=speech.member.name_en if speech.member else "",
                member_ko=speech.member.name_ko if speech.member else "",
                kind=speech.kind,
                online=speech.online,
                started_at=speech.started_at,
                ended_at=speech.ended_at,
            )
        )
    if not by_item:
        return []
    found = []
    for root in agenda_tree(assembly_id):
        for node in root.walk():
            if node.item is not None and node.item.pk in by_item:
                title_en, title_ko = item_titles(node.item)
                found.append(SpokenItem(node.item.pk, title_en, title_ko, by_item[node.item.pk]))
    return found


def lists_of(assembly: Assembly) -> QuerySet[SpeakersList]:
    return SpeakersList.objects.filter(assembly=assembly).select_related("agenda_item__decision")


def with_speeches(lists: QuerySet[SpeakersList]) -> QuerySet[SpeakersList]:
    """Lists with their speeches (but withdrawn requests) and the speakers' members fetched."""
    return lists.prefetch_related(
        Prefetch(
            "speeches",
            queryset=Speech.objects.exclude(state=SpeechState.WITHDRAWN)
            .select_related("member")
            .order_by("position", "pk"),
        )
    )


def focus_list(assembly: Assembly) -> SpeakersList | None:
    """The list the hall is on: the one whose speech is under way, else the one the chair
    acted on last."""
    lists = with_speeches(lists_of(assembly))
    speaking = lists.filter(speeches__state__in=ON_THE_FLOOR).order_by("-changed_at").first()
    return speaking or lists.order_by("-changed_at", "-pk").first()

"""The 5th General Assembly's list of speakers on the Charter and Statute amendments.

Illustrative (the press release names no speaker on the item): the Secretary General presents
the amendments in the room; São Paulo's mayor, who followed the Assembly online, speaks; a point
of order from the Busan delegation in the room on the interpretation channel interrupts him, and
he resumes with the time he had left. The times sit inside the plenary session (16:10 KST).
`load` is idempotent: an item whose list exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from moim.assemblies.models import Assembly
from moim.floor import services
from moim.floor.enums import SpeechKind
from moim.floor.models import SpeakersList
from moim.governance.enums import AgendaKind
from moim.governance.models import AgendaItem, Decision
from moim.members.models import Member, Organization, Person
from moim.permissions import SYSTEM

SEOUL = ZoneInfo("Asia/Seoul")
CHARTER_POSITION = 1


def _at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(2021, 10, 18, hour, minute, second, tzinfo=SEOUL)


def _person(organization: Organization, name_en: str) -> Person | None:
    return Person.objects.filter(organization=organization, name_en=name_en).first()


@transaction.atomic
def load(organization: Organization) -> None:
    assembly = Assembly.objects.filter(organization=organization, edition=5).first()
    if assembly is None:
        return
    decision = Decision.objects.filter(assembly=assembly, position=CHARTER_POSITION).first()
    if decision is None:
        return
    item, _created = AgendaItem.objects.get_or_create(
        decision=decision,
        defaults={"assembly": assembly, "kind": AgendaKind.DECISION, "position": CHARTER_POSITION},
    )
    if SpeakersList.objects.filter(agenda_item=item).exists():
        return
    members = {m.slug: m for m in Member.objects.filter(organization=organization)}
    speakers_list = services.open_list(agenda_item=item, by=SYSTEM, at=_at(16, 12))
    secretary_general = _person(organization, "Park Jung-sook")
    services.add_speaker(
        speakers_list=speakers_list,
        by=SYSTEM,
        person=secretary_general,
        name_en="" if secretary_general else "Park Jung-sook",
        name_ko="" if secretary_general else "박정숙",
        at=_at(16, 12),
    )
    nunes = _person(organization, "Ricardo Nunes")
    services.add_speaker(
        speakers_list=speakers_list,
        by=SYSTEM,
        person=nunes,
        member=members.get("sao-paulo"),
        name_en="" if nunes else "Ricardo Nunes",
        name_ko="" if nunes else "히카르두 누네스",
        online=True,
        at=_at(16, 13),
    )
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, at=_at(16, 14))
    services.next_speaker(speakers_list=speakers_list, by=SYSTEM, at=_at(16, 17))
    busan = _person(organization, "Jung Hae-won")
    point = services.add_speaker(
        speakers_list=speakers_list,
        by=SYSTEM,
        kind=SpeechKind.POINT_OF_ORDER,
        person=busan,
        member=members.get("busan"),
        name_en="" if busan else "Jung Hae-won",
        name_ko="" if busan else "정해원",
        at=_at(16, 18, 40),
    )
    services.start_speech(speakers_list=speakers_list, by=SYSTEM, speech=point, at=_at(16, 18, 40))
    services.end_speech(speakers_list=speakers_list, by=SYSTEM, at=_at(16, 19, 30))
    services.end_speech(speakers_list=speakers_list, by=SYSTEM, at=_at(16, 20, 50))
    services.close_list(speakers_list=speakers_list, by=SYSTEM)

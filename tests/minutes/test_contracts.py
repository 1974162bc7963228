"""Sections that read parts of Moim built apart from the minutes (the convocation, the speeches
on the floor, amendments), through fakes of the exact shapes those parts answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from moim.governance.models import Decision
from moim.minutes import records
from moim.minutes.enums import SectionKey
from moim.minutes.writing import section_text
from tests.assemblies.factories import AssemblyFactory
from tests.governance.conftest import make_motion, make_rules
from tests.site.publication_plenary import Published

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))


@dataclass(frozen=True)
class ConvocationRecord:
    sent_at: dt.datetime
    notice_days_required: int
    days_before: int
    on_time: bool
    recipients: int
    sent: int
    bounced: int
    failed: int
    pending: int


@dataclass(frozen=True)
class Spoken:
    speaker: str
    member_en: str
    member_ko: str
    kind: str
    online: bool
    started_at: dt.datetime | None
    ended_at: dt.datetime | None


@dataclass(frozen=True)
class SpokenItem:
    agenda_item_id: int
    agenda_title_en: str
    agenda_title_ko: str
    speeches: list[Spoken]


def test_opening_gives_the_convocation_record(
    organization: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assembly = AssemblyFactory(organization=organization, edition=7)
    record = ConvocationRecord(
        sent_at=dt.datetime(2021, 9, 1, 10, tzinfo=SEOUL),
        notice_days_required=30,
        days_before=47,
        on_time=True,
        recipients=200,
        sent=195,
        bounced=3,
        failed=1,
        pending=1,
    )
    monkeypatch.setattr(records, "convocation_record", lambda a: record if a == assembly else None)

    english = section_text(assembly, SectionKey.OPENING, "en")

    assert "47 days before the opening (30 days' notice required)" in english
    assert "It was sent in time." in english
    assert "Recipients: 200; delivered 195, bounced 3, failed 1, pending 1." in english


def test_opening_says_when_the_convocation_was_late_or_unrecorded(
    organization: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assembly = AssemblyFactory(organization=organization, edition=7)
    late = ConvocationRecord(dt.datetime(2021, 10, 1, tzinfo=SEOUL), 30, 17, False, 5, 5, 0, 0, 0)

    monkeypatch.setattr(records, "convocation_record", lambda a: late)
    late_text = section_text(assembly, SectionKey.OPENING, "en")
    monkeypatch.setattr(records, "convocation_record", lambda a: None)
    none_text = section_text(assembly, SectionKey.OPENING, "en")
    monkeypatch.setattr(records, "convocation_record", None)
    missing_text = section_text(assembly, SectionKey.OPENING, "en")

    assert "It was not sent in time." in late_text
    assert "No record of the convocation is available." in none_text
    assert "No record of the convocation is available." in missing_text


def test_speakers_come_from_the_floor_when_it_is_recorded(
    organization: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assembly = AssemblyFactory(organization=organization, edition=7)
    start = dt.datetime(2021, 10, 18, 16, 12, tzinfo=SEOUL)
    five_minutes_on = start + dt.timedelta(minutes=5)
    item = SpokenItem(
        agenda_item_id=1,
        agenda_title_en="WeGO 2030 Master Plan",
        agenda_title_ko="WeGO 2030 마스터플랜",
        speeches=[
            Spoken("Ana Lima", "São Paulo", "상파울루시", "debate", True, start, None),
            Spoken("Kim Min", "Seoul", "서울특별시", "report", False, start, five_minutes_on),
        ],
    )
    monkeypatch.setattr(records, "speeches_for_minutes", lambda pk: [item])

    english = section_text(assembly, SectionKey.SPEAKERS, "en")
    korean = section_text(assembly, SectionKey.SPEAKERS, "ko")

    assert english.splitlines() == [
        "WeGO 2030 Master Plan",
        "– Ana Lima (São Paulo, debate, online, 16:12)",
        "– Kim Min (Seoul, report, in the room, 16:12–16:17)",
    ]
    assert "WeGO 2030 마스터플랜" in korean
    assert "Kim Min (서울특별시" in korean


def test_a_motion_s_amendments_and_its_final_text_follow_it(
    plenary: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    assembly = plenary.plenary.assembly
    motion = plenary.motion
    rules = make_rules(assembly.organization, name="Amendment rules")
    amendment = make_motion(assembly, rules, "Amendment A: add a budget line")
    amendment.text_en = "Insert: the plan has a budget."
    amendment.save()
    monkeypatch.setattr(Decision, "amends", None, raising=False)
    monkeypatch.setattr(
        records,
        "amendments_in_voting_order",
        lambda d: [amendment] if d.pk == motion.pk else [],
    )
    monkeypatch.setattr(
        records,
        "final_text",
        lambda d, language=None: ["The plan is adopted.", f"It has a budget ({language})."],
    )

    english = section_text(assembly, SectionKey.DECISIONS, "en")

    block = english.split("\n\n")[0]
    assert "– Amendment: Amendment A: add a budget line. Insert: the plan has a budget." in block
    assert block.index("Amendment A") < block.index("Text as amended:")
    assert "The plan is adopted.\nIt has a budget (en)." in block

"""The WeGO 2021 demonstration data: idempotent loading and the press release's facts."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import models

from moim.members import demo
from moim.members.enums import MemberKind, OfficeKind, TermSource
from moim.members.models import (
    Member,
    MemberCategory,
    Office,
    Organization,
    Person,
    Region,
    Term,
    good_standing_q,
)
from tests.worlds import once_per_module

pytestmark = pytest.mark.django_db

MODELS: list[type[models.Model]] = [
    Organization,
    MemberCategory,
    Region,
    Member,
    Person,
    Office,
    Term,
]
DAY = dt.date(2021, 10, 18)
PRESS_RELEASE = Path("/work/shared/seed/press-release-2021-en.md")


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every column of every row, per model."""
    result = {}
    for model in MODELS:
        rows = list(model._default_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        result[model.__name__] = (len(rows), digest)
    return result


# Loaded once for the module's read-only tests, and rolled back after them.
loaded_once = once_per_module(demo.load)


@pytest.fixture
def wego(loaded_once: Organization, db: None) -> Organization:
    return loaded_once


def current(kind: OfficeKind) -> Any:
    return Term.objects.current(DAY).filter(office__kind=kind)


def test_loading_twice_changes_nothing(db: None) -> None:
    demo.load()
    first = snapshot()

    demo.load()

    assert snapshot() == first
    assert first["Member"][0] > 200


def test_loading_restores_edited_rows(db: None) -> None:
    demo.load()
    before = snapshot()
    Member.objects.filter(slug="seoul").update(name_en="Somewhere else")

    demo.load()

    assert snapshot() == before
    assert not Organization.objects.filter(acronym="CHANGED").exists()


def test_organization_is_wego_founded_in_seoul_in_2010(wego: Organization) -> None:
    assert wego.acronym == "WeGO"
    assert wego.name_en == "World Smart Sustainable Cities Organization"
    assert wego.name_ko == "세계스마트지속가능도시기구"
    assert wego.founded == dt.date(2010, 9, 7)
    assert wego.secretariat_city_en == "Seoul"
    assert wego.standing_rule == "previous_year"


def test_categories_only_full_members_vote(wego: Organization) -> None:
    votes = dict(MemberCategory.objects.values_list("code", "has_vote"))

    assert votes == {"full": True, "associate": False, "friendship": False, "corporate": False}


def test_regional_offices_follow_the_domain(wego: Organization) -> None:
    offices = dict(
        Region.objects.filter(office__isnull=False).values_list("name_en", "office__slug")
    )

    assert offices == {
        "East Asia": "chengdu",
        "Eurasia": "ulyanovsk-region",
        "Mediterranean": "beyoglu",
        "Latin America": "mexico-city",
        "Africa": "abuja",
    }


def test_membership_has_wegos_real_size(wego: Organization) -> None:
    by_kind = dict(Member.objects.values_list("kind").annotate(n=models.Count("pk")).order_by())
    countries = Member.objects.values("country").distinct().count()

    assert 150 <= by_kind[MemberKind.LOCAL_GOVERNMENT] <= 170
    assert 30 <= by_kind[MemberKind.COMPANY] <= 40
    assert 14 <= by_kind[MemberKind.INSTITUTION] <= 18
    assert countries >= 60


def test_a_realistic_few_are_not_in_good_standing_on_assembly_day(wego: Organization) -> None:
    behind = Member.objects.exclude(good_standing_q(wego, DAY))

    assert 10 <= behind.count() <= 15
    assert not behind.filter(illustrative=False).exists()


def test_every_named_organization_is_a_real_record(wego: Organization) -> None:
    named = {
        "seoul": "서울특별시",
        "goyang": "고양시",
        "seongnam": "성남시",
        "george-town": "조지타운(페낭섬 시의회)",
        "sao-paulo": "상파울루시",
        "mexico-city": "멕시코시티",
        "istanbul": "이스탄불광역시",
        "bangkok": "방콕",
        "chengdu": "청두시",
        "ulyanovsk-region": "울리야놉스크주",
        "beyoglu": "베이올루구",
        "abuja": "아부자(연방수도구역)",
        "makati": "마카티시",
        "belo-horizonte": "벨루오리존치시",
        "jakarta": "자카르타주",
        "moscow": "모스크바시",
        "jeju": "제주특별자치도",
        "mashhad": "마슈하드시",
    }
    found = dict(
        Member.objects.filter(slug__in=named, illustrative=False).values_list("slug", "name_ko")
    )

    assert found == named
    assert Member.objects.get(slug="george-town").country == "MY"


def test_sponsors_are_corporate_members_and_the_media_partner_is_not(
    wego: Organization,
) -> None:
    sponsors = Member.objects.filter(
        slug__in=["dohwa", "hurim-robot", "nature-and-fiber", "srpost"],
        category__code="corporate",
        kind=MemberKind.COMPANY,
        illustrative=False,
    )

    assert sponsors.count() == 4
    assert not Member.objects.filter(name_en__icontains="Smart Cities World").exists()


def test_people_named_in_the_press_release(wego: Organization) -> None:
    people = {p.name_en: p for p in Person.objects.filter(illustrative=False)}

    assert people["Oh Se-hoon"].name_ko == "오세훈"
    assert people["Oh Se-hoon"].member.slug == "seoul"
    assert people["Baek Ji-ah"].name_ko == "백지아"
    assert people["Park Jung-sook"].name_ko == "박정숙"
    assert "GAVI" in people["Park Jung-sook"].title_en
    assert people["Ricardo Nunes"].member.slug == "sao-paulo"
    assert people["Kriangyos Sudlabha"].member.slug == "bangkok"
    assert people["Maimunah Mohd Sharif"].member is None
    assert people["Maimunah Mohd Sharif"].affiliation_en == "UN-Habitat"
    assert not Person.objects.filter(illustrative=False).exclude(email="").exists()


def test_seoul_is_the_elected_president(wego: Organization) -> None:
    (term,) = current(OfficeKind.PRESIDENT)

    assert term.member.slug == "seoul"
    assert term.source == TermSource.ELECTION
    assert "second term" in term.basis
    assert not term.illustrative


def test_park_jung_sook_is_the_appointed_secretary_general(wego: Organization) -> None:
    (term,) = current(OfficeKind.SECRETARY_GENERAL)

    assert term.person.name_en == "Park Jung-sook"
    assert term.source == TermSource.APPOINTMENT


def test_six_vice_president_cities_with_mexico_city_executive_ex_officio(
    wego: Organization,
) -> None:
    (executive,) = current(OfficeKind.EXECUTIVE_VICE_PRESIDENT)
    others = current(OfficeKind.VICE_PRESIDENT)

    assert executive.member.slug == "mexico-city"
    assert executive.source == TermSource.EX_OFFICIO
    assert others.count() == 5
    assert {t.appointed_by.slug for t in others} == {"seoul"}
    assert {t.source for t in others} == {TermSource.APPOINTMENT}
    assert all(t.illustrative for t in others)


def test_seventeen_executive_committee_members_elected(wego: Organization) -> None:
    terms = current(OfficeKind.EXECUTIVE_COMMITTEE)

    assert terms.count() == 17
    assert terms.values("member").distinct().count() == 17
    assert {t.source for t in terms} == {TermSource.ELECTION}
    assert all(t.illustrative for t in terms)
    seats = Office.objects.get(kind=OfficeKind.EXECUTIVE_COMMITTEE).seats
    assert seats is not None
    assert terms.count() <= seats


def test_mexico_city_hosts_the_2023_assembly(wego: Organization) -> None:
    (term,) = current(OfficeKind.HOST_CITY)

    assert term.member.slug == "mexico-city"
    assert "2023" in term.basis


def test_data_files_say_what_is_illustrative() -> None:
    for name in ("organization.json", "members.json", "people.json", "terms.json"):
        notes = demo.read(name)["notes"]
        assert notes, name
    assert any("illustrative" in note for note in demo.read("terms.json")["notes"])


@pytest.mark.skipif(not PRESS_RELEASE.exists(), reason="the shared seed is not on this machine")
def test_press_release_figures_match_the_data(wego: Organization) -> None:
    text = PRESS_RELEASE.read_text(encoding="utf-8")

    assert "6 Vice-President cities" in text
    assert current(OfficeKind.VICE_PRESIDENT).count() + 1 == 6
    assert "17 Executive Committee members" in text
    assert current(OfficeKind.EXECUTIVE_COMMITTEE).count() == 17
    for name in ("Oh Se-hoon", "Park Jung-sook", "Baek Ji-ah", "Ricardo Nunes"):
        assert name in text
        assert Person.objects.filter(name_en=name).exists()


def test_bad_data_is_reported_and_nothing_is_stored(
    monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    real_read = demo.read

    def broken(name: str) -> dict[str, Any]:
        data = real_read(name)
        data = json.loads(json.dumps(data))
        if name == "organization.json":  # read first: proves the rollback of what came before
            data["organization"]["acronym"] = "CHANGED"
        if name == "members.json":
            data["members"][5]["region"] = "atlantis"
        return data

    monkeypatch.setattr(demo, "read", broken)
    before = snapshot()

    with pytest.raises(demo.DemoDataError, match=r"region.*'atlantis' is not defined"):
        demo.load()

    assert snapshot() == before
    assert not Organization.objects.filter(acronym="CHANGED").exists()

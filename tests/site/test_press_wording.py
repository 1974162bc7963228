"""The press release's wording for 1, 2 and many of each figure, in English and Korean.

The facts are built by hand (`press_facts` gathers them from the records elsewhere), so each
figure can be set alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from typing import Any

import pytest

from moim.awards.enums import AcceptanceMode
from moim.site.press import AwardsFacts, GoldWinner, PressFacts, write_press_release

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def facts(language: str = "en", **changes: Any) -> PressFacts:
    base = PressFacts(
        language=language,
        organization="Network of Cities",
        acronym="NoC",
        assembly_title="7th General Assembly",
        edition=7,
        theme="",
        starts=dt.datetime(2027, 5, 4, 10, 0, tzinfo=SEOUL),
        city="Abuja",
        country="Nigeria",
        venue="",
        hybrid=False,
        host="Abuja",
        host_is_president=False,
        participants=0,
        mayors=0,
        mayoral_countries=0,
        ambassadors=0,
        items=[],
        awards=None,
        chair=None,
        adopted=[],
        rejected=[],
        president="",
        vice_presidents=0,
        executive_committee=0,
        next_host="",
        next_year=None,
        secretary_general="",
        website="",
    )
    return dataclasses.replace(base, **changes)


def gold(city: str, country: str = "Brazil", **changes: Any) -> GoldWinner:
    return GoldWinner(
        **{
            "city": city,
            "country": country,
            "category": "Mobility",
            "accepted": "",
            "accepted_by_title": "",
            **changes,
        }
    )


def awards(
    winners: list[GoldWinner], categories: list[str], entries: int, countries: int
) -> AwardsFacts:
    return AwardsFacts(
        title="3rd Awards",
        number=3,
        entries=entries,
        countries=countries,
        categories=categories,
        gold=winners,
    )


@pytest.mark.parametrize(
    ("participants", "english", "korean"),
    [
        (1, "1 participant took part.", "이 날 행사에는 1명의 참가자가 참여했다."),
        (
            2,
            "2 members, partners and stakeholders took part.",
            "2명의 회원과 파트너, 이해관계자가 참여했다.",
        ),
        (81, "81 members, partners and stakeholders took part.", "81명의 회원과"),
        (230, "230 members, partners and stakeholders took part.", "230명의 회원과"),
        (234, "About 230 members, partners and stakeholders took part.", "약 230명의 회원과"),
    ],
)
def test_participants_are_exact_unless_rounded(
    participants: int, english: str, korean: str
) -> None:
    en = write_press_release(facts(participants=participants))
    ko = write_press_release(facts("ko", participants=participants))

    assert english in en
    assert korean in ko
    assert "여 명" not in ko
    assert ("약" in ko) == (participants == 234)
    assert ("About" in en) == (participants == 234)


@pytest.mark.parametrize(
    ("mayors", "vice_mayors", "countries", "english", "korean"),
    [
        (1, 0, 1, "among them 1 mayor from 1 country.", "이 중 1개국 1명의 시장이 참가했다."),
        (
            1,
            1,
            1,
            "among them 1 vice-mayor from 1 country.",
            "이 중 1개국 1명의 부시장이 참가했다.",
        ),
        (
            2,
            1,
            2,
            "among them 1 mayor and 1 vice-mayor from 2 countries.",
            "이 중 전 세계 2개국 2명의 시장·부시장이 참가했다.",
        ),
        (2, 0, 1, "among them 2 mayors from 1 country.", "이 중 1개국 2명의 시장이 참가했다."),
        (
            20,
            8,
            16,
            "among them 20 mayors and vice-mayors from 16 countries.",
            "이 중 전 세계 16개국 20명의 시장·부시장이 참가했다.",
        ),
    ],
)
def test_mayors_and_their_countries(
    mayors: int, vice_mayors: int, countries: int, english: str, korean: str
) -> None:
    figures = {
        "participants": 50,
        "mayors": mayors,
        "vice_mayors": vice_mayors,
        "mayoral_countries": countries,
    }

    en = write_press_release(facts(**figures))
    ko = write_press_release(facts("ko", **figures))

    assert english in en
    assert korean in ko
    assert "시장·부시장가" not in ko


@pytest.mark.parametrize(
    ("ambassadors", "english", "korean"),
    [
        (
            1,
            "among them 3 mayors from 2 countries and 1 ambassador.",
            "3명의 시장과 1명의 대사가 참가했다.",
        ),
        (2, "and 2 ambassadors.", "2명의 대사가"),
        (12, "and 12 ambassadors.", "12명의 대사가"),
    ],
)
def test_ambassadors(ambassadors: int, english: str, korean: str) -> None:
    figures = {"participants": 50, "mayors": 3, "mayoral_countries": 2, "ambassadors": ambassadors}

    assert english in write_press_release(facts(**figures))
    assert korean in write_press_release(facts("ko", **figures))


def test_ambassadors_alone() -> None:
    en = write_press_release(facts(participants=9, ambassadors=1))
    ko = write_press_release(facts("ko", participants=9, ambassadors=1))

    assert "9 members, partners and stakeholders took part, among them 1 ambassador." in en
    assert "9명의 회원과 파트너, 이해관계자가 참여했으며, 이 중 1명의 대사가 참가했다." in ko


def test_one_award_winner_one_category_one_city_one_country() -> None:
    one = awards([gold("São Paulo")], ["Mobility"], entries=1, countries=1)

    en = write_press_release(facts(awards=one))
    ko = write_press_release(facts("ko", awards=one))

    assert "1 city from 1 country took part." in en
    assert "In its category, Mobility, the Gold award went to São Paulo (Brazil)." in en
    assert "1개국 1개 도시에서 참여를 했으며" in ko
    assert "전 세계 1개국" not in ko
    assert "Mobility 분야에서 São Paulo(Brazil)에서 금상을 수상했다." in ko


def test_two_and_many_award_winners_cities_and_countries() -> None:
    two = awards(
        [gold("Jakarta", "Indonesia"), gold("Seoul", "South Korea")],
        ["Mobility", "Safe City"],
        entries=2,
        countries=2,
    )
    many = awards(
        [gold(c) for c in ("Goyang", "Seongnam", "Istanbul")],
        ["A", "B", "C"],
        entries=52,
        countries=18,
    )

    two_en = write_press_release(facts(awards=two))
    many_en = write_press_release(facts(awards=many))
    many_ko = write_press_release(facts("ko", awards=many))

    assert "2 cities from 2 countries took part." in two_en
    assert (
        "In the 2 categories — Mobility and Safe City — Gold awards went to Jakarta "
        "(Indonesia) and Seoul (South Korea)."
    ) in two_en
    assert "52 cities from 18 countries took part." in many_en
    assert "In the 3 categories — A, B and C — Gold awards went to" in many_en
    assert "전 세계 18개국 52개 도시에서" in many_ko
    assert "A, B, C 등 3개 분야에서" in many_ko


def test_winners_accepting_in_person_and_by_representative() -> None:
    winners = [
        gold("Goyang", accepted=AcceptanceMode.IN_PERSON),
        gold(
            "Jakarta",
            accepted=AcceptanceMode.REPRESENTATIVE,
            accepted_by_title="Ambassador of Indonesia",
        ),
    ]
    some = awards(winners, ["A", "B"], entries=5, countries=3)

    en = write_press_release(facts(awards=some))
    ko = write_press_release(facts("ko", awards=some))

    assert (
        "Goyang accepted in person; the Ambassador of Indonesia accepted on behalf of the "
        "overseas Gold winner."
    ) in en
    assert (
        "시상식에는 Goyang이 직접 참석하였고, Ambassador of Indonesia가 해외 금상 수상 "
        "도시를 대표하여 참석하였다."
    ) in ko


@pytest.mark.parametrize(
    ("changes", "english", "korean"),
    [
        (
            {"president": "Seoul", "president_elected": True},
            "Seoul was elected President.",
            "Seoul은 의장으로 선출됐다.",
        ),
        (
            {"president": "Jakarta", "president_elected": False},
            "Jakarta was appointed President.",
            "Jakarta는 의장으로 임명됐다.",
        ),
        (
            {"vice_presidents": 1, "vice_presidents_elected": False},
            "1 Vice-President city was appointed.",
            "1개의 부의장 도시가 임명됐다.",
        ),
        (
            {"vice_presidents": 2, "vice_presidents_elected": True},
            "2 Vice-President cities were elected.",
            "2개의 부의장 도시가 선출됐다.",
        ),
        (
            {"executive_committee": 1, "executive_committee_elected": True},
            "1 Executive Committee member was elected.",
            "1개의 집행위원이 선출됐다.",
        ),
        (
            {"executive_committee": 17, "executive_committee_elected": False},
            "17 Executive Committee members were appointed.",
            "17개의 집행위원이 임명됐다.",
        ),
        (
            {"president": "서울특별시", "vice_presidents": 6, "executive_committee": 2},
            "서울특별시 was elected President, 6 Vice-President cities were appointed and 2 "
            "Executive Committee members were elected.",
            "서울특별시는 의장으로 선출됐고, 6개의 부의장 도시가 임명됐으며 "
            "2개의 집행위원이 선출됐다.",
        ),
        (
            {"president": "Abuja", "executive_committee": 3},
            "Abuja was elected President and 3 Executive Committee members were elected.",
            "Abuja는 의장으로 선출됐고, 3개의 집행위원이 선출됐다.",
        ),
    ],
)
def test_offices_elected_or_appointed_as_decided(
    changes: dict[str, Any], english: str, korean: str
) -> None:
    en = write_press_release(facts(**changes))
    ko = write_press_release(facts("ko", **changes))

    assert english in en
    assert korean in ko


@pytest.mark.parametrize(
    ("name", "korean"),
    [
        ("Mexico City", "2029년 차기 총회 개최도시가 Mexico City로 결정됐다."),
        ("Ulyanovsk Region", "2029년 차기 총회 개최도시가 Ulyanovsk Region으로 결정됐다."),
        ("Istanbul", "2029년 차기 총회 개최도시가 Istanbul로 결정됐다."),
    ],
)
def test_korean_particles_for_latin_script_names(name: str, korean: str) -> None:
    text = write_press_release(
        facts("ko", next_host=name, next_year=2029, media_partners=[name], sponsors=[])
    )

    assert korean in text
    assert "(으)로" not in text
    assert "이(가)" not in text


def test_sponsors_singular_and_plural() -> None:
    one = write_press_release(facts(sponsors=["Dohwa"], media_partners=["Smart Cities World"]))
    two = write_press_release(facts(sponsors=["Dohwa", "SRPOST"], media_partners=["A", "B"]))

    assert "Official sponsor: Dohwa. Media partner: Smart Cities World." in one
    assert "Official sponsors: Dohwa, SRPOST. Media partners: A, B." in two


def test_theme_particle_follows_the_theme() -> None:
    vowel = write_press_release(facts("ko", theme="함께 만드는 도시"))
    consonant = write_press_release(facts("ko", theme="스마트 솔루션"))

    assert "‘함께 만드는 도시’라는 주제로" in vowel
    assert "‘스마트 솔루션’이라는 주제로" in consonant

"""Korean particles chosen from how a name ends when read aloud; never the doubled forms."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from moim.korean import PARTICLES, with_particle

# name, then the name with 이가, 을를, 은는, 과와, 으로 as Korean writes it.
TABLE = [
    # Hangul: by the last syllable's final consonant; ㄹ takes 로.
    ("서울", "서울이", "서울을", "서울은", "서울과", "서울로"),
    ("서울특별시", "서울특별시가", "서울특별시를", "서울특별시는", "서울특별시와", "서울특별시로"),
    ("멕시코시티", "멕시코시티가", "멕시코시티를", "멕시코시티는", "멕시코시티와", "멕시코시티로"),
    ("성남", "성남이", "성남을", "성남은", "성남과", "성남으로"),
    (
        "시장·부시장",
        "시장·부시장이",
        "시장·부시장을",
        "시장·부시장은",
        "시장·부시장과",
        "시장·부시장으로",
    ),
    # Latin script: by the pronunciation heuristic.
    ("Seoul", "Seoul이", "Seoul을", "Seoul은", "Seoul과", "Seoul로"),
    (
        "Mexico City",
        "Mexico City가",
        "Mexico City를",
        "Mexico City는",
        "Mexico City와",
        "Mexico City로",
    ),
    ("Abuja", "Abuja가", "Abuja를", "Abuja는", "Abuja와", "Abuja로"),
    (
        "Ulyanovsk Region",
        "Ulyanovsk Region이",
        "Ulyanovsk Region을",
        "Ulyanovsk Region은",
        "Ulyanovsk Region과",
        "Ulyanovsk Region으로",
    ),
    ("Ulyanovsk", "Ulyanovsk가", "Ulyanovsk를", "Ulyanovsk는", "Ulyanovsk와", "Ulyanovsk로"),
    (
        "George Town",
        "George Town이",
        "George Town을",
        "George Town은",
        "George Town과",
        "George Town으로",
    ),
    ("São Paulo", "São Paulo가", "São Paulo를", "São Paulo는", "São Paulo와", "São Paulo로"),
    ("Jakarta", "Jakarta가", "Jakarta를", "Jakarta는", "Jakarta와", "Jakarta로"),
    ("Istanbul", "Istanbul이", "Istanbul을", "Istanbul은", "Istanbul과", "Istanbul로"),
    (
        "Smart Cities World",
        "Smart Cities World가",
        "Smart Cities World를",
        "Smart Cities World는",
        "Smart Cities World와",
        "Smart Cities World로",
    ),
    ("Bangkok", "Bangkok이", "Bangkok을", "Bangkok은", "Bangkok과", "Bangkok으로"),
    ("Goyang", "Goyang이", "Goyang을", "Goyang은", "Goyang과", "Goyang으로"),
    ("Seattle", "Seattle이", "Seattle을", "Seattle은", "Seattle과", "Seattle로"),
    ("Melbourne", "Melbourne이", "Melbourne을", "Melbourne은", "Melbourne과", "Melbourne으로"),
    ("Singapore", "Singapore가", "Singapore를", "Singapore는", "Singapore와", "Singapore로"),
    ("UN", "UN이", "UN을", "UN은", "UN과", "UN으로"),
    ("GAVI", "GAVI가", "GAVI를", "GAVI는", "GAVI와", "GAVI로"),
    # A parenthesis is read past: the particle fits the name before it.
    (
        "George Town (Penang Island City Council)",
        "George Town (Penang Island City Council)이",
        "George Town (Penang Island City Council)을",
        "George Town (Penang Island City Council)은",
        "George Town (Penang Island City Council)과",
        "George Town (Penang Island City Council)으로",
    ),
    (
        "조지타운(페낭섬 시의회)",
        "조지타운(페낭섬 시의회)이",
        "조지타운(페낭섬 시의회)을",
        "조지타운(페낭섬 시의회)은",
        "조지타운(페낭섬 시의회)과",
        "조지타운(페낭섬 시의회)으로",
    ),
    # Digits: by their Korean reading.
    ("WeGO 2030", "WeGO 2030이", "WeGO 2030을", "WeGO 2030은", "WeGO 2030과", "WeGO 2030으로"),
    ("Agenda 21", "Agenda 21이", "Agenda 21을", "Agenda 21은", "Agenda 21과", "Agenda 21로"),
    ("Item 2", "Item 2가", "Item 2를", "Item 2는", "Item 2와", "Item 2로"),
    ("Room 3", "Room 3이", "Room 3을", "Room 3은", "Room 3과", "Room 3으로"),
    ("Hall 100", "Hall 100이", "Hall 100을", "Hall 100은", "Hall 100과", "Hall 100으로"),
]


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
def test_particle_fits_how_the_name_ends(row: tuple[str, ...]) -> None:
    name, *expected = row

    written = [with_particle(name, p) for p in ("이가", "을를", "은는", "과와", "으로")]

    assert written == expected


@pytest.mark.parametrize(("name", "expected"), [("솔루션", "솔루션이라는"), ("도시", "도시라는")])
def test_quoting_particle_fits_too(name: str, expected: str) -> None:
    assert with_particle(name, "이라는") == expected


def test_no_name_ever_gets_a_doubled_particle() -> None:
    names = [row[0] for row in TABLE] + ["", "WeGO", "Chargé d'affaires", "Beyoğlu", "“Quoted”"]

    written = [with_particle(name, p) for name in names for p in PARTICLES]

    assert not [w for w in written if "(" in w[-4:] or "을(를)" in w or "이(가)" in w]


def test_unknown_particle_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="unknown particle '에게'; use one of 이가, 을를"):
        with_particle("서울", "에게")


def test_template_filter_writes_the_particle() -> None:
    template = Template("{% load publication %}{{ city|josa:'이가' }} {{ host|josa:'으로' }}")

    assert template.render(Context({"city": "Jakarta", "host": "Seoul"})) == "Jakarta가 Seoul로"

"""The press release, written from the records in English and Korean."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from moim.assemblies.enums import SponsorTier
from moim.assemblies.models import Sponsor
from moim.members.enums import OfficeKind
from moim.members.models import Member, Organization, Term
from moim.site.press import render_press_release
from tests.site import publication_demo
from tests.site.publication_demo import fifth

pytestmark = pytest.mark.django_db


# The demo is loaded once for this module (see publication_demo.wego_for_module).
wego_for_module = publication_demo.wego_for_module


@pytest.fixture
def wego(wego_for_module: Organization, db: None) -> Organization:
    return wego_for_module


def press_release(edition: int, lang: str) -> str:
    out = io.StringIO()
    call_command("press-release", assembly=edition, lang=lang, stdout=out)
    return out.getvalue()


def test_press_release_en_states_the_facts_of_the_2021_assembly(wego: Organization) -> None:
    text = press_release(5, "en")

    # 230 and 20 are exact counts of check-ins: no "about" (the release said it before).
    assert "230 members, partners and stakeholders took part" in text
    assert "About 230" not in text
    assert "among them 20 mayors and vice-mayors from 16 countries and 3 ambassadors" in text
    assert "Smart Solutions for All in the New Normal Era" in text
    assert "Monday 18 October 2021" in text
    assert "52 cities from 18 countries took part" in text
    assert "In the 6 categories" in text
    for winner in ("Goyang", "Seongnam", "George Town", "São Paulo", "Mexico City", "Istanbul"):
        assert f"{winner}" in text.split("Gold awards went to", 1)[1].split(".", 1)[0]
    assert "6 Vice-President cities were appointed" in text
    assert "17 Executive Committee members were elected" in text
    assert "Seoul was elected President" in text
    assert "Mexico City was chosen to host the next General Assembly, in 2023." in text
    assert "Ricardo Nunes" in text
    assert "Kriangyos Sudlabha" in text
    assert "Maimunah Mohd Sharif" in text
    assert "Baek Ji-ah" in text
    assert "Official sponsors: Dohwa, Hurim Robot, Nature and Fiber, SRPOST." in text
    assert "Media partner: Smart Cities World." in text


def test_press_release_ko_states_the_same_facts_in_korean(wego: Organization) -> None:
    text = press_release(5, "ko")

    # Exact counts: no 약 and no 여 (the release said "약 230여 명" before).
    assert "230명의 회원과 파트너, 이해관계자가 참여했으며" in text
    assert "약" not in text.split("참여했으며", 1)[0].rsplit(".", 1)[-1]
    assert "전 세계 16개국 20명의 시장·부시장과 3명의 대사가 참가했다" in text
    assert "뉴노멀 시대 모두를 위한 스마트 솔루션" in text
    assert "2021년 10월 18일 월요일" in text
    assert "전 세계 18개국 52개 도시에서 참여를 했으며" in text
    assert "6개 분야에서" in text
    golds = text.split("6개 분야에서", 1)[1].split("금상을", 1)[0]
    for winner in ("고양", "성남", "조지타운", "상파울루", "멕시코시티", "이스탄불"):
        assert winner in golds
    assert "6개의 부의장 도시가 임명됐으며" in text
    assert "17개의 집행위원이 선출됐다" in text
    assert "2023년 차기 총회 개최도시가 멕시코시티로 결정됐다" in text
    assert "백지아가 주재하여" in text
    assert "미디어파트너로는 Smart Cities World가 있다" in text
    assert "(가)" not in text
    assert "(를)" not in text


def test_press_release_follows_the_records_when_they_change(wego: Organization) -> None:
    assembly = fifth(wego)
    Sponsor.objects.filter(assembly=assembly, name="SRPOST").update(name="Korea Post")
    Sponsor.objects.create(
        assembly=assembly, name="Seoul Digital", tier=SponsorTier.OFFICIAL_SPONSOR, position=9
    )
    Term.objects.filter(office__kind=OfficeKind.EXECUTIVE_COMMITTEE, starts="2021-10-18").order_by(
        "pk"
    ).first().delete()  # type: ignore[union-attr]
    host = Term.objects.get(office__kind=OfficeKind.HOST_CITY, starts="2021-10-18")
    host.member = Member.objects.get(organization=wego, slug="chengdu")
    host.save()

    text = render_press_release(assembly, "en")

    assert "Korea Post" in text
    assert "SRPOST" not in text
    assert "Seoul Digital" in text
    assert "16 Executive Committee members were elected" in text
    assert "Chengdu was chosen to host the next General Assembly, in 2023." in text


def test_press_release_for_a_missing_assembly_says_which_exist(wego: Organization) -> None:
    with pytest.raises(
        CommandError, match="No assembly numbered 9; the editions are: 1, 2, 3, 4, 5\\."
    ):
        press_release(9, "en")


def test_the_demo_publishes_its_release_in_both_languages(
    wego: Organization, client: Client
) -> None:
    english = client.get("/en/press/5/").content.decode()
    korean = client.get("/ko/press/5/").content.decode()

    assert "230" in english
    assert "Mexico City" in english
    assert "230" in korean
    assert "멕시코시티" in korean

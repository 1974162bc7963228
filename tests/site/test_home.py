"""The organization's home page, in English and in Korean."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.test.utils import override_settings

from moim.members.enums import MemberKind, MemberStatus, OfficeKind, TermSource
from moim.members.models import Member, Office, Organization, Term
from tests.factories import MemberFactory, PersonFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wego(organization: Organization) -> Organization:
    organization.founded = dt.date(2010, 9, 7)
    organization.description_en = "An association of cities."
    organization.description_ko = "도시들의 협의체입니다."
    organization.save()
    return organization


@pytest.fixture
def offices(wego: Organization) -> dict[str, Member]:
    """Seoul presides, Mexico City is a Vice-President, Park Jung-sook is Secretary General."""
    seoul = MemberFactory(organization=wego, name_en="Seoul", name_ko="서울특별시", slug="seoul")
    mexico = MemberFactory(
        organization=wego, name_en="Mexico City", name_ko="멕시코시티", slug="mexico-city"
    )
    president = Office.objects.create(
        organization=wego,
        kind=OfficeKind.PRESIDENT,
        name_en="President",
        name_ko="의장",
        position=1,
    )
    vice = Office.objects.create(
        organization=wego,
        kind=OfficeKind.VICE_PRESIDENT,
        name_en="Vice-President",
        name_ko="부의장",
        position=2,
    )
    general = Office.objects.create(
        organization=wego,
        kind=OfficeKind.SECRETARY_GENERAL,
        name_en="Secretary General",
        name_ko="사무총장",
        position=3,
    )
    park = PersonFactory(organization=wego, name_en="Park Jung-sook", name_ko="박정숙")
    start = dt.date(2021, 10, 18)
    Term.objects.create(office=president, member=seoul, starts=start, source=TermSource.ELECTION)
    Term.objects.create(office=vice, member=mexico, starts=start, source=TermSource.APPOINTMENT)
    Term.objects.create(office=general, person=park, starts=start, source=TermSource.APPOINTMENT)
    # A term that ended before the day shown must not be listed.
    Term.objects.create(
        office=vice,
        member=MemberFactory(organization=wego, name_en="Barcelona", slug="barcelona"),
        starts=dt.date(2012, 9, 5),
        ends=dt.date(2014, 11, 17),
        source=TermSource.APPOINTMENT,
    )
    return {"seoul": seoul, "mexico": mexico}


def main_of(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_home_in_english_names_the_organization(client: Client, wego: Organization) -> None:
    html = client.get("/en/").content.decode()

    assert '<h1 id="org-name">World Smart Sustainable Cities Organization</h1>' in html
    assert ">WeGO</p>" in html
    assert "An association of cities." in html
    assert "Founded on Sept. 7, 2010 in Seoul" in html
    assert "Secretariat in Seoul" in html
    assert 'href="/en/members/"' in html
    assert html.count("<h1") == 1


def test_home_in_korean_names_the_organization_in_korean(
    client: Client, wego: Organization
) -> None:
    html = client.get("/ko/").content.decode()

    assert '<html lang="ko">' in html
    assert '<h1 id="org-name">세계스마트지속가능도시기구</h1>' in html
    assert "도시들의 협의체입니다." in html
    assert "2010년 9월 7일 서울에서 창립" in html
    assert "사무국 소재지: 서울" in html
    assert "회원 명부 보기" in html
    assert "본문으로 건너뛰기" in html
    assert "로그인" in html
    assert 'href="/ko/members/"' in html


@override_settings(MOIM_TODAY=dt.date(2021, 10, 18))
def test_home_counts_members_by_kind_countries_and_regions(
    client: Client, wego: Organization
) -> None:
    europe = RegionFactory(organization=wego, code="europe", name_en="Europe")
    MemberFactory.create_batch(3, organization=wego, country="KR")
    MemberFactory(organization=wego, country="ES", region=europe)
    MemberFactory(organization=wego, country="KR", kind=MemberKind.COMPANY)
    MemberFactory(organization=wego, country="TR", kind=MemberKind.INSTITUTION)
    MemberFactory(organization=wego, country="FR", status=MemberStatus.WITHDRAWN)
    MemberFactory(organization=wego, country="KR", fees_paid_through=2019)

    html = main_of(client.get("/en/").content.decode())

    assert "<dt>Members</dt><dd>7</dd>" in html
    assert "<dt>Local governments</dt><dd>5</dd>" in html
    assert "<dt>Voting members in good standing</dt><dd>6</dd>" in html
    assert "<dt>Companies</dt><dd>1</dd>" in html
    assert "<dt>Institutions</dt><dd>1</dd>" in html
    assert "<dt>Countries</dt><dd>3</dd>" in html
    assert "<dt>Regions</dt><dd>2</dd>" in html
    assert "1 member" in html  # Europe
    assert "6 members" in html  # Asia and the Pacific


@override_settings(MOIM_TODAY=dt.date(2021, 10, 18))
def test_home_lists_current_office_holders(client: Client, offices: dict[str, Member]) -> None:
    html = main_of(client.get("/en/").content.decode())

    holders = html.split('id="offices-heading"', 1)[1].split("</section>", 1)[0]
    assert holders.index("President") < holders.index("Seoul")
    assert holders.index("Vice-President") < holders.index("Mexico City")
    assert "Park Jung-sook" in holders
    assert "Barcelona" not in holders


@override_settings(MOIM_TODAY=dt.date(2021, 10, 18))
def test_home_lists_office_holders_in_korean(client: Client, offices: dict[str, Member]) -> None:
    html = main_of(client.get("/ko/").content.decode())

    assert "서울특별시" in html
    assert "멕시코시티" in html
    assert "박정숙" in html
    assert "사무총장" in html


def test_home_without_an_organization_explains_how_to_start(client: Client, db: None) -> None:
    html = client.get("/en/").content.decode()

    assert "No organization has been set up yet" in html
    assert "moim demo" in html

"""A member's public page: names in both languages, facts, standing, offices and people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.test.utils import override_settings

from moim.members.enums import MemberStatus, OfficeKind, TermSource
from moim.members.models import Member, Office, Organization, Term
from tests.factories import CategoryFactory, MemberFactory, PersonFactory, RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mexico(organization: Organization) -> Member:
    region = RegionFactory(
        organization=organization, code="latin-america", name_en="Latin America", name_ko="중남미"
    )
    full = CategoryFactory(organization=organization, code="full", name_en="Full", name_ko="정회원")
    member = MemberFactory(
        organization=organization,
        name_en="Mexico City",
        name_ko="멕시코시티",
        slug="mexico-city",
        country="MX",
        region=region,
        category=full,
        joined=dt.date(2010, 9, 7),
        fees_paid_through=2021,
    )
    region.office = member
    region.save()
    return member


def test_member_page_shows_names_and_facts_in_english(client: Client, mexico: Member) -> None:
    html = client.get("/en/members/mexico-city/").content.decode()

    assert "<h1>Mexico City</h1>" in html
    assert '<p class="lead" lang="ko">멕시코시티</p>' in html
    assert "Mexico (MX)" in html
    assert "Latin America" in html
    assert "Hosts the Latin America regional office" in html
    assert "Full ·" in html
    assert "votes in the General Assembly" in html
    assert "Sept. 7, 2010" in html
    assert "Local government" in html


def test_member_page_in_korean_leads_with_the_korean_name(client: Client, mexico: Member) -> None:
    html = client.get("/ko/members/mexico-city/").content.decode()

    assert "<h1>멕시코시티</h1>" in html
    assert '<p class="lead" lang="en">Mexico City</p>' in html
    assert "멕시코 (MX)" in html
    assert "중남미" in html
    assert "2010년 9월 7일" in html


def test_member_page_says_when_a_category_has_no_vote(
    client: Client, organization: Organization
) -> None:
    corporate = CategoryFactory(organization=organization, code="corporate", has_vote=False)
    MemberFactory(organization=organization, slug="srpost", name_en="SRPOST", category=corporate)

    html = client.get("/en/members/srpost/").content.decode()

    assert "does not vote" in html


@override_settings(MOIM_TODAY=dt.date(2021, 10, 18))
def test_member_page_marks_a_member_behind_on_fees(client: Client, mexico: Member) -> None:
    Member.objects.filter(pk=mexico.pk).update(fees_paid_through=2019)

    html = client.get("/en/members/mexico-city/").content.decode()

    assert '<span class="badge badge--warn">Not in good standing</span>' in html
    assert "as of Oct. 18, 2021; fees paid through 2019" in html


@override_settings(MOIM_TODAY=dt.date(2021, 10, 18))
def test_member_page_marks_a_member_in_good_standing(client: Client, mexico: Member) -> None:
    html = client.get("/en/members/mexico-city/").content.decode()

    assert '<span class="badge badge--ok">In good standing</span>' in html


def test_member_page_lists_offices_held(
    client: Client, organization: Organization, mexico: Member
) -> None:
    host = Office.objects.create(
        organization=organization,
        kind=OfficeKind.HOST_CITY,
        name_en="Host of the next General Assembly",
        name_ko="차기 총회 개최도시",
    )
    Term.objects.create(
        office=host,
        member=mexico,
        starts=dt.date(2021, 10, 18),
        source=TermSource.ELECTION,
        basis="Chosen by the 5th General Assembly",
    )

    english = client.get("/en/members/mexico-city/").content.decode()
    korean = client.get("/ko/members/mexico-city/").content.decode()

    assert "Host of the next General Assembly" in english
    assert "Chosen by the 5th General Assembly" in english
    assert "Since Oct. 18, 2021" in english
    assert "차기 총회 개최도시" in korean


def test_member_page_lists_people_by_name_and_title_without_emails(
    client: Client, mexico: Member
) -> None:
    PersonFactory(
        organization=mexico.organization,
        member=mexico,
        name_en="Ana Lucía Torres",
        title_en="Director of International Affairs",
        email="ana.torres@cdmx.example.org",
    )

    html = client.get("/en/members/mexico-city/").content.decode()

    assert "Ana Lucía Torres" in html
    assert "Director of International Affairs" in html
    assert "ana.torres@cdmx.example.org" not in html
    assert "@" not in html.split("<main", 1)[1]


def test_member_page_of_an_unknown_member_is_not_found(client: Client, mexico: Member) -> None:
    response = client.get("/en/members/atlantis/")

    assert response.status_code == 404


def test_member_page_of_a_withdrawn_member_is_not_found(client: Client, mexico: Member) -> None:
    Member.objects.filter(pk=mexico.pk).update(status=MemberStatus.WITHDRAWN)

    response = client.get("/en/members/mexico-city/")

    assert response.status_code == 404
    # The not-found page says nothing of the member it hides.
    assert mexico.name_en not in response.content.decode()

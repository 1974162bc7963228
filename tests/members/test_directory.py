"""The public member directory: filters, search, standing marks, pagination and query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.test.utils import override_settings

from moim.members.enums import MemberKind, MemberStatus
from moim.members.models import Member, Organization
from tests.factories import CategoryFactory, MemberFactory, RegionFactory

pytestmark = pytest.mark.django_db


def listed_names(html: str) -> list[str]:
    """The member names in the results table, in order."""
    return re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def registry(organization: Organization) -> dict[str, Member]:
    """Four members across two regions, three countries, two categories and two kinds."""
    asia = RegionFactory(organization=organization, code="east-asia", name_en="East Asia")
    latam = RegionFactory(
        organization=organization, code="latin-america", name_en="Latin America", name_ko="중남미"
    )
    full = CategoryFactory(organization=organization, code="full", name_en="Full", has_vote=True)
    corporate = CategoryFactory(
        organization=organization, code="corporate", name_en="Corporate", has_vote=False
    )
    return {
        "seoul": MemberFactory(
            organization=organization,
            name_en="Seoul",
            name_ko="서울특별시",
            slug="seoul",
            country="KR",
            region=asia,
            category=full,
        ),
        "chengdu": MemberFactory(
            organization=organization,
            name_en="Chengdu",
            name_ko="청두시",
            slug="chengdu",
            country="CN",
            region=asia,
            category=full,
        ),
        "mexico": MemberFactory(
            organization=organization,
            name_en="Mexico City",
            name_ko="멕시코시티",
            slug="mexico-city",
            country="MX",
            region=latam,
            category=full,
        ),
        "dohwa": MemberFactory(
            organization=organization,
            name_en="Dohwa Engineering",
            name_ko="도화엔지니어링",
            slug="dohwa",
            country="KR",
            region=asia,
            category=corporate,
            kind=MemberKind.COMPANY,
        ),
    }


def test_directory_without_filters_lists_every_member(client: Client, registry: dict) -> None:
    html = client.get("/en/members/").content.decode()

    assert listed_names(html) == ["Chengdu", "Dohwa Engineering", "Mexico City", "Seoul"]
    assert "4 members." in html


def test_directory_filters_by_region(client: Client, registry: dict) -> None:
    html = client.get("/en/members/", {"region": "latin-america"}).content.decode()

    assert listed_names(html) == ["Mexico City"]
    assert "1 member matches the filters." in html


def test_directory_filters_by_country(client: Client, registry: dict) -> None:
    html = client.get("/en/members/", {"country": "KR"}).content.decode()

    assert listed_names(html) == ["Dohwa Engineering", "Seoul"]


def test_directory_filters_by_category(client: Client, registry: dict) -> None:
    html = client.get("/en/members/", {"category": "corporate"}).content.decode()

    assert listed_names(html) == ["Dohwa Engineering"]


def test_directory_filters_by_kind(client: Client, registry: dict) -> None:
    html = client.get("/en/members/", {"kind": MemberKind.LOCAL_GOVERNMENT}).content.decode()

    assert listed_names(html) == ["Chengdu", "Mexico City", "Seoul"]


def test_directory_combines_filters(client: Client, registry: dict) -> None:
    html = client.get("/en/members/", {"country": "KR", "category": "full"}).content.decode()

    assert listed_names(html) == ["Seoul"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("seo", ["Seoul"]), ("CITY", ["Mexico City"]), ("청두", ["Chengdu"]), ("zzz", [])],
)
def test_directory_searches_english_and_korean_names(
    client: Client, registry: dict, query: str, expected: list[str]
) -> None:
    html = client.get("/en/members/", {"q": query}).content.decode()

    assert listed_names(html) == expected


def test_directory_reports_an_unknown_filter_value(client: Client, registry: dict) -> None:
    html = client.get("/en/members/", {"region": "atlantis"}).content.decode()

    assert "Select a valid choice" in html
    assert listed_names(html) == ["Chengdu", "Dohwa Engineering", "Mexico City", "Seoul"]


def test_directory_in_korean_orders_by_korean_name(client: Client, registry: dict) -> None:
    html = client.get("/ko/members/").content.decode()

    assert listed_names(html) == ["도화엔지니어링", "멕시코시티", "서울특별시", "청두시"]


@override_settings(MOIM_TODAY=dt.date(2021, 10, 18))
def test_directory_marks_members_not_in_good_standing(
    client: Client, registry: dict[str, Member]
) -> None:
    Member.objects.filter(pk=registry["chengdu"].pk).update(fees_paid_through=2019)
    Member.objects.filter(pk=registry["mexico"].pk).update(
        fees_paid_through=2020, status=MemberStatus.SUSPENDED
    )
    Member.objects.exclude(pk__in=[registry["chengdu"].pk, registry["mexico"].pk]).update(
        fees_paid_through=2020
    )

    html = client.get("/en/members/").content.decode()

    rows = dict(
        re.findall(r'>([^<]+)</a>\s*<span class="secondary-name".*?badge--(\w+)', html, re.S)
    )
    assert rows == {
        "Chengdu": "warn",
        "Dohwa Engineering": "ok",
        "Mexico City": "warn",
        "Seoul": "ok",
    }
    assert html.count("Not in good standing") == 1
    assert html.count(">Suspended<") == 1
    assert "Standing as of Oct. 18, 2021." in html


def test_directory_paginates(client: Client, organization: Organization) -> None:
    MemberFactory.create_batch(30, organization=organization)

    first = client.get("/en/members/").content.decode()
    second = client.get("/en/members/", {"page": 2}).content.decode()

    assert len(listed_names(first)) == 25
    assert len(listed_names(second)) == 5
    assert "Page 2 of 2" in second
    assert set(listed_names(first)).isdisjoint(listed_names(second))


def test_directory_htmx_request_gets_only_the_results(client: Client, registry: dict) -> None:
    html = client.get(
        "/en/members/", {"region": "latin-america"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert html.lstrip().startswith('<section id="results"')
    assert "<header" not in html
    assert listed_names(html) == ["Mexico City"]
    assert '<span id="results-summary-text" hx-swap-oob="innerHTML">' in html
    assert "1 member matches the filters." in html


def test_directory_hides_withdrawn_members(client: Client, registry: dict[str, Member]) -> None:
    Member.objects.filter(pk=registry["seoul"].pk).update(status=MemberStatus.WITHDRAWN)

    html = client.get("/en/members/").content.decode()

    assert "Seoul" not in listed_names(html)


@pytest.mark.parametrize("count", [1, 3])
def test_directory_query_count_does_not_grow_with_members(
    client: Client, organization: Organization, django_assert_num_queries, count: int
) -> None:
    MemberFactory.create_batch(count, organization=organization)

    # the organization (view and context processor), region, country and category choices,
    # the page count and the page's rows with their standing
    with django_assert_num_queries(7):
        html = client.get("/en/members/").content.decode()

    assert len(listed_names(html)) == count

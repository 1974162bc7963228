"""The back office for members, as the secretariat uses it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.fixtures import Settings

from moim.members.enums import MemberStatus
from moim.members.models import Member, Organization, Person
from moim.members.queries import registry_today
from tests.conftest import Persona
from tests.factories import CategoryFactory, MemberFactory, PersonFactory, RegionFactory

CHANGELIST = "/en/admin/members/member/"


@pytest.fixture
def staff_client(client: Client, secretariat: Persona) -> Client:
    client.force_login(secretariat)
    return client


def row_of(html: str, name: str) -> str:
    """The changelist row that names `name`."""
    for row in re.findall(r"<tr.*?</tr>", html, flags=re.S):
        if f">{name}<" in row:
            return str(row)
    raise AssertionError(f"no row for {name}")


def test_changelist_marks_good_standing(staff_client: Client, organization: Organization) -> None:
    MemberFactory(organization=organization, name_en="Paid City", fees_paid_through=2026)
    MemberFactory(organization=organization, name_en="Late City", fees_paid_through=2019)
    MemberFactory(organization=organization, name_en="Never Paid", fees_paid_through=None)
    MemberFactory(
        organization=organization,
        name_en="Suspended City",
        status=MemberStatus.SUSPENDED,
        fees_paid_through=2026,
    )

    html = staff_client.get(CHANGELIST).content.decode()

    assert "✔ Yes" in row_of(html, "Paid City")
    assert "✘ No" in row_of(html, "Late City")
    assert "✘ No" in row_of(html, "Never Paid")
    assert "✘ No" in row_of(html, "Suspended City")


@pytest.mark.parametrize(("value", "expected"), [("yes", ["Paid City"]), ("no", ["Late", "Never"])])
def test_good_standing_filter(
    staff_client: Client, organization: Organization, value: str, expected: list[str]
) -> None:
    MemberFactory(organization=organization, name_en="Paid City", fees_paid_through=2026)
    MemberFactory(organization=organization, name_en="Late", fees_paid_through=2019)
    MemberFactory(organization=organization, name_en="Never", fees_paid_through=None)

    response = staff_client.get(CHANGELIST, {"good_standing": value})

    shown = sorted(member.name_en for member in response.context["cl"].result_list)
    assert shown == sorted(expected)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("서울", ["Seoul"]),
        ("Mexico", ["Mexico City"]),  # the country name, not only the member's name
        ("korea", ["Busan", "Seoul"]),
        ("MX", ["Mexico City"]),
        ("dana@seoul.example.org", ["Seoul"]),
    ],
)
def test_search_by_names_country_and_email(
    staff_client: Client, organization: Organization, term: str, expected: list[str]
) -> None:
    seoul = MemberFactory(organization=organization, name_en="Seoul", name_ko="서울", country="KR")
    MemberFactory(organization=organization, name_en="Busan", name_ko="부산", country="KR")
    MemberFactory(organization=organization, name_en="Mexico City", country="MX")
    PersonFactory(organization=organization, member=seoul, email="dana@seoul.example.org")

    response = staff_client.get(CHANGELIST, {"q": term})

    assert sorted(m.name_en for m in response.context["cl"].result_list) == expected


def test_filters_offered(staff_client: Client, organization: Organization) -> None:
    MemberFactory(organization=organization)
    MemberFactory(
        organization=organization,
        region=RegionFactory(organization=organization, code="europe", name_en="Europe"),
        category=CategoryFactory(organization=organization, code="associate", name_en="Assoc."),
    )

    html = staff_client.get(CHANGELIST).content.decode()

    for title in (
        "By region",
        "By country",
        "By category",
        "By kind",
        "By status",
        "By good standing",
    ):
        assert title in html


def test_changelist_queries_do_not_grow_with_rows(
    staff_client: Client, organization: Organization
) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(CHANGELIST)
        assert response.status_code == 200
        return len(captured)

    MemberFactory(organization=organization)
    one = count_queries()
    MemberFactory.create_batch(2, organization=organization, fees_paid_through=None)
    three = count_queries()

    assert one == three


def test_add_member_with_a_person_inline(staff_client: Client, organization: Organization) -> None:
    region = RegionFactory(organization=organization)
    category = CategoryFactory(organization=organization)
    data = {
        "organization": organization.pk,
        "name_en": "Ulyanovsk Region",
        "name_ko": "울랴놉스크주",
        "slug": "ulyanovsk-region",
        "kind": "local_government",
        "country": "RU",
        "region": region.pk,
        "category": category.pk,
        "status": "active",
        "fees_paid_through": "2025",
        "people-TOTAL_FORMS": "1",
        "people-INITIAL_FORMS": "0",
        "people-0-name_en": "Ivan Governor",
        "people-0-email": "ivan@example.org",
        "terms-TOTAL_FORMS": "0",
        "terms-INITIAL_FORMS": "0",
    }

    response = staff_client.post(CHANGELIST + "add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Member.objects.get(slug="ulyanovsk-region")
    person = Person.objects.get(email="ivan@example.org")
    assert (person.member, person.organization) == (member, organization)


def test_member_page_shows_standing_today(staff_client: Client, organization: Organization) -> None:
    member = MemberFactory(organization=organization, fees_paid_through=2010)

    html = staff_client.get(f"{CHANGELIST}{member.pk}/change/").content.decode()

    assert "In good standing today" in html
    assert "✘ No" in html


def test_standing_follows_the_registry_day(
    staff_client: Client, organization: Organization, settings: Settings
) -> None:
    # The demonstration fixes the day (MOIM_TODAY): the back office agrees with public pages.
    settings.MOIM_TODAY = dt.date(2021, 10, 18)
    member = MemberFactory(organization=organization, name_en="Paid 2020", fees_paid_through=2020)

    listing = staff_client.get(CHANGELIST).content.decode()
    page = staff_client.get(f"{CHANGELIST}{member.pk}/change/").content.decode()

    assert "✔ Yes" in row_of(listing, "Paid 2020")
    assert "✔ Yes" in page


def test_good_standing_mark_in_korean(staff_client: Client, organization: Organization) -> None:
    MemberFactory(organization=organization, name_en="Paid City", fees_paid_through=2026)
    MemberFactory(organization=organization, name_en="Late City", fees_paid_through=2019)

    html = staff_client.get("/ko/admin/members/member/").content.decode()

    # A mark of its own (message context "yes/no mark"), never a ballot's "in favour" (찬성).
    paid, late = row_of(html, "Paid City"), row_of(html, "Late City")
    assert "✔" in paid
    assert "✘" in late
    assert "찬성" not in paid + late


def test_record_fees_paid_for_selected_members(
    staff_client: Client, organization: Organization
) -> None:
    late = MemberFactory(organization=organization, fees_paid_through=2019)
    never = MemberFactory(organization=organization, fees_paid_through=None)
    ahead = MemberFactory(organization=organization, fees_paid_through=2030)
    untouched = MemberFactory(organization=organization, fees_paid_through=2019)
    year = registry_today().year

    response = staff_client.post(
        CHANGELIST,
        {
            "action": "record_fees_this_year",
            "_selected_action": [late.pk, never.pk, ahead.pk],
        },
        follow=True,
    )

    assert f"Fees recorded as paid through {year} for 2 member(s)." in response.content.decode()
    fees = dict(Member.objects.values_list("pk", "fees_paid_through"))
    assert fees == {late.pk: year, never.pk: year, ahead.pk: 2030, untouched.pk: 2019}


def test_chair_is_not_offered_the_fees_action(
    client: Client, chair: Persona, organization: Organization
) -> None:
    from moim.members.enums import Role
    from moim.members.services import assign_role

    MemberFactory(organization=organization)
    assign_role(user=chair, role=Role.CHAIR)
    client.force_login(chair)

    html = client.get(CHANGELIST).content.decode()

    assert "Record fees paid" not in html

"""The registry a new General Assembly starts from, and one browser context per persona.

Only the registry comes from factories: the organization, its categories, ~150 full member cities
in good standing with their mayors' e-mails (no one has an account), a secretariat officer, a
chair and the offices the Assembly fills. Everything else the test does through the pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from moim.members.enums import HolderType, OfficeKind, Role
from moim.members.models import Member, Office, Organization, Person
from tests.factories import (
    CategoryFactory,
    MemberFactory,
    OrganizationFactory,
    PersonFactory,
    RegionFactory,
    UserFactory,
)

FULL_MEMBERS = 150
ASSOCIATES = 12
PASSWORD = "correct horse battery"


@dataclass
class Registry:
    organization: Organization
    cities: list[Member]
    mayors: list[Person]
    secretariat: Any
    chair: Any
    offices: dict[str, Office] = field(default_factory=dict)


def make_registry() -> Registry:
    organization = OrganizationFactory()
    full = CategoryFactory(organization=organization, code="full", has_vote=True)
    associate = CategoryFactory(
        organization=organization,
        code="associate",
        name_en="Associate",
        name_ko="준회원",
        has_vote=False,
    )
    regions = [
        RegionFactory(organization=organization, code=code, name_en=name)
        for code, name in [
            ("asia-pacific", "Asia and the Pacific"),
            ("latin-america", "Latin America"),
            ("africa", "Africa"),
            ("eurasia", "Eurasia"),
            ("mediterranean", "Mediterranean"),
        ]
    ]
    countries = ["KR", "MX", "NG", "RU", "TR", "BR", "ID", "CN"]
    cities: list[Member] = []
    mayors: list[Person] = []
    for n in range(1, FULL_MEMBERS + 1):
        city = MemberFactory(
            organization=organization,
            name_en=f"City {n:03d}",
            name_ko=f"도시 {n:03d}",
            slug=f"city-{n:03d}",
            country=countries[n % len(countries)],
            region=regions[n % len(regions)],
            category=full,
            fees_paid_through=2026,
        )
        cities.append(city)
        mayors.append(
            PersonFactory(
                organization=organization,
                member=city,
                name_en=f"Mayor of City {n:03d}",
                email=f"mayor@city-{n:03d}.example.org",
            )
        )
    for n in range(1, ASSOCIATES + 1):
        MemberFactory(
            organization=organization,
            name_en=f"Associate {n:02d}",
            slug=f"associate-{n:02d}",
            category=associate,
            region=regions[0],
        )
    secretariat = UserFactory(username="sofia", is_staff=True, roles=[Role.SECRETARIAT])
    PersonFactory(organization=organization, name_en="Sofia Secretariat", user=secretariat)
    chair = UserFactory(username="charles", roles=[Role.CHAIR])
    PersonFactory(organization=organization, name_en="Charles Chair", user=chair)
    offices = {}
    for position, (kind, name, seats) in enumerate(
        [
            (OfficeKind.PRESIDENT, "President", 1),
            (OfficeKind.EXECUTIVE_VICE_PRESIDENT, "Executive Vice-President", 1),
            (OfficeKind.VICE_PRESIDENT, "Vice-President", 6),
            (OfficeKind.EXECUTIVE_COMMITTEE, "Executive Committee member", 20),
            (OfficeKind.HOST_CITY, "Host of the next General Assembly", 1),
        ]
    ):
        offices[kind.value] = Office.objects.create(
            organization=organization,
            kind=kind,
            holder_type=HolderType.MEMBER,
            name_en=name,
            seats=seats,
            term_years=3,
            position=position,
        )
    return Registry(organization, cities, mayors, secretariat, chair, offices)


@pytest.fixture
def registry(transactional_db: None) -> Registry:
    return make_registry()


@pytest.fixture
def contexts(browser: Any) -> Iterator[Any]:
    """A factory of browser contexts (one per persona), all closed after the test."""
    made: list[Any] = []

    def new_context() -> Any:
        context = browser.new_context(locale="en-GB", timezone_id="America/Mexico_City")
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield new_context
    for context in made:
        context.close()

"""Personas shared by the suite, as Healthchecks' alice/bob/charlie.

- `secretariat`: a secretariat officer (staff, back office)
- `chair`: the presiding officer of the plenary
- `delegate_a`, `delegate_b`: voting delegates of two different member cities
- `juror`: an awards juror
- `outsider`: logged in, with no role at all
"""

from __future__ import annotations

from typing import Any

import pytest

from moim.members.enums import Role
from moim.members.models import Member, Organization
from tests.factories import MemberFactory, OrganizationFactory, PersonFactory, UserFactory

Persona = Any  # a django.contrib.auth user


@pytest.fixture
def organization(db: None) -> Organization:
    return OrganizationFactory()


@pytest.fixture
def city_a(organization: Organization) -> Member:
    return MemberFactory(organization=organization, name_en="Seoul", slug="seoul")


@pytest.fixture
def city_b(organization: Organization) -> Member:
    return MemberFactory(organization=organization, name_en="Mexico City", slug="mexico-city", country="MX")


@pytest.fixture
def secretariat(organization: Organization) -> Persona:
    user = UserFactory(username="sofia", is_staff=True, roles=[Role.SECRETARIAT])
    PersonFactory(organization=organization, name_en="Sofia Secretariat", user=user)
    return user


@pytest.fixture
def chair(organization: Organization) -> Persona:
    user = UserFactory(username="charles", roles=[Role.CHAIR])
    PersonFactory(organization=organization, name_en="Charles Chair", user=user)
    return user


@pytest.fixture
def delegate_a(city_a: Member) -> Persona:
    user = UserFactory(username="dana", roles=[Role.DELEGATE])
    PersonFactory(organization=city_a.organization, member=city_a, name_en="Dana Delegate", user=user)
    return user


@pytest.fixture
def delegate_b(city_b: Member) -> Persona:
    user = UserFactory(username="diego", roles=[Role.DELEGATE])
    PersonFactory(organization=city_b.organization, member=city_b, name_en="Diego Delegate", user=user)
    return user


@pytest.fixture
def juror(organization: Organization) -> Persona:
    user = UserFactory(username="judith", roles=[Role.JUROR])
    PersonFactory(organization=organization, name_en="Judith Juror", user=user)
    return user


@pytest.fixture
def outsider(db: None) -> Persona:
    return UserFactory(username="oscar")

"""An assembly 40 days ahead, member cities with contacts in Korea and abroad, and helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moim.assemblies.models import Assembly
from moim.mailings.models import Delivery, Mailing
from moim.mailings.services import send_convocation
from moim.members.models import Member, Organization
from moim.permissions import SYSTEM
from tests.assemblies.factories import AssemblyFactory
from tests.awards.conftest import edition, scoring_round  # noqa: F401 (fixtures)
from tests.factories import MemberFactory, OrganizationFactory, PersonFactory


@dataclass
class Convened:
    assembly: Assembly
    seoul: Member
    busan: Member
    lima: Member


def make_assembly(organization: Organization, days_ahead: int = 40, **kwargs: Any) -> Assembly:
    starts = (timezone.now() + dt.timedelta(days=days_ahead)).replace(microsecond=0)
    return AssemblyFactory(organization=organization, starts_at=starts, **kwargs)


@pytest.fixture
def convened(organization: Organization, city_a: Member) -> Convened:
    """Seoul and Busan (Korean) with contact addresses, Lima reached through its mayor."""
    assembly = make_assembly(organization, edition=5, title_ko="제5차 총회")
    seoul = city_a
    seoul.name_ko = "서울"
    seoul.contact_email = "wego@seoul.example"
    seoul.save()
    busan = MemberFactory(
        organization=organization,
        slug="busan-metropolitan",
        name_en="Busan",
        name_ko="부산",
        country="KR",
        contact_email="intl@busan.example",
    )
    lima = MemberFactory(organization=organization, slug="lima", name_en="Lima", country="PE")
    PersonFactory(
        organization=organization, member=lima, name_en="Mayor of Lima", email="mayor@lima.example"
    )
    return Convened(assembly, seoul, busan, lima)


def convoke(assembly: Assembly, **kwargs: Any) -> Mailing:
    return send_convocation(assembly=assembly, by=SYSTEM, **kwargs)


def statuses(mailing: Mailing) -> dict[str, str]:
    return dict(Delivery.objects.filter(mailing=mailing).values_list("address", "status"))


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_organization(db: None) -> Organization:
    return OrganizationFactory(slug="metropolis", name_en="Metropolis", acronym="MP")

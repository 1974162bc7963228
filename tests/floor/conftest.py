"""A list of speakers to act on: an assembly, an agenda item with its list open, and the two
delegates of the shared personas joined online (delegate_a: Seoul, delegate_b: Mexico City)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moim.assemblies.enums import AttendanceMode
from moim.assemblies.models import Assembly, Registration
from moim.floor import services
from moim.floor.models import SpeakersList
from moim.governance.enums import AgendaKind
from moim.governance.models import AgendaItem
from moim.members.models import Organization
from moim.permissions import SYSTEM
from tests.assemblies.factories import AssemblyFactory, RegistrationFactory


@pytest.fixture
def assembly(organization: Organization) -> Assembly:
    return AssemblyFactory(organization=organization, edition=5)


def make_item(assembly: Assembly, title: str = "General debate", position: int = 1) -> AgendaItem:
    return AgendaItem.objects.create(
        assembly=assembly,
        kind=AgendaKind.TOPIC,
        title_en=title,
        title_ko="일반 토론",
        position=position,
    )


@pytest.fixture
def item(assembly: Assembly) -> AgendaItem:
    return make_item(assembly)


@pytest.fixture
def speakers_list(item: AgendaItem) -> SpeakersList:
    return services.open_list(agenda_item=item, by=SYSTEM)


def join_online(assembly: Assembly, user: Any) -> Registration:
    person = user.person
    return RegistrationFactory(
        assembly=assembly,
        person=person,
        member=person.member,
        full_name=person.name_en,
        attendance_mode=AttendanceMode.ONLINE,
        joined_at=timezone.now(),
    )


@pytest.fixture
def online_a(assembly: Assembly, delegate_a: Any) -> Any:
    """delegate_a, joined online for Seoul."""
    join_online(assembly, delegate_a)
    return delegate_a


@pytest.fixture
def online_b(assembly: Assembly, delegate_b: Any) -> Any:
    """delegate_b, joined online for Mexico City."""
    join_online(assembly, delegate_b)
    return delegate_b


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client

"""Factories for the assemblies app."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from moim.assemblies.enums import (
    REPRESENTING_ROLES,
    AssemblyMode,
    AssemblyStatus,
    AttendanceMode,
    Credential,
    CredentialSource,
    ItemKind,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import Assembly, ProgrammeItem, Registration, Speaker
from tests.factories import MemberFactory, OrganizationFactory, PersonFactory


class AssemblyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assembly

    organization = factory.SubFactory(OrganizationFactory)
    edition = factory.Sequence(lambda n: n + 10)
    title_en = factory.LazyAttribute(lambda a: f"{a.edition}th General Assembly")
    title_ko = factory.LazyAttribute(lambda a: f"제{a.edition}회 총회")
    theme_en = "Smart Solutions for All"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=30)).replace(microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + dt.timedelta(hours=3))
    time_zone = "Asia/Seoul"
    city_en = "Seoul"
    country = "KR"
    mode = AssemblyMode.HYBRID
    status = AssemblyStatus.REGISTRATION_OPEN


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    assembly = factory.SubFactory(AssemblyFactory)
    position = factory.Sequence(lambda n: n)
    kind = ItemKind.KEYNOTE
    title_en = factory.Sequence(lambda n: f"Item {n}")
    starts_at = factory.LazyAttribute(lambda i: i.assembly.starts_at)
    duration = dt.timedelta(minutes=15)


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    item = factory.SubFactory(ProgrammeItemFactory)
    person = factory.SubFactory(PersonFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    assembly = factory.SubFactory(AssemblyFactory)
    full_name = factory.Sequence(lambda n: f"Registrant {n}")
    email = factory.Sequence(lambda n: f"registrant{n}@example.org")
    member = factory.SubFactory(
        MemberFactory, organization=factory.SelfAttribute("..assembly.organization")
    )
    country = factory.LazyAttribute(lambda r: r.member.country if r.member else "KR")
    role = ParticipantRole.DELEGATE
    attendance_mode = AttendanceMode.IN_PERSON
    status = RegistrationStatus.CONFIRMED
    # A member's representative made here is accredited by the secretariat, as its voting
    # delegate (pass credential=Credential.ALTERNATE or AWAITING for the others).
    credential = factory.LazyAttribute(
        lambda r: (
            Credential.VOTING
            if r.member is not None and r.role in REPRESENTING_ROLES
            else Credential.NONE
        )
    )
    credential_source = factory.LazyAttribute(
        lambda r: (
            CredentialSource.SECRETARIAT
            if r.credential in (Credential.VOTING, Credential.ALTERNATE)
            else ""
        )
    )
    join_token = factory.LazyAttribute(
        lambda r: f"token-{r.email}" if r.attendance_mode == AttendanceMode.ONLINE else None
    )

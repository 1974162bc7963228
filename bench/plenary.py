"""Member cities in good standing, each with an accredited voting delegate who holds a login and
is present: the plenary that the governance tests, the load benchmark and the cast profile vote
in, built by one function so that the three measure and test the same thing.

Django must be set up before this module is imported (pytest-django does; bench/load.py and
bench/profile_cast.py call `django.setup()` first).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from moim.assemblies.enums import (
    AttendanceMode,
    Credential,
    CredentialSource,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import Assembly, Registration
from moim.members.enums import MemberKind, MemberStatus, Role
from moim.members.models import Member, MemberCategory, Person, Region


@dataclass(frozen=True)
class Delegates:
    """The members, their delegates (people) and the delegates' logins, in the same order."""

    members: list[Member]
    people: list[Person]
    users: list[Any]


def seat_delegates(
    *,
    assembly: Assembly,
    category: MemberCategory,
    region: Region,
    count: int,
    prefix: str,
    password: str | None = None,
    online_every: int = 0,
    absent: int = 0,
    at: dt.datetime | None = None,
) -> Delegates:
    """`count` full members of the assembly's organization, each with a delegate (a person with
    a login in the delegate group, `password` or none usable), all but the last `absent`
    registered and accredited by the secretariat as their member's voting delegate, and present
    at `at` (now by default): checked in at the desk, or joined online for every
    `online_every`-th one (0: none online).

    Names carry `prefix` and the number: ``City m000``, ``Delegate m000``, ``m-delegate-000``.
    """
    organization = assembly.organization
    at = at or timezone.now()
    width = max(3, len(str(count - 1)))
    numbers = [f"{prefix}{i:0{width}d}" for i in range(count)]
    year = timezone.localdate().year
    members = Member.objects.bulk_create(
        Member(
            organization=organization,
            name_en=f"City {number}",
            slug=f"{prefix}-city-{number[len(prefix) :]}",
            kind=MemberKind.LOCAL_GOVERNMENT,
            country="KR",
            region=region,
            category=category,
            status=MemberStatus.ACTIVE,
            fees_paid_through=year,
        )
        for number in numbers
    )
    user_model = get_user_model()
    # One hash for every login: thousands of PBKDF2 hashes would take minutes.
    hashed = make_password(password)
    users = user_model.objects.bulk_create(
        user_model(username=f"{prefix}-delegate-{number[len(prefix) :]}", password=hashed)
        for number in numbers
    )
    Group.objects.get(name=Role.DELEGATE.value).user_set.add(*users)
    people = Person.objects.bulk_create(
        Person(organization=organization, name_en=f"Delegate {number}", member=member, user=user)
        for number, member, user in zip(numbers, members, users, strict=True)
    )
    registrations = []
    for i, (number, member, person) in enumerate(zip(numbers, members, people, strict=True)):
        if i >= count - absent:
            continue
        online = online_every > 0 and i % online_every == online_every - 1
        registrations.append(
            Registration(
                assembly=assembly,
                person=person,
                member=member,
                full_name=person.name_en,
                email=f"{number}@example.org",
                country="KR",
                role=ParticipantRole.DELEGATE,
                attendance_mode=AttendanceMode.ONLINE if online else AttendanceMode.IN_PERSON,
                status=RegistrationStatus.CONFIRMED,
                credential=Credential.VOTING,
                credential_source=CredentialSource.SECRETARIAT,
                checked_in_at=None if online else at,
                joined_at=at if online else None,
                join_token=f"join-{prefix}-{i}" if online else None,
            )
        )
    Registration.objects.bulk_create(registrations)
    return Delegates(members, people, users)

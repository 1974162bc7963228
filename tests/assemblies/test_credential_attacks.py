"""Attacks on who holds a member's vote: registering for a member grants no vote.

A hostile audit found that an anonymous registration could name any member, was confirmed at
once, and its online join made its holder the member's representative: a delegate of another
city then cast Abuja's ballot, and Abuja's own checked-in delegate was refused. Each test here
walks one such attack through the public API or form, the desk and the plenary, and asserts
that nothing of the member's vote passes to the attacker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moim.assemblies import services as desk
from moim.assemblies.enums import AssemblyStatus, AttendanceMode, ParticipantRole
from moim.assemblies.models import Assembly, Registration
from moim.assemblies.queries import members_present
from moim.governance import services
from moim.governance.enums import PollState
from moim.governance.models import RegisterEntry, VoteRecord
from moim.governance.services.base import BallotError, PollStateError
from moim.members.models import Member, Organization, Person
from tests.assemblies.factories import AssemblyFactory
from tests.conftest import Persona
from tests.factories import MemberFactory
from tests.governance.conftest import make_motion, make_rules


@pytest.fixture
def in_session(organization: Organization) -> Assembly:
    """Under way, and still taking registrations (as a hybrid assembly may on its first day)."""
    now = timezone.now()
    return AssemblyFactory(
        organization=organization,
        edition=7,
        status=AssemblyStatus.REGISTRATION_OPEN,
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(hours=3),
    )


@pytest.fixture
def abuja(organization: Organization) -> Member:
    return MemberFactory(organization=organization, name_en="Abuja", slug="abuja", country="NG")


def _yes(poll: Any) -> list[int]:
    return [poll.options.order_by("position").first().pk]


def _open_motion(assembly: Assembly, chair: Persona, quorum: str = "0") -> Any:
    decision = make_motion(assembly, make_rules(assembly.organization, quorum=quorum))
    poll = services.create_poll(decision=decision, by=chair)
    return services.open_poll(poll=poll, by=chair)


def test_api_registration_for_another_member_does_not_take_its_vote(
    client: Client,
    in_session: Assembly,
    abuja: Member,
    city_b: Member,
    delegate_b: Persona,
    chair: Persona,
) -> None:
    # A delegate of Mexico City registers anonymously through the API, naming Abuja.
    response = client.post(
        f"/api/assemblies/{in_session.edition}/registrations",
        {
            "full_name": "Diego Delegate",
            "email": "diego@example.org",
            "role": "mayor",
            "attendance_mode": "online",
            "member": "abuja",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    registration = Registration.objects.get(email="diego@example.org")
    attacker = Person.objects.get(user=delegate_b)
    attacker.email = "diego@example.org"
    attacker.save()
    # ... joins online through the link in the confirmation mail.
    desk.join_online(token=registration.join_token or "")

    poll = _open_motion(in_session, chair)

    entry = RegisterEntry.objects.get(poll=poll, member=abuja)
    assert entry.delegate_id is None
    assert abuja.pk not in members_present(in_session)
    with pytest.raises(BallotError, match="You do not hold Abuja's vote"):
        services.cast_ballot(poll=poll, voter=attacker, member=abuja, choices=_yes(poll))
    assert VoteRecord.objects.filter(poll=poll).count() == 0


def test_form_registration_for_another_member_does_not_take_its_vote(
    client: Client, in_session: Assembly, abuja: Member, chair: Persona
) -> None:
    response = client.post(
        f"/en/assemblies/{in_session.edition}/register/",
        {
            "full_name": "Mallory",
            "email": "mallory@example.org",
            "role": ParticipantRole.MAYOR,
            "attendance_mode": AttendanceMode.ONLINE,
            "member": abuja.pk,
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get(email="mallory@example.org")
    desk.join_online(token=registration.join_token or "")
    registration.refresh_from_db()

    poll = _open_motion(in_session, chair)

    entry = RegisterEntry.objects.get(poll=poll, member=abuja)
    assert entry.delegate_id is None
    assert entry.represented is False
    # No registry person was made for Abuja from an anonymous form.
    assert not Person.objects.filter(member=abuja).exists()


def test_a_delegate_of_city_x_cannot_cast_city_y_ballot_after_registering_for_it(
    in_session: Assembly,
    city_a: Member,
    city_b: Member,
    delegate_b: Persona,
    secretariat: Persona,
    chair: Persona,
) -> None:
    attacker = Person.objects.get(user=delegate_b)
    attacker.email = "diego@example.org"
    attacker.save()
    claim = desk.register(
        assembly=in_session,
        full_name="Diego Delegate",
        email="diego@example.org",
        role=ParticipantRole.MAYOR,
        attendance_mode=AttendanceMode.IN_PERSON,
        member=city_a,
    )
    desk.check_in(registration=claim, by=secretariat)

    poll = _open_motion(in_session, chair)

    assert poll.state == PollState.OPEN
    assert RegisterEntry.objects.get(poll=poll, member=city_a).delegate_id is None
    with pytest.raises(BallotError, match="You do not hold Seoul's vote"):
        services.cast_ballot(poll=poll, voter=attacker, member=city_a, choices=_yes(poll))
    assert not VoteRecord.objects.filter(poll=poll, member=city_a).exists()


def test_unaccredited_registrants_do_not_make_the_quorum(
    in_session: Assembly, organization: Organization, secretariat: Persona, chair: Persona
) -> None:
    members = [MemberFactory(organization=organization) for _ in range(4)]
    for i, member in enumerate(members[:3]):
        registration = desk.register_walk_in(
            assembly=in_session,
            by=secretariat,
            full_name=f"Walk-in {i}",
            email=f"walkin{i}@example.org",
            role=ParticipantRole.DELEGATE,
            member=member,
        )
        assert registration.checked_in_at is not None
    decision = make_motion(in_session, make_rules(organization, quorum="0.5"))
    poll = services.create_poll(decision=decision, by=chair)

    with pytest.raises(PollStateError, match="No quorum: 0 of 4"):
        services.open_poll(poll=poll, by=chair)

    assert members_present(in_session) == set()

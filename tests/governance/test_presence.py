"""Presence counts people in the room, not logins: a member is present when one of its
representatives is checked in at the desk or joined online, with or without an account."""

from __future__ import annotations

import pytest
from django.utils import timezone
from tests.assemblies.factories import AssemblyFactory, RegistrationFactory
from tests.conftest import Persona
from tests.factories import MemberFactory, PersonFactory, UserFactory
from tests.governance.conftest import make_motion, make_rules

from moim.assemblies import credentials
from moim.assemblies import services as desk
from moim.assemblies.enums import AssemblyStatus, AttendanceMode, Credential, ParticipantRole
from moim.assemblies.models import Registration
from moim.governance import services
from moim.governance.models import RegisterEntry
from moim.governance.presence import voting_delegates
from moim.members.enums import Role
from moim.members.models import Member, Organization, Person


def _registered(
    organization: Organization, count: int, secretariat: Persona
) -> tuple[list[Member], list[Registration]]:
    """`count` members, each with one delegate registered through the service (no login) and
    accredited by the secretariat."""
    assembly = AssemblyFactory(organization=organization, edition=6)
    members = [MemberFactory(organization=organization) for _ in range(count)]
    registrations = [
        desk.register(
            assembly=assembly,
            full_name=f"Delegate {i}",
            email=f"Delegate{i}@Example.org",
            role=ParticipantRole.DELEGATE,
            attendance_mode=AttendanceMode.IN_PERSON,
            member=member,
        )
        for i, member in enumerate(members)
    ]
    for registration in registrations:
        credentials.accredit(registration=registration, by=secretariat)
    return members, registrations


def test_delegates_checked_in_without_accounts_make_their_members_present(
    organization: Organization, secretariat: Persona, chair: Persona
) -> None:
    members, registrations = _registered(organization, 4, secretariat)
    assembly = registrations[0].assembly
    for registration in registrations[:3]:
        desk.check_in(registration=registration, by=secretariat)
    decision = make_motion(assembly, make_rules(organization, quorum="0.5"))
    poll = services.create_poll(decision=decision, by=chair)

    poll = services.open_poll(poll=poll, by=chair)

    assert (poll.present_weight, poll.entitled_weight, poll.quorum_met) == (3, 4, True)
    delegates = dict(RegisterEntry.objects.filter(poll=poll).values_list("member", "delegate"))
    people = {r.member_id: r.person_id for r in Registration.objects.filter(assembly=assembly)}
    assert delegates == {
        members[0].pk: people[members[0].pk],
        members[1].pk: people[members[1].pk],
        members[2].pk: people[members[2].pk],
        members[3].pk: None,
    }
    assert Person.objects.filter(pk__in=people.values(), user__isnull=False).count() == 0


def test_a_delegate_joined_online_makes_the_member_present(
    organization: Organization, chair: Persona
) -> None:
    assembly = AssemblyFactory(organization=organization, status=AssemblyStatus.IN_SESSION)
    member = MemberFactory(organization=organization)
    registration = RegistrationFactory(
        assembly=assembly, member=member, attendance_mode=AttendanceMode.ONLINE
    )
    desk.join_online(token=registration.join_token or "")

    chosen = voting_delegates(assembly)

    registration.refresh_from_db()
    assert registration.person is not None
    assert chosen[member.pk].person == registration.person
    assert chosen[member.pk].attendance == AttendanceMode.ONLINE


def test_an_observer_makes_no_member_present(
    organization: Organization, secretariat: Persona, chair: Persona
) -> None:
    assembly = AssemblyFactory(organization=organization)
    MemberFactory(organization=organization)
    observer = desk.register(
        assembly=assembly,
        full_name="Olga Observer",
        email="olga@un.example.org",
        role=ParticipantRole.DELEGATE,
        attendance_mode=AttendanceMode.IN_PERSON,
        organization_name="UN-Habitat",
        country="KE",
    )
    desk.check_in(registration=observer, by=secretariat)
    decision = make_motion(assembly, make_rules(organization, quorum="0"))

    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)

    observer.refresh_from_db()
    assert observer.person is None  # a guest gets no registry record of a member's person
    assert (poll.present_weight, poll.entitled_weight) == (0, 1)


def test_checked_in_before_the_person_existed_is_linked_when_the_poll_opens(
    organization: Organization, chair: Persona
) -> None:
    assembly = AssemblyFactory(organization=organization)
    member = MemberFactory(organization=organization)
    # Made before any person record, as in the back office or an older version.
    registration = RegistrationFactory(
        assembly=assembly, member=member, email="Ana@Example.org", checked_in_at=timezone.now()
    )
    user = UserFactory(username="ana", roles=[Role.DELEGATE])
    person = PersonFactory(
        organization=organization, member=member, email="ana@example.org", user=user
    )
    decision = make_motion(assembly, make_rules(organization, quorum="1"))

    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)

    registration.refresh_from_db()
    assert registration.person == person
    assert poll.present_weight == 1
    assert RegisterEntry.objects.get(poll=poll).delegate == person


def test_the_voting_delegate_holds_the_vote_and_an_alternate_stands_in_when_it_is_absent(
    organization: Organization, secretariat: Persona
) -> None:
    assembly = AssemblyFactory(organization=organization)
    member = MemberFactory(organization=organization)
    now = timezone.now()
    mayor = RegistrationFactory(
        assembly=assembly, member=member, role=ParticipantRole.MAYOR, checked_in_at=now
    )
    mayor.person = PersonFactory(organization=organization, member=member)
    mayor.save()
    user = UserFactory(username="dele", roles=[Role.DELEGATE])
    alternate = RegistrationFactory(
        assembly=assembly,
        member=member,
        role=ParticipantRole.DELEGATE,
        checked_in_at=now,
        person=PersonFactory(organization=organization, member=member, user=user),
        credential=Credential.ALTERNATE,
    )

    # The member's choice holds its vote, login or not (a login is only for voting online).
    assert voting_delegates(assembly)[member.pk].person == mayor.person

    desk.undo_check_in(registration=mayor, by=secretariat)

    assert voting_delegates(assembly)[member.pk].person == alternate.person


@pytest.mark.parametrize("role", [ParticipantRole.STAFF, ParticipantRole.PRESS])
def test_staff_and_press_do_not_represent_their_member(
    organization: Organization, role: ParticipantRole
) -> None:
    assembly = AssemblyFactory(organization=organization)
    member = MemberFactory(organization=organization)
    RegistrationFactory(assembly=assembly, member=member, role=role, checked_in_at=timezone.now())

    assert voting_delegates(assembly) == {}

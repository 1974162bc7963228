"""A registration links to the registry's person by e-mail, whichever came first."""

from __future__ import annotations

from moim.assemblies import credentials, services
from moim.assemblies.enums import AttendanceMode, ParticipantRole
from moim.assemblies.models import Assembly, Registration
from moim.members.models import Member, Person
from tests.assemblies.factories import RegistrationFactory
from tests.conftest import Persona
from tests.factories import MemberFactory, PersonFactory


def _register(assembly: Assembly, email: str, member: Member | None) -> Registration:
    return services.register(
        assembly=assembly,
        full_name="Lucía Delegada",
        email=email,
        title="Director of Innovation",
        role=ParticipantRole.DELEGATE,
        attendance_mode=AttendanceMode.IN_PERSON,
        member=member,
        country="" if member else "MX",
    )


def test_person_first_then_registration_links_whatever_the_case(
    assembly: Assembly, city_b: Member
) -> None:
    person = PersonFactory(
        organization=assembly.organization, member=city_b, email="Lucia@CDMX.gob.mx"
    )

    registration = _register(assembly, "lucia@cdmx.GOB.mx", city_b)

    assert registration.person == person
    assert Person.objects.count() == 1


def test_a_claim_makes_no_person_until_accredited_then_creates_it(
    assembly: Assembly, city_b: Member, secretariat: Persona
) -> None:
    registration = _register(assembly, "Lucia@cdmx.gob.mx", city_b)
    # Naming a member on a public form puts no one among the member's people.
    assert registration.person is None
    assert not Person.objects.filter(member=city_b).exists()

    credentials.accredit(registration=registration, by=secretariat)

    registration.refresh_from_db()
    person = registration.person
    assert person is not None
    assert (person.name_en, person.email, person.member, person.title_en) == (
        "Lucía Delegada",
        "lucia@cdmx.gob.mx",
        city_b,
        "Director of Innovation",
    )


def test_registration_first_then_person_links_at_check_in(
    assembly: Assembly, secretariat: Persona
) -> None:
    member = MemberFactory(organization=assembly.organization)
    registration = RegistrationFactory(assembly=assembly, member=member, email="Late@Example.org")
    assert registration.person is None
    person = PersonFactory(organization=assembly.organization, email="late@example.ORG")

    services.check_in(registration=registration, by=secretariat)

    registration.refresh_from_db()
    assert registration.person == person


def test_link_people_links_every_unlinked_registration(assembly: Assembly) -> None:
    member = MemberFactory(organization=assembly.organization)
    earlier = RegistrationFactory(assembly=assembly, member=member, email="a@example.org")
    guest = RegistrationFactory(assembly=assembly, member=None, email="guest@example.org")
    person = PersonFactory(organization=assembly.organization, email="A@example.org")

    linked = services.link_people(assembly=assembly)

    earlier.refresh_from_db()
    guest.refresh_from_db()
    assert (linked, earlier.person, guest.person) == (1, person, None)


def test_a_guest_links_to_an_existing_person_but_none_is_created(assembly: Assembly) -> None:
    person = PersonFactory(organization=assembly.organization, email="guest@un.example.org")

    registration = _register(assembly, "GUEST@un.example.org", None)
    other = services.register(
        assembly=assembly,
        full_name="Press",
        email="press@example.org",
        role=ParticipantRole.PRESS,
        attendance_mode=AttendanceMode.IN_PERSON,
        country="KR",
    )

    assert registration.person == person
    assert other.person is None

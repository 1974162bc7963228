"""Registration on the day: the secretariat registers and checks in walk-ins while the
assembly is in session, without reopening the public form; the role has no default."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from moim.assemblies import services
from moim.assemblies.enums import (
    AssemblyStatus,
    AttendanceAction,
    AttendanceMode,
    Credential,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.forms import RegistrationForm
from moim.assemblies.models import Assembly, Registration
from moim.assemblies.queries import members_present
from moim.errors import Conflict, Invalid
from moim.members.models import Member
from tests.conftest import Persona
from tests.factories import MemberFactory


@pytest.fixture
def in_session(assembly: Assembly) -> Assembly:
    """In session, with the public deadlines passed: the public form refuses everyone."""
    past = timezone.now() - dt.timedelta(days=2)
    assembly.status = AssemblyStatus.IN_SESSION
    assembly.in_person_deadline = past
    assembly.online_deadline = past
    assembly.save()
    return assembly


def _walk_in_data(member: Member | None, **changes: str) -> dict[str, str]:
    data = {
        "full_name": "Walter Walk-in",
        "email": "Walter@Example.org",
        "title": "Deputy Mayor",
        "role": ParticipantRole.VICE_MAYOR.value,
        "member": str(member.pk) if member else "",
        "organization_name": "",
        "country": "",
        "accessibility_needs": "",
    }
    data.update(changes)
    return data


def test_secretariat_registers_and_checks_in_a_walk_in_during_the_session(
    client: Client, in_session: Assembly, city_b: Member, secretariat: Persona
) -> None:
    client.force_login(secretariat)
    desk = client.get(f"/en/assemblies/{in_session.edition}/desk/").content.decode()
    assert "Register someone at the desk" in desk
    public = client.post(
        f"/en/assemblies/{in_session.edition}/register/",
        {**_walk_in_data(city_b), "attendance_mode": AttendanceMode.IN_PERSON.value},
    )
    assert "is not open" in public.content.decode()  # the public form stays closed

    response = client.post(
        f"/en/assemblies/{in_session.edition}/desk/walk-in/", _walk_in_data(city_b), follow=True
    )

    assert "Walter Walk-in (Mexico City) is registered and checked in." in (
        response.content.decode()
    )
    registration = Registration.objects.get(assembly=in_session)
    assert registration.email == "walter@example.org"
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.attendance_mode == AttendanceMode.IN_PERSON
    assert registration.checked_in_at is not None
    assert registration.role == ParticipantRole.VICE_MAYOR
    # Checked in as an attendee: Mexico City is present only once the claim is accredited.
    assert registration.credential == Credential.AWAITING
    assert members_present(in_session) == set()

    client.post(
        f"/en/assemblies/{in_session.edition}/credentials/act/",
        {"registration": registration.pk, "act": "voting"},
    )

    registration.refresh_from_db()
    assert registration.person is not None
    assert registration.person.member == city_b
    assert members_present(in_session) == {city_b.pk}
    assert list(registration.events.order_by("pk").values_list("action", "by")) == [
        (AttendanceAction.REGISTERED, secretariat.pk),
        (AttendanceAction.CHECKED_IN, secretariat.pk),
        (AttendanceAction.ACCREDITED, secretariat.pk),
    ]


def test_a_walk_in_already_registered_is_told_so_and_nothing_changes(
    in_session: Assembly, city_b: Member, secretariat: Persona
) -> None:
    services.register_walk_in(
        assembly=in_session,
        by=secretariat,
        full_name="Walter",
        email="walter@example.org",
        role=ParticipantRole.DELEGATE,
        member=city_b,
    )

    with pytest.raises(Conflict, match="already registered"):
        services.register_walk_in(
            assembly=in_session,
            by=secretariat,
            full_name="Walter again",
            email="WALTER@example.org",
            role=ParticipantRole.MAYOR,
            member=city_b,
        )

    assert list(Registration.objects.values_list("full_name", "role")) == [
        ("Walter", ParticipantRole.DELEGATE)
    ]


def test_walk_in_is_refused_for_anyone_but_the_secretariat(
    client: Client, in_session: Assembly, city_b: Member, outsider: Persona, delegate_a: Persona
) -> None:
    with pytest.raises(PermissionDenied):
        services.register_walk_in(
            assembly=in_session,
            by=delegate_a,
            full_name="Walter",
            email="walter@example.org",
            role=ParticipantRole.DELEGATE,
            member=city_b,
        )
    anonymous = client.post(
        f"/en/assemblies/{in_session.edition}/desk/walk-in/", _walk_in_data(city_b)
    )
    client.force_login(outsider)
    forbidden = client.post(
        f"/en/assemblies/{in_session.edition}/desk/walk-in/", _walk_in_data(city_b)
    )

    assert (anonymous.status_code, forbidden.status_code) == (404, 403)
    assert Registration.objects.count() == 0


def test_walk_in_is_refused_once_the_assembly_is_closed(
    in_session: Assembly, city_b: Member, secretariat: Persona
) -> None:
    in_session.status = AssemblyStatus.CLOSED
    in_session.save()

    with pytest.raises(Conflict, match="is closed"):
        services.register_walk_in(
            assembly=in_session,
            by=secretariat,
            full_name="Walter",
            email="walter@example.org",
            role=ParticipantRole.DELEGATE,
            member=city_b,
        )
    assert Registration.objects.count() == 0


def test_walk_in_form_without_a_role_names_the_field(
    client: Client, in_session: Assembly, city_b: Member, secretariat: Persona
) -> None:
    client.force_login(secretariat)

    response = client.post(
        f"/en/assemblies/{in_session.edition}/desk/walk-in/", _walk_in_data(city_b, role="")
    )

    assert "Role: choose the role in which the person attends." in response.content.decode()
    assert Registration.objects.count() == 0


def test_a_guest_at_the_desk_names_a_country(
    client: Client, in_session: Assembly, secretariat: Persona
) -> None:
    client.force_login(secretariat)

    response = client.post(
        f"/en/assemblies/{in_session.edition}/desk/walk-in/",
        _walk_in_data(None, role=ParticipantRole.PRESS.value),
    )

    assert "Guests who represent no member must name their country." in (response.content.decode())
    assert Registration.objects.count() == 0


def test_public_form_has_no_default_role_and_requires_one(
    client: Client, assembly: Assembly
) -> None:
    member = MemberFactory(organization=assembly.organization)
    page = client.get(f"/en/assemblies/{assembly.edition}/register/").content.decode()
    assert "— choose your role —" in page
    assert 'value="mayor" selected' not in page
    form = RegistrationForm(
        {
            "full_name": "Nora",
            "email": "nora@example.org",
            "attendance_mode": AttendanceMode.IN_PERSON.value,
            "member": str(member.pk),
        },
        assembly=assembly,
    )

    response = client.post(f"/en/assemblies/{assembly.edition}/register/", form.data)

    assert not form.is_valid()
    assert form.errors["role"] == ["Role: choose the role in which you attend."]
    assert "Role: choose the role in which you attend." in response.content.decode()
    assert Registration.objects.count() == 0


def test_register_service_without_a_role_says_so(assembly: Assembly, city_b: Member) -> None:
    with pytest.raises(Invalid, match=r"^Role: choose"):
        services.register(
            assembly=assembly,
            full_name="Nora",
            email="nora@example.org",
            role="",
            attendance_mode=AttendanceMode.IN_PERSON,
            member=city_b,
        )
    assert Registration.objects.count() == 0

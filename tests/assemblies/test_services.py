from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from moim.assemblies import services
from moim.assemblies.enums import (
    AssemblyStatus,
    AttendanceAction,
    AttendanceMode,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import Assembly, AttendanceEvent, ProgrammeItem, Registration
from moim.errors import Conflict, Invalid
from moim.members.models import Member
from tests.assemblies.factories import ProgrammeItemFactory, RegistrationFactory
from tests.conftest import Persona


def _register(assembly: Assembly, **overrides: Any) -> Registration:
    data: dict[str, Any] = {
        "assembly": assembly,
        "full_name": "Ana Costa",
        "email": "ana@example.org",
        "role": ParticipantRole.DELEGATE,
        "attendance_mode": AttendanceMode.IN_PERSON,
        "country": "BR",
        "base_url": "https://moim.example",
    }
    data.update(overrides)
    return services.register(**data)


def test_register_confirms_and_mails_code_and_qr(
    assembly: Assembly, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(assembly)

    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.join_token is None
    assert len(registration.check_in_code) == 8
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ana@example.org"]
    assert registration.check_in_code in mail.body
    filename, content, mimetype = mail.attachments[0]
    assert filename == f"check-in-{registration.check_in_code}.png"
    assert mimetype == "image/png"
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(registration.events.values_list("action", flat=True)) == [
        AttendanceAction.REGISTERED
    ]


def test_register_online_mails_a_personal_join_link(
    assembly: Assembly, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(assembly, attendance_mode=AttendanceMode.ONLINE)

    assert registration.join_token is not None
    assert len(registration.join_token) >= 40
    assert f"https://moim.example/en/assemblies/join/{registration.join_token}/" in (
        mailoutbox[0].body
    )


def test_register_links_the_registry_person_with_that_email(
    assembly: Assembly, delegate_a: Persona
) -> None:
    person = delegate_a.person

    registration = _register(assembly, email="Dana.Delegate@example.org", member=person.member)

    assert registration.person == person


def test_register_takes_country_from_the_delegation(assembly: Assembly, city_b: Member) -> None:
    registration = _register(assembly, member=city_b, country="", role=ParticipantRole.MAYOR)

    assert registration.country.code == "MX"


def test_register_same_email_twice_is_refused_with_message(assembly: Assembly) -> None:
    _register(assembly)

    with pytest.raises(Conflict) as refused:
        _register(assembly, email="  ANA@Example.org ", full_name="Ana C.")

    assert "ana@example.org is already registered for the 5th General Assembly" in (
        refused.value.message
    )
    assert Registration.objects.filter(assembly=assembly).count() == 1


def test_register_guest_without_country_is_refused(assembly: Assembly) -> None:
    with pytest.raises(Invalid) as refused:
        _register(assembly, country="")

    assert "must name the country" in refused.value.message
    assert not Registration.objects.exists()


def test_register_when_mode_full_is_refused(assembly: Assembly) -> None:
    assembly.in_person_capacity = 1
    assembly.save()
    _register(assembly)

    with pytest.raises(Conflict) as refused:
        _register(assembly, email="other@example.org")
    online = _register(assembly, email="other@example.org", attendance_mode=AttendanceMode.ONLINE)

    assert refused.value.message == "All 1 places to attend in person are taken."
    assert online.attendance_mode == AttendanceMode.ONLINE


def test_register_after_the_mode_deadline_is_refused(assembly: Assembly) -> None:
    assembly.online_deadline = timezone.now() - dt.timedelta(minutes=1)
    assembly.save()

    with pytest.raises(Conflict) as refused:
        _register(assembly, attendance_mode=AttendanceMode.ONLINE)
    in_person = _register(assembly)

    assert refused.value.message.startswith("Registration to attend online closed on")
    assert in_person.pk is not None


def test_register_when_not_open_is_refused(assembly: Assembly) -> None:
    assembly.status = AssemblyStatus.PLANNED
    assembly.save()

    with pytest.raises(Conflict) as refused:
        _register(assembly)

    assert "is not open" in refused.value.message


def test_registration_needing_approval_is_confirmed_by_the_secretariat(
    assembly: Assembly,
    secretariat: Persona,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    assembly.requires_approval = True
    assembly.save()
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(assembly)
    assert registration.status == RegistrationStatus.PENDING
    assert registration.check_in_code not in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(registration=registration, by=secretariat)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.check_in_code in mailoutbox[1].body
    assert registration.events.filter(action=AttendanceAction.APPROVED, by=secretariat).exists()


def test_approve_by_a_delegate_is_denied(assembly: Assembly, delegate_a: Persona) -> None:
    registration = RegistrationFactory(assembly=assembly, status=RegistrationStatus.PENDING)

    with pytest.raises(PermissionDenied):
        services.approve_registration(registration=registration, by=delegate_a)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_check_in_and_undo_are_logged(assembly: Assembly, secretariat: Persona) -> None:
    registration = RegistrationFactory(assembly=assembly)

    services.check_in(registration=registration, by=secretariat)
    registration.refresh_from_db()
    assert registration.is_present
    with pytest.raises(Conflict) as again:
        services.check_in(registration=registration, by=secretariat)
    services.undo_check_in(registration=registration, by=secretariat)

    registration.refresh_from_db()
    assert not registration.is_present
    assert "was already checked in at" in again.value.message
    assert list(
        AttendanceEvent.objects.filter(registration=registration)
        .order_by("pk")
        .values_list("action", "by__username")
    ) == [
        (AttendanceAction.CHECKED_IN, "sofia"),
        (AttendanceAction.CHECK_IN_UNDONE, "sofia"),
    ]


def test_check_in_of_pending_registration_is_refused(
    assembly: Assembly, secretariat: Persona
) -> None:
    registration = RegistrationFactory(assembly=assembly, status=RegistrationStatus.PENDING)

    with pytest.raises(Conflict) as refused:
        services.check_in(registration=registration, by=secretariat)

    assert "the registration is awaiting approval" in refused.value.message
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_check_in_of_online_registrant_switches_to_in_person(
    assembly: Assembly, secretariat: Persona
) -> None:
    registration = RegistrationFactory(assembly=assembly, attendance_mode=AttendanceMode.ONLINE)

    services.check_in(registration=registration, by=secretariat)

    registration.refresh_from_db()
    assert registration.attendance_mode == AttendanceMode.IN_PERSON
    assert registration.is_present
    assert registration.events.get().note == "Registered online; came in person."


def test_undo_check_in_of_online_registrant_restores_online_attendance(
    assembly: Assembly, secretariat: Persona
) -> None:
    registration = RegistrationFactory(
        assembly=assembly, attendance_mode=AttendanceMode.ONLINE, joined_at=timezone.now()
    )
    services.check_in(registration=registration, by=secretariat)

    services.undo_check_in(registration=registration, by=secretariat)

    registration.refresh_from_db()
    assert registration.attendance_mode == AttendanceMode.ONLINE
    assert registration.is_present  # they had joined online before


def test_approving_a_declined_registration_needs_a_free_place(
    assembly: Assembly, secretariat: Persona
) -> None:
    assembly.in_person_capacity = 1
    assembly.save()
    declined = RegistrationFactory(assembly=assembly, status=RegistrationStatus.DECLINED)
    RegistrationFactory(assembly=assembly)

    with pytest.raises(Conflict) as refused:
        services.approve_registration(registration=declined, by=secretariat)

    declined.refresh_from_db()
    assert refused.value.message == "All 1 places to attend in person are taken."
    assert declined.status == RegistrationStatus.DECLINED


def test_join_online_marks_present_once(assembly: Assembly) -> None:
    registration = RegistrationFactory(assembly=assembly, attendance_mode=AttendanceMode.ONLINE)
    assert registration.join_token is not None
    during = assembly.starts_at + dt.timedelta(minutes=5)

    services.join_online(token=registration.join_token, now=during)
    services.join_online(token=registration.join_token, now=during + dt.timedelta(minutes=9))

    registration.refresh_from_db()
    assert registration.is_present
    assert registration.joined_at == during
    assert registration.events.filter(action=AttendanceAction.JOINED_ONLINE).count() == 1


def test_join_online_too_early_does_not_count(assembly: Assembly) -> None:
    registration = RegistrationFactory(assembly=assembly, attendance_mode=AttendanceMode.ONLINE)
    assert registration.join_token is not None

    with pytest.raises(Conflict) as refused:
        services.join_online(
            token=registration.join_token, now=assembly.starts_at - dt.timedelta(hours=2)
        )

    assert "The session opens at" in refused.value.message
    registration.refresh_from_db()
    assert registration.joined_at is None


def test_join_online_with_unknown_token_raises(db: None) -> None:
    with pytest.raises(Registration.DoesNotExist):
        services.join_online(token="no-such-token")


def test_move_item_reorders_and_retimes(assembly: Assembly, secretariat: Persona) -> None:
    start = assembly.starts_at
    ProgrammeItemFactory(assembly=assembly, position=0, starts_at=start, title_en="A")
    ProgrammeItemFactory(
        assembly=assembly,
        position=1,
        starts_at=start + dt.timedelta(minutes=15),
        duration=dt.timedelta(minutes=30),
        title_en="B",
    )
    c = ProgrammeItemFactory(
        assembly=assembly, position=2, starts_at=start + dt.timedelta(minutes=45), title_en="C"
    )

    services.move_item(item=c, position=0, by=secretariat)

    items = list(ProgrammeItem.objects.filter(assembly=assembly).order_by("position"))
    assert [(i.title_en, i.position) for i in items] == [("C", 0), ("A", 1), ("B", 2)]
    assert [i.starts_at - start for i in items] == [
        dt.timedelta(0),
        dt.timedelta(minutes=15),
        dt.timedelta(minutes=30),
    ]


def test_move_item_by_delegate_is_denied(assembly: Assembly, delegate_a: Persona) -> None:
    item = ProgrammeItemFactory(assembly=assembly)

    with pytest.raises(PermissionDenied):
        services.move_item(item=item, position=0, by=delegate_a)

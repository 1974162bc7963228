"""Printable badges: one page per registration, all of an assembly's in one PDF."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from moim.assemblies.badges import PAGE_SIZES, badge_for, badges_pdf
from moim.assemblies.enums import BadgeSize, Credential, ParticipantRole, RegistrationStatus
from moim.assemblies.models import Assembly, Registration
from moim.members.models import Member
from tests.assemblies.factories import AssemblyFactory, RegistrationFactory
from tests.assemblies.helpers import logged_in, pdf_pages
from tests.conftest import Persona
from tests.factories import MemberFactory


def _registrations(assembly: Assembly, count: int) -> None:
    members = [
        MemberFactory(organization=assembly.organization, name_en=f"City {n}", name_ko=f"도시 {n}")
        for n in range(10)
    ]
    roles = list(ParticipantRole)
    Registration.objects.bulk_create(
        Registration(
            assembly=assembly,
            full_name=f"홍길동 {n}" if n % 2 else f"Registrant {n}",
            email=f"r{n}@example.org",
            member=members[n % 10],
            role=roles[n % len(roles)],
            attendance_mode="in_person",
            status=RegistrationStatus.CONFIRMED,
            credential=Credential.NONE,
        )
        for n in range(count)
    )


def test_badges_for_230_registrations_come_out_as_one_pdf_quickly(assembly: Assembly) -> None:
    _registrations(assembly, 230)
    registrations = Registration.objects.filter(assembly=assembly).select_related(
        "assembly", "member"
    )

    started = time.monotonic()
    data = badges_pdf(registrations, size=BadgeSize.A6)
    elapsed = time.monotonic() - started

    assert data is not None
    assert pdf_pages(data) == 230
    assert elapsed < 20


@pytest.mark.parametrize("size", list(BadgeSize))
def test_badge_page_has_the_size_asked_for(assembly: Assembly, size: BadgeSize) -> None:
    registration = RegistrationFactory(assembly=assembly)

    data = badges_pdf([registration], size=size)

    assert data is not None
    width, height = PAGE_SIZES[size]
    points = f"/MediaBox [0 0 {width * 72 / 25.4:.2f} {height * 72 / 25.4:.2f}]".encode()
    assert points in data


def test_badge_names_member_in_both_languages_role_and_check_in_code(
    assembly: Assembly,
) -> None:
    member = MemberFactory(
        organization=assembly.organization, name_en="Seoul", name_ko="서울특별시"
    )
    registration = RegistrationFactory(
        assembly=assembly, member=member, full_name="김민수", role=ParticipantRole.PRESS
    )

    badge = badge_for(registration)

    assert (badge.name, badge.represents_en, badge.represents_ko) == (
        "김민수",
        "Seoul",
        "서울특별시",
    )
    assert (badge.role_en, badge.code) == ("Press", registration.check_in_code)
    assert badge.role_ko != "Press"


def test_badges_without_a_cjk_font_still_print(assembly: Assembly, settings: Any) -> None:
    settings.MOIM_PDF_FONT = "/nonexistent/font.ttf"
    registration = RegistrationFactory(assembly=assembly, full_name="김민수")

    data = badges_pdf([registration])

    assert data is not None
    assert pdf_pages(data) == 1


def test_badges_follow_the_list_filters(assembly: Assembly, secretariat: Persona) -> None:
    for n in range(3):
        RegistrationFactory(assembly=assembly, role=ParticipantRole.PRESS, full_name=f"P {n}")
    RegistrationFactory(assembly=assembly, role=ParticipantRole.DELEGATE)
    staff = logged_in(secretariat)

    response = staff.get(
        f"/en/assemblies/{assembly.edition}/registrations/badges.pdf",
        {"role": "press", "size": "a7"},
    )

    assert response["Content-Type"] == "application/pdf"
    assert pdf_pages(response.content) == 3
    assert "badges-a7" in response["Content-Disposition"]


def test_registrations_page_offers_badges_with_the_filters(
    assembly: Assembly, secretariat: Persona
) -> None:
    RegistrationFactory(assembly=assembly)

    html = (
        logged_in(secretariat)
        .get(f"/en/assemblies/{assembly.edition}/registrations/", {"role": "press"})
        .content.decode()
    )

    assert f'action="/en/assemblies/{assembly.edition}/registrations/badges.pdf"' in html
    assert '<input type="hidden" name="role" value="press">' in html
    assert "Badges (PDF)" in html


def test_one_registrations_badge(assembly: Assembly, secretariat: Persona) -> None:
    registration = RegistrationFactory(assembly=assembly)

    response = logged_in(secretariat).get(
        f"/en/assemblies/{assembly.edition}/registrations/{registration.pk}/badge.pdf"
    )

    assert pdf_pages(response.content) == 1
    assert registration.check_in_code in response["Content-Disposition"]


def test_a_delegate_cannot_print_badges(
    assembly: Assembly, delegate_a: Persona, city_a: Member
) -> None:
    RegistrationFactory(assembly=assembly, member=city_a)

    response = logged_in(delegate_a).get(
        f"/en/assemblies/{assembly.edition}/registrations/badges.pdf"
    )

    assert response.status_code == 403
    assert not response.content.startswith(b"%PDF")


def test_an_anonymous_visitor_sees_no_badges(assembly: Assembly, client: Client) -> None:
    registration = RegistrationFactory(assembly=assembly)

    response = client.get(
        f"/en/assemblies/{assembly.edition}/registrations/{registration.pk}/badge.pdf"
    )

    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")


def test_another_assemblys_registration_has_no_badge_here(
    assembly: Assembly, secretariat: Persona
) -> None:
    elsewhere = RegistrationFactory(assembly=AssemblyFactory(edition=assembly.edition + 1))

    response = logged_in(secretariat).get(
        f"/en/assemblies/{assembly.edition}/registrations/{elsewhere.pk}/badge.pdf"
    )

    assert response.status_code == 404

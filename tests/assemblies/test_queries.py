from __future__ import annotations

from django.utils import timezone

from moim.assemblies import queries
from moim.assemblies.enums import AttendanceMode, Credential, ParticipantRole, RegistrationStatus
from moim.assemblies.models import Assembly
from moim.members.models import Member
from tests.assemblies.factories import RegistrationFactory
from tests.factories import MemberFactory


def test_figures_count_only_present_registrants(assembly: Assembly, city_a: Member) -> None:
    now = timezone.now()
    RegistrationFactory(assembly=assembly, member=city_a, role="mayor", checked_in_at=now)
    RegistrationFactory(assembly=assembly, role="delegate")  # registered, not checked in
    RegistrationFactory(
        assembly=assembly,
        attendance_mode=AttendanceMode.ONLINE,
        role=ParticipantRole.VICE_MAYOR,
        member=MemberFactory(organization=assembly.organization, country="TH"),
        joined_at=now,
    )
    RegistrationFactory(
        assembly=assembly,
        member=None,
        role=ParticipantRole.AMBASSADOR,
        country="BR",
        checked_in_at=now,
    )
    # Checked in but no longer confirmed: not present.
    RegistrationFactory(assembly=assembly, status=RegistrationStatus.DECLINED, checked_in_at=now)

    figures = queries.attendance_figures(assembly)

    assert figures.registered == 4
    assert figures.present == 3
    assert (figures.in_person, figures.online) == (2, 1)
    assert figures.mayors_and_vice_mayors == 2
    assert figures.mayoral_countries == 2
    assert figures.ambassadors == 1
    assert figures.members_represented == 2
    assert figures.countries == 3


def test_members_present_and_their_delegates(
    assembly: Assembly, city_a: Member, city_b: Member
) -> None:
    now = timezone.now()
    mayor = RegistrationFactory(
        assembly=assembly,
        member=city_a,
        role=ParticipantRole.MAYOR,
        checked_in_at=now,
        credential=Credential.ALTERNATE,
    )
    delegate = RegistrationFactory(
        assembly=assembly,
        member=city_a,
        role=ParticipantRole.DELEGATE,
        attendance_mode=AttendanceMode.ONLINE,
        joined_at=now,
    )
    RegistrationFactory(assembly=assembly, member=city_b)  # not present
    # Present, but its claim on Mexico City awaits accreditation: an attendee only.
    RegistrationFactory(
        assembly=assembly,
        member=city_b,
        role=ParticipantRole.MAYOR,
        checked_in_at=now,
        credential=Credential.AWAITING,
    )
    # Press from a member city do not represent it.
    RegistrationFactory(
        assembly=assembly,
        member=MemberFactory(organization=assembly.organization),
        role=ParticipantRole.PRESS,
        checked_in_at=now,
    )

    assert queries.members_present(assembly) == {city_a.pk}
    # The voting delegate first, then the alternates.
    assert queries.delegates_present(assembly) == {city_a.pk: [delegate, mayor]}

"""Times are entered and shown in the assembly's time zone, wherever they appear: back office,
public pages, report, e-mail and iCalendar. 10:00 in Mexico City is 16:00 UTC, and 01:00 the
next day in Seoul (the server's zone), which is where it used to slip."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.test import Client

from moim.assemblies import services
from moim.assemblies.enums import AssemblyMode, AssemblyStatus, AttendanceMode, ParticipantRole
from moim.assemblies.models import Assembly, ProgrammeItem
from moim.members.models import Organization
from moim.site import report
from tests.assemblies.factories import AssemblyFactory, ProgrammeItemFactory
from tests.conftest import Persona

pytestmark = pytest.mark.django_db

TEN_IN_MEXICO = dt.datetime(2026, 3, 10, 16, 0, tzinfo=dt.UTC)


def _inline_management(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _new_assembly_form(organization: Organization, **overrides: str) -> dict[str, str]:
    data = {
        "organization": str(organization.pk),
        "edition": "6",
        "status": AssemblyStatus.REGISTRATION_OPEN,
        "mode": AssemblyMode.HYBRID,
        "title_en": "6th General Assembly",
        "starts_at_0": "2026-03-10",
        "starts_at_1": "10:00",
        "ends_at_0": "2026-03-10",
        "ends_at_1": "18:00",
        "time_zone": "America/Mexico_City",
        "city_en": "Mexico City",
        "country": "MX",
        **_inline_management("items"),
        **_inline_management("sponsors"),
        **_inline_management("materials"),
    }
    data.update(overrides)
    return data


def _staff(user: Persona) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_new_assembly_times_are_read_in_the_zone_chosen_in_the_same_form(
    organization: Organization, secretariat: Persona
) -> None:
    staff = _staff(secretariat)

    staff.post("/en/admin/assemblies/assembly/add/", _new_assembly_form(organization))

    assembly = Assembly.objects.get(edition=6)
    assert assembly.starts_at == TEN_IN_MEXICO
    assert assembly.ends_at == TEN_IN_MEXICO + dt.timedelta(hours=8)


def test_assembly_change_form_shows_and_names_the_assembly_zone(
    organization: Organization, secretariat: Persona
) -> None:
    assembly = AssemblyFactory(
        organization=organization, time_zone="America/Mexico_City", starts_at=TEN_IN_MEXICO
    )
    ProgrammeItemFactory(assembly=assembly, starts_at=TEN_IN_MEXICO + dt.timedelta(minutes=30))
    staff = _staff(secretariat)

    page = staff.get(f"/en/admin/assemblies/assembly/{assembly.pk}/change/").content.decode()
    listing = staff.get("/en/admin/assemblies/assembly/").content.decode()

    assert 'name="starts_at_1" value="10:00:00"' in page
    assert 'name="items-0-starts_at_1" value="10:30:00"' in page
    assert "Local time in America/Mexico_City, the assembly&#x27;s time zone." in page
    assert "10 a.m. (America/Mexico_City)" in listing


def test_new_assembly_form_says_times_follow_the_zone_chosen(secretariat: Persona) -> None:
    page = _staff(secretariat).get("/en/admin/assemblies/assembly/add/").content.decode()

    assert "Local time in the time zone chosen below (now Asia/Seoul)." in page


def test_programme_item_entered_in_the_back_office_is_in_its_assembly_zone(
    organization: Organization, secretariat: Persona
) -> None:
    assembly = AssemblyFactory(
        organization=organization, time_zone="America/Mexico_City", starts_at=TEN_IN_MEXICO
    )
    staff = _staff(secretariat)

    staff.post(
        "/en/admin/assemblies/programmeitem/add/",
        {
            "assembly": str(assembly.pk),
            "position": "0",
            "kind": "keynote",
            "title_en": "Keynote",
            "starts_at_0": "2026-03-10",
            "starts_at_1": "11:15",
            "duration": "00:20:00",
            "language": "en",
            "speaker_links-TOTAL_FORMS": "0",
            "speaker_links-INITIAL_FORMS": "0",
            "speaker_links-MIN_NUM_FORMS": "0",
            "speaker_links-MAX_NUM_FORMS": "1000",
        },
    )
    item = ProgrammeItem.objects.get(title_en="Keynote")
    page = staff.get(f"/en/admin/assemblies/programmeitem/{item.pk}/change/").content.decode()

    assert item.starts_at == TEN_IN_MEXICO + dt.timedelta(hours=1, minutes=15)
    assert 'name="starts_at_1" value="11:15:00"' in page
    assert "Local time in America/Mexico_City" in page


def test_ten_in_mexico_city_entered_once_reads_ten_everywhere(
    organization: Organization,
    secretariat: Persona,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff = _staff(secretariat)
    staff.post("/en/admin/assemblies/assembly/add/", _new_assembly_form(organization))
    assembly = Assembly.objects.get(edition=6)
    ProgrammeItemFactory(assembly=assembly, title_en="Opening", starts_at=assembly.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(
            assembly=assembly,
            full_name="Lucía Méndez",
            email="lucia@example.org",
            title="",
            role=ParticipantRole.PARTNER,
            attendance_mode=AttendanceMode.IN_PERSON,
            member=None,
            organization_name="CDMX",
            country="MX",
            accessibility_needs="",
            language="en",
            base_url="https://moim.example",
        )
    public = Client()

    page = public.get("/en/assemblies/6/").content.decode()
    report_page = public.get("/en/report/6/").content.decode()
    calendar = icalendar.Calendar.from_ical(public.get("/en/assemblies/6/programme.ics").content)
    pdf_lines = [text for _style, text in report.report_lines(report.assembly_report(assembly))]

    assert '<time datetime="2026-03-10T10:00:00-06:00">' in page
    assert "March 10, 2026, 10 a.m." in report_page
    assert "2026-03-10 10:00 (America/Mexico_City)" in pdf_lines[1] + pdf_lines[2]
    assert "10:00  Opening" in pdf_lines
    assert "When: March 10, 2026, 10 a.m. (America/Mexico_City)" in mailoutbox[0].body
    event = calendar.walk("VEVENT")[0]
    assert event["dtstart"].params["TZID"] == "America/Mexico_City"
    assert event.decoded("dtstart").replace(tzinfo=None) == dt.datetime(2026, 3, 10, 10, 0)
    assert event.decoded("dtstart") == TEN_IN_MEXICO

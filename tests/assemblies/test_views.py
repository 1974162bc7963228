from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from moim.assemblies.enums import (
    AssemblyStatus,
    AttendanceAction,
    AttendanceMode,
    ItemKind,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import Assembly, AttendanceEvent, ProgrammeItem, Registration
from moim.members.models import Member, Organization
from tests.assemblies.factories import (
    AssemblyFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    SpeakerFactory,
)
from tests.conftest import Persona
from tests.factories import PersonFactory


def figure(html: str, name: str) -> int:
    match = re.search(rf'id="figure-{name}">(\d+)<', html)
    assert match, f"figure {name} not on the page"
    return int(match.group(1))


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "full_name": "Lucía Méndez",
        "email": "lucia@example.org",
        "title": "Vice-mayor",
        "role": ParticipantRole.VICE_MAYOR.value,
        "attendance_mode": AttendanceMode.IN_PERSON.value,
        "member": "",
        "organization_name": "",
        "country": "MX",
        "accessibility_needs": "",
    }
    data.update(overrides)
    return data


def logged_in(user: Persona) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_public_registration_then_desk_check_in_changes_the_figures(
    client: Client,
    assembly: Assembly,
    city_b: Member,
    secretariat: Persona,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    page = f"/en/assemblies/{assembly.edition}/"
    before = client.get(page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{page}register/", form_data(member=str(city_b.pk), country=""), follow=True
        )
    registration = Registration.objects.get(email="lucia@example.org")
    assert "You are registered. Your check-in code is on its way to lucia@example.org." in (
        response.content.decode()
    )
    assert registration.check_in_code in mailoutbox[0].body
    assert registration.member == city_b

    desk = logged_in(secretariat).post(
        f"{page}desk/", {"q": registration.check_in_code.lower()}, follow=True
    )
    after = client.get(page).content.decode()

    assert "Lucía Méndez (Mexico City) is checked in." in desk.content.decode()
    assert (figure(before, "present"), figure(after, "present")) == (0, 1)
    assert (figure(before, "mayors"), figure(after, "mayors")) == (0, 1)
    # Registering named Mexico City, but represents it only once accredited.
    assert "Representing Mexico City awaits accreditation" in response.content.decode()
    assert figure(after, "members") == 0
    logged_in(secretariat).post(
        f"{page}credentials/act/", {"registration": registration.pk, "act": "voting"}
    )
    assert figure(client.get(page).content.decode(), "members") == 1
    assert AttendanceEvent.objects.filter(
        registration=registration, action=AttendanceAction.CHECKED_IN, by=secretariat
    ).exists()


def test_figures_refresh_while_in_session(client: Client, assembly: Assembly) -> None:
    assembly.status = AssemblyStatus.IN_SESSION
    assembly.save()
    RegistrationFactory(assembly=assembly, checked_in_at=timezone.now())

    page = client.get(f"/en/assemblies/{assembly.edition}/").content.decode()
    fragment = client.get(f"/en/assemblies/{assembly.edition}/figures/").content.decode()

    assert 'hx-get="/en/assemblies/5/figures/" hx-trigger="every 15s"' in page
    assert fragment.lstrip().startswith('<section aria-labelledby="figures-heading" id="figures"')
    assert "<html" not in fragment
    assert figure(fragment, "present") == 1


def test_duplicate_registration_through_the_form_is_refused_with_message(
    client: Client, assembly: Assembly
) -> None:
    url = f"/en/assemblies/{assembly.edition}/register/"
    client.post(url, form_data())

    response = client.post(url, form_data(email="Lucia@Example.org", full_name="L. Méndez"))

    assert "lucia@example.org is already registered for the 5th General Assembly" in (
        response.content.decode()
    )
    assert Registration.objects.filter(assembly=assembly).count() == 1
    assert Registration.objects.get().full_name == "Lucía Méndez"


def test_registration_form_shows_places_left(client: Client, assembly: Assembly) -> None:
    assembly.in_person_capacity = 2
    assembly.save()
    RegistrationFactory(assembly=assembly, status=RegistrationStatus.PENDING)

    html = client.get(f"/en/assemblies/{assembly.edition}/register/").content.decode()

    assert "In person: 1 place left" in html
    assert "Online:" not in html  # no online capacity: no limit to show


def test_guest_registration_without_country_shows_the_field_error(
    client: Client, assembly: Assembly
) -> None:
    response = client.post(f"/en/assemblies/{assembly.edition}/register/", form_data(country=""))

    assert "Guests who represent no member must name their country." in response.content.decode()
    assert not Registration.objects.exists()


def test_desk_search_finds_by_organization_and_checks_in_and_undoes(
    assembly: Assembly, secretariat: Persona, city_b: Member
) -> None:
    registration = RegistrationFactory(assembly=assembly, member=city_b, full_name="Diego Ruiz")
    desk = logged_in(secretariat)
    url = f"/en/assemblies/{assembly.edition}/desk/"

    found = desk.post(url, {"q": "mexico"}, follow=True).content.decode()
    desk.post(f"{url}{registration.pk}/check-in/", {"q": "mexico"})
    registration.refresh_from_db()
    checked_in = registration.checked_in_at
    desk.post(f"{url}{registration.pk}/undo/", {"q": "mexico"})
    registration.refresh_from_db()

    assert "Diego Ruiz" in found
    assert registration.check_in_code in found
    assert checked_in is not None
    assert registration.checked_in_at is None
    assert list(registration.events.order_by("pk").values_list("action", flat=True)) == [
        AttendanceAction.CHECKED_IN,
        AttendanceAction.CHECK_IN_UNDONE,
    ]


def test_join_link_marks_online_attendee_present_and_redirects(
    client: Client, assembly: Assembly
) -> None:
    assembly.starts_at = timezone.now() - dt.timedelta(minutes=10)
    assembly.ends_at = timezone.now() + dt.timedelta(hours=2)
    assembly.conference_url = "https://meet.example/wego"
    assembly.save()
    registration = RegistrationFactory(assembly=assembly, attendance_mode=AttendanceMode.ONLINE)
    url = f"/en/assemblies/join/{registration.join_token}/"

    opened = client.get(url)  # as a mail scanner or a link preview would
    registration.refresh_from_db()
    present_after_opening = registration.is_present
    joined = client.post(url)

    registration.refresh_from_db()
    assert "Join the session" in opened.content.decode()
    assert present_after_opening is False
    assert joined["Location"] == "https://meet.example/wego"
    assert registration.is_present
    assert client.get("/en/assemblies/join/not-a-token/").status_code == 404
    assert client.post("/en/assemblies/join/not-a-token/").status_code == 404


def test_join_page_in_korean(client: Client, assembly: Assembly) -> None:
    registration = RegistrationFactory(assembly=assembly, attendance_mode=AttendanceMode.ONLINE)

    html = client.get(f"/ko/assemblies/join/{registration.join_token}/").content.decode()

    assert "회의 입장" in html


def test_join_link_too_early_explains_and_records_nothing(
    client: Client, assembly: Assembly
) -> None:
    registration = RegistrationFactory(assembly=assembly, attendance_mode=AttendanceMode.ONLINE)

    response = client.post(f"/en/assemblies/join/{registration.join_token}/")

    registration.refresh_from_db()
    assert "The session opens at" in response.content.decode()
    assert registration.joined_at is None


@pytest.mark.parametrize("anonymous_status", [404])
@pytest.mark.parametrize(
    "path",
    [
        "desk/",
        "registrations/",
        "registrations/?format=csv",
        "programme/manage/",
    ],
)
def test_staff_pages_hide_from_outsiders_and_refuse_others(
    client: Client,
    assembly: Assembly,
    delegate_a: Persona,
    outsider: Persona,
    secretariat: Persona,
    path: str,
    anonymous_status: int,
) -> None:
    RegistrationFactory(assembly=assembly, full_name="Secret Registrant")
    url = f"/en/assemblies/{assembly.edition}/{path}"

    anonymous = client.get(url)
    delegate = logged_in(delegate_a).get(url)
    no_role = logged_in(outsider).get(url)
    staff = logged_in(secretariat).get(url)

    assert anonymous.status_code == anonymous_status
    assert "Secret Registrant" not in anonymous.content.decode()
    assert (delegate.status_code, no_role.status_code) == (403, 403)
    assert "Secret Registrant" not in delegate.content.decode()
    assert staff.status_code == 200
    if "desk" not in path and "programme" not in path:
        assert "Secret Registrant" in staff.content.decode()


@pytest.mark.parametrize("action", ["approve", "decline"])
def test_approve_and_decline_refused_to_delegate_and_hidden_from_anonymous(
    client: Client, assembly: Assembly, delegate_a: Persona, action: str
) -> None:
    registration = RegistrationFactory(assembly=assembly, status=RegistrationStatus.PENDING)
    url = f"/en/assemblies/{assembly.edition}/registrations/{registration.pk}/{action}/"

    assert client.post(url).status_code == 404
    assert logged_in(delegate_a).post(url).status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING


def test_desk_check_in_refused_to_delegate(assembly: Assembly, delegate_a: Persona) -> None:
    registration = RegistrationFactory(assembly=assembly)

    response = logged_in(delegate_a).post(
        f"/en/assemblies/{assembly.edition}/desk/", {"q": registration.check_in_code}
    )

    registration.refresh_from_db()
    assert response.status_code == 403
    assert registration.checked_in_at is None


def test_secretariat_approves_from_the_list(
    assembly: Assembly, secretariat: Persona, django_capture_on_commit_callbacks: Any
) -> None:
    registration = RegistrationFactory(
        assembly=assembly, status=RegistrationStatus.PENDING, full_name="Pending Person"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(secretariat).post(
            f"/en/assemblies/{assembly.edition}/registrations/{registration.pk}/approve/",
            follow=True,
        )

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "Pending Person is confirmed." in response.content.decode()


def test_registration_list_pages_keep_the_filters(
    assembly: Assembly, secretariat: Persona, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("moim.assemblies.views.REGISTRATIONS_PER_PAGE", 2)
    for name in ["Anneliese Q", "Bartholomew Q", "Cordelia Q"]:
        RegistrationFactory(assembly=assembly, full_name=name)
    RegistrationFactory(
        assembly=assembly, full_name="Dorothea Q", status=RegistrationStatus.PENDING
    )
    staff = logged_in(secretariat)
    url = f"/en/assemblies/{assembly.edition}/registrations/"

    first = staff.get(url, {"status": "confirmed"}).content.decode()
    second = staff.get(url, {"status": "confirmed", "page": "2"}).content.decode()

    assert "3 registrations" in first
    assert "Page 1 of 2" in first
    assert 'href="?status=confirmed&amp;page=2"' in first
    assert (
        "Anneliese Q" in first,
        "Cordelia Q" in first,
        "Cordelia Q" in second,
        "Dorothea Q" in second,
    ) == (
        True,
        False,
        True,
        False,
    )


def test_registrations_csv_export(assembly: Assembly, secretariat: Persona) -> None:
    RegistrationFactory(assembly=assembly, full_name="Ana Costa", email="ana@example.org")
    RegistrationFactory(assembly=assembly, full_name="Bo Lee", status=RegistrationStatus.PENDING)

    response = logged_in(secretariat).get(
        f"/en/assemblies/{assembly.edition}/registrations/?format=csv&status=confirmed"
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [(r["name"], r["email"], r["status"]) for r in rows] == [
        ("Ana Costa", "ana@example.org", "confirmed")
    ]


def test_registrations_csv_defuses_formulas(assembly: Assembly, secretariat: Persona) -> None:
    RegistrationFactory(assembly=assembly, full_name="=HYPERLINK(1)")

    response = logged_in(secretariat).get(
        f"/en/assemblies/{assembly.edition}/registrations/?format=csv"
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["name"] == "'=HYPERLINK(1)"


def test_desk_search_keeps_the_typed_text(assembly: Assembly, secretariat: Persona) -> None:
    RegistrationFactory(assembly=assembly, member=None, organization_name="Smith & Sons")

    response = logged_in(secretariat).post(
        f"/en/assemblies/{assembly.edition}/desk/", {"q": "Smith & Sons"}, follow=True
    )

    assert response.redirect_chain[-1][0].endswith("?q=Smith+%26+Sons")
    assert "Smith &amp; Sons" in response.content.decode()


def test_programme_is_shown_in_the_viewer_zone(client: Client, assembly: Assembly) -> None:
    assembly.starts_at = dt.datetime(2021, 10, 18, 6, 0, tzinfo=dt.UTC)  # 15:00 in Seoul
    assembly.ends_at = assembly.starts_at + dt.timedelta(hours=3)
    assembly.save()
    ProgrammeItemFactory(
        assembly=assembly, title_en="Opening address", starts_at=assembly.starts_at
    )
    url = f"/en/assemblies/{assembly.edition}/"

    seoul = client.get(url).content.decode()
    paris = client.get(url, {"tz": "Europe/Paris"}).content.decode()
    bad = client.get(url, {"tz": "Mars/Olympus"}).content.decode()

    assert '<time datetime="2021-10-18T15:00:00+09:00">3 p.m.</time>' in seoul
    assert '<time datetime="2021-10-18T08:00:00+02:00">8 a.m.</time>' in paris
    assert "“Mars/Olympus” is not a known time zone; times are shown in Asia/Seoul." in bad
    assert '<time datetime="2021-10-18T15:00:00+09:00">3 p.m.</time>' in bad


def test_ical_export_parses_and_holds_every_item(client: Client, assembly: Assembly) -> None:
    kinds = [ItemKind.OPENING_ADDRESS, ItemKind.VIDEO, ItemKind.KEYNOTE]
    for index, kind in enumerate(kinds):
        ProgrammeItemFactory(
            assembly=assembly,
            kind=kind,
            title_en=f"Item {kind.label}",
            position=index,
            starts_at=assembly.starts_at + dt.timedelta(minutes=15 * index),
        )
    SpeakerFactory(
        item=ProgrammeItem.objects.get(kind=ItemKind.KEYNOTE),
        person=PersonFactory(organization=assembly.organization, name_en="Maimunah Mohd Sharif"),
    )

    response = client.get(f"/en/assemblies/{assembly.edition}/programme.ics")

    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert [str(e["summary"]) for e in events] == [
        "Item Opening address",
        "Item Video",
        "Item Keynote",
    ]
    assert events[0].decoded("dtstart") == assembly.starts_at
    assert events[2].decoded("dtend") - events[2].decoded("dtstart") == dt.timedelta(minutes=15)
    assert "Speakers: Maimunah Mohd Sharif" in str(events[2]["description"])
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Seoul"


def test_programme_manage_moves_an_item(assembly: Assembly, secretariat: Persona) -> None:
    first = ProgrammeItemFactory(assembly=assembly, position=0, title_en="First")
    second = ProgrammeItemFactory(assembly=assembly, position=1, title_en="Second")
    staff = logged_in(secretariat)

    staff.post(f"/en/assemblies/{assembly.edition}/programme/{second.pk}/move/", {"position": "1"})
    page = staff.get(f"/en/assemblies/{assembly.edition}/programme/manage/").content.decode()

    assert list(
        ProgrammeItem.objects.filter(assembly=assembly)
        .order_by("position")
        .values_list("pk", flat=True)
    ) == [second.pk, first.pk]
    assert page.index("Second") < page.index("First")


@pytest.mark.parametrize("count", [1, 3])
def test_assembly_list_query_count(
    client: Client, organization: Organization, count: int, django_assert_num_queries: Any
) -> None:
    for _ in range(count):
        AssemblyFactory(organization=organization)

    with django_assert_num_queries(3):
        response = client.get("/en/assemblies/")

    assert response.content.decode().count('class="card"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_assembly_page_query_count(
    client: Client, assembly: Assembly, count: int, django_assert_num_queries: Any
) -> None:
    for index in range(count):
        item = ProgrammeItemFactory(assembly=assembly, position=index)
        SpeakerFactory(item=item, person=PersonFactory(organization=assembly.organization))
        RegistrationFactory(assembly=assembly, checked_in_at=timezone.now())

    with django_assert_num_queries(13):
        response = client.get(f"/en/assemblies/{assembly.edition}/")

    html = response.content.decode()
    assert html.count('class="programme__item') == count
    assert figure(html, "present") == count


@pytest.mark.parametrize("count", [1, 3])
def test_registration_list_query_count(
    assembly: Assembly, secretariat: Persona, count: int, django_assert_num_queries: Any
) -> None:
    for _ in range(count):
        RegistrationFactory(assembly=assembly)
    staff = logged_in(secretariat)

    # One of them reads the assembly's own questions (none here, so no answers are read).
    with django_assert_num_queries(8):
        response = staff.get(f"/en/assemblies/{assembly.edition}/registrations/")

    assert response.content.decode().count("<tr>") == count + 1


@pytest.mark.parametrize("count", [1, 3])
def test_desk_search_query_count(
    assembly: Assembly, secretariat: Persona, count: int, django_assert_num_queries: Any
) -> None:
    for index in range(count):
        registration = RegistrationFactory(assembly=assembly, full_name=f"Kim {index}")
        AttendanceEvent.objects.create(
            registration=registration, action=AttendanceAction.REGISTERED, at=timezone.now()
        )
    staff = logged_in(secretariat)

    with django_assert_num_queries(13):
        response = staff.get(f"/en/assemblies/{assembly.edition}/desk/", {"q": "kim"})

    assert response.content.decode().count("<code>") == count


def test_registrations_csv_defuses_every_formula_start(
    assembly: Assembly, secretariat: Persona
) -> None:
    for number, name in enumerate(["-2+3", "+SUM(1)", "@SUM(1)", "'=quoted"]):
        RegistrationFactory(assembly=assembly, full_name=name, email=f"formula{number}@example.org")
    RegistrationFactory(assembly=assembly, full_name="Tab", accessibility_needs="\tcmd")

    response = logged_in(secretariat).get(
        f"/en/assemblies/{assembly.edition}/registrations/?format=csv"
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["name"] for r in rows} == {"'-2+3", "'+SUM(1)", "'@SUM(1)", "''=quoted", "Tab"}
    assert [r["accessibility_needs"] for r in rows if r["name"] == "Tab"] == ["'\tcmd"]

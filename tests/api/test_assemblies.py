from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from moim.assemblies.enums import AttendanceMode, ItemKind, RegistrationStatus
from moim.assemblies.models import Assembly, Registration
from moim.members.models import Member
from tests.assemblies.factories import ProgrammeItemFactory, RegistrationFactory, SpeakerFactory
from tests.conftest import Persona
from tests.factories import PersonFactory


def logged_in(user: Persona, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_openapi_lists_the_assembly_endpoints(client: Client, db: None) -> None:
    document = client.get("/api/openapi.json").json()

    assert {
        "/api/assemblies/",
        "/api/assemblies/{edition}",
        "/api/assemblies/{edition}/programme",
        "/api/assemblies/{edition}/attendance",
        "/api/assemblies/{edition}/registrations",
        "/api/assemblies/{edition}/registrations/{code}/check-in",
    } <= set(document["paths"])
    assert set(document["paths"]["/api/assemblies/{edition}/registrations"]) == {"get", "post"}


def test_assembly_and_programme_in_the_assembly_zone(
    client: Client, assembly: Assembly, city_a: Member
) -> None:
    assembly.starts_at = dt.datetime(2021, 10, 18, 6, 0, tzinfo=dt.UTC)
    assembly.ends_at = assembly.starts_at + dt.timedelta(hours=3)
    assembly.host = city_a
    assembly.save()
    item = ProgrammeItemFactory(
        assembly=assembly, kind=ItemKind.OPENING_ADDRESS, title_en="Opening address"
    )
    SpeakerFactory(
        item=item, person=PersonFactory(organization=assembly.organization, name_en="Oh Se-hoon")
    )

    detail = client.get("/api/assemblies/5").json()
    programme = client.get("/api/assemblies/5/programme").json()

    assert detail["starts_at"] == "2021-10-18T15:00:00+09:00"
    assert detail["host"]["slug"] == "seoul"
    assert detail["url"] == "/en/assemblies/5/"
    assert [(i["kind"], i["title_en"], i["starts_at"]) for i in programme] == [
        ("opening_address", "Opening address", "2021-10-18T15:00:00+09:00")
    ]
    assert programme[0]["speakers"][0]["name_en"] == "Oh Se-hoon"
    paris = client.get("/api/assemblies/5/programme", {"tz": "Europe/Paris"}).json()
    assert paris[0]["starts_at"] == "2021-10-18T08:00:00+02:00"
    unknown = client.get("/api/assemblies/5/programme", {"tz": "Mars/Olympus"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "query.tz"
    assert "'Mars/Olympus' is not a known time zone" in unknown.json()["detail"]
    assert client.get("/api/assemblies/99").status_code == 404


def test_attendance_figures_read_the_records(client: Client, assembly: Assembly) -> None:
    RegistrationFactory(assembly=assembly, role="mayor", checked_in_at=timezone.now())
    RegistrationFactory(assembly=assembly)

    figures = client.get("/api/assemblies/5/attendance").json()

    assert (figures["registered"], figures["present"], figures["mayors_and_vice_mayors"]) == (
        2,
        1,
        1,
    )


def test_registrations_for_secretariat_only(
    client: Client, assembly: Assembly, secretariat: Persona, delegate_a: Persona
) -> None:
    RegistrationFactory(assembly=assembly, full_name="Secret Registrant")

    anonymous = client.get("/api/assemblies/5/registrations")
    delegate = logged_in(delegate_a).get("/api/assemblies/5/registrations")
    staff = logged_in(secretariat).get("/api/assemblies/5/registrations")

    assert anonymous.status_code == 401
    assert "Secret Registrant" not in anonymous.content.decode()
    assert delegate.status_code == 403
    assert "Secret Registrant" not in delegate.content.decode()
    assert [r["full_name"] for r in staff.json()] == ["Secret Registrant"]


def test_public_registration_through_the_api_refuses_duplicates(
    client: Client, assembly: Assembly, city_b: Member
) -> None:
    payload = {
        "full_name": "Clara Brugada",
        "email": "clara@example.org",
        "role": "mayor",
        "attendance_mode": "online",
        "member": "mexico-city",
    }

    first = client.post("/api/assemblies/5/registrations", payload, content_type="application/json")
    second = client.post(
        "/api/assemblies/5/registrations",
        {**payload, "email": "CLARA@example.org"},
        content_type="application/json",
    )

    registration = Registration.objects.get()
    assert first.status_code == 201
    assert first.json()["status"] == "confirmed"
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert "clara@example.org is already registered" in second.json()["detail"]
    assert (registration.member, registration.attendance_mode) == (city_b, AttendanceMode.ONLINE)


def test_check_in_by_code_through_the_api(
    assembly: Assembly, secretariat: Persona, delegate_a: Persona
) -> None:
    registration = RegistrationFactory(assembly=assembly, status=RegistrationStatus.CONFIRMED)
    url = f"/api/assemblies/5/registrations/{registration.check_in_code}/check-in"

    refused = logged_in(delegate_a).post(url)
    done = logged_in(secretariat).post(url)
    again = logged_in(secretariat).post(url)

    no_csrf_token = logged_in(secretariat, enforce_csrf_checks=True).post(url)

    registration.refresh_from_db()
    assert refused.status_code == 403
    assert no_csrf_token.status_code == 403
    assert done.json()["present"] is True
    assert again.status_code == 409
    assert registration.checked_in_at is not None

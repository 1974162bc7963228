"""WeGO's General Assemblies as demonstration data: the 5th (Seoul, 2021) in full, and the
earlier four as closed editions for the archive.

The data lives in `demo_data/` beside this module; each file's `notes` say what is fact (from
the 2021 press release) and what is invented. `load()` is idempotent: assemblies, programme
items, sponsors and materials are matched on natural keys and updated in place, registrations
on their e-mail address, so loading twice leaves the database as loading once.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import zoneinfo
from importlib import resources
from typing import Any

from django.db import transaction

from moim.assemblies.enums import (
    REPRESENTING_ROLES,
    AttendanceAction,
    AttendanceMode,
    Credential,
    CredentialSource,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import (
    Assembly,
    AttendanceEvent,
    Material,
    ProgrammeItem,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
    Speaker,
    Sponsor,
    new_join_token,
)
from moim.errors import DemoDataError
from moim.members import demo as members_demo
from moim.members.models import Member, Organization, Person
from moim.questions import QuestionKind

Record = dict[str, Any]
DEMO_EMAIL_DOMAIN = "demo.moim.example"
DEMO_NOTE = "Demonstration data"


def read(name: str) -> Record:
    return members_demo.read(name, folder=resources.files("moim.assemblies") / "demo_data")


@transaction.atomic
def load(organization: Organization) -> None:
    """Create or update the assemblies, programme, sponsors, materials and registrations."""
    data = read("assemblies.json")
    members = {m.slug: m for m in Member.objects.filter(organization=organization)}
    people = _people(organization, data.get("people", {}), members)
    for record in data["assemblies"]:
        assembly = _assembly(organization, record, members)
        _programme(assembly, record.get("programme", []), people)
        _sponsors(assembly, record.get("sponsors", []), members)
        _materials(assembly, record.get("materials", []))
    _registrations(organization, read("registrations-2021.json"), members, people)
    _dietary_question(organization)


# The 2021 registration form asked one question of the secretariat's own; the answers are those
# of illustrative registrants.
DIETARY_ANSWERS = ("Vegetarian", "No pork", "Gluten-free", "Halal")


def _dietary_question(organization: Organization) -> None:
    assembly = Assembly.objects.filter(organization=organization, edition=5).first()
    if assembly is None:
        return
    question, _created = RegistrationQuestion.objects.update_or_create(
        assembly=assembly,
        label_en="Dietary requirements",
        defaults={
            "label_ko": "식이 제한",
            "help_en": "For the lunch and the reception, if any.",
            "help_ko": "오찬과 리셉션을 위해, 있으면 적어 주세요.",
            "kind": QuestionKind.TEXT,
            "required": False,
            "position": 1,
        },
    )
    registrants = Registration.objects.filter(assembly=assembly, illustrative=True).order_by("pk")
    for registration, value in zip(
        registrants[: len(DIETARY_ANSWERS)], DIETARY_ANSWERS, strict=False
    ):
        RegistrationAnswer.objects.update_or_create(
            registration=registration, question=question, defaults={"value": value}
        )


def _local(value: str, zone: str) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        raise DemoDataError(f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM)") from None
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone))


def _people(
    organization: Organization, records: Record, members: dict[str, Member]
) -> dict[str, Person]:
    """The people the programme names, by English name; missing ones are created."""
    found: dict[str, Person] = {}
    for name, record in records.items():
        if name == "notes":
            continue
        person = (
            Person.objects.filter(organization=organization, name_en=name).order_by("pk").first()
        )
        if person is None:
            person = Person.objects.create(
                organization=organization,
                name_en=name,
                name_ko=record.get("name_ko", ""),
                title_en=record.get("title_en", ""),
                member=members.get(record.get("member") or ""),
                affiliation_en=record.get("affiliation_en", ""),
                illustrative=True,
            )
        found[name] = person
    return found


def _assembly(organization: Organization, record: Record, members: dict[str, Member]) -> Assembly:
    zone = record.get("time_zone", "Asia/Seoul")
    fields = {
        key: record.get(key, "")
        for key in (
            "title_en", "title_ko", "theme_en", "theme_ko", "description_en", "description_ko",
            "venue_en", "venue_ko", "city_en", "city_ko", "country", "mode", "status",
            "livestream_url",
        )
    }  # fmt: skip
    assembly, _created = Assembly.objects.update_or_create(
        organization=organization,
        edition=record["edition"],
        defaults={
            **fields,
            "time_zone": zone,
            "starts_at": _local(record["starts_at"], zone),
            "ends_at": _local(record["ends_at"], zone),
            "host": members.get(record.get("host") or ""),
        },
    )
    return assembly


def _programme(assembly: Assembly, items: list[Record], people: dict[str, Person]) -> None:
    day = dt.datetime.fromisoformat(assembly.starts_at.astimezone(assembly.zone).date().isoformat())
    for position, record in enumerate(items):
        hour, minute = (int(part) for part in record["starts_at"].split(":"))
        starts_at = day.replace(hour=hour, minute=minute, tzinfo=assembly.zone)
        chair = people.get(record["chair"]) if record.get("chair") else None
        item, _created = ProgrammeItem.objects.update_or_create(
            assembly=assembly,
            kind=record["kind"],
            title_en=record["title_en"],
            defaults={
                "position": position,
                "title_ko": record.get("title_ko", ""),
                "description_en": record.get("description_en", ""),
                "description_ko": record.get("description_ko", ""),
                "starts_at": starts_at,
                "duration": dt.timedelta(minutes=record["minutes"]),
                "language": record.get("language", "en"),
                "chair": chair,
            },
        )
        for index, speaker in enumerate(record.get("speakers", [])):
            person = people.get(speaker["name"])
            if person is None:
                raise DemoDataError(f"speaker {speaker['name']!r} is not in the people list")
            Speaker.objects.update_or_create(
                item=item,
                person=person,
                defaults={"position": index, "online": speaker.get("online", False)},
            )


def _sponsors(assembly: Assembly, records: list[Record], members: dict[str, Member]) -> None:
    for position, record in enumerate(records):
        Sponsor.objects.update_or_create(
            assembly=assembly,
            name=record["name"],
            defaults={
                "tier": record["tier"],
                "url": record.get("url", ""),
                "member": members.get(record.get("member") or ""),
                "position": position,
            },
        )


def _materials(assembly: Assembly, records: list[Record]) -> None:
    for position, record in enumerate(records):
        Material.objects.update_or_create(
            assembly=assembly,
            title_en=record["title_en"],
            defaults={
                "kind": record["kind"],
                "title_ko": record.get("title_ko", ""),
                "language": record.get("language", "en"),
                "url": record["url"],
                "position": position,
            },
        )


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    local = ".".join(part for part in ascii_name.lower().replace("'", "").split() if part)
    return f"{local.replace('-', '')}@{DEMO_EMAIL_DOMAIN}"


def _registrations(
    organization: Organization,
    data: Record,
    members: dict[str, Member],
    people: dict[str, Person],
) -> None:
    assembly = Assembly.objects.get(organization=organization, edition=data["edition"])
    rows: list[Registration] = []
    for record in data["named"]:
        person = people.get(record["name"])
        rows.append(
            _row(
                assembly,
                name=record["name"],
                email=person.email
                if person is not None and person.email
                else _email(record["name"]),
                title=record.get("title", person.title_en if person is not None else ""),
                role=record["role"],
                mode=record["mode"],
                member=members.get(record.get("member") or ""),
                country=record.get("country", ""),
                organization_name=record.get("organization", ""),
                person=person,
                present=True,
                illustrative=not record.get("fact", False),
            )
        )
    crowd = data["crowd"]
    given, family = crowd["given_names"], crowd["family_names"]
    serial = 0
    for group in crowd["groups"]:
        delegations = crowd.get(group.get("delegations", ""), [])
        for index in range(group["present"] + group["absent"]):
            name = (
                f"{given[serial % len(given)]} {family[(serial * 7 + serial // 30) % len(family)]}"
            )
            serial += 1
            slug, country = delegations[index % len(delegations)] if delegations else ("", "KR")
            rows.append(
                _row(
                    assembly,
                    name=name,
                    email=f"participant{serial:03d}@{DEMO_EMAIL_DOMAIN}",
                    title="",
                    role=group["role"],
                    mode=group["mode"],
                    member=members.get(slug),
                    country=country,
                    organization_name=group.get("organization", ""),
                    person=None,
                    present=index < group["present"],
                    illustrative=True,
                    minute=serial,
                )
            )
    existing = set(Registration.objects.filter(assembly=assembly).values_list("email", flat=True))
    new = [row for row in rows if row.email.lower() not in existing]
    _accredit(assembly, new)
    Registration.objects.bulk_create(new)
    created = Registration.objects.filter(
        assembly=assembly, email__in=[row.email.lower() for row in new]
    )
    events = []
    for registration in created:
        events.append(
            AttendanceEvent(
                registration=registration,
                action=AttendanceAction.REGISTERED,
                at=registration.created_at,
                note=DEMO_NOTE,
            )
        )
        if registration.checked_in_at is not None:
            events.append(
                AttendanceEvent(
                    registration=registration,
                    action=AttendanceAction.CHECKED_IN,
                    at=registration.checked_in_at,
                    note=DEMO_NOTE,
                )
            )
        if registration.joined_at is not None:
            events.append(
                AttendanceEvent(
                    registration=registration,
                    action=AttendanceAction.JOINED_ONLINE,
                    at=registration.joined_at,
                    note=DEMO_NOTE,
                )
            )
    AttendanceEvent.objects.bulk_create(events)


def _accredit(assembly: Assembly, rows: list[Registration]) -> None:
    """The demonstration's credentials, as data: the secretariat accredited each member's first
    representative (a fact-named one first) as its voting delegate and the others as alternates."""
    voting = set(
        Registration.objects.filter(assembly=assembly, credential=Credential.VOTING).values_list(
            "member_id", flat=True
        )
    )
    for row in sorted(rows, key=lambda r: r.illustrative):
        if row.member is None or row.role not in REPRESENTING_ROLES:
            continue
        row.credential = Credential.ALTERNATE if row.member.pk in voting else Credential.VOTING
        row.credential_source = CredentialSource.SECRETARIAT
        row.credential_note = DEMO_NOTE
        row.credential_changed_at = row.created_at
        voting.add(row.member.pk)


def _row(
    assembly: Assembly,
    *,
    name: str,
    email: str,
    title: str,
    role: str,
    mode: str,
    member: Member | None,
    country: str,
    organization_name: str,
    person: Person | None,
    present: bool,
    illustrative: bool,
    minute: int = 0,
) -> Registration:
    if role not in ParticipantRole.values or mode not in AttendanceMode.values:
        raise DemoDataError(f"{name}: unknown role {role!r} or attendance mode {mode!r}")
    # Arrivals spread over the 45 minutes before the opening; online joins over the first 10.
    arrived = assembly.starts_at - dt.timedelta(minutes=45 - (minute % 45))
    joined = assembly.starts_at - dt.timedelta(minutes=10 - (minute % 15))
    online = mode == AttendanceMode.ONLINE
    registration = Registration(
        assembly=assembly,
        person=person,
        full_name=name,
        email=email.lower(),
        title=title,
        organization_name=organization_name,
        member=member,
        role=role,
        attendance_mode=mode,
        country=country or (member.country if member is not None else ""),
        status=RegistrationStatus.CONFIRMED,
        join_token=new_join_token() if online else None,
        checked_in_at=arrived if present and not online else None,
        joined_at=joined if present and online else None,
        illustrative=illustrative,
    )
    registration.created_at = assembly.starts_at - dt.timedelta(days=14)
    return registration

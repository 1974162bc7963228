"""The WeGO demonstration data as of the 5th General Assembly (18 October 2021).

The data lives in the JSON files beside this module; each file's `notes` say which records are
facts from the 2021 press release and which are invented (`illustrative`). `load()` is
idempotent: every row is matched on its natural key and updated in place, so loading twice
leaves the database exactly as loading once.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from django.db import transaction
from django_countries import countries

from moim.errors import DemoDataError
from moim.members.enums import (
    HolderType,
    MemberKind,
    MemberStatus,
    OfficeKind,
    StandingRule,
    TermSource,
)
from moim.members.models import (
    Member,
    MemberCategory,
    Office,
    Organization,
    Person,
    Region,
    Term,
)

# The day the demonstration depicts: the 5th General Assembly.
ASSEMBLY_DAY = dt.date(2021, 10, 18)

Record = dict[str, Any]


def read(name: str, *, folder: Traversable | None = None) -> Record:
    """One data file of a demonstration, parsed: this package's, or one in `folder` (the
    assemblies and awards keep theirs in their own `demo_data`)."""
    try:
        text = (folder or resources.files(__package__)).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DemoDataError(f"demo data file {name} is missing") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DemoDataError(f"{name}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise DemoDataError(f"{name}: expected an object at the top level")
    return data


@transaction.atomic
def load() -> Organization:
    """Create or update WeGO, its categories, regions, members, people, offices and terms."""
    org_data = read("organization.json")
    organization = _load_organization(org_data)
    categories = _load_keyed(
        org_data, "categories", MemberCategory, organization, "organization.json"
    )
    regions = _load_keyed(org_data, "regions", Region, organization, "organization.json")
    members = _load_members(read("members.json"), organization, categories, regions)
    _link_regional_offices(org_data, regions, members)
    people = _load_people(read("people.json"), organization, members)
    offices = _load_offices(org_data, organization)
    _load_terms(read("terms.json"), offices, members, people)
    return organization


# --- one loader per kind of record -------------------------------------------------------------


def _load_organization(data: Record) -> Organization:
    row = data.get("organization")
    if not isinstance(row, dict):
        raise DemoDataError("organization.json: the 'organization' object is missing")
    fields = dict(row)
    slug = _required(fields, "slug", "organization.json")
    fields.pop("slug")
    _choice(fields, "standing_rule", StandingRule, "organization.json: organization")
    fields["founded"] = _date(fields.get("founded"), "organization.json: organization founded")
    organization, _ = Organization.objects.update_or_create(slug=slug, defaults=fields)
    return organization


def _load_keyed(
    data: Record,
    key: str,
    model: type[MemberCategory] | type[Region],
    organization: Organization,
    source: str,
) -> dict[str, Any]:
    """Categories and regions: matched on (organization, code)."""
    loaded: dict[str, Any] = {}
    for row in _rows(data, key, source):
        fields = dict(row)
        code = _required(fields, "code", source)
        fields.pop("code")
        fields.pop("office", None)  # regional offices are linked once the members exist
        obj, _ = model.objects.update_or_create(
            organization=organization, code=code, defaults=fields
        )
        loaded[code] = obj
    return loaded


def _load_members(
    data: Record,
    organization: Organization,
    categories: dict[str, MemberCategory],
    regions: dict[str, Region],
) -> dict[str, Member]:
    loaded: dict[str, Member] = {}
    for row in _rows(data, "members", "members.json"):
        fields = dict(row)
        slug = _required(fields, "slug", "members.json")
        fields.pop("slug")
        where = f"members.json: member {slug!r}"
        if slug in loaded:
            raise DemoDataError(f"{where} appears twice")
        _choice(fields, "kind", MemberKind, where)
        _choice(fields, "status", MemberStatus, where)
        fields["category"] = _lookup(categories, fields.get("category"), f"{where} category")
        fields["region"] = _lookup(regions, fields.get("region"), f"{where} region")
        if fields.get("country") not in countries:
            raise DemoDataError(f"{where}: {fields.get('country')!r} is not a country code")
        fields["joined"] = _date(fields.get("joined"), f"{where} joined")
        member, _ = Member.objects.update_or_create(
            organization=organization, slug=slug, defaults=fields
        )
        loaded[slug] = member
    return loaded


def _link_regional_offices(
    data: Record, regions: dict[str, Region], members: dict[str, Member]
) -> None:
    for row in _rows(data, "regions", "organization.json"):
        region = regions[row["code"]]
        slug = row.get("office")
        office = (
            _lookup(members, slug, f"organization.json: region {row['code']!r} office")
            if slug
            else None
        )
        if region.office_id != (office.pk if office else None):
            region.office = office
            region.save(update_fields=["office"])


def _load_people(
    data: Record, organization: Organization, members: dict[str, Member]
) -> dict[str, Person]:
    """People are matched on (organization, English name): the demo names each person once."""
    loaded: dict[str, Person] = {}
    for row in _rows(data, "people", "people.json"):
        fields = dict(row)
        name = _required(fields, "name_en", "people.json")
        fields.pop("name_en")
        where = f"people.json: person {name!r}"
        slug = fields.pop("member", None)
        fields["member"] = _lookup(members, slug, f"{where} member") if slug else None
        person, _ = Person.objects.update_or_create(
            organization=organization, name_en=name, defaults=fields
        )
        loaded[name] = person
    return loaded


def _load_offices(data: Record, organization: Organization) -> dict[str, Office]:
    loaded: dict[str, Office] = {}
    for row in _rows(data, "offices", "organization.json"):
        fields = dict(row)
        where = f"organization.json: office {fields.get('kind')!r}"
        kind = _choice(fields, "kind", OfficeKind, where)
        fields.pop("kind")
        _choice(fields, "holder_type", HolderType, where)
        office, _ = Office.objects.update_or_create(
            organization=organization, kind=kind, defaults=fields
        )
        loaded[kind] = office
    return loaded


def _load_terms(
    data: Record,
    offices: dict[str, Office],
    members: dict[str, Member],
    people: dict[str, Person],
) -> None:
    """Terms are matched on (office, holder, start date)."""
    for index, row in enumerate(_rows(data, "terms", "terms.json"), start=1):
        fields = dict(row)
        where = f"terms.json: term {index}"
        office = _lookup(offices, fields.pop("office", None), f"{where} office")
        member_slug, person_name = fields.pop("member", None), fields.pop("person", None)
        if bool(member_slug) == bool(person_name):
            raise DemoDataError(f"{where}: give exactly one of 'member' and 'person'")
        member = _lookup(members, member_slug, f"{where} member") if member_slug else None
        person = _lookup(people, person_name, f"{where} person") if person_name else None
        expected = HolderType.MEMBER if member else HolderType.PERSON
        if office.holder_type != expected:
            raise DemoDataError(
                f"{where}: the office {office.kind} is held by a {office.holder_type}"
            )
        starts = _date(fields.pop("starts", None), f"{where} starts")
        if starts is None:
            raise DemoDataError(f"{where}: 'starts' is required")
        _choice(fields, "source", TermSource, where)
        fields["ends"] = _date(fields.get("ends"), f"{where} ends")
        appointer = fields.pop("appointed_by", None)
        fields["appointed_by"] = (
            _lookup(members, appointer, f"{where} appointed_by") if appointer else None
        )
        Term.objects.update_or_create(
            office=office, member=member, person=person, starts=starts, defaults=fields
        )


# --- validation helpers ------------------------------------------------------------------------


def _rows(data: Record, key: str, source: str) -> list[Record]:
    rows = data.get(key)
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise DemoDataError(f"{source}: '{key}' must be a list of objects")
    return rows


def _required(row: Record, key: str, source: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value:
        raise DemoDataError(f"{source}: a record has no {key!r}: {row}")
    return value


def _choice(row: Record, key: str, choices: Any, where: str) -> str:
    value = row.get(key)
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise DemoDataError(f"{where}: {key} {value!r} is not one of {allowed}")
    return str(value)


def _lookup[T](table: dict[str, T], key: Any, where: str) -> T:
    if key not in table:
        raise DemoDataError(f"{where}: {key!r} is not defined")
    return table[key]


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DemoDataError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None

"""Assemblies: public reads, public registration, and the secretariat's registrations."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.params import functions as param
from ninja.responses import Status
from ninja.security import django_auth

from moim.api.errors import REFUSALS, errors, invalid
from moim.api.params import EditionNumber, Slug
from moim.assemblies import queries, services
from moim.assemblies.access import assembly_by_edition
from moim.assemblies.enums import (
    AssemblyMode,
    AssemblyStatus,
    AttendanceMode,
    Credential,
    ItemKind,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Assembly,
    ProgrammeItem,
    Registration,
    time_zone_names,
)
from moim.assemblies.rules import can_manage_registrations, can_run_desk
from moim.members.models import Member, Person
from moim.members.queries import current_organization
from moim.permissions import require

router = Router(tags=["assemblies"])


class HostOut(Schema):
    slug: str
    name_en: str
    name_ko: str
    country: str


class AssemblyOut(Schema):
    edition: int
    title_en: str
    title_ko: str
    theme_en: str
    theme_ko: str
    starts_at: dt.datetime = Field(description="In the assembly's time zone.")
    ends_at: dt.datetime
    time_zone: str
    venue_en: str
    city_en: str
    city_ko: str
    country: str
    host: HostOut | None
    mode: AssemblyMode
    status: AssemblyStatus
    livestream_url: str
    url: str


class PersonOut(Schema):
    name_en: str
    name_ko: str
    title_en: str
    affiliation: str
    online: bool = False


class ItemOut(Schema):
    position: int
    kind: ItemKind
    title_en: str
    title_ko: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    minutes: int
    language: str
    chair: PersonOut | None
    speakers: list[PersonOut]


class FiguresOut(Schema):
    registered: int = Field(description="Confirmed registrations.")
    present: int = Field(description="Checked in (in person) or joined (online).")
    present_by_mode: dict[str, int]
    present_by_role: dict[str, int]
    mayors_and_vice_mayors: int
    mayoral_countries: int
    ambassadors: int
    members_represented: int
    countries: int


class RegistrationOut(Schema):
    id: int
    full_name: str
    email: str
    title: str
    role: ParticipantRole
    attendance_mode: AttendanceMode
    member: str | None = Field(description="Slug of the member represented.")
    organization_name: str
    country: str
    status: RegistrationStatus
    credential: Credential = Field(
        description="Whether the registrant represents its member: only an accredited voting "
        "delegate or alternate counts for the member's presence and may hold its vote."
    )
    check_in_code: str
    created_at: dt.datetime
    checked_in_at: dt.datetime | None
    joined_at: dt.datetime | None
    present: bool
    accessibility_needs: str


class RegistrationIn(Schema):
    full_name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    role: ParticipantRole
    attendance_mode: AttendanceMode
    member: Slug | None = Field(None, description="Slug of the member represented.")
    country: str = Field(
        "",
        pattern=r"^([A-Za-z]{2})?$",
        description="ISO 3166 code; required for guests and ambassadors.",
    )
    organization_name: str = Field("", max_length=200)
    title: str = Field("", max_length=200)
    accessibility_needs: str = Field("", max_length=2000)
    language: Literal["en", "ko"] = "en"


class RegistrationCreated(Schema):
    status: RegistrationStatus
    credential: Credential = Field(
        description="`awaiting` when the registration names a member: it grants no vote until "
        "the member's contact or the secretariat accredits it."
    )
    message: str


# The desk's check-in code: letters and digits that cannot be mistaken for one another.
CheckInCode = Annotated[
    str,
    param.Path(
        min_length=CODE_LENGTH,
        max_length=CODE_LENGTH,
        pattern=f"^[{CODE_ALPHABET}]+$",
        description="The code on the registrant's badge or confirmation.",
    ),
]
TimeZoneName = Annotated[
    str,
    param.Query(
        max_length=64,
        pattern=r"^[A-Za-z0-9_+/-]*$",
        description="An IANA time zone such as Europe/Paris; the assembly's by default.",
    ),
]
SearchText = Annotated[str, param.Query(max_length=200, description="Name, e-mail or city.")]


def _local(value: dt.datetime, assembly: Assembly) -> dt.datetime:
    return timezone.localtime(value, assembly.zone)


def _assembly_out(assembly: Assembly) -> AssemblyOut:
    host = assembly.host
    return AssemblyOut(
        edition=assembly.edition,
        title_en=assembly.title_en,
        title_ko=assembly.title_ko,
        theme_en=assembly.theme_en,
        theme_ko=assembly.theme_ko,
        starts_at=_local(assembly.starts_at, assembly),
        ends_at=_local(assembly.ends_at, assembly),
        time_zone=assembly.time_zone,
        venue_en=assembly.venue_en,
        city_en=assembly.city_en,
        city_ko=assembly.city_ko,
        country=str(assembly.country or ""),
        host=(
            HostOut(
                slug=host.slug,
                name_en=host.name_en,
                name_ko=host.name_ko,
                country=str(host.country or ""),
            )
            if host is not None
            else None
        ),
        mode=AssemblyMode(assembly.mode),
        status=AssemblyStatus(assembly.status),
        livestream_url=assembly.livestream_url,
        url=assembly.get_absolute_url(),
    )


def _person(person: Person, online: bool = False) -> PersonOut:
    return PersonOut(
        name_en=person.name_en,
        name_ko=person.name_ko,
        title_en=person.title_en,
        affiliation=person.affiliation,
        online=online,
    )


def _item_out(item: ProgrammeItem, zone: zoneinfo.ZoneInfo) -> ItemOut:
    return ItemOut(
        position=item.position,
        kind=ItemKind(item.kind),
        title_en=item.title_en,
        title_ko=item.title_ko,
        starts_at=timezone.localtime(item.starts_at, zone),
        ends_at=timezone.localtime(item.ends_at, zone),
        minutes=item.minutes,
        language=item.language,
        chair=_person(item.chair) if item.chair is not None else None,
        speakers=[_person(link.person, link.online) for link in item.speaker_links.all()],
    )


def _registration_out(r: Registration) -> RegistrationOut:
    return RegistrationOut(
        id=r.pk,
        full_name=r.full_name,
        email=r.email,
        title=r.title,
        role=ParticipantRole(r.role),
        attendance_mode=AttendanceMode(r.attendance_mode),
        member=r.member.slug if r.member is not None else None,
        organization_name=r.organization_name,
        country=str(r.country or ""),
        status=RegistrationStatus(r.status),
        credential=Credential(r.credential),
        check_in_code=r.check_in_code,
        created_at=r.created_at,
        checked_in_at=r.checked_in_at,
        joined_at=r.joined_at,
        present=r.is_present,
        accessibility_needs=r.accessibility_needs,
    )


@router.get(
    "/",
    response={200: list[AssemblyOut], **errors(422)},
    summary="All assemblies, latest first",
)
def list_assemblies(request: HttpRequest) -> list[AssemblyOut]:
    return [_assembly_out(a) for a in queries.assemblies_for_public(current_organization())]


@router.get(
    "/{edition}",
    response={200: AssemblyOut, **errors(404, 422)},
    summary="One assembly by its edition number",
)
def get_assembly(request: HttpRequest, edition: EditionNumber) -> AssemblyOut:
    return _assembly_out(assembly_by_edition(edition))


@router.get(
    "/{edition}/programme",
    response={200: list[ItemOut], **errors(404, 422)},
    summary="The programme in order, times in the assembly's time zone or in `tz`",
)
def get_programme(
    request: HttpRequest, edition: EditionNumber, tz: TimeZoneName = ""
) -> list[ItemOut]:
    assembly = assembly_by_edition(edition)
    if tz and tz not in time_zone_names():
        raise invalid(
            "query.tz",
            _("%(tz)r is not a known time zone (use an IANA name such as Asia/Seoul).")
            % {"tz": tz},
        )
    zone = zoneinfo.ZoneInfo(tz) if tz else assembly.zone
    return [_item_out(item, zone) for item in queries.programme_for(assembly)]


@router.get(
    "/{edition}/attendance",
    response={200: FiguresOut, **errors(404, 422)},
    summary="Attendance figures, computed from check-ins and online joins",
)
def get_attendance(request: HttpRequest, edition: EditionNumber) -> FiguresOut:
    figures = queries.attendance_figures(assembly_by_edition(edition))
    return FiguresOut(
        registered=figures.registered,
        present=figures.present,
        present_by_mode=figures.present_by_mode,
        present_by_role=figures.present_by_role,
        mayors_and_vice_mayors=figures.mayors_and_vice_mayors,
        mayoral_countries=figures.mayoral_countries,
        ambassadors=figures.ambassadors,
        members_represented=figures.members_represented,
        countries=figures.countries,
    )


@router.get(
    "/{edition}/registrations",
    response={200: list[RegistrationOut], **errors(401, 403, 404, 422)},
    auth=django_auth,
    summary="Registrations (secretariat only)",
)
def list_registrations(
    request: HttpRequest,
    edition: EditionNumber,
    status: RegistrationStatus | None = None,
    mode: AttendanceMode | None = None,
    role: ParticipantRole | None = None,
    q: SearchText = "",
) -> list[RegistrationOut]:
    require(can_manage_registrations, request.user)
    assembly = assembly_by_edition(edition)
    registrations = queries.registrations_for_secretariat(
        assembly, status=status or "", mode=mode or "", role=role or "", q=q
    )
    return [_registration_out(r) for r in registrations]


@router.post(
    "/{edition}/registrations",
    response={201: RegistrationCreated, **errors(404, 422, *REFUSALS)},
    summary="Register for an assembly (public)",
)
def create_registration(
    request: HttpRequest, edition: EditionNumber, payload: RegistrationIn
) -> Status[RegistrationCreated]:
    assembly = assembly_by_edition(edition)
    member = None
    if payload.member:
        member = Member.objects.filter(
            organization=assembly.organization, slug=payload.member
        ).first()
        if member is None:
            raise invalid(
                "body.member", _("No member has the slug %(slug)r.") % {"slug": payload.member}
            )
    registration = services.register(
        assembly=assembly,
        full_name=payload.full_name,
        email=payload.email,
        role=payload.role,
        attendance_mode=payload.attendance_mode,
        member=member,
        country=payload.country.upper(),
        organization_name=payload.organization_name,
        title=payload.title,
        accessibility_needs=payload.accessibility_needs,
        language=payload.language,
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    message = _("Registered; the confirmation goes to the e-mail address given.")
    if registration.credential == Credential.AWAITING and member is not None:
        message += " " + _(
            "Representing %(member)s awaits accreditation by the member's contact or the "
            "secretariat: until then the registrant counts for no member and holds no vote."
        ) % {"member": member.name}
    return Status(
        201,
        RegistrationCreated(
            status=RegistrationStatus(registration.status),
            credential=Credential(registration.credential),
            message=message,
        ),
    )


@router.post(
    "/{edition}/registrations/{code}/check-in",
    response={200: RegistrationOut, **errors(401, 403, 404, 422, *REFUSALS)},
    auth=django_auth,
    summary="Check a registrant in by code (secretariat; the desk's action)",
)
def check_in_by_code(
    request: HttpRequest, edition: EditionNumber, code: CheckInCode
) -> RegistrationOut:
    require(can_run_desk, request.user)
    registration = queries.registration_by_code(assembly_by_edition(edition), code)
    if registration is None:
        raise Http404("No registration has this check-in code.")
    registration = services.check_in(registration=registration, by=request.user)
    return _registration_out(registration)

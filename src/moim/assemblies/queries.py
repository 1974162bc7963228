"""Reusable queries: programme, registrations and the attendance figures, computed from records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from moim.assemblies.enums import (
    REPRESENTING_ROLES,
    AttendanceMode,
    Credential,
    ItemKind,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import (
    Assembly,
    AttendanceEvent,
    Material,
    ProgrammeItem,
    Registration,
    Speaker,
    accredited_q,
    present_q,
)
from moim.members.models import Member, Organization, Person

MAYORAL_ROLES = (ParticipantRole.MAYOR, ParticipantRole.VICE_MAYOR)


@dataclass(frozen=True)
class AttendanceFigures:
    """Who took part, counted from registrations and check-ins; never typed in."""

    registered: int
    present: int
    present_by_mode: dict[str, int] = field(default_factory=dict)
    present_by_role: dict[str, int] = field(default_factory=dict)
    mayors_and_vice_mayors: int = 0
    mayoral_countries: int = 0
    ambassadors: int = 0
    members_represented: int = 0
    countries: int = 0

    def by_mode(self, mode: str) -> int:
        return self.present_by_mode.get(mode, 0)

    @property
    def in_person(self) -> int:
        return self.by_mode(AttendanceMode.IN_PERSON)

    @property
    def online(self) -> int:
        return self.by_mode(AttendanceMode.ONLINE)

    def by_role(self, role: str) -> int:
        return self.present_by_role.get(role, 0)


def assemblies_for_public(organization: Organization | None) -> QuerySet[Assembly]:
    return Assembly.objects.filter(organization=organization).select_related("host")


def programme_for(assembly: Assembly) -> QuerySet[ProgrammeItem]:
    return (
        ProgrammeItem.objects.filter(assembly=assembly)
        .select_related("chair", "chair__member")
        .prefetch_related(
            Prefetch(
                "speaker_links",
                queryset=Speaker.objects.select_related("person", "person__member"),
            ),
            Prefetch("materials", queryset=Material.objects.order_by("position", "pk")),
        )
        .order_by("position", "starts_at", "pk")
    )


def speakers_of(items: Iterable[ProgrammeItem]) -> list[Person]:
    """Everyone who speaks or chairs, in programme order, each once (from prefetched items)."""
    seen: dict[int, Person] = {}
    for item in items:
        people = [link.person for link in item.speaker_links.all()]
        if item.chair is not None:
            people.append(item.chair)
        for person in people:
            seen.setdefault(person.pk, person)
    return list(seen.values())


def places_left(assembly: Assembly) -> list[tuple[str, int]]:
    """Free places per attendance mode that has a capacity (pending registrations hold one)."""
    taken = dict(
        assembly.registrations.counted()
        .values_list("attendance_mode")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = []
    for mode in assembly.modes_offered():
        capacity = assembly.capacity_for(mode)
        if capacity is not None:
            rows.append((str(mode.label), max(0, capacity - taken.get(mode, 0))))
    return rows


def present_registrations(assembly: Assembly) -> QuerySet[Registration]:
    return Registration.objects.filter(present_q(), assembly=assembly)


def attendance_figures(assembly: Assembly) -> AttendanceFigures:
    registrations = Registration.objects.filter(assembly=assembly)
    totals = registrations.aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        present=Count("pk", filter=present_q()),
    )
    present = registrations.filter(present_q())
    by_mode = dict(present.values_list("attendance_mode").annotate(n=Count("pk")).order_by())
    by_role = dict(present.values_list("role").annotate(n=Count("pk")).order_by())
    mayoral_countries = (
        present.filter(role__in=MAYORAL_ROLES)
        .exclude(country="")
        .values("country")
        .distinct()
        .count()
    )
    countries = present.exclude(country="").values("country").distinct().count()
    return AttendanceFigures(
        registered=totals["registered"],
        present=totals["present"],
        present_by_mode=by_mode,
        present_by_role=by_role,
        mayors_and_vice_mayors=sum(by_role.get(role, 0) for role in MAYORAL_ROLES),
        mayoral_countries=mayoral_countries,
        ambassadors=by_role.get(ParticipantRole.AMBASSADOR, 0),
        members_represented=len(members_present(assembly)),
        countries=countries,
    )


def _representatives(assembly: Assembly) -> QuerySet[Registration]:
    return present_registrations(assembly).filter(accredited_q(), role__in=list(REPRESENTING_ROLES))


def members_present(assembly: Assembly) -> set[int]:
    """Ids of the members represented in the room or online right now.

    A member is present when at least one of its accredited representatives (its voting
    delegate or an alternate) is checked in at the desk or has joined online. A registrant who
    is not accredited (its claim awaits, or was refused) is an attendee: it makes no member
    present. The plenary quorum and the voting register read this."""
    return set(_representatives(assembly).values_list("member_id", flat=True).distinct())


def delegates_present(assembly: Assembly) -> dict[int, list[Registration]]:
    """Each present member's present accredited representatives: the voting delegate first,
    then the alternates, mayor first, then by name."""
    order = {role: index for index, role in enumerate(ParticipantRole)}
    result: dict[int, list[Registration]] = defaultdict(list)
    for registration in _representatives(assembly).select_related("member", "person"):
        assert registration.member_id is not None
        result[registration.member_id].append(registration)
    for people in result.values():
        people.sort(
            key=lambda r: (
                r.credential != Credential.VOTING,
                order[ParticipantRole(r.role)],
                r.full_name,
            )
        )
    return dict(result)


def registrations_needing_accounts(assembly: Assembly) -> QuerySet[Registration]:
    """Confirmed, accredited representatives of a member who have no login yet."""
    return (
        Registration.objects.filter(
            accredited_q(),
            assembly=assembly,
            status=RegistrationStatus.CONFIRMED,
            role__in=list(REPRESENTING_ROLES),
        )
        .exclude(person__user__isnull=False)
        .order_by("full_name", "pk")
    )


# Credentials: the claims to represent a member, and those the secretariat must look at.

STANDING_CLAIMS = [Credential.AWAITING, Credential.VOTING, Credential.ALTERNATE]


@dataclass
class Claim:
    registration: Registration
    concerns: list[str] = field(default_factory=list)


@dataclass
class MemberClaims:
    """A member's standing claimants at an assembly, and why they need the secretariat."""

    member: Member
    claims: list[Claim] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    @property
    def awaiting(self) -> list[Claim]:
        return [c for c in self.claims if c.registration.credential == Credential.AWAITING]

    @property
    def contested(self) -> bool:
        """A claim awaits and there is a question: several claimants or a concern."""
        return bool(self.awaiting) and (bool(self.concerns) or any(c.concerns for c in self.claims))

    @property
    def uncontested(self) -> bool:
        return len(self.claims) == 1 and bool(self.awaiting) and not self.contested


def _claim_concerns(registration: Registration) -> list[str]:
    """Why this claimant is not plainly the member's: the registry does not know the e-mail
    for the member, or lists it under another member."""
    member = registration.member
    assert member is not None
    person = registration.person
    if person is None or person.member_id is None:
        return [
            _("%(email)s is not among %(member)s's people in the registry.")
            % {"email": registration.email, "member": member.name}
        ]
    if person.member_id != member.pk:
        return [
            _("The registry lists %(email)s under %(other)s, not %(member)s.")
            % {
                "email": registration.email,
                "other": person.member.name if person.member else "",
                "member": member.name,
            }
        ]
    return []


def credential_claims(assembly: Assembly) -> list[MemberClaims]:
    """Every member with a standing claim at `assembly` (awaiting or accredited), by name."""
    by_member: dict[int, MemberClaims] = {}
    registrations = (
        Registration.objects.filter(
            assembly=assembly,
            member__isnull=False,
            credential__in=STANDING_CLAIMS,
            status__in=[RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED],
        )
        .select_related("member", "person__member")
        .order_by("member__name_en", "credential", "full_name", "pk")
    )
    for registration in registrations:
        assert registration.member is not None
        entry = by_member.setdefault(
            registration.member_id or 0, MemberClaims(member=registration.member)
        )
        entry.claims.append(Claim(registration, _claim_concerns(registration)))
    for entry in by_member.values():
        if len(entry.claims) > 1 and entry.awaiting:
            entry.concerns.append(
                _("%(n)d people claim to represent %(member)s.")
                % {"n": len(entry.claims), "member": entry.member.name}
            )
    return list(by_member.values())


def uncontested_claims(assembly: Assembly) -> list[Registration]:
    """The claims the secretariat may accredit together: each the only claimant of its member,
    with an e-mail the registry lists among that member's people."""
    return [
        entry.claims[0].registration for entry in credential_claims(assembly) if entry.uncontested
    ]


def registrations_for_secretariat(
    assembly: Assembly,
    *,
    status: str = "",
    mode: str = "",
    role: str = "",
    q: str = "",
) -> QuerySet[Registration]:
    registrations = Registration.objects.filter(assembly=assembly).select_related("member")
    if status:
        registrations = registrations.filter(status=status)
    if mode:
        registrations = registrations.filter(attendance_mode=mode)
    if role:
        registrations = registrations.filter(role=role)
    if q:
        registrations = registrations.filter(search_q(q))
    return registrations.order_by("full_name", "pk")


def search_q(q: str) -> Q:
    """Find a registrant by name, organization, delegation, e-mail or check-in code."""
    q = q.strip()
    return (
        Q(full_name__icontains=q)
        | Q(organization_name__icontains=q)
        | Q(member__name_en__icontains=q)
        | Q(member__name_ko__icontains=q)
        | Q(email__iexact=q)
        | Q(check_in_code__iexact=q)
    )


def registration_by_code(assembly: Assembly, code: str) -> Registration | None:
    code = code.strip().upper().replace("-", "").replace(" ", "")
    if not code:
        return None
    return (
        Registration.objects.filter(assembly=assembly, check_in_code=code)
        .select_related("member")
        .first()
    )


def recent_events(assembly: Assembly, limit: int = 10) -> QuerySet[AttendanceEvent]:
    """The desk's log: the latest changes, newest first."""
    return (
        AttendanceEvent.objects.filter(registration__assembly=assembly)
        .select_related("registration", "by")
        .order_by("-at", "-pk")[:limit]
    )


def current_item(assembly: Assembly, *, voting: bool = False) -> ProgrammeItem | None:
    """The programme item running now; else, while a vote is on, the plenary; else the first."""
    items = list(assembly.items.order_by("position", "starts_at", "pk"))
    now = timezone.now()
    running = [i for i in items if i.starts_at <= now < i.ends_at]
    if running:
        return running[-1]
    if voting:
        plenary = [i for i in items if i.kind == ItemKind.PLENARY_SESSION]
        if plenary:
            return plenary[0]
    return items[0] if items else None

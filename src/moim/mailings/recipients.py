"""Who a mailing goes to: each audience as a list of recipients with an address and a language.

A recipient's language is the one its messages are written in: a registrant's own choice, and
for a member (and the people of a member) Korean for a member in Korea, English otherwise.
Addresses are de-duplicated without regard to case, so nobody gets the same message twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from moim.assemblies.models import Assembly, Registration
from moim.awards.enums import RoundStatus
from moim.awards.models import Assignment, Sheet
from moim.governance.enums import PollState
from moim.governance.models import Poll, RegisterEntry, VoteRecord
from moim.mailings.enums import Audience
from moim.members.enums import MemberStatus
from moim.members.models import Member, Person


@dataclasses.dataclass(frozen=True)
class Recipient:
    name: str
    address: str
    language: str
    member: Member | None = None
    person: Person | None = None

    @property
    def member_name(self) -> str:
        if self.member is None:
            return ""
        return (
            self.member.name_ko
            if self.language == "ko" and self.member.name_ko
            else (self.member.name_en)
        )


def member_language(member: Member | None) -> str:
    return "ko" if member is not None and str(member.country) == "KR" else "en"


def _person_recipient(person: Person) -> Recipient:
    language = member_language(person.member)
    name = person.name_ko if language == "ko" and person.name_ko else person.name_en
    return Recipient(name, person.email, language, person.member, person)


def member_contacts(assembly: Assembly) -> list[Recipient]:
    """Every active member of the assembly's organization: its contact address, or else the
    addresses of its people. A member with neither is left out (see `members_without_address`)."""
    members = Member.objects.filter(
        organization_id=assembly.organization_id, status=MemberStatus.ACTIVE
    ).prefetch_related("people")
    found: list[Recipient] = []
    for member in members:
        language = member_language(member)
        name = member.name_ko if language == "ko" and member.name_ko else member.name_en
        if member.contact_email:
            found.append(Recipient(name, member.contact_email, language, member))
            continue
        found.extend(
            Recipient(person.name_en, person.email, language, member, person)
            for person in member.people.all()
            if person.email
        )
    return found


def members_without_address(assembly: Assembly) -> list[Member]:
    """Active members the convocation cannot reach: no contact address and no person with one."""
    with_person = Person.objects.filter(member=OuterRef("pk")).exclude(email="")
    return list(
        Member.objects.filter(
            organization_id=assembly.organization_id, status=MemberStatus.ACTIVE, contact_email=""
        )
        .exclude(Exists(with_person))
        .order_by("name_en")
    )


def _registrants(registrations: Iterable[Registration]) -> list[Recipient]:
    return [
        Recipient(r.full_name, r.email, r.language or "en", r.member, r.person)
        for r in registrations
    ]


def registered(assembly: Assembly) -> list[Recipient]:
    return _registrants(assembly.registrations.counted().select_related("member", "person"))


def checked_in(assembly: Assembly) -> list[Recipient]:
    return _registrants(assembly.registrations.present().select_related("member", "person"))


def delegates_not_voted(assembly: Assembly) -> list[Recipient]:
    """The people who may cast a ballot for a member that has not yet voted in an open poll."""
    polls = Poll.objects.filter(decision__assembly=assembly, state=PollState.OPEN)
    voted = VoteRecord.objects.filter(poll=OuterRef("poll"), member=OuterRef("member"))
    entries = RegisterEntry.objects.filter(poll__in=polls).exclude(Exists(voted))
    people: set[int] = set()
    for entry in entries:
        people.update(entry.voters())
    return [
        _person_recipient(person)
        for person in Person.objects.filter(pk__in=people).select_related("member")
        if person.email
    ]


def late_jurors(assembly: Assembly) -> list[Recipient]:
    """Jurors of the assembly's award editions with an entry still to score in a round open for
    scoring whose due date has passed (or that has none)."""
    submitted = Sheet.objects.filter(
        round=OuterRef("round"),
        juror=OuterRef("juror"),
        entry=OuterRef("entry"),
        submitted_at__isnull=False,
    )
    outstanding = (
        Assignment.objects.filter(
            round__edition__assembly=assembly, round__status=RoundStatus.SCORING
        )
        .filter(Q(round__due__isnull=True) | Q(round__due__lte=timezone.now()))
        .exclude(Exists(submitted))
    )
    people = Person.objects.filter(juror_seats__assignments__in=outstanding).select_related(
        "member"
    )
    return [_person_recipient(person) for person in people.distinct() if person.email]


FINDERS = {
    Audience.MEMBERS: member_contacts,
    Audience.REGISTERED: registered,
    Audience.CHECKED_IN: checked_in,
    Audience.NOT_VOTED: delegates_not_voted,
    Audience.LATE_JURORS: late_jurors,
}


def recipients_for(assembly: Assembly, audience: str) -> list[Recipient]:
    """The audience's recipients, one per address (the first found wins), in name order."""
    seen: set[str] = set()
    unique: list[Recipient] = []
    for recipient in FINDERS[Audience(audience)](assembly):
        key = recipient.address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(recipient)
    return sorted(unique, key=lambda r: (r.name.lower(), r.address.lower()))

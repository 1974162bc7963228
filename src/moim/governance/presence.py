"""Who is in the plenary, as the assemblies app records it.

Only accredited representatives count (see moim.assemblies.credentials): a member is present
when its voting delegate or one of its alternates is checked in at the desk or has joined online,
whether or not that person has a login. Registering for a member is only a claim: a registrant
whose claim awaits (or was refused) may attend, but makes no member present and holds no vote.
The member's delegate in a poll's register is its present voting delegate; when that person is
absent, a present alternate stands in (one who can log in first, then mayor first). A registrant
who comes for no member (an observer, an ambassador, the press) makes no member present.
"""

from __future__ import annotations

from dataclasses import dataclass

from moim.assemblies.enums import Credential
from moim.assemblies.models import Assembly, accredited_q
from moim.assemblies.queries import delegates_present, present_registrations
from moim.members.models import Person


@dataclass(frozen=True)
class Representative:
    person: Person
    attendance: str


def voting_delegates(assembly: Assembly) -> dict[int, Representative]:
    """member id → the present accredited person who casts that member's vote.

    Registrations are linked to people beforehand (`assemblies.services.link_people`); one
    still without a person cannot be named in the register."""
    result: dict[int, Representative] = {}
    for member_id, registrations in delegates_present(assembly).items():
        people = [r for r in registrations if r.person is not None]
        voting = [r for r in people if r.credential == Credential.VOTING]
        if not voting:
            # An alternate stands in; stable sort keeps the role order among equals.
            people.sort(key=lambda r: r.person is None or r.person.user_id is None)
        chosen_list = voting or people
        if chosen_list:
            chosen = chosen_list[0]
            assert chosen.person is not None
            result[member_id] = Representative(chosen.person, chosen.attendance_mode)
    return result


def present_people(assembly: Assembly) -> set[int]:
    """Ids of people present at the assembly as an accredited representative of a member
    (in the room or online): who may hold another member's proxy."""
    return set(
        present_registrations(assembly)
        .filter(accredited_q(), person__isnull=False)
        .values_list("person_id", flat=True)
    )

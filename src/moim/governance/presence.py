"""Who is in the plenary, as the assemblies app records it.

A member is present when any of its representatives (a registrant of a representing role named
with the member as delegation) is checked in at the desk or has joined online, whether or not
that person has a login: presence counts people in the room. The member's delegate in a poll's
register is one of those present people: one who can log in (and so vote electronically) if
there is one, else the first (mayor first). A registrant who comes for no member (an observer,
an ambassador, the press) makes no member present.
"""

from __future__ import annotations

from dataclasses import dataclass

from moim.assemblies.models import Assembly
from moim.assemblies.queries import delegates_present, present_registrations
from moim.members.models import Person


@dataclass(frozen=True)
class Representative:
    person: Person
    attendance: str


def voting_delegates(assembly: Assembly) -> dict[int, Representative]:
    """member id → the present person who casts that member's vote (login or not).

    Registrations are linked to people beforehand (`assemblies.services.link_people`); one
    still without a person cannot be named in the register."""
    result: dict[int, Representative] = {}
    for member_id, registrations in delegates_present(assembly).items():
        people = [r for r in registrations if r.person is not None]
        # Stable sort: keeps the role order among those with a login and those without.
        people.sort(key=lambda r: r.person is None or r.person.user_id is None)
        if people:
            chosen = people[0]
            assert chosen.person is not None
            result[member_id] = Representative(chosen.person, chosen.attendance_mode)
    return result


def present_people(assembly: Assembly) -> set[int]:
    """Ids of people present at the assembly (in the room or online)."""
    return set(
        present_registrations(assembly)
        .filter(person__isnull=False)
        .values_list("person_id", flat=True)
    )

"""Who is in the plenary, as the assemblies app records it.

A member's voting delegate is its first present representative (the assemblies app orders them,
mayor first) who has a login: a vote is cast by someone who logs in.
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
    """member id → the present person who casts that member's vote."""
    result: dict[int, Representative] = {}
    for member_id, registrations in delegates_present(assembly).items():
        for registration in registrations:
            person = registration.person
            if person is not None and person.user_id is not None:
                result[member_id] = Representative(person, registration.attendance_mode)
                break
    return result


def present_people(assembly: Assembly) -> set[int]:
    """Ids of people present at the assembly (in the room or online)."""
    return set(
        present_registrations(assembly)
        .filter(person__isnull=False)
        .values_list("person_id", flat=True)
    )

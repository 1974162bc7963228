"""Who may do what in the awards: one named predicate per action.

Views, the API and the services ask these. A juror sees an entry only when assigned to it in a
round and not conflicted with it (a waived conflict no longer applies).
"""

from __future__ import annotations

from typing import Any

import rules

from moim.awards.models import Conflict, Edition, Entry, Juror
from moim.members.models import Person
from moim.members.rules import is_secretariat, is_signed_in


def juror_for(user: Any, edition: Edition) -> Juror | None:
    """The juror seat a logged-in user holds in an edition, if any."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Juror.objects.filter(edition=edition, person__user=user).select_related("person").first()


def is_conflicted(juror: Juror, entry: Entry) -> bool:
    return Conflict.objects.applying().filter(juror=juror, entry=entry).exists()


@rules.predicate
def can_view_entry_as_juror(user: Any, entry: Entry) -> bool:
    juror = juror_for(user, entry.edition)
    if juror is None or is_conflicted(juror, entry):
        return False
    return juror.assignments.filter(entry=entry).exists()


@rules.predicate
def is_entry_author(user: Any, entry: Entry) -> bool:
    """The person who created the entry, or a person of the applying member."""
    if not is_signed_in(user):
        return False
    if entry.created_by_id == user.pk:
        return True
    return (
        entry.applicant_member_id is not None
        and Person.objects.filter(user=user, member_id=entry.applicant_member_id).exists()
    )


@rules.predicate
def is_the_juror(user: Any, juror: Juror) -> bool:
    """The person holding this jury seat."""
    return is_signed_in(user) and juror.person.user_id == user.pk


# Prepare editions, screen entries, assign jurors, run rounds, decide and announce.
can_manage_awards = is_secretariat
# Change an entry after the deadline, or enter one in an edition closed to entries (logged).
can_change_entries_late = is_secretariat
# Enter a project: any signed-in person (the entry then names its applicant).
can_submit_entries = is_signed_in
can_edit_entry = is_secretariat | is_entry_author
can_view_entry = is_secretariat | is_entry_author | can_view_entry_as_juror
# A juror declares its own conflict with an entry; the secretariat records anyone's.
can_record_conflict = is_secretariat | is_the_juror

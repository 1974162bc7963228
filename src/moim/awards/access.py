"""Finding the awards' records for a request: always within the organization served, and only
what the person asking may know of.

Pages and the API look editions, entries and attachments up here. A record of another
organization, and an entry the person may not see (a juror not assigned to it, or conflicted
with it; an entry of someone else), answer 404 as a missing one does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from moim.awards.models import Attachment, Edition, Entry, Juror
from moim.awards.rules import can_edit_entry, can_view_entry, can_view_entry_as_juror, juror_for
from moim.members.queries import served_organization
from moim.permissions import allows


def served_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(programme__organization=served_organization())


def edition_by_number(number: int) -> Edition:
    """The served organization's edition with this number, else 404."""
    return get_object_or_404(
        served_editions().select_related("programme", "assembly"), number=number
    )


def juror_seat(user: Any, edition: Edition) -> Juror:
    """The jury seat `user` holds in `edition`, else 404 (no jury pages for anyone else)."""
    juror = juror_for(user, edition)
    if juror is None:
        raise Http404("No jury seat in this edition.")
    return juror


def entry_in(edition: Edition, pk: int, within: QuerySet[Entry] | None = None) -> Entry:
    """An entry of `edition` (found through `edition_by_number`), else 404."""
    found = Entry.objects.all() if within is None else within
    return get_object_or_404(found, edition=edition, pk=pk)


def _known_to[T](user: Any, predicate: Any, record: T, about: Any) -> T:
    """`record`, if `user` may know of it (`predicate` holds on `about`), else 404."""
    if not allows(predicate, user, about):
        raise Http404("Nothing here.")
    return record


def entry_for_juror(user: Any, edition: Edition, pk: int) -> Entry:
    """An entry of `edition` assigned to the juror `user` and not conflicted, else 404."""
    related = Entry.objects.select_related("category", "beneficiary", "applicant_member")
    entry = entry_in(edition, pk, related)
    return _known_to(user, can_view_entry_as_juror, entry, entry)


def entry_for_editing(user: Any, pk: int) -> Entry:
    """An entry of the served organization that `user` may edit, else 404."""
    served = Entry.objects.filter(edition__in=served_editions())
    entry = get_object_or_404(served.select_related("edition__programme"), pk=pk)
    return _known_to(user, can_edit_entry, entry, entry)


def attachment_for(user: Any, pk: int) -> Attachment:
    """An attachment of an entry `user` may see, within the served organization, else 404."""
    served = Attachment.objects.filter(entry__edition__in=served_editions())
    attachment = get_object_or_404(served.select_related("entry__edition"), pk=pk)
    return _known_to(user, can_view_entry, attachment, attachment.entry)

"""The refusals every service raises, whatever the app: one base and the four kinds of refusal.

A service that will not do what it was asked raises one of these, with a message in the
language of the person who asked (gettext) and, when one field is at fault, that field's name.
Nothing was stored. Each kind says what the refusal is, so that every door answers it the same
way:

- `Invalid`: what was sent breaks a rule (a ballot with two first preferences, a score out of
  the scale, a reason left out). The API answers 400 `refused`.
- `Conflict`: the request is fine, but the record's state forbids it now (the poll is closed,
  the entry already submitted, a proxy already given). The API answers 409 `conflict`.
- `NotFound`: nothing here for this reader, whether it is missing or hidden. 404.
- `NotAllowed`: this reader may not do this. 403.

Pages show an `Invalid` or a `Conflict` as a message or a form error (catch `Refused`, their
common base); `NotFound` and `NotAllowed` are also Django's `Http404` and `PermissionDenied`,
so that a page that does not catch them answers 404 or 403 like any other. The API maps each
kind to its status in one handler (`moim.api.errors`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404


class DomainError(Exception):
    """A request the rules refuse; `message` is meant for the person who asked."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field


class Refused(DomainError):
    """A refusal to tell the person on the page: what was sent, or the record's state."""


class Invalid(Refused):
    """What was sent breaks a rule; sending something else may succeed."""


class Conflict(Refused):
    """The record's state forbids this now (already done, closed, not yet open)."""


class NotFound(DomainError, Http404):
    """Nothing here for this reader: the same refusal for a missing and a hidden record."""


class NotAllowed(DomainError, PermissionDenied):
    """This reader may not do this."""


class DemoDataError(Invalid):
    """A demonstration data file that cannot be loaded; the message names the file and the
    record. Written for whoever edits the files, so not translated."""


def invalid_from(error: ValidationError) -> Invalid:
    """Django's ValidationError (a model's `full_clean`, a validator) as an `Invalid`: every
    message in one sentence, and the field when only one is at fault."""
    fields = list(error.message_dict) if hasattr(error, "error_dict") else []
    field = fields[0] if len(fields) == 1 and fields[0] != "__all__" else None
    return Invalid(" ".join(error.messages), field=field)

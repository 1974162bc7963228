"""Who may act: one check for pages, the API, the admin, the services and the commands.

Each app's `rules.py` names one predicate per act (`can_cast_ballot`, `can_record_conflict`).
Everything that acts asks it through `require(predicate, actor, obj)`, which never skips: an
actor of `None` is refused like an anonymous visitor. Code acting on its own account (the demo
loaders, management commands) passes `SYSTEM`, which every check lets through and which is
stored as no user. Pages ask through `guard(request, ...)`: a visitor who is not logged in gets
404 (nothing to see here), a logged-in person without the right 403; the API's handler answers a
refusal with its error body.
"""

from __future__ import annotations

from typing import Any, Final

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from moim.errors import NotAllowed


class SystemActor:
    """Moim acting on its own account: a loader or a command, never a person.

    It is not a user: no role predicate holds for it (`is_authenticated` is False, so a
    predicate asked directly refuses it), it is stored as no user and audited under no name.
    Only `require` and `allows` let it through, by name.
    """

    is_authenticated: Final = False
    is_anonymous: Final = False
    is_active: Final = False
    is_staff: Final = False
    is_superuser: Final = False
    pk: Final = None
    id: Final = None

    def __repr__(self) -> str:
        return "SYSTEM"

    def get_username(self) -> str:
        return ""


SYSTEM: Final = SystemActor()


def allows(predicate: Any, actor: Any, obj: Any = None) -> bool:
    """Whether `actor` may do the act `predicate` names (on `obj`); None may do nothing."""
    if actor is SYSTEM:
        return True
    if actor is None:
        return False
    return bool(predicate.test(actor, obj) if obj is not None else predicate.test(actor))


def require(predicate: Any, actor: Any, obj: Any = None, message: str = "") -> None:
    """Refuse (`moim.errors.NotAllowed`) unless `actor` may do the act `predicate` names."""
    if not allows(predicate, actor, obj):
        raise NotAllowed(message or _("You may not do this."))


def guard(request: HttpRequest, predicate: Any, obj: Any = None) -> None:
    """A page's check: 404 to a visitor who is not logged in, 403 to one without the right."""
    if not request.user.is_authenticated:
        raise Http404
    require(predicate, request.user, obj)


def stored_user(actor: Any) -> Any:
    """The user to store as the one who acted: None for the system and anonymous visitors."""
    return actor if actor is not None and actor.is_authenticated else None

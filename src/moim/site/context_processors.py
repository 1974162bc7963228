from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from moim.members.queries import current_organization


def organization(request: HttpRequest) -> dict[str, Any]:
    """The organization whose site this is, for every template; read only by a template that
    shows it (an htmx fragment, such as a cast ballot's answer, usually does not)."""
    return {"organization": SimpleLazyObject(current_organization)}

from __future__ import annotations

from django.http import HttpRequest

from moim.members.models import Organization
from moim.members.queries import current_organization


def organization(request: HttpRequest) -> dict[str, Organization | None]:
    """The organization whose site this is, for every template."""
    return {"organization": current_organization()}

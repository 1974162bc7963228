"""The demo's minutes of the 5th General Assembly: written from the demo's records, approved by
the secretariat and published."""

from __future__ import annotations

from moim.assemblies.models import Assembly
from moim.members.models import Organization
from moim.minutes.models import Minutes
from moim.minutes.services import approve_minutes, draft_minutes, publish_minutes
from moim.permissions import SYSTEM

EDITION = 5


def load(organization: Organization) -> None:
    """Write, approve and publish the minutes once; a later run leaves them as they are."""
    assembly = Assembly.objects.filter(organization=organization, edition=EDITION).first()
    if assembly is None or Minutes.objects.filter(assembly=assembly).exists():
        return
    minutes = draft_minutes(assembly=assembly, by=SYSTEM)
    minutes = approve_minutes(minutes=minutes, by=SYSTEM)
    publish_minutes(minutes=minutes, by=SYSTEM)

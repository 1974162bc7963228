"""The demo's published press release of the 5th General Assembly, drafted from the records."""

from __future__ import annotations

from moim.assemblies.models import Assembly
from moim.members.models import Organization
from moim.permissions import SYSTEM
from moim.site.models import PressRelease, ReleaseLanguage
from moim.site.press import draft_press_release, publish_press_release

EDITION = 5


def load(organization: Organization) -> None:
    """Draft and publish the release in each language once; a later run leaves it as it is."""
    assembly = Assembly.objects.filter(organization=organization, edition=EDITION).first()
    if assembly is None:
        return
    for language in ReleaseLanguage.values:
        if PressRelease.objects.filter(
            assembly=assembly, language=language, published_at__isnull=False
        ).exists():
            continue
        publish_press_release(
            release=draft_press_release(assembly=assembly, language=language), by=SYSTEM
        )

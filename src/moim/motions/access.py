"""Finding motions for a request: always within the organization served (404 otherwise)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from moim.assemblies.models import Assembly
from moim.members.queries import served_organization
from moim.motions.models import Motion


def motion_in(assembly: Assembly, pk: int) -> Motion:
    """A motion tabled for this assembly (found through `assembly_by_edition`), else 404."""
    return get_object_or_404(
        Motion.objects.select_related("assembly", "mover", "state", "decision", "amends"),
        assembly=assembly,
        pk=pk,
    )


def motion_by_id(pk: int) -> Motion:
    """The served organization's motion with this id, else 404."""
    return get_object_or_404(
        Motion.objects.select_related("assembly", "mover", "state", "decision", "amends").filter(
            assembly__organization=served_organization()
        ),
        pk=pk,
    )

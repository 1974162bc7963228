"""Finding a projector for a request: always within the served organization's assembly."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from moim.assemblies.models import Assembly
from moim.projection.models import Projector


def projector_of(assembly: Assembly, slug: str) -> Projector:
    """The assembly's projector at this address (the assembly found through
    `assembly_by_edition`), else 404."""
    projector = get_object_or_404(Projector, assembly=assembly, slug=slug)
    projector.assembly = assembly
    return projector

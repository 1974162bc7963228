"""Finding an assembly's records for a request: always within the organization served.

Pages and the API look records up here, never with a bare `get_object_or_404`: a record of
another organization on the same database answers 404, as a missing one does.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from moim.assemblies.models import Assembly, Registration
from moim.members.queries import served_organization


def served_assemblies() -> QuerySet[Assembly]:
    return Assembly.objects.filter(organization=served_organization())


def assembly_by_edition(edition: int) -> Assembly:
    """The served organization's assembly with this edition number (with its organization and
    host), else 404."""
    return get_object_or_404(
        served_assemblies().select_related("organization", "host"), edition=edition
    )


def assembly_by_id(pk: int) -> Assembly:
    """The served organization's assembly with this id, else 404."""
    return get_object_or_404(served_assemblies(), pk=pk)


def registration_in(assembly: Assembly, pk: int) -> Registration:
    """A registration for this assembly (found through `assembly_by_edition`), else 404."""
    return get_object_or_404(
        Registration.objects.select_related("member"), assembly=assembly, pk=pk
    )

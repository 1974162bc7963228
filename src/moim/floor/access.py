"""Finding lists of speakers and agenda items for a request: always within the organization
served, so that another organization's list answers 404 as a missing one does."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from moim.assemblies.models import Assembly
from moim.floor.models import SpeakersList
from moim.governance.models import AgendaItem
from moim.members.queries import served_organization


def list_by_id(pk: int) -> SpeakersList:
    """The served organization's list with this id (with its item and assembly), else 404."""
    return get_object_or_404(
        SpeakersList.objects.select_related("assembly", "agenda_item__decision").filter(
            assembly__organization=served_organization()
        ),
        pk=pk,
    )


def list_in(assembly: Assembly, pk: int) -> SpeakersList:
    """A list of this assembly (found through `assembly_by_edition`), else 404."""
    return get_object_or_404(
        SpeakersList.objects.select_related("assembly", "agenda_item__decision"),
        assembly=assembly,
        pk=pk,
    )


def item_in(assembly: Assembly, pk: int) -> AgendaItem:
    """An item of this assembly's agenda, else 404."""
    return get_object_or_404(
        AgendaItem.objects.select_related("decision", "assembly"), assembly=assembly, pk=pk
    )

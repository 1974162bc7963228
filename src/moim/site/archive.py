"""The archive: every assembly by edition, with its materials, published results and winners."""

from __future__ import annotations

from dataclasses import dataclass

from moim.assemblies.models import Assembly, Material
from moim.awards.models import Award, Edition
from moim.awards.queries import EditionFacts, awards_for_edition, edition_facts
from moim.governance.models import Decision
from moim.members.models import Organization


@dataclass(frozen=True)
class ArchiveEntry:
    assembly: Assembly
    materials: list[Material]
    decisions: list[Decision]
    edition: Edition | None
    facts: EditionFacts | None
    winners: list[Award]


def archive_entries(organization: Organization | None) -> list[ArchiveEntry]:
    assemblies = (
        Assembly.objects.filter(organization=organization)
        .select_related("host")
        .prefetch_related("materials", "award_editions__levels")
        .order_by("-edition")
    )
    published = Decision.objects.filter(
        assembly__organization=organization, published_at__isnull=False, amends__isnull=True
    ).order_by("position", "pk")
    by_assembly: dict[int, list[Decision]] = {}
    for decision in published:
        by_assembly.setdefault(decision.assembly_id, []).append(decision)
    entries = []
    for assembly in assemblies:
        editions = sorted(assembly.award_editions.all(), key=lambda e: -e.number)
        edition = editions[0] if editions else None
        winners: list[Award] = []
        if edition is not None:
            levels = sorted(edition.levels.all(), key=lambda level: level.position)
            top = levels[0].pk if levels else None
            winners = [a for a in awards_for_edition(edition) if a.level_id == top]
        entries.append(
            ArchiveEntry(
                assembly=assembly,
                materials=sorted(assembly.materials.all(), key=lambda m: (m.position, m.pk)),
                decisions=by_assembly.get(assembly.pk, []),
                edition=edition,
                facts=edition_facts(edition) if edition is not None else None,
                winners=winners,
            )
        )
    return entries

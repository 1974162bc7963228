"""An assembly (edition 5) with its two projectors, an agenda item and a public decision."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from moim.assemblies.models import Assembly
from moim.governance.enums import AgendaKind, DecisionKind, DecisionStatus
from moim.governance.models import AgendaItem, Decision
from moim.members.models import Organization
from moim.permissions import SYSTEM
from moim.projection.models import Projector
from moim.projection.services import ensure_projectors
from tests.assemblies.factories import AssemblyFactory


@dataclass
class Hall:
    assembly: Assembly
    hall: Projector
    overlay: Projector
    topic: AgendaItem
    item: AgendaItem
    decision: Decision


def build_hall(organization: Organization, *, edition: int = 5) -> Hall:
    assembly = AssemblyFactory(organization=organization, edition=edition)
    hall, overlay = ensure_projectors(assembly=assembly, by=SYSTEM)
    decision = Decision.objects.create(
        assembly=assembly,
        kind=DecisionKind.MOTION,
        title_en="Adopt the 2030 Master Plan",
        title_ko="2030 마스터플랜 채택",
        text_en="The Assembly adopts the plan.",
        status=DecisionStatus.ON_AGENDA,
    )
    topic = AgendaItem.objects.create(
        assembly=assembly, kind=AgendaKind.TOPIC, title_en="Statutory matters", title_ko="법정 안건"
    )
    item = AgendaItem.objects.create(
        assembly=assembly, parent=topic, kind=AgendaKind.DECISION, decision=decision
    )
    return Hall(assembly, hall, overlay, topic, item, decision)


@pytest.fixture
def hall(organization: Organization) -> Hall:
    return build_hall(organization)

"""The agenda as a tree: numbered by place, decisions not yet placed follow, one assembly each."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from tests.assemblies.factories import AssemblyFactory

from moim.governance.agenda_tree import agenda_tree
from moim.governance.enums import AgendaKind, DecisionKind
from moim.governance.models import AgendaItem, Decision

pytestmark = pytest.mark.django_db


def decision(assembly, title: str, position: int = 0) -> Decision:
    return Decision.objects.create(
        assembly=assembly, kind=DecisionKind.MOTION, title_en=title, position=position
    )


def test_items_are_numbered_by_their_place_and_unplaced_decisions_follow(organization) -> None:
    assembly = AssemblyFactory(organization=organization)
    statute = decision(assembly, "Statute amendments", 1)
    late = decision(assembly, "Next host city", 2)
    AgendaItem.objects.create(
        assembly=assembly, position=1, kind=AgendaKind.SPEECH, title_en="Opening"
    )
    elections = AgendaItem.objects.create(
        assembly=assembly, position=2, kind=AgendaKind.TOPIC, title_en="Elections", title_ko="선거"
    )
    AgendaItem.objects.create(
        assembly=assembly, parent=elections, position=1, kind=AgendaKind.DECISION, decision=statute
    )
    AgendaItem.objects.create(
        assembly=assembly, parent=elections, position=2, kind=AgendaKind.BREAK, title_en="Break"
    )

    nodes = [node for root in agenda_tree(assembly.pk) for node in root.walk()]

    assert [(n.number, n.title, n.depth) for n in nodes] == [
        ("1", "Opening", 0),
        ("2", "Elections", 0),
        ("2.1", "Statute amendments", 1),
        ("2.2", "Break", 1),
        ("3", "Next host city", 0),
    ]
    assert nodes[-1].item is None
    assert nodes[-1].decision == late
    assert len(agenda_tree(AssemblyFactory(organization=organization).pk)) == 0


def test_a_decision_item_without_its_decision_is_refused_by_the_database(organization) -> None:
    assembly = AssemblyFactory(organization=organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgendaItem.objects.create(assembly=assembly, kind=AgendaKind.DECISION)


def test_an_item_cannot_sit_under_itself_nor_take_another_assemblys_decision(organization) -> None:
    assembly = AssemblyFactory(organization=organization)
    other = AssemblyFactory(organization=organization)
    topic = AgendaItem.objects.create(assembly=assembly, kind=AgendaKind.TOPIC, title_en="A")
    below = AgendaItem.objects.create(
        assembly=assembly, parent=topic, kind=AgendaKind.TOPIC, title_en="B"
    )
    topic.parent = below
    with pytest.raises(ValidationError, match="under itself"):
        topic.full_clean()
    foreign = AgendaItem(assembly=assembly, kind=AgendaKind.DECISION, decision=decision(other, "X"))
    with pytest.raises(ValidationError, match="another assembly"):
        foreign.full_clean()

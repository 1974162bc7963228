"""The plenary's agenda as a numbered tree.

Decisions not yet placed on the tree follow its last item, each as an item of its own, in
their agenda position: an assembly whose secretariat never arranges the tree still has its
decisions on the agenda."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from moim.bilingual import in_language
from moim.governance.enums import AgendaKind, DecisionStatus
from moim.governance.models import AgendaItem, Decision


@dataclass
class AgendaNode:
    number: str
    depth: int
    kind: str
    item: AgendaItem | None = None
    decision: Decision | None = None
    children: list[AgendaNode] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.item is not None:
            return self.item.title
        assert self.decision is not None
        return in_language(self.decision.title_en, self.decision.title_ko)

    def walk(self) -> Iterator[AgendaNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def agenda_tree(assembly_id: int, *, public: bool = False) -> list[AgendaNode]:
    """The agenda's top-level nodes, each with its sub-items: two queries, however deep.

    `public`: without the decisions still in draft (and what sits under them)."""
    items = list(
        AgendaItem.objects.filter(assembly_id=assembly_id)
        .select_related("decision", "programme_item")
        .order_by("position", "pk")
    )
    if public:
        items = [
            i for i in items if i.decision is None or i.decision.status != DecisionStatus.DRAFT
        ]
    by_parent: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_parent.setdefault(item.parent_id, []).append(item)

    def build(parent_id: int | None, prefix: str, depth: int) -> list[AgendaNode]:
        nodes = []
        for index, item in enumerate(by_parent.get(parent_id, []), start=1):
            number = f"{prefix}{index}"
            node = AgendaNode(
                number=number, depth=depth, kind=item.kind, item=item, decision=item.decision
            )
            node.children = build(item.pk, f"{number}.", depth + 1)
            nodes.append(node)
        return nodes

    roots = build(None, "", 0)
    placed = {item.decision_id for item in items if item.decision_id is not None}
    # Amendments are listed with the text they amend, not as items of their own.
    unplaced = Decision.objects.filter(assembly_id=assembly_id, amends__isnull=True).exclude(
        pk__in=placed
    )
    if public:
        unplaced = unplaced.exclude(status__in=[DecisionStatus.DRAFT, DecisionStatus.WITHDRAWN])
    for decision in unplaced.order_by("position", "pk"):
        roots.append(
            AgendaNode(
                number=str(len(roots) + 1), depth=0, kind=AgendaKind.DECISION, decision=decision
            )
        )
    return roots

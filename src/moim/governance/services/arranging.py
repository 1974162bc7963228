"""The secretariat arranges the plenary's agenda tree: add, rename, reorder, link to the
programme, delete an empty item.

Every change validates through the model's `clean` (same assembly for parent, decision and
programme slot; no item under itself; a title for every item that is not a decision), so the
back office page and the admin refuse alike. Siblings are renumbered 0, 1, 2… whenever one
moves, under a lock on the assembly's items, so two people arranging at once cannot leave two
items at one place.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from moim.assemblies.models import Assembly, ProgrammeItem
from moim.errors import Conflict, Invalid
from moim.governance.enums import AgendaKind
from moim.governance.models import AgendaItem, Decision
from moim.governance.rules import can_manage_decisions
from moim.permissions import require

Direction = Literal["up", "down"]


def _checked(item: AgendaItem) -> None:
    """The model's own rules, as one refusal naming the first field at fault."""
    try:
        item.full_clean(exclude=["position"])
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise Invalid(" ".join(messages), field=None if field == "__all__" else field) from error


def _locked_items(assembly_id: int) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.select_for_update()
        .filter(assembly_id=assembly_id)
        .order_by("position", "pk")
    )


def add_agenda_item(
    *,
    assembly: Assembly,
    kind: str,
    by: Any,
    title_en: str = "",
    title_ko: str = "",
    parent: AgendaItem | None = None,
    decision: Decision | None = None,
    programme_item: ProgrammeItem | None = None,
) -> AgendaItem:
    """A new item at the end of its parent's items (or of the top level)."""
    require(can_manage_decisions, by)
    if kind not in AgendaKind.values:
        raise Invalid(_("Choose what kind of item this is."), field="kind")
    if decision is not None and AgendaItem.objects.filter(decision=decision).exists():
        raise Conflict(_("This decision is already on the agenda."), field="decision")
    item = AgendaItem(
        assembly=assembly,
        kind=kind,
        title_en=title_en.strip(),
        title_ko=title_ko.strip(),
        parent=parent,
        decision=decision,
        programme_item=programme_item,
    )
    _checked(item)
    with transaction.atomic():
        _locked_items(assembly.pk)
        last = AgendaItem.objects.filter(assembly=assembly, parent=parent).aggregate(
            last=Max("position")
        )["last"]
        item.position = 0 if last is None else last + 1
        item.save()
    return item


def rename_agenda_item(*, item: AgendaItem, title_en: str, title_ko: str, by: Any) -> AgendaItem:
    """New titles in both languages (a decision item left empty shows its decision's)."""
    require(can_manage_decisions, by)
    item.title_en, item.title_ko = title_en.strip(), title_ko.strip()
    if item.kind != AgendaKind.DECISION and not item.title_en:
        raise Invalid(_("This item needs a title."), field="title_en")
    _checked(item)
    item.save(update_fields=["title_en", "title_ko"])
    return item


def move_agenda_item(*, item: AgendaItem, direction: Direction, by: Any) -> AgendaItem:
    """One place up or down among its siblings; at either end nothing changes."""
    require(can_manage_decisions, by)
    with transaction.atomic():
        siblings = [i for i in _locked_items(item.assembly_id) if i.parent_id == item.parent_id]
        index = next(n for n, sibling in enumerate(siblings) if sibling.pk == item.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
            if sibling.pk == item.pk:
                item.position = position
    return item


def link_programme_item(
    *, item: AgendaItem, programme_item: ProgrammeItem | None, by: Any
) -> AgendaItem:
    """Point the item at the programme slot it runs in (None: at none)."""
    require(can_manage_decisions, by)
    item.programme_item = programme_item
    _checked(item)
    item.save(update_fields=["programme_item"])
    return item


def delete_agenda_item(*, item: AgendaItem, by: Any) -> None:
    """Delete an item with nothing under it. A decision item's decision stays, unplaced: it
    follows the tree's last item, as every decision not yet arranged does."""
    require(can_manage_decisions, by)
    with transaction.atomic():
        _locked_items(item.assembly_id)
        if AgendaItem.objects.filter(parent=item).exists():
            raise Conflict(_("Move or delete the items under this one first."))
        item.delete()

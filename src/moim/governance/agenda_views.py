"""The secretariat's agenda back office: the tree with a form for each change."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from moim.assemblies.access import assembly_by_edition
from moim.assemblies.models import Assembly
from moim.errors import Refused
from moim.governance.agenda_forms import AddItemForm, LinkItemForm, RenameItemForm
from moim.governance.agenda_tree import agenda_tree
from moim.governance.models import AgendaItem
from moim.governance.rules import can_manage_decisions
from moim.governance.services import arranging
from moim.permissions import guard

ACTIONS = ("add", "rename", "up", "down", "link", "delete")


def _page(
    request: HttpRequest,
    assembly: Assembly,
    *,
    add_form: AddItemForm | None = None,
    bound: dict[int, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    rows = []
    for root in agenda_tree(assembly.pk):
        for node in root.walk():
            item = node.item
            rows.append(
                {
                    "node": node,
                    "rename": bound.get(item.pk)
                    if item is not None and isinstance(bound.get(item.pk), RenameItemForm)
                    else RenameItemForm(
                        initial={"title_en": item.title_en, "title_ko": item.title_ko}
                        if item
                        else {},
                        prefix=f"item{item.pk}" if item else None,
                    ),
                    "link": LinkItemForm(
                        assembly=assembly,
                        initial={"programme_item": item.programme_item_id} if item else {},
                        prefix=f"item{item.pk}" if item else None,
                    ),
                }
            )
    return render(
        request,
        "governance/agenda_manage.html",
        {
            "assembly": assembly,
            "rows": rows,
            "add_form": add_form or AddItemForm(assembly=assembly),
        },
        status=status,
    )


def agenda_manage(request: HttpRequest, edition: int) -> HttpResponse:
    """Add, rename, reorder, link and delete the agenda's items (the secretariat only)."""
    guard(request, can_manage_decisions)
    assembly = assembly_by_edition(edition)
    if request.method != "POST":
        return _page(request, assembly)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Choose what to do."))
        return _page(request, assembly, status=400)
    try:
        if action == "add":
            form = AddItemForm(request.POST, assembly=assembly)
            if not form.is_valid():
                return _page(request, assembly, add_form=form, status=400)
            try:
                arranging.add_agenda_item(assembly=assembly, by=request.user, **form.cleaned_data)
            except Refused as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
                return _page(request, assembly, add_form=form, status=400)
            messages.success(request, _("The item was added."))
            return _back(edition)
        item = get_object_or_404(
            AgendaItem.objects.select_related("decision", "parent"),
            assembly=assembly,
            pk=request.POST.get("item") if str(request.POST.get("item", "")).isdigit() else None,
        )
        _act(request, assembly, item, action)
    except _Rejected as rejected:
        return _page(request, assembly, bound={rejected.pk: rejected.form}, status=400)
    except Refused as error:
        messages.error(request, error.message)
        return _page(request, assembly, status=400)
    return _back(edition)


class _Rejected(Exception):
    def __init__(self, pk: int, form: RenameItemForm) -> None:
        super().__init__()
        self.pk, self.form = pk, form


def _act(request: HttpRequest, assembly: Assembly, item: AgendaItem, action: str) -> None:
    prefix = f"item{item.pk}"
    if action == "rename":
        form = RenameItemForm(request.POST, prefix=prefix)
        if not form.is_valid():
            raise _Rejected(item.pk, form)
        try:
            arranging.rename_agenda_item(item=item, by=request.user, **form.cleaned_data)
        except Refused as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
            raise _Rejected(item.pk, form) from error
        messages.success(request, _("The item was renamed."))
    elif action in ("up", "down"):
        arranging.move_agenda_item(
            item=item, direction="up" if action == "up" else "down", by=request.user
        )
    elif action == "link":
        link = LinkItemForm(request.POST, assembly=assembly, prefix=prefix)
        if not link.is_valid():
            messages.error(request, _("Choose a slot of this assembly's programme."))
            return
        arranging.link_programme_item(
            item=item, programme_item=link.cleaned_data["programme_item"], by=request.user
        )
        messages.success(request, _("The programme slot was saved."))
    else:
        arranging.delete_agenda_item(item=item, by=request.user)
        messages.success(request, _("The item was deleted."))


def _back(edition: int) -> HttpResponseRedirect:
    return redirect("governance:agenda_manage", edition)

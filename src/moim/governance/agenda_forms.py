"""Forms of the agenda back office: choices limited to the assembly being arranged."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.assemblies.models import Assembly, ProgrammeItem
from moim.governance.enums import AgendaKind
from moim.governance.models import AgendaItem, Decision


class _AgendaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return obj.title


class _ProgrammeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProgrammeItem) -> str:
        return f"{obj.starts_at:%d %b %H:%M} · {obj.title}"


def _programme(assembly: Assembly) -> Any:
    return ProgrammeItem.objects.filter(assembly=assembly).order_by("starts_at", "pk")


class AddItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaKind.choices)
    parent = _AgendaChoice(
        label=_("Under"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("(top level)"),
    )
    decision = forms.ModelChoiceField(
        label=_("Decision"), queryset=Decision.objects.none(), required=False
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=200, required=False)
    programme_item = _ProgrammeChoice(
        label=_("Programme slot"), queryset=ProgrammeItem.objects.none(), required=False
    )

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = AgendaItem.objects.filter(  # type: ignore[attr-defined]
            assembly=assembly
        ).select_related("decision")
        self.fields["decision"].queryset = Decision.objects.filter(  # type: ignore[attr-defined]
            assembly=assembly, agenda_item__isnull=True
        ).order_by("position", "pk")
        self.fields["programme_item"].queryset = _programme(assembly)  # type: ignore[attr-defined]


class RenameItemForm(forms.Form):
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=200, required=False)


class LinkItemForm(forms.Form):
    programme_item = _ProgrammeChoice(
        label=_("Programme slot"), queryset=ProgrammeItem.objects.none(), required=False
    )

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_item"].queryset = _programme(assembly)  # type: ignore[attr-defined]

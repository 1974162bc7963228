"""The chair's form for a new slide: every choice limited to the projector's assembly."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.assemblies.models import Assembly
from moim.governance.enums import DecisionStatus
from moim.governance.models import AgendaItem, Decision, Poll
from moim.projection.enums import SlideKind
from moim.projection.services import LONGEST_COUNTDOWN


class _Titled(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if isinstance(obj, Poll):
            return f"{obj.decision.title} · {obj.round} · {obj.get_state_display()}"
        return str(obj.title)


class SlideForm(forms.Form):
    kind = forms.ChoiceField(label=_("Slide"), choices=SlideKind.choices)
    agenda_item = _Titled(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    decision = _Titled(label=_("Decision"), queryset=Decision.objects.none(), required=False)
    poll = _Titled(label=_("Poll"), queryset=Poll.objects.none(), required=False)
    seconds = forms.IntegerField(
        label=_("Countdown (seconds)"), min_value=1, max_value=LONGEST_COUNTDOWN, required=False
    )
    title_en = forms.CharField(label=_("Title or label (English)"), max_length=200, required=False)
    title_ko = forms.CharField(label=_("Title or label (Korean)"), max_length=200, required=False)
    text_en = forms.CharField(
        label=_("Message (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text_ko = forms.CharField(
        label=_("Message (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = (  # type: ignore[attr-defined]
            AgendaItem.objects.filter(assembly=assembly)
            .select_related("decision")
            .order_by("position", "pk")
        )
        self.fields["decision"].queryset = (  # type: ignore[attr-defined]
            Decision.objects.filter(assembly=assembly)
            .exclude(status=DecisionStatus.DRAFT)
            .order_by("position", "pk")
        )
        self.fields["poll"].queryset = (  # type: ignore[attr-defined]
            Poll.objects.filter(decision__assembly=assembly)
            .exclude(decision__status=DecisionStatus.DRAFT)
            .select_related("decision")
            .order_by("decision__position", "round", "pk")
        )

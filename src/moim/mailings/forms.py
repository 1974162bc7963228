"""Forms of the mailings pages: what the secretariat chooses before a service queues mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.assemblies.models import Assembly
from moim.mailings.enums import Audience, DeliveryStatus
from moim.mailings.models import MessageTemplate


class TemplateChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _templates(assembly: Assembly) -> Any:
    return MessageTemplate.objects.filter(organization_id=assembly.organization_id)


class ConvocationForm(forms.Form):
    template = TemplateChoice(
        queryset=MessageTemplate.objects.none(),
        required=False,
        label=_("Template"),
        empty_label=_("The convocation template"),
    )
    confirm_late = forms.BooleanField(
        required=False,
        label=_("I confirm sending the convocation after the notice period"),
    )

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = _templates(assembly)  # type: ignore[attr-defined]


class ComposeForm(forms.Form):
    audience = forms.ChoiceField(choices=Audience.choices, label=_("Send to"))
    template = TemplateChoice(queryset=MessageTemplate.objects.none(), label=_("Template"))

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = _templates(assembly)  # type: ignore[attr-defined]


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", _("Any status")), *DeliveryStatus.choices],
        required=False,
        label=_("Status"),
    )

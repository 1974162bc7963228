"""Forms of the plenary pages: what the chair types in, checked field by field.

The rules themselves (how many votes there can be) live in the services; a form only turns
what was typed into values and shows the service's refusal beside the fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.governance.enums import AnalogMethod
from moim.governance.models import Poll


class AnalogResultForm(forms.Form):
    """Paper or show-of-hands figures per option, or acclamation (no figures)."""

    method = forms.ChoiceField(label=_("Method"), choices=AnalogMethod.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, poll: Poll, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.poll = poll
        for option in poll.options.all():
            self.fields[f"count-{option.position}"] = forms.IntegerField(
                label=option.label,
                required=False,
                min_value=0,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": _("Enter a whole number of votes."),
                    "min_value": _("A count cannot be negative."),
                },
            )

    def count_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("count-")]

    def counts(self) -> dict[int, int]:
        return {
            int(name.removeprefix("count-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("count-") and value is not None
        }

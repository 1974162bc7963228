"""Forms of the motion pages; the services validate again, so a refusal reads the same
whichever door it came through."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.governance.enums import AmendmentAction
from moim.members.models import Member


class MotionForm(forms.Form):
    member = forms.ModelChoiceField(queryset=Member.objects.none(), label=_("Moved by"))
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    title_ko = forms.CharField(label=_("Title (Korean)"), max_length=200, required=False)
    text_en = forms.CharField(
        label=_("Text (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One paragraph per line; amendments name paragraphs by their number."),
    )
    text_ko = forms.CharField(
        label=_("Text (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class AmendmentForm(forms.Form):
    action = forms.ChoiceField(label=_("The amendment"), choices=AmendmentAction.choices)
    text_en = forms.CharField(
        label=_("New wording (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    text_ko = forms.CharField(
        label=_("New wording (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class MoveForm(forms.Form):
    to = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=2000)

"""The one form of the minutes: a section's text in English and Korean."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.text import validate_multiline


class SectionForm(forms.Form):
    text_en = forms.CharField(
        label=_("Text (English)"),
        widget=forms.Textarea(attrs={"rows": 16, "lang": "en"}),
        strip=False,
        validators=[validate_multiline],
        max_length=50_000,
    )
    text_ko = forms.CharField(
        label=_("Text (Korean)"),
        widget=forms.Textarea(attrs={"rows": 16, "lang": "ko"}),
        strip=False,
        required=False,
        validators=[validate_multiline],
        max_length=50_000,
        help_text=_("Plain text: a blank line starts a new paragraph."),
    )

"""Forms of the entry pages and the jury's score sheet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.awards.enums import ApplicantKind
from moim.awards.models import Criterion, Edition, Entry, EntryQuestion
from moim.members.enums import MemberKind
from moim.members.models import Member
from moim.questions import add_question_fields
from moim.text import NameFormField


class EntryForm(forms.ModelForm):
    class Meta:
        model = Entry
        fields = [
            "category",
            "title",
            "applicant_kind",
            "applicant_name",
            "beneficiary",
            "approval_contact",
            "summary",
            "description",
            "results",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "results": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args: Any, edition: Edition, applicant: Member | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.applicant = applicant
        self.fields["category"].queryset = edition.categories.all()  # type: ignore[attr-defined]
        self.fields["beneficiary"].queryset = Member.objects.filter(  # type: ignore[attr-defined]
            organization=edition.programme.organization, kind=MemberKind.LOCAL_GOVERNMENT
        )
        if applicant is None:
            # Without a member behind them, people apply as a company or an organization.
            self.fields["applicant_kind"].choices = [  # type: ignore[attr-defined]
                c for c in ApplicantKind.choices if c[0] != ApplicantKind.MEMBER
            ]
        # A draft may be incomplete; submission checks the rest.
        for name in ("summary", "description", "results"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("applicant_kind")
        if kind == ApplicantKind.MEMBER:
            self.instance.applicant_member = self.applicant
            data["applicant_name"] = ""
        else:
            self.instance.applicant_member = None
            if not (data.get("applicant_name") or "").strip():
                self.add_error("applicant_name", _("Name the company or organization applying."))
        self.instance.edition = self.edition
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))


class ApprovalForm(forms.Form):
    name = NameFormField(label=_("Your name and position"), max_length=200)
    reason = forms.CharField(
        label=_("Reason (when declining)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Why you are conflicted"), max_length=300)


class ScoreSheetForm(forms.Form):
    """One field per criterion (within its scale) with a comment each, and an overall comment."""

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.key}"] = forms.IntegerField(
                label=criterion.name,
                min_value=criterion.scale_min,
                max_value=criterion.scale_max,
                required=False,
                help_text=_("%(low)d to %(high)d, weight %(weight)s")
                % {
                    "low": criterion.scale_min,
                    "high": criterion.scale_max,
                    "weight": criterion.weight,
                },
            )
            self.fields[f"comment_{criterion.key}"] = forms.CharField(
                label=_("Comment on %s") % criterion.name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
        )

    def values(self) -> dict[str, int | None]:
        return {c.key: self.cleaned_data.get(f"score_{c.key}") for c in self.criteria}

    def comments(self) -> dict[str, str]:
        return {c.key: self.cleaned_data.get(f"comment_{c.key}", "") for c in self.criteria}

    def field_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"score_{c.key}"], self[f"comment_{c.key}"]) for c in self.criteria]


class EntryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.beneficiary.name})"


class FinalistsForm(forms.Form):
    """The entries ticked on the first round's ranking."""

    entries = EntryChoiceField(
        label=_("Finalists"),
        queryset=Entry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one entry to make it a finalist.")},
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = candidates  # type: ignore[attr-defined]


class LateEntriesForm(forms.Form):
    """Entries waiting to join a round that is open, and how many jurors each gets."""

    entries = EntryChoiceField(
        label=_("Entries to add"),
        queryset=Entry.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the entries to add to the round.")},
    )
    per_entry = forms.IntegerField(
        label=_("Jurors per entry"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Leave empty to give each entry to every juror of its category."),
    )

    def __init__(self, *args: Any, waiting: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["entries"].queryset = waiting  # type: ignore[attr-defined]


class ReopenRoundForm(forms.Form):
    reason = forms.CharField(label=_("Why the round is reopened"), max_length=300)


def add_entry_questions(form: forms.BaseForm, questions: Sequence[EntryQuestion]) -> None:
    """The edition's own questions, after the entry's fields. A draft may leave them empty:
    a required one is asked for at submission."""
    add_question_fields(form, questions)
    for question in questions:
        field = form.fields[question.field_name]
        if field.required:
            field.required = False
            field.help_text = " ".join(
                str(text) for text in (question.help, _("Required to submit.")) if text
            )

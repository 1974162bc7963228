"""Forms of the plenary pages: what the chair and the secretariat type in, checked field by field.

The rules themselves (how many votes there can be, who may stand) live in the services; a form
only turns what was typed into values and shows the service's refusal beside the fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.governance.enums import AnalogMethod, BallotShape
from moim.governance.models import Poll
from moim.members.models import Member, Organization


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


class NewPollForm(forms.Form):
    """The chair's new poll: the ballot (elections) and at most how many options it marks.

    Left empty, the ballot follows the decision's method and the most choices follow the
    ballot. The bounds that depend on the candidates are the service's (`check_max_choices`).
    """

    shape = forms.ChoiceField(
        label=_("Ballot"),
        choices=[("", "")] + [c for c in BallotShape.choices if c[0] != BallotShape.YES_NO_ABSTAIN],
        required=False,
    )
    max_choices = forms.IntegerField(
        label=_("At most this many choices"),
        required=False,
        min_value=1,
        max_value=1000,
        widget=forms.NumberInput(attrs={"min": 1}),
        error_messages={
            "invalid": _("At most how many choices: enter a whole number."),
            "min_value": _("At most how many choices: at least 1."),
            "max_value": _("At most how many choices: no ballot has that many options."),
        },
    )


def match_names(text: str, members: list[Member]) -> tuple[list[Member], list[str], list[str]]:
    """Members named one per line (English or Korean name or slug, any case).

    Returns the members found, in the order given, then the lines naming no member and the
    lines naming more than one.
    """
    index: dict[str, set[int]] = {}
    by_id = {m.pk: m for m in members}
    for member in members:
        for key in (member.name_en, member.name_ko, member.slug):
            if key:
                index.setdefault(key.strip().casefold(), set()).add(member.pk)
    found: list[Member] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for line in text.splitlines():
        name = line.strip()
        if not name:
            continue
        ids = index.get(name.casefold(), set())
        if not ids:
            unknown.append(name)
        elif len(ids) > 1:
            ambiguous.append(name)
        else:
            found.append(by_id[next(iter(ids))])
    return found, unknown, ambiguous


class MemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class SlateForm(forms.Form):
    """Pick several members, or paste their names one per line, or both."""

    require_choice = True

    members = MembersField(label=_("Members"), queryset=Member.objects.none(), required=False)
    names = forms.CharField(
        label=_("Or paste names, one per line"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("English or Korean name, or the member's short name (slug); any case."),
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        queryset = Member.objects.filter(organization=organization).order_by("name_en", "pk")
        members_field = self.fields["members"]
        assert isinstance(members_field, MembersField)
        members_field.queryset = queryset
        self._organization = organization

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = list(data.get("members") or [])
        pasted, unknown, ambiguous = match_names(
            data.get("names", ""),
            list(Member.objects.filter(organization=self._organization)),
        )
        if unknown:
            self.add_error(
                "names", _("No member has this name: %(names)s.") % {"names": "; ".join(unknown)}
            )
        if ambiguous:
            self.add_error(
                "names",
                _("More than one member has this name: %(names)s.")
                % {"names": "; ".join(ambiguous)},
            )
        if self.require_choice and not self.errors and not chosen and not pasted:
            raise forms.ValidationError(_("Choose at least one member or paste their names."))
        data["chosen"] = list(dict.fromkeys(chosen + pasted))
        return data


class AppointmentForm(SlateForm):
    """The appointees (several), and who appointed them; none when they are named already."""

    require_choice = False

    appointed_by = MemberField(
        label=_("Appointed by"), queryset=Member.objects.none(), required=False
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        by_field = self.fields["appointed_by"]
        assert isinstance(by_field, forms.ModelChoiceField)
        by_field.queryset = Member.objects.filter(organization=organization).order_by("name_en")

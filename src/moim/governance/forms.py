"""Forms of the plenary pages: what the chair and the secretariat type in, checked field by field.

The rules themselves (how many votes there can be, who may stand) live in the services; a form
only turns what was typed into values and shows the service's refusal beside the fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from moim.governance.enums import AnalogMethod, BallotShape
from moim.governance.models import Poll
from moim.governance.queries import options_in_order
from moim.governance.services import SUBMISSION_TOKEN, BallotError, ranking_from_ranks
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


class PollChoiceForm(forms.Form):
    """Which open poll of the assembly a ballot posted from the sitting page is for."""

    poll = forms.ModelChoiceField(
        queryset=Poll.objects.none(),
        error_messages={
            "required": _("This poll is not open."),
            "invalid_choice": _("This poll is not open."),
        },
    )

    def __init__(self, *args: Any, assembly_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["poll"]
        assert isinstance(field, forms.ModelChoiceField)
        # The options come with the poll: the ballot form and the cast both read them.
        field.queryset = (
            Poll.objects.filter(decision__assembly_id=assembly_id)
            .select_related("decision__assembly")
            .prefetch_related(options_in_order())
        )


class BallotForm(forms.Form):
    """One ballot as the voting page posts it, checked before any of it reaches the database.

    `member` must be one whose vote the voter holds in this poll; a choice is one of the poll's
    option ids, a rank a whole number from 1 to the number of options; `submission` is the
    form's token, which makes a retry of the same form the same submission. Whether the
    choices make a valid ballot (how many, over-votes) is the service's to say.
    """

    member = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": _("Choose the member you vote for."),
            "invalid_choice": _("You hold no vote for member %(value)s in this poll."),
        },
    )
    submission = forms.CharField(
        required=False,
        max_length=128,
        validators=[
            RegexValidator(
                SUBMISSION_TOKEN,
                _("The submission token must be 16 to 128 letters, digits, '-' or '_'."),
            )
        ],
    )

    def __init__(self, *args: Any, poll: Poll, held: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.options = list(poll.options.all())
        member = self.fields["member"]
        assert isinstance(member, forms.TypedChoiceField)
        member.choices = [(str(pk), str(pk)) for pk in held]
        if poll.shape == BallotShape.RANKED:
            for option in self.options:
                self.fields[f"rank-{option.pk}"] = forms.IntegerField(
                    required=False,
                    min_value=1,
                    max_value=len(self.options),
                    error_messages={
                        "invalid": _("A rank is a whole number."),
                        "min_value": _("Ranks start at 1."),
                        "max_value": _("A rank is at most the number of candidates."),
                    },
                )
        else:
            self.fields["choice"] = forms.TypedMultipleChoiceField(
                required=False,
                coerce=int,
                choices=[(str(o.pk), o.label_en) for o in self.options],
                error_messages={
                    "invalid_choice": _("%(value)s is not an option of this poll."),
                    "invalid_list": _("Choices are a list of option ids."),
                },
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.poll.shape == BallotShape.RANKED and not self.errors:
            ranks = {o.pk: data.get(f"rank-{o.pk}") for o in self.options}
            try:
                data["choices"] = ranking_from_ranks(ranks)
            except BallotError as error:
                raise forms.ValidationError(error.message) from error
        else:
            data["choices"] = list(data.get("choice") or [])
        return data

    def error_text(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)

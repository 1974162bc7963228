from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from moim.assemblies.enums import (
    AttendanceMode,
    BadgeSize,
    ParticipantRole,
    RegistrationStatus,
)
from moim.assemblies.models import Assembly, RegistrationQuestion
from moim.assemblies.registrants import ACCESSIBILITY_MAX_LENGTH
from moim.members.enums import MemberStatus
from moim.members.models import Member
from moim.text import NameFormField, validate_multiline, validate_one_line


class MemberChoiceField(forms.ModelChoiceField):
    """Members named in the active language (서울특별시 on a Korean page)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RegistrationForm(forms.Form):
    # Names and labels go through moim.text.clean_name (NFC, no invisible or control characters).
    full_name = NameFormField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), max_length=254, validators=[validate_one_line])
    title = NameFormField(
        label=_("Title or position"),
        max_length=200,
        required=False,
        help_text=_("For example: Mayor of Seoul, Director of Smart City Policy."),
    )
    # No default: a pre-selected role (it used to be "Mayor") inflates the mayors counted.
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", _("— choose your role —")), *ParticipantRole.choices],
        error_messages={"required": _("Role: choose the role in which you attend.")},
    )
    attendance_mode = forms.ChoiceField(
        label=_("I will attend"), choices=AttendanceMode.choices, widget=forms.RadioSelect
    )
    member = MemberChoiceField(
        label=_("Delegation"),
        queryset=Member.objects.none(),
        required=False,
        empty_label=_("— none: I am a guest —"),
        help_text=_("The member city or organization you represent."),
    )
    organization_name = NameFormField(
        label=_("Organization"),
        max_length=200,
        required=False,
        help_text=_("Guests: your organization, embassy or government."),
    )
    country = forms.ChoiceField(
        label=_("Country represented"),
        choices=lambda: [("", "—"), *countries],
        required=False,
        help_text=_("Required for guests and ambassadors."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=ACCESSIBILITY_MAX_LENGTH,
        validators=[validate_multiline],
    )

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assembly = assembly
        member_field = self.fields["member"]
        assert isinstance(member_field, forms.ModelChoiceField)
        member_field.queryset = Member.objects.filter(
            organization=assembly.organization, status=MemberStatus.ACTIVE
        ).order_by("name_en")
        modes = assembly.modes_offered()
        mode_field = self.fields["attendance_mode"]
        assert isinstance(mode_field, forms.ChoiceField)
        mode_field.choices = [(mode.value, mode.label) for mode in modes]
        if len(modes) == 1:
            mode_field.initial = modes[0].value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if not data.get("country"):
            if role == ParticipantRole.AMBASSADOR:
                self.add_error("country", _("An ambassador must name the country represented."))
            elif not data.get("member") and "member" not in self.errors:
                self.add_error(
                    "country", _("Guests who represent no member must name their country.")
                )
        return data


class WalkInForm(RegistrationForm):
    """Someone who turns up at the desk: registered and checked in, in person, at once."""

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, assembly=assembly, **kwargs)
        del self.fields["attendance_mode"]
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", _("— choose a role —")), *ParticipantRole.choices]
        role_field.error_messages["required"] = _(
            "Role: choose the role in which the person attends."
        )
        member_field = self.fields["member"]
        assert isinstance(member_field, forms.ModelChoiceField)
        member_field.empty_label = _("— none: a guest —")
        self.fields["email"].help_text = _("The confirmation with the check-in code goes here.")


class DeskForm(forms.Form):
    q = forms.CharField(
        label=_("Name, organization or check-in code"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class RegistrationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *RegistrationStatus.choices], required=False
    )
    mode = forms.ChoiceField(
        label=_("Attendance"), choices=[("", _("All")), *AttendanceMode.choices], required=False
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All")), *ParticipantRole.choices], required=False
    )


class MoveItemForm(forms.Form):
    position = forms.IntegerField(label=_("New position"), min_value=1)


class CredentialActForm(forms.Form):
    """One act of the credentials page on one registration."""

    VOTING = "voting"
    REPLACE = "replace"
    ALTERNATE = "alternate"
    CHOOSE = "choose"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"

    registration = forms.IntegerField(widget=forms.HiddenInput)
    act = forms.ChoiceField(
        choices=[
            (VOTING, _("Accredit as voting delegate")),
            (REPLACE, _("Make voting delegate (the current one becomes an alternate)")),
            (ALTERNATE, _("Accredit as alternate")),
            (CHOOSE, _("Choose this one, refuse the others")),
            (REFUSE, _("Refuse the claim")),
            (WITHDRAW, _("Withdraw the accreditation")),
        ]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class ContactDecisionForm(forms.Form):
    """The member contact's answer on the page its signed link opens."""

    reason = forms.CharField(
        label=_("Reason (when you decline)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(),
    )


class BadgeForm(forms.Form):
    size = forms.ChoiceField(label=_("Badge size"), choices=BadgeSize.choices, initial=BadgeSize.A6)


class RegistrationQuestionForm(forms.ModelForm):
    """A question of the registration form, as the secretariat writes it."""

    class Meta:
        model = RegistrationQuestion
        fields = [
            "label_en",
            "label_ko",
            "help_en",
            "help_ko",
            "kind",
            "required",
            "options_en",
            "options_ko",
            "position",
        ]
        widgets = {
            "options_en": forms.Textarea(attrs={"rows": 4}),
            "options_ko": forms.Textarea(attrs={"rows": 4}),
        }

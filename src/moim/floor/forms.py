"""What the chair types into the console: a name for the list, its speaking time, a kind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from moim.floor.enums import DEFAULT_SPEAKING_SECONDS, SpeechKind
from moim.floor.models import MAX_SPEAKING_SECONDS, MIN_SPEAKING_SECONDS
from moim.members.models import Member, Organization, Person


class SpeakingTimeForm(forms.Form):
    minutes = forms.DecimalField(
        label=_("Speaking time (minutes)"),
        min_value=MIN_SPEAKING_SECONDS / 60,
        max_value=MAX_SPEAKING_SECONDS // 60,
        decimal_places=2,
        initial=DEFAULT_SPEAKING_SECONDS // 60,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )

    def seconds(self) -> int:
        return int(self.cleaned_data["minutes"] * 60)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.member.name})" if obj.member else str(obj.name)


class SpeakerForm(forms.Form):
    """A name from the room: a delegate from the registry, or a name typed in, or a member."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SpeechKind.choices, initial=SpeechKind.SPEECH)
    person = PersonChoiceField(label=_("Person"), queryset=Person.objects.none(), required=False)
    member = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Member.objects.none(), required=False
    )
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    name_ko = forms.CharField(label=_("Name (Korean)"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Speaks online"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        member = self.fields["member"]
        assert isinstance(person, forms.ModelChoiceField)
        assert isinstance(member, forms.ModelChoiceField)
        person.queryset = (
            Person.objects.filter(organization=organization, member__isnull=False)
            .select_related("member")
            .order_by("name_en", "pk")
        )
        member.queryset = Member.objects.filter(organization=organization).order_by("name_en")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("person") or cleaned.get("member") or cleaned.get("name_en")):
            raise forms.ValidationError(_("Name the speaker, or choose a person or a member."))
        return cleaned


class AskForm(forms.Form):
    """A delegate's request: only the kind. Who asks is the person logged in."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=SpeechKind.choices,
        initial=SpeechKind.SPEECH,
        widget=forms.Select(attrs={"id": "floor-kind"}),
    )

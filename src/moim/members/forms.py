"""Forms of the member registry's back office."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from moim.members.enums import Role


class RoleChoiceField(forms.ModelMultipleChoiceField):
    """Role groups as checkboxes, each by its role's readable label."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Group.objects.order_by("name"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Roles"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(dict(Role.choices).get(obj.name, obj.name))

"""The public member directory: its filter form and the one query behind each page of results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from moim.members.enums import MemberKind, MemberStatus
from moim.members.models import Member, MemberCategory, Organization, Region, good_standing_q

PAGE_SIZE = 25


class DirectoryFilterForm(forms.Form):
    """Every field is optional: an empty form lists every member."""

    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("All"))]
        regions = Region.objects.filter(organization=organization)
        self._choices("region").choices = everything + [(r.code, r.name) for r in regions]
        codes = (
            Member.objects.filter(organization=organization)
            .exclude(status=MemberStatus.WITHDRAWN)
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        )
        named = sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])
        self._choices("country").choices = everything + named
        categories = MemberCategory.objects.filter(organization=organization)
        self._choices("category").choices = everything + [(c.code, c.name) for c in categories]
        self._choices("kind").choices = everything + list(MemberKind.choices)

    def _choices(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field


def directory_members(
    *, organization: Organization, on: dt.date, filters: dict[str, Any]
) -> QuerySet[Member]:
    """Members listed in the directory, filtered, each annotated with `is_in_good_standing` on `on`.

    The standing is computed by the database, so a page of results costs one query however
    many rows it holds.
    """
    members = (
        Member.objects.filter(organization=organization)
        .exclude(status=MemberStatus.WITHDRAWN)
        .select_related("region", "category")
        .annotate(
            is_in_good_standing=Case(
                When(good_standing_q(organization, on), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if query := (filters.get("q") or "").strip():
        members = members.filter(Q(name_en__icontains=query) | Q(name_ko__icontains=query))
    if filters.get("region"):
        members = members.filter(region__code=filters["region"])
    if filters.get("country"):
        members = members.filter(country=filters["country"])
    if filters.get("category"):
        members = members.filter(category__code=filters["category"])
    if filters.get("kind"):
        members = members.filter(kind=filters["kind"])
    if translation.get_language() == "ko":
        # Korean readers look for 서울 under ㅅ, not under S.
        return members.order_by(Coalesce(NullIf("name_ko", Value("")), "name_en"), "pk")
    return members.order_by("name_en", "pk")

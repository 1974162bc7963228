"""Reusable queries on the member registry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Case, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from moim.members.models import Organization, Term


def _served_first() -> QuerySet[Organization]:
    """Organizations, the one this installation serves (MOIM_ORGANIZATION) first, else by age."""
    named = Case(When(slug=settings.MOIM_ORGANIZATION_SLUG, then=Value(0)), default=Value(1))
    return Organization.objects.order_by(named, "pk")


def current_organization() -> Organization | None:
    """The organization this installation serves (MOIM_ORGANIZATION), or the first one."""
    return _served_first().first()


def served_organization() -> Subquery:
    """The served organization's id, inside the query that filters on it (no query of its own):
    `Assembly.objects.filter(organization=served_organization())`. Every lookup of a page or
    the API is scoped by it, so another organization's records answer 404 like missing ones."""
    return Subquery(_served_first().values("pk")[:1])


def registry_today(zone: dt.tzinfo | None = None) -> dt.date:
    """The day public pages compute standing and current offices on (settings.MOIM_TODAY), or
    today where `zone` says (the site's time zone by default)."""
    return settings.MOIM_TODAY or timezone.localdate(timezone=zone)


def terms_begun_on(
    organization: Organization, day: dt.date, *, assembly_id: int | None = None
) -> QuerySet[Term]:
    """The offices an assembly filled, in the order of offices: the terms that began on `day`
    (its first day), and those resting on a decision of the assembly (`assembly_id`), whichever
    day of the sitting, or after it, the decision was published."""
    filled = Q(starts=day)
    if assembly_id is not None:
        filled |= Q(decisions__assembly_id=assembly_id)
    return (
        Term.objects.filter(filled, office__organization=organization)
        .distinct()
        .select_related("office", "member", "person")
        .order_by("office__position", "member__name_en", "person__name_en")
    )

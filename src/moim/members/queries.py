"""Reusable queries on the member registry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from moim.members.models import Organization, Term


def current_organization() -> Organization | None:
    """The organization this installation serves (MOIM_ORGANIZATION), or the first one."""
    org = Organization.objects.filter(slug=settings.MOIM_ORGANIZATION_SLUG).first()
    return org or Organization.objects.order_by("pk").first()


def registry_today() -> dt.date:
    """The day public pages compute standing and current offices on (settings.MOIM_TODAY)."""
    return settings.MOIM_TODAY or timezone.localdate()


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

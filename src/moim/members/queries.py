"""Reusable queries on the member registry."""

from __future__ import annotations

from django.conf import settings

from moim.members.models import Organization


def current_organization() -> Organization | None:
    """The organization this installation serves (MOIM_ORGANIZATION), or the first one."""
    org = Organization.objects.filter(slug=settings.MOIM_ORGANIZATION_SLUG).first()
    return org or Organization.objects.order_by("pk").first()

"""Reusable queries on the member registry."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from moim.members.models import Organization


def current_organization() -> Organization | None:
    """The organization this installation serves (MOIM_ORGANIZATION), or the first one."""
    org = Organization.objects.filter(slug=settings.MOIM_ORGANIZATION_SLUG).first()
    return org or Organization.objects.order_by("pk").first()


def registry_today() -> dt.date:
    """The day public pages compute standing and current offices on (settings.MOIM_TODAY)."""
    return settings.MOIM_TODAY or timezone.localdate()

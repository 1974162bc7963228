"""Template helpers of the plenary pages: the base of a result's percentages, lapsed proxies."""

from __future__ import annotations

from django import template

from moim.governance import bases
from moim.governance.models import Poll

register = template.Library()


@register.filter
def motion_base_text(poll: Poll) -> str:
    return bases.motion_base_text(poll)


@register.filter
def table_base_text(poll: Poll) -> str:
    return bases.table_base_text(poll)

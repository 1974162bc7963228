"""The floor's template helpers: a speaking clock's figure, and the delegate's part of the
sitting page (drawn by this app, so the sitting page needs no knowledge of the lists)."""

from __future__ import annotations

from typing import Any

from django import template

from moim.assemblies.models import Assembly
from moim.floor.sitting import sitting_context

register = template.Library()


@register.filter
def clock(seconds: int | None) -> str:
    """Seconds as minutes and seconds, as a speaking clock shows them: 183 → '3:03'."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


@register.inclusion_tag("floor/_sitting_panel.html", takes_context=True)
def floor_sitting(context: template.Context, assembly: Assembly) -> dict[str, Any]:
    """The floor's part of the sitting page, for the delegate looking at it."""
    request = context["request"]
    return {
        **sitting_context(request, assembly),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }

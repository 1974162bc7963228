"""`{% ballot_notice assembly %}`: 'voting is open, cast your ballot' wherever a delegate looks.

Rendered on the server with the page, then kept current by the page itself (htmx polling the
notice), so it appears when a poll opens and goes when it closes, without a reload.
"""

from __future__ import annotations

from typing import Any

from django import template

from moim.assemblies.models import Assembly
from moim.governance.sitting_views import notice_context

register = template.Library()


@register.inclusion_tag("governance/_ballot_notice.html", takes_context=True)
def ballot_notice(context: template.Context, assembly: Assembly | None = None) -> dict[str, Any]:
    request = context.get("request")
    if request is None:
        return {}
    return notice_context(request, assembly)

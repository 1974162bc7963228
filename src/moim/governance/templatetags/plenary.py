"""Template helpers of the plenary pages: lapsed proxies, the account's proxy, option names."""

from __future__ import annotations

from typing import Any

from django import template

from moim.bilingual import sentence_list
from moim.governance import services, shown
from moim.governance.models import Poll
from moim.governance.proxies import proxy_choices_for

register = template.Library()


@register.inclusion_tag("governance/_lapsed_proxies.html")
def lapsed_proxies(poll: Poll) -> dict[str, Any]:
    """The proxies that did not hold when `poll` opened (for the chair's console)."""
    return {"lapsed": services.lapsed_proxies(poll)}


@register.inclusion_tag("governance/_account_proxy_panel.html", takes_context=True)
def account_proxies(context: dict[str, Any]) -> dict[str, Any]:
    """The proxy part of the account page: give or withdraw the member's proxy."""
    request = context["request"]
    return {
        "choices": proxy_choices_for(request.user),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def shown_name(name: str, poll: Poll) -> str:
    """An option as the count named it (its English label), in the active language."""
    return shown.option_names(poll).get(name, name)


register.filter("sentence_list", sentence_list)

"""The client's network address, as login throttling and the live-stream limit see it.

Behind a reverse proxy every request comes from the proxy's address; the proxy then names the
client in a header. MOIM_CLIENT_IP_HEADER names that header (off by default: a header anyone can
send must not be believed when no proxy sets it). A header holding a list, as X-Forwarded-For
does, is read from the right: each proxy appends the address it saw, so the entry written by the
last of MOIM_PROXY_COUNT trusted proxies is the first one a client cannot forge.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "unknown"


def meta_key(header: str) -> str:
    """`X-Forwarded-For` -> `HTTP_X_FORWARDED_FOR`, the name Django gives it in request.META."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def _valid(candidate: str) -> str | None:
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The client's address: from the configured proxy header when there is one, else the
    connection's own address. A missing or malformed header falls back to the connection's
    address (the proxy's), which throttles more, never less."""
    remote = _valid(str(request.META.get("REMOTE_ADDR", ""))) or UNKNOWN
    header = str(getattr(settings, "MOIM_CLIENT_IP_HEADER", "") or "")
    if not header:
        return remote
    raw = str(request.META.get(meta_key(header), ""))
    entries = [entry for entry in raw.split(",") if entry.strip()]
    count = max(int(getattr(settings, "MOIM_PROXY_COUNT", 1)), 1)
    if len(entries) < count:
        return remote
    return _valid(entries[-count]) or remote


def login_client_address(request: HttpRequest) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address, or None when there is none
    (a login made in code, such as the test client's), which Axes stores as no address."""
    address = client_address(request)
    return None if address == UNKNOWN else address

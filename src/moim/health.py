"""`/healthz`: whether this process can serve, for a load balancer or a container runtime.

Answered first in the middleware chain, before the HTTPS redirect, the host check, sessions
and logins: a balancer probes each server by its address over plain HTTP, and the probe must
neither be redirected, nor refused for its Host header, nor start a session. It answers 200
with a small JSON body when the database answers a query, 503 otherwise. The body names no
host, version or error: only whether the database answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

PATH = "/healthz"


def database_answers() -> bool:
    """True when the default database answers `SELECT 1`; a failure is logged, not raised."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("health check: the database does not answer", exc_info=True)
        # Drop the broken connection so the next request (or probe) opens a fresh one.
        connection.close()
        return False


def health_response() -> JsonResponse:
    if database_answers():
        return JsonResponse({"status": "ok", "database": "ok"})
    return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)


class HealthCheckMiddleware:
    """Answers GET and HEAD on /healthz itself; every other request passes through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") == PATH and request.method in ("GET", "HEAD"):
            response = health_response()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)

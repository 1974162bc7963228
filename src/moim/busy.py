"""A server with no database connection to give answers 503 "busy, send it again", not 500.

Under a crowd (a plenary of 2,000 delegates voting at once) a worker may wait longer than
MOIM_DB_POOL_TIMEOUT for a pooled PostgreSQL connection, PostgreSQL may have no connection slot
left, or SQLite may stay locked by other writers past its retries. In each case the request
never reached a committed transaction: nothing was stored. Django would answer 500 ("something
went wrong"); this error view answers 503 with Retry-After instead, and says that nothing was
stored. The ballot forms send the same submission again after that delay (moim/retry.js), and
since a ballot's receipt is tied to its submission token, a retry can never store a ballot
twice: the voter sees a short wait, then the receipt.

Every other error still gets Django's own 500 page.
"""

from __future__ import annotations

import logging
import sys

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 2
# What PostgreSQL and SQLite say when they have no room for one more request right now.
_BUSY_MESSAGES = (
    "too many clients",
    "remaining connection slots are reserved",
    "database is locked",
)


def database_busy(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it) says the database has no room for this request."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if type(error).__name__ == "PoolTimeout":  # psycopg_pool, not imported for SQLite
            return True
        if isinstance(error, OperationalError) and any(
            said in str(error) for said in _BUSY_MESSAGES
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 and Retry-After when the database was too busy, else Django's 500."""
    if not database_busy(sys.exc_info()[1]):
        return defaults.server_error(request)
    # Like the 500 page: no context, no request, nothing that reads the database.
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response

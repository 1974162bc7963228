"""Logins resist guessing: django-axes counts failed logins and refuses the next ones.

Two limits, both within the cool-off (AXES_COOLOFF_TIME):

- an account from one address (username and address together): MOIM_LOGIN_FAILURE_LIMIT, low;
- an address whatever the account: MOIM_LOGIN_ADDRESS_FAILURE_LIMIT, much looser, because a
  hall of delegates often reaches the site through one NAT address.

django-axes compares one number with one limit, so `get_failures` answers the first limit's
number, raised to it when the looser limit of the address is reached. A successful login clears
only its own account-and-address count, never the address's: logging into one's own account
must not buy another round of guesses at someone else's.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext


def _total(attempts: Any) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a looser limit for a whole address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        account_and_address, address = self.get_user_attempts(request, credentials)
        if _total(address) >= settings.MOIM_LOGIN_ADDRESS_FAILURE_LIMIT:
            return int(settings.MOIM_LOGIN_FAILURE_LIMIT)
        return _total(account_and_address)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        username = get_client_username(request, credentials)
        deleted, _by_model = AccessAttempt.objects.filter(
            username=username,
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return deleted


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: a page in the reader's language (JSON for the API),
    with status 429 and the minutes to wait."""
    cool_off = get_cool_off(request)
    minutes = max(int(cool_off.total_seconds() // 60), 1) if cool_off else None
    retry_after = str(int(cool_off.total_seconds())) if cool_off else None
    if _wants_json(request):
        response: HttpResponse = JsonResponse(
            {
                "detail": gettext(
                    "Too many failed logins: this account is locked from your address for "
                    "%(minutes)s minutes."
                )
                % {"minutes": minutes},
                "retry_after_seconds": int(cool_off.total_seconds()) if cool_off else None,
            },
            status=429,
        )
    else:
        response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    if retry_after:
        response["Retry-After"] = retry_after
    return response

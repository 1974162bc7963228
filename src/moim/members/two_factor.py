"""A second factor for logins (django-otp): an authenticator app (TOTP) and recovery codes.

Anyone who logs in may add one; with MOIM_REQUIRE_TWO_FACTOR the secretariat, the chair and
every back-office account must. After the password, a session whose account has a second factor
is not yet verified: `SecondFactorMiddleware` lets it reach nothing but the page that asks for a
code (and logging out) until a code from the app or a recovery code is given. An account that
must have one and has none reaches nothing but the set-up page. The back office is behind the
same check, so the admin's own login form cannot skip it.

Guessing codes is throttled per device by django-otp (each failure doubles the wait), and a
TOTP code is accepted once only. Recovery codes are stored only as a digest keyed by the vault
key (moim.keys), so a copy of the database does not hand them out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from base64 import b32encode
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.i18n import set_language
from django_otp import devices_for_user
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from moim.errors import Invalid
from moim.keys import derive
from moim.members.rules import is_chair, is_secretariat

RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
_TOTP_TOKEN = re.compile(r"^\d{6}$")


class SecondFactorError(Invalid):
    """A second-factor step refused, with the reason shown to the person."""


def second_factor_required(user: Any) -> bool:
    """Whether this account must have a second factor before it reaches any page."""
    if not settings.MOIM_REQUIRE_TWO_FACTOR or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or is_secretariat(user) or is_chair(user))


def has_second_factor(user: Any) -> bool:
    """An authenticator app is set up (recovery codes only ever come with one)."""
    return bool(
        user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


# Whether the session's account had a second factor, read once per login rather than on every
# request. Each login notes it afresh (`note_second_factor_at_login`), so a device set up in
# another session is asked for at the next login; the pages of the second factor refresh it
# when they change it, and a session from before this note reads it once.
SESSION_KEY = "moim_second_factor"


def session_has_second_factor(request: HttpRequest) -> bool:
    known = request.session.get(SESSION_KEY)
    if known is None:
        known = has_second_factor(request.user)
        request.session[SESSION_KEY] = known
    return bool(known)


def remember_second_factor_state(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = has_second_factor(request.user)


def note_second_factor_at_login(
    sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any
) -> None:
    """Django's user_logged_in: note whether this account has a second factor to ask for."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = has_second_factor(user)


def pending_authenticator(*, user: Any) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device, made on first ask, so the QR
    code stays the same while the person scans it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def _normalise(token: str) -> str:
    return "".join(str(token).split()).lower()


def _recovery_digest(code: str) -> str:
    """What the database keeps of a recovery code: 16 hex digits of an HMAC under a key derived
    from the vault key (StaticToken.token holds at most 16 characters)."""
    return hmac.new(derive("recovery-codes"), code.encode(), hashlib.sha256).hexdigest()[:16]


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    # 10 base32 characters (50 bits) each, shown once and stored only as a keyed digest.
    codes = [
        b32encode(secrets.token_bytes(10)).decode()[:10].lower() for _ in range(RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_recovery_digest(code)) for code in codes
    )
    return codes


def confirm_authenticator(*, user: Any, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code it shows, and make a fresh set of
    recovery codes (returned once; only the person sees them)."""
    token = _normalise(token)
    if not _TOTP_TOKEN.match(token):
        raise SecondFactorError(gettext("Enter the 6-digit code your authenticator app shows."))
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise SecondFactorError(gettext("Start the set-up again: no authenticator is waiting."))
        if not device.verify_is_allowed()[0] or not device.verify_token(token):
            raise SecondFactorError(
                gettext("That code is not right: check the clock of your phone and try again.")
            )
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator at a time: a new one replaces any earlier one.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        return device, _new_recovery_codes(user)


def verify_second_factor(*, user: Any, token: str) -> Device:
    """The device that accepts `token`: the authenticator for a 6-digit code, otherwise a
    recovery code (each recovery code works once)."""
    token = _normalise(token)
    if not token:
        raise SecondFactorError(gettext("Enter a code."))
    totp = _TOTP_TOKEN.match(token) is not None
    for device in devices_for_user(user, confirmed=True):
        if isinstance(device, TOTPDevice) != totp:
            continue
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            raise SecondFactorError(
                gettext("Too many wrong codes: wait a little before trying again.")
            )
        verified = otp_verify_token(
            user, device.persistent_id, token if totp else _recovery_digest(token)
        )
        if verified is not None:
            return verified
    raise SecondFactorError(gettext("That code is not right."))


def new_recovery_codes(*, user: Any) -> list[str]:
    """Replace the recovery codes (the old ones stop working)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise SecondFactorError(gettext("Set up an authenticator app first."))
    with transaction.atomic():
        return _new_recovery_codes(user)


def remove_second_factor(*, user: Any, token: str) -> None:
    """Remove the authenticator and the recovery codes, on a valid code; refused when the
    account must have a second factor."""
    if second_factor_required(user):
        raise SecondFactorError(
            gettext("Your account must keep a second factor; set up a new one to replace it.")
        )
    verify_second_factor(user=user, token=token)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


# --- the gate -------------------------------------------------------------------------------

_EXEMPT = "_moim_second_factor_exempt"


def second_factor_exempt[V: Callable[..., Any]](view: V) -> V:
    """Mark a view that an unverified session may reach (the code and set-up pages)."""
    setattr(view, _EXEMPT, True)
    return view


def _exempt(view: Any) -> bool:
    if getattr(view, _EXEMPT, False) or view is set_language:
        return True
    view_class = getattr(view, "view_class", None)
    return view_class is not None and issubclass(view_class, LogoutView)


class SecondFactorMiddleware:
    """Sends a session that still owes its second factor to the page that asks for it.

    Runs after django-otp's OTPMiddleware (which marks a verified session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or user.is_verified() or _exempt(view):
            return None
        if session_has_second_factor(request):
            target, message = (
                "two_factor_verify",
                gettext("Enter the code of your second factor to continue."),
            )
        elif second_factor_required(user):
            target, message = (
                "two_factor_setup",
                gettext(
                    "Your account must have a second factor: "
                    "set up an authenticator app to continue."
                ),
            )
        else:
            return None
        url = reverse(target)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "url": url}, status=403)
        return HttpResponseRedirect(f"{url}?{urlencode({'next': request.get_full_path()})}")

"""Pages of the second factor: set up an authenticator app, give a code after the password,
replace the recovery codes, remove the second factor."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from moim.members.two_factor import (
    SecondFactorError,
    confirm_authenticator,
    has_second_factor,
    new_recovery_codes,
    pending_authenticator,
    remember_second_factor_state,
    remove_second_factor,
    second_factor_exempt,
    second_factor_required,
    verify_second_factor,
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=_("The 6-digit code of your authenticator app, or one of your recovery codes."),
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("account")


def _base32_key(device: TOTPDevice) -> str:
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def _setup_context(request: HttpRequest, form: CodeForm) -> dict[str, Any]:
    device = pending_authenticator(user=request.user)
    return {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, border=2),
        "manual_key": _base32_key(device),
        "next": _next_url(request),
    }


@never_cache
@second_factor_exempt
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Status and set-up: with a second factor, what it is and what can be done; without,
    a QR code to scan and the code it then shows."""
    user: Any = request.user
    if has_second_factor(user):
        if not user.is_verified():
            return redirect(f"{reverse('two_factor_verify')}?next={request.path}")
        return render(
            request,
            "members/two_factor/status.html",
            {"required": second_factor_required(user), "form": CodeForm()},
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = confirm_authenticator(user=user, token=form.cleaned_data["code"])
        except SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            remember_second_factor_state(request)
            return render(
                request,
                "members/two_factor/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
    status = 400 if form.is_bound else 200
    return render(
        request,
        "members/two_factor/setup.html",
        {**_setup_context(request, form), "required": second_factor_required(user)},
        status=status,
    )


@never_cache
@second_factor_exempt
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: a code from the app or a recovery code."""
    user: Any = request.user
    if not has_second_factor(user) or user.is_verified():
        # Removed in the back office meanwhile, or already given: nothing more to ask.
        remember_second_factor_state(request)
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = verify_second_factor(user=user, token=form.cleaned_data["code"])
        except SecondFactorError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "members/two_factor/verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.is_bound else 200,
    )


@never_cache
@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = new_recovery_codes(user=request.user)
    except SecondFactorError as error:
        return render(
            request, "members/two_factor/refused.html", {"reason": str(error)}, status=400
        )
    return render(
        request,
        "members/two_factor/recovery_codes.html",
        {"codes": codes, "next": reverse("two_factor_setup")},
    )


@never_cache
@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    try:
        if not form.is_valid():
            raise SecondFactorError(str(form.errors["code"][0]))
        remove_second_factor(user=request.user, token=form.cleaned_data["code"])
        remember_second_factor_state(request)
    except SecondFactorError as error:
        return render(
            request, "members/two_factor/refused.html", {"reason": str(error)}, status=400
        )
    return redirect("two_factor_setup")

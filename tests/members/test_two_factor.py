"""A second factor (TOTP) for the secretariat and the chair, required when the site says so."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import Persona

LOGIN = "/en/accounts/login/"
ADMIN_LOGIN = "/en/admin/login/"
SETUP = "/en/accounts/two-factor/"
VERIFY = "/en/accounts/two-factor/verify/"
ACCOUNT = "/en/accounts/me/"
RIGHT = "correct horse battery"


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or a step later: each code works once)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0 - steps_ahead * device.step, device.digits)
    return f"{value:0{device.digits}d}"


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Walk the set-up page: scan (read the pending device), type the code, keep the codes."""
    page = client.get(SETUP).content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(confirmed=False)
    shown = client.post(SETUP, {"code": code_of(device)}).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown)
    device.refresh_from_db()
    return device, codes


def password_login(client: Client, username: str, url: str = LOGIN, next_url: str = ACCOUNT) -> str:
    response = client.post(url, {"username": username, "password": RIGHT, "next": next_url})
    return str(response.get("Location", ""))


def test_secretariat_sets_up_an_authenticator_and_gets_recovery_codes(
    client: Client, secretariat: Persona
) -> None:
    client.force_login(secretariat)

    device, codes = enrol(client)

    assert device.confirmed is True
    assert device.user == secretariat
    assert len(codes) == 10
    assert len(set(codes)) == 10
    # The database keeps a keyed digest of each code, never the code itself.
    stored = set(
        StaticToken.objects.filter(device__user=secretariat).values_list("token", flat=True)
    )
    assert len(stored) == 10
    assert stored.isdisjoint(codes)


def test_a_wrong_code_does_not_turn_the_second_factor_on(
    client: Client, secretariat: Persona
) -> None:
    client.force_login(secretariat)
    client.get(SETUP)
    device = TOTPDevice.objects.get()
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"code": wrong})

    assert response.status_code == 400
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False


def test_login_asks_for_the_code_after_the_password(client: Client, chair: Persona) -> None:
    client.force_login(chair)
    device, _codes = enrol(client)
    client.logout()

    after_password = password_login(client, "charles")
    blocked = client.get(ACCOUNT)

    assert after_password == ACCOUNT
    assert blocked["Location"] == f"{VERIFY}?next=%2Fen%2Faccounts%2Fme%2F"
    response = client.post(VERIFY, {"code": code_of(device, steps_ahead=1), "next": ACCOUNT})
    assert response["Location"] == ACCOUNT
    assert "Charles Chair" in client.get(ACCOUNT).content.decode()


def test_a_wrong_code_at_login_opens_nothing(client: Client, chair: Persona) -> None:
    client.force_login(chair)
    device, _codes = enrol(client)
    client.logout()
    password_login(client, "charles")

    refused = client.post(VERIFY, {"code": "000000" if code_of(device) != "000000" else "111111"})

    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    assert client.get(ACCOUNT)["Location"].startswith(VERIFY)
    api = client.get("/api/governance/polls/1/turnout")
    assert api.status_code == 403
    assert "Enter the code of your second factor" in api.json()["detail"]


def test_a_recovery_code_works_once(client: Client, chair: Persona) -> None:
    client.force_login(chair)
    _device, codes = enrol(client)
    client.logout()

    password_login(client, "charles")
    client.post(VERIFY, {"code": codes[0]})
    assert "<dd>charles</dd>" in client.get(ACCOUNT).content.decode()  # in, not sent to verify

    client.logout()
    password_login(client, "charles")
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 400
    assert client.get(ACCOUNT)["Location"].startswith(VERIFY)


def test_the_back_office_asks_for_the_code_too(client: Client, secretariat: Persona) -> None:
    client.force_login(secretariat)
    device, _codes = enrol(client)
    client.logout()

    password_login(client, "sofia", url=ADMIN_LOGIN, next_url="/en/admin/")
    blocked = client.get("/en/admin/members/member/")

    assert blocked["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_of(device, steps_ahead=1)})
    assert "Select member to change" in client.get("/en/admin/members/member/").content.decode()


@override_settings(MOIM_REQUIRE_TWO_FACTOR=True)
def test_when_required_staff_without_a_second_factor_must_set_one_up(
    client: Client, secretariat: Persona
) -> None:
    password_login(client, "sofia", url=ADMIN_LOGIN, next_url="/en/admin/")

    admin = client.get("/en/admin/")
    api = client.get("/api/governance/polls/1/turnout")

    assert admin["Location"] == f"{SETUP}?next=%2Fen%2Fadmin%2F"
    assert api.status_code == 403
    assert "must have a second factor" in api.json()["detail"]
    device, _codes = enrol(client)
    assert device.confirmed is True
    assert "<title>Secretariat | Moim back office</title>" in client.get("/en/admin/").text


@override_settings(MOIM_REQUIRE_TWO_FACTOR=True)
def test_when_required_the_chair_must_set_one_up_and_a_delegate_need_not(
    client: Client, chair: Persona, delegate_a: Persona
) -> None:
    password_login(client, "charles")
    assert client.get(ACCOUNT)["Location"].startswith(SETUP)

    delegate = Client()
    password_login(delegate, "dana")
    assert "Dana Delegate" in delegate.get(ACCOUNT).content.decode()


@override_settings(MOIM_REQUIRE_TWO_FACTOR=True)
def test_when_required_the_second_factor_cannot_be_turned_off(
    client: Client, chair: Persona
) -> None:
    client.force_login(chair)
    device, _codes = enrol(client)

    refused = client.post(
        "/en/accounts/two-factor/remove/", {"code": code_of(device, steps_ahead=1)}
    )

    assert refused.status_code == 400
    assert "must keep a second factor" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=chair, confirmed=True).exists()


def test_without_the_requirement_a_second_factor_can_be_turned_off_with_a_code(
    client: Client, delegate_a: Persona
) -> None:
    client.force_login(delegate_a)
    device, _codes = enrol(client)

    client.post("/en/accounts/two-factor/remove/", {"code": code_of(device, steps_ahead=1)})

    assert not TOTPDevice.objects.filter(user=delegate_a).exists()
    client.logout()
    password_login(client, "dana")
    assert "<dd>dana</dd>" in client.get(ACCOUNT).content.decode()  # no code asked


@override_settings(OTP_STATIC_THROTTLE_FACTOR=0)
def test_new_recovery_codes_replace_the_old_ones(client: Client, chair: Persona) -> None:
    client.force_login(chair)
    _device, old = enrol(client)

    page = client.post("/en/accounts/two-factor/recovery-codes/").content.decode()
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)

    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert StaticToken.objects.count() == 10
    client.logout()
    password_login(client, "charles")
    assert client.post(VERIFY, {"code": old[0]}).status_code == 400
    client.post(VERIFY, {"code": new[0]})
    assert "<dd>charles</dd>" in client.get(ACCOUNT).content.decode()


def test_an_account_without_a_second_factor_logs_in_as_before(
    client: Client, delegate_a: Persona
) -> None:
    assert password_login(client, "dana") == ACCOUNT
    assert "Dana Delegate" in client.get(ACCOUNT).content.decode()


@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_guessing_codes_is_throttled(client: Client, chair: Persona) -> None:
    client.force_login(chair)
    device, _codes = enrol(client)
    client.logout()
    password_login(client, "charles")
    wrong = f"{(int(code_of(device, steps_ahead=1)) + 500_000) % 1_000_000:06d}"
    client.post(VERIFY, {"code": wrong})

    right_too_soon = client.post(VERIFY, {"code": code_of(device, steps_ahead=1)})

    assert "Too many wrong codes" in right_too_soon.content.decode()
    assert client.get(ACCOUNT)["Location"].startswith(VERIFY)


@pytest.mark.parametrize("url", [SETUP, VERIFY])
def test_second_factor_pages_need_a_login(client: Client, db: None, url: str) -> None:
    assert client.get(url)["Location"].startswith(LOGIN)


def test_the_back_office_lists_devices_without_their_secret(
    client: Client, chair: Persona, secretariat: Persona
) -> None:
    chair_client = Client()
    chair_client.force_login(chair)
    device, _codes = enrol(chair_client)
    client.force_login(secretariat)

    listing = client.get("/en/admin/otp_totp/totpdevice/").content.decode()
    change = client.get(f"/en/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()

    assert "charles" in listing
    assert device.key not in listing + change
    assert client.get(f"/en/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403


def test_a_session_owing_its_code_may_still_change_language_and_log_out(
    client: Client, chair: Persona
) -> None:
    client.force_login(chair)
    enrol(client)
    client.logout()
    password_login(client, "charles")

    switched = client.post("/i18n/setlang/", {"language": "ko", "next": "/ko/"})
    client.post("/en/accounts/logout/")

    assert switched["Location"] == "/ko/"
    assert "_auth_user_id" not in client.session


def test_a_lost_phone_removed_by_the_secretariat_lets_its_holder_in_to_set_up_a_new_one(
    client: Client, chair: Persona, secretariat: Persona
) -> None:
    client.force_login(chair)
    device, _codes = enrol(client)
    client.logout()
    password_login(client, "charles")
    assert client.get(ACCOUNT)["Location"].startswith(VERIFY)
    office = Client()
    office.force_login(secretariat)

    office.post(
        "/en/admin/otp_totp/totpdevice/",
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    client.get(f"{VERIFY}?next={ACCOUNT}")

    assert not TOTPDevice.objects.filter(user=chair).exists()
    assert "Charles Chair" in client.get(ACCOUNT).content.decode()
    new_device, codes = enrol(client)
    assert new_device.confirmed is True
    assert len(codes) == 10

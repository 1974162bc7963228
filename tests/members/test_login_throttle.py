"""Logins resist guessing: failed logins are counted per account and address, and per address."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import Persona

LOGIN = "/en/accounts/login/"
ADMIN_LOGIN = "/en/admin/login/"
RIGHT = "correct horse battery"
LIMIT = settings.MOIM_LOGIN_FAILURE_LIMIT


def _post(client: Client, username: str, password: str, url: str = LOGIN, **extra: str) -> str:
    response = client.post(url, {"username": username, "password": password}, **extra)  # type: ignore[arg-type]
    return f"{response.status_code} {response.content.decode()}"


def _fail(client: Client, username: str, times: int, url: str = LOGIN, **extra: str) -> None:
    for attempt in range(times):
        _post(client, username, f"wrong guess {attempt}", url, **extra)


def _logged_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_wrong_passwords_lock_the_account_and_refuse_the_right_one(
    client: Client, delegate_a: Persona
) -> None:
    _fail(client, "dana", LIMIT)

    answer = _post(client, "dana", RIGHT)

    assert answer.startswith("429 ")
    assert "Too many failed logins" in answer
    assert "paused for 15 minutes" in answer
    assert _logged_in_as(client) is None


def test_one_failure_fewer_than_the_limit_still_logs_in(
    client: Client, delegate_a: Persona
) -> None:
    _fail(client, "dana", LIMIT - 1)

    _post(client, "dana", RIGHT)

    assert _logged_in_as(client) == str(delegate_a.pk)
    # The success forgets this account's failures from this address.
    assert not AccessAttempt.objects.filter(username="dana").exists()


def test_locked_account_logs_in_again_after_the_cool_off(
    client: Client, delegate_a: Persona
) -> None:
    _fail(client, "dana", LIMIT)
    assert _post(client, "dana", RIGHT).startswith("429 ")

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - dt.timedelta(seconds=1)
    )
    _post(client, "dana", RIGHT)

    assert _logged_in_as(client) == str(delegate_a.pk)


def test_another_account_from_the_same_address_still_logs_in(
    client: Client, delegate_a: Persona, delegate_b: Persona
) -> None:
    _fail(client, "dana", LIMIT + 2)
    neighbour = Client()

    _post(neighbour, "diego", RIGHT)

    assert _logged_in_as(neighbour) == str(delegate_b.pk)


def test_the_same_account_from_another_address_still_logs_in(
    client: Client, delegate_a: Persona
) -> None:
    _fail(client, "dana", LIMIT, REMOTE_ADDR="203.0.113.7")

    _post(client, "dana", RIGHT, REMOTE_ADDR="198.51.100.20")

    assert _logged_in_as(client) == str(delegate_a.pk)


@override_settings(MOIM_LOGIN_ADDRESS_FAILURE_LIMIT=8)
def test_an_address_guessing_at_many_accounts_is_stopped_by_its_own_limit(
    client: Client, delegate_a: Persona, delegate_b: Persona
) -> None:
    for name in ("alpha", "bravo", "charlie", "delta"):
        _fail(client, name, 2)

    answer = _post(client, "diego", RIGHT)

    assert answer.startswith("429 ")
    assert _logged_in_as(client) is None
    # Another address is not concerned.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    _post(elsewhere, "diego", RIGHT)
    assert _logged_in_as(elsewhere) == str(delegate_b.pk)


def test_logging_in_to_ones_own_account_does_not_reset_the_address_count(
    client: Client, delegate_a: Persona, delegate_b: Persona
) -> None:
    with override_settings(MOIM_LOGIN_ADDRESS_FAILURE_LIMIT=LIMIT + 2):
        _fail(client, "dana", LIMIT - 1)
        _post(Client(), "diego", RIGHT)
        _fail(client, "dana", 1)
        _fail(client, "oscar", 2)

        answer = _post(Client(), "diego", RIGHT)

    assert answer.startswith("429 ")


def test_the_back_office_login_is_throttled_too(client: Client, secretariat: Persona) -> None:
    _fail(client, "sofia", LIMIT, url=ADMIN_LOGIN)

    answer = _post(client, "sofia", RIGHT, url=ADMIN_LOGIN)

    assert answer.startswith("429 ")
    assert _logged_in_as(client) is None
    # ... and the lock holds on the site's own login page as well.
    assert _post(client, "sofia", RIGHT).startswith("429 ")


def test_the_lockout_page_is_translated(client: Client, delegate_a: Persona) -> None:
    _fail(client, "dana", LIMIT, url="/ko/accounts/login/")

    answer = _post(client, "dana", RIGHT, url="/ko/accounts/login/")

    assert answer.startswith("429 ")
    assert '<html lang="ko">' in answer


def test_an_api_client_gets_the_lockout_as_json(client: Client, delegate_a: Persona) -> None:
    _fail(client, "dana", LIMIT)

    response = client.post(
        LOGIN, {"username": "dana", "password": RIGHT}, headers={"Accept": "application/json"}
    )

    assert response.status_code == 429
    body = response.json()
    assert "Too many failed logins" in body["detail"]
    assert body["retry_after_seconds"] == 15 * 60
    assert response["Retry-After"] == str(15 * 60)


@pytest.mark.parametrize(
    ("header", "value", "remote", "expected"),
    [
        ("", "203.0.113.9", "10.0.0.2", "10.0.0.2"),
        ("X-Forwarded-For", "198.51.100.1, 203.0.113.9", "10.0.0.2", "203.0.113.9"),
        ("X-Forwarded-For", "not-an-address", "10.0.0.2", "10.0.0.2"),
        ("X-Real-IP", "2001:db8::1", "10.0.0.2", "2001:db8::1"),
    ],
)
def test_the_client_address_comes_from_the_configured_proxy_header(
    rf: pytest.FixtureRequest, header: str, value: str, remote: str, expected: str
) -> None:
    from moim.net import client_address, meta_key

    meta = {meta_key(header or "X-Forwarded-For"): value}
    request = rf.get("/", REMOTE_ADDR=remote, **meta)  # type: ignore[attr-defined]

    with override_settings(MOIM_CLIENT_IP_HEADER=header):
        assert client_address(request) == expected


def test_behind_a_proxy_delegates_in_one_hall_are_told_apart(
    client: Client, delegate_a: Persona, delegate_b: Persona
) -> None:
    with override_settings(MOIM_CLIENT_IP_HEADER="X-Forwarded-For"):
        _fail(client, "dana", LIMIT, HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert _post(client, "dana", RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.7").startswith("429")

        _post(client, "dana", RIGHT, HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert _logged_in_as(client) == str(delegate_a.pk)


def test_the_secretariat_sees_and_lifts_a_lockout_in_the_back_office(
    client: Client, delegate_a: Persona, secretariat: Persona
) -> None:
    _fail(Client(), "dana", LIMIT)
    attempt = AccessAttempt.objects.get(username="dana")
    client.force_login(secretariat)

    listing = client.get("/en/admin/axes/accessattempt/").content.decode()
    assert "dana" in listing
    client.post(
        "/en/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert not AccessAttempt.objects.filter(username="dana").exists()
    again = Client()
    _post(again, "dana", RIGHT)
    assert _logged_in_as(again) == str(delegate_a.pk)

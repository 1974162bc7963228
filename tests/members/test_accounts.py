"""Logging in and out, resetting a password by e-mail, and the "my account" page."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from moim.members.models import Member
from tests.conftest import Persona

LOGIN = "/en/accounts/login/"
ACCOUNT = "/en/accounts/me/"


def test_login_page_has_labelled_fields_and_reset_link(client: Client, db: None) -> None:
    html = client.get(LOGIN).content.decode()

    assert "<h1>Log in</h1>" in html
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'href="/en/accounts/password_reset/"' in html


def test_login_with_right_password_opens_a_session(client: Client, delegate_a: Persona) -> None:
    response = client.post(
        LOGIN, {"username": "dana", "password": "correct horse battery", "next": ACCOUNT}
    )

    assert response["Location"] == ACCOUNT
    assert "Dana Delegate" in client.get(ACCOUNT).content.decode()


def test_login_with_wrong_password_says_so(client: Client, delegate_a: Persona) -> None:
    response = client.post(LOGIN, {"username": "dana", "password": "wrong"})

    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client: Client, delegate_a: Persona) -> None:
    client.force_login(delegate_a)

    client.post("/en/accounts/logout/")

    assert "_auth_user_id" not in client.session


def test_password_reset_by_email_end_to_end(client: Client, delegate_a: Persona) -> None:
    page = client.get("/en/accounts/password_reset/").content.decode()
    assert "<h1>Reset your password</h1>" in page

    done = client.post("/en/accounts/password_reset/", {"email": "dana@example.org"}, follow=True)

    assert "Check your e-mail" in done.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert "dana" in message.body
    link = re.search(r"https?://[^/]+(/\S+)", message.body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]

    complete = client.post(
        set_url,
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
        follow=True,
    )

    assert "Password set" in complete.content.decode()
    delegate_a.refresh_from_db()
    assert delegate_a.check_password("a brand new passphrase")
    # The link works once.
    again = client.get(link.group(1), follow=True).content.decode()
    assert "no longer valid" in again


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(
    client: Client, db: None
) -> None:
    done = client.post("/en/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True)

    assert "Check your e-mail" in done.content.decode()
    assert mail.outbox == []


def test_my_account_shows_roles_and_member(
    client: Client, delegate_a: Persona, city_a: Member
) -> None:
    client.force_login(delegate_a)

    html = client.get(ACCOUNT).content.decode()

    assert "<h1>My account</h1>" in html
    assert "Member delegate" in html
    assert f'href="{city_a.get_absolute_url()}">Seoul</a>' in html
    assert 'href="/en/members/seoul/contacts/"' in html
    assert "members/export.csv" not in html


def test_my_account_for_secretariat_offers_export_and_back_office(
    client: Client, secretariat: Persona
) -> None:
    client.force_login(secretariat)

    html = client.get(ACCOUNT).content.decode()

    assert "Secretariat" in html
    assert 'href="/en/members/export.csv"' in html
    assert 'href="/en/admin/"' in html


def test_my_account_without_role(client: Client, outsider: Persona) -> None:
    client.force_login(outsider)

    html = client.get(ACCOUNT).content.decode()

    assert "No role yet" in html
    assert "oscar" in html


def test_my_account_sends_anonymous_visitors_to_log_in(client: Client, db: None) -> None:
    response = client.get(ACCOUNT)

    assert response["Location"] == f"{LOGIN}?next={ACCOUNT}"


def test_password_change(client: Client, juror: Persona) -> None:
    client.force_login(juror)

    response = client.post(
        "/en/accounts/password_change/",
        {
            "old_password": "correct horse battery",
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
        follow=True,
    )

    assert "Password changed" in response.content.decode()
    juror.refresh_from_db()
    assert juror.check_password("another long passphrase")

"""A browser signed in as a user without the login form: the test client's session cookie,
handed to the page's context for the server under test."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client


def sign_in(page: Any, base_url: str, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )

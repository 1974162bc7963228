"""Small helpers of the badge, certificate and question tests."""

from __future__ import annotations

import re

from django.test import Client

from tests.conftest import Persona


def logged_in(user: Persona) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_pages(data: bytes) -> int:
    """How many pages a PDF holds, counted from its page objects (no PDF reader needed)."""
    assert data.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))

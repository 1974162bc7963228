"""/healthz answers a load balancer: over plain HTTP, for any Host, without a session."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_the_database_state(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_healthz_is_neither_redirected_to_https_nor_refused_for_its_host(
    client: Client, settings: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["assembly.example.org"]

    probe = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    page = client.get("/en/", HTTP_HOST="assembly.example.org")

    assert (probe.status_code, json.loads(probe.content)["status"]) == (200, "ok")
    assert (page.status_code, page["Location"]) == (301, "https://assembly.example.org/en/")


def test_healthz_sets_no_cookie_and_leaves_other_methods_to_the_site(client: Client) -> None:
    probe = client.get("/healthz")
    posted = client.post("/healthz")

    assert probe.cookies == {}
    assert "Set-Cookie" not in probe
    assert posted.status_code == 404

"""Error pages: a styled, self-contained 500 page, and 404/403/400 in the site's layout."""

from __future__ import annotations

from typing import Any, NoReturn

import pytest
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, path

from moim.urls import urlpatterns as site_urlpatterns
from tests.conftest import Persona


def _boom(request: HttpRequest) -> NoReturn:
    raise RuntimeError("the server met a fault")


def _suspicious(request: HttpRequest) -> NoReturn:
    raise SuspiciousOperation("a malformed request")


urlpatterns: list[URLPattern | URLResolver] = [
    path("boom/", _boom),
    path("suspicious/", _suspicious),
    *site_urlpatterns,
]


def _assert_follows_the_csp(html: str) -> None:
    assert "<style" not in html
    assert "<script>" not in html
    assert " style=" not in html


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_an_unhandled_error_renders_the_styled_500_page_without_the_database(
    db: None, django_assert_num_queries: Any
) -> None:
    client = Client(raise_request_exception=False)

    with django_assert_num_queries(0):
        response = client.get("/boom/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    assert '<link rel="stylesheet" href="/static/moim/css/moim.css">' in html
    assert "the server met a fault" not in html
    assert "default-src 'self'" in response["Content-Security-Policy"]
    _assert_follows_the_csp(html)


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_bad_request_renders_the_400_page(db: None) -> None:
    response = Client().get("/suspicious/")

    html = response.content.decode()
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in html
    assert 'class="site-header"' in html
    _assert_follows_the_csp(html)


def test_a_missing_page_renders_the_404_page_in_the_site_layout(client: Client, db: None) -> None:
    response = client.get("/en/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert 'class="site-header"' in html
    _assert_follows_the_csp(html)


def test_a_page_without_the_right_renders_the_403_page(client: Client, outsider: Persona) -> None:
    client.force_login(outsider)

    response = client.get("/en/members/export.csv")

    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Not allowed</h1>" in html
    _assert_follows_the_csp(html)


@pytest.mark.parametrize("language", ["en", "ko"])
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_the_500_page_speaks_the_readers_language(db: None, language: str) -> None:
    client = Client(raise_request_exception=False)

    html = client.get("/boom/", headers={"Accept-Language": language}).content.decode()

    assert f'<html lang="{language}">' in html

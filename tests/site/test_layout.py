"""The shared layout: landmarks, skip link, language switch, labels and the strict CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from moim.members.models import Member, Organization
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/en/", "/ko/", "/en/members/", "/ko/members/", "/en/members/seoul/"]


@pytest.fixture
def seoul(organization: Organization) -> Member:
    return MemberFactory(organization=organization, name_en="Seoul", slug="seoul")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_landmarks_one_heading_and_a_skip_link(
    client: Client, seoul: Member, path: str
) -> None:
    html = client.get(path).content.decode()

    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<nav" in html
    assert "<footer" in html


@pytest.mark.parametrize("path", PAGES)
def test_pages_carry_no_inline_script_or_style(client: Client, seoul: Member, path: str) -> None:
    response = client.get(path)
    html = response.content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert "<style" not in html
    assert " style=" not in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_every_form_field_has_a_label(client: Client, seoul: Member) -> None:
    html = client.get("/en/members/").content.decode()

    fields = re.findall(r'<(?:input|select)[^>]*\bid="(id_\w+)"', html)
    labels = set(re.findall(r'<label for="(id_\w+)"', html))
    assert fields == ["id_q", "id_region", "id_country", "id_category", "id_kind"]
    assert set(fields) <= labels


def test_language_switch_posts_to_set_language_and_keeps_the_page(
    client: Client, seoul: Member
) -> None:
    html = client.get("/en/members/seoul/").content.decode()

    assert '<form class="language-switch" method="post" action="/i18n/setlang/">' in html
    assert '<input type="hidden" name="next" value="/en/members/seoul/">' in html

    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/en/members/seoul/"})

    assert response.headers["Location"] == "/ko/members/seoul/"


def test_language_switch_keeps_the_directory_filters(client: Client, seoul: Member) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "ko", "next": "/en/members/?region=east-asia&q=seo"}
    )

    assert response.headers["Location"] == "/ko/members/?region=east-asia&q=seo"


def test_header_shows_log_in_to_visitors(client: Client, organization: Organization) -> None:
    html = client.get("/en/").content.decode()

    assert 'href="/en/accounts/login/?next=/en/"' in html
    assert "Log out" not in html


def test_header_shows_the_users_name_and_log_out(client: Client, secretariat: object) -> None:
    client.force_login(secretariat)

    html = client.get("/ko/").content.decode()

    assert '<span class="account-name">Sofia Secretariat</span>' in html
    assert 'action="/ko/accounts/logout/"' in html
    assert "로그아웃" in html


def test_header_falls_back_to_the_username(client: Client, organization: Organization) -> None:
    client.force_login(UserFactory(username="nobody"))

    html = client.get("/en/").content.decode()

    assert '<span class="account-name">nobody</span>' in html


def test_static_files_are_found() -> None:
    css = finders.find("moim/css/moim.css")
    htmx = finders.find("moim/vendor/htmx.min.js")

    assert css is not None
    assert "--font-sans" in Path(css).read_text(encoding="utf-8")
    assert htmx is not None
    assert Path(htmx).read_text(encoding="utf-8").startswith("var htmx=")

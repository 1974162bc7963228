"""The public pages in a real browser: htmx filtering, the language switch, the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest

from moim.members.models import Organization
from tests.factories import MemberFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry(organization: Organization) -> Organization:
    africa = RegionFactory(organization=organization, code="africa", name_en="Africa")
    MemberFactory(organization=organization, name_en="Seoul", name_ko="서울특별시", slug="seoul")
    MemberFactory(
        organization=organization, name_en="Abuja", slug="abuja", country="NG", region=africa
    )
    MemberFactory(
        organization=organization, name_en="Kigali", slug="kigali", country="RW", region=africa
    )
    return organization


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def watch_console(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    return problems


def test_directory_filters_without_reloading_the_page(
    page: Any, live_server: Any, registry: Organization
) -> None:
    problems = watch_console(page)
    page.goto(f"{live_server.url}/en/members/")
    page.evaluate("document.body.dataset.marker = 'same page'")

    page.select_option("#id_region", "africa")
    page.wait_for_url("**region=africa**")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(page.locator("[role=status]")).to_contain_text("2 members match the filters.")

    names = page.locator("#results tbody th a").all_inner_texts()
    assert names == ["Abuja", "Kigali"]
    assert page.evaluate("document.body.dataset.marker") == "same page"

    page.fill("#id_q", "kig")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert page.locator("#results tbody th a").all_inner_texts() == ["Kigali"]
    assert problems == []


def test_language_switch_keeps_the_page(
    page: Any, live_server: Any, registry: Organization
) -> None:
    problems = watch_console(page)
    page.goto(f"{live_server.url}/en/members/seoul/")

    page.click("button[name=language][value=ko]")
    page.wait_for_url("**/ko/members/seoul/")

    assert page.locator("h1").inner_text() == "서울특별시"
    assert page.locator("html").get_attribute("lang") == "ko"
    assert problems == []


def test_skip_link_moves_focus_to_the_main_content(
    page: Any, live_server: Any, registry: Organization
) -> None:
    page.goto(f"{live_server.url}/en/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")

    assert page.evaluate("location.hash") == "#main"

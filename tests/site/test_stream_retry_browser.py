"""A page whose live stream is refused (429 past a limit, 503 from a full process) asks again
less and less often, not every two seconds: a hall of refused pages must not become a flood of
requests on the server that refused them."""

from __future__ import annotations

from typing import Any

import pytest

from moim.members.models import Organization
from tests.browser_sessions import sign_in
from tests.governance.conftest import build_plenary
from tests.site.publication_plenary import open_motion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Thirty seconds of the page's clock: a fixed two-second retry would ask some fifteen times; a
# delay that doubles from two seconds (each spread by up to half) at most five.
SECONDS = 30


def _refuse_streams(page: Any) -> list[str]:
    asked: list[str] = []

    def refuse(route: Any) -> None:
        asked.append(route.request.url)
        route.fulfill(status=429, body="Too many live streams", headers={"Retry-After": "30"})

    page.route("**/events/**", refuse)
    return asked


def _let_the_clock_run(page: Any) -> None:
    for _ in range(SECONDS):
        page.clock.run_for(1000)
        page.wait_for_timeout(60)  # real time: the refusal's answer reaches the page


def test_a_refused_projector_asks_again_less_and_less_often(
    live_server: Any, page: Any, organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 2)
    open_motion(organization, plenary, chair)
    asked = _refuse_streams(page)
    page.clock.install()
    page.goto(f"{live_server.url}/en/projector/5/")
    page.wait_for_function("document.querySelector('[data-events-url]') !== null")

    _let_the_clock_run(page)

    assert 2 <= len(asked) <= 5, asked
    assert page.locator(".is-offline").count() == 1  # the page says it is not live


def _open_sitting_page(page: Any, live_server: Any, user: Any) -> list[str]:
    """Sign `user` in, open their sitting page on a page clock of its own, and return the
    ballot part's requests as they leave."""
    sign_in(page, live_server.url, user)
    ballot: list[str] = []
    page.on("request", lambda r: ballot.append(r.url) if "/sitting/ballot/" in r.url else None)
    page.clock.install()
    page.goto(f"{live_server.url}/en/governance/5/sitting/")
    return ballot


def test_a_refused_sitting_page_asks_again_less_and_less_often(
    live_server: Any, page: Any, organization: Organization
) -> None:
    plenary = build_plenary(organization, 2)
    asked = _refuse_streams(page)
    _open_sitting_page(page, live_server, plenary.users[0])

    _let_the_clock_run(page)

    assert 2 <= len(asked) <= 5, asked


def test_a_sitting_page_polls_its_ballot_only_while_it_has_no_stream(
    live_server: Any, browser: Any, page: Any, organization: Organization
) -> None:
    """Each minute's ask is a net for a page without a stream: a hall of 2,000 pages with their
    streams open would otherwise send some 33 requests a second for nothing."""
    plenary = build_plenary(organization, 2)
    live_page = _open_sitting_page(page, live_server, plenary.users[0])
    page.locator("[data-floor].is-live").wait_for(timeout=10_000)

    refused_context = browser.new_context()
    try:
        refused = refused_context.new_page()
        _refuse_streams(refused)
        refused_page = _open_sitting_page(refused, live_server, plenary.users[1])
        for _ in range(130):  # two minutes and ten seconds of each page's clock
            page.clock.run_for(1000)
            refused.clock.run_for(1000)
            page.wait_for_timeout(30)
        refused.wait_for_timeout(300)
    finally:
        refused_context.close()

    assert live_page == []
    assert len(refused_page) == 2

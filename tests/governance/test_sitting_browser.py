"""The delegate's sitting page in a browser under the production server's ASGI stack: its ballot
part appears when the chair opens a poll and goes when it closes, told by the assembly's live
stream, with no polling in between."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from tests.governance.conftest import build_plenary
from tests.governance.test_sitting import motion

from moim.governance import services
from moim.members.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Well under the minute of the ballot part's own poll: only the stream can be this quick.
GUARD_MS = 10_000


def test_the_ballot_comes_and_goes_with_the_poll_told_by_the_live_stream(
    page: Any, organization: Organization, chair: Any, settings: Any
) -> None:
    from tests.live.asgi_server import serving

    settings.MOIM_LIVE_BACKEND = "memory"
    plenary = build_plenary(organization, 3)
    _decision, poll = motion(plenary, organization, chair)
    client = Client()
    client.force_login(plenary.users[0])
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/sitting/ballot/" in r.url else None)

    with serving() as served:
        base = f"http://127.0.0.1:{served.port}"
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": base,
                }
            ]
        )
        page.goto(f"{base}/en/governance/{plenary.assembly.edition}/sitting/")
        ballot = page.locator("#ballot")
        ballot.get_by_text("No vote is open for you right now.").wait_for(timeout=GUARD_MS)
        page.wait_for_function("window.htmx !== undefined")
        page.wait_for_timeout(500)  # the floor part's stream opens

        services.open_poll(poll=poll, by=chair)
        ballot.get_by_role("button", name="Cast the ballot").wait_for(timeout=GUARD_MS)
        asked_while_open = len(asked)
        services.close_poll(poll=poll, by=chair)
        ballot.get_by_text("No vote is open for you right now.").wait_for(timeout=GUARD_MS)
        page.goto("about:blank")  # hang up before the server stops

    # One request when the poll opened and one when it closed, after the stream's word.
    assert asked_while_open == 1
    assert len(asked) == 2

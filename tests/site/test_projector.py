"""The projector: its state, its event stream, and a browser that follows the chair live."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moim import live
from moim.live.sse import event_stream
from moim.members.models import Organization
from tests.governance.conftest import build_plenary
from tests.site.publication_plenary import finish, open_motion, vote_motion


def test_projector_state_shows_the_open_poll_and_its_turnout(
    client: Client, organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 12)
    open_motion(organization, plenary, chair)

    page = client.get("/en/projector/5/state/").content.decode()

    assert "Adopt the 2030 Master Plan" in page
    assert "Voting is open" in page
    assert "0 of 12 members have voted" in page


def test_projector_state_shows_turnout_then_the_published_verdict(
    client: Client, organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 12)
    poll = open_motion(organization, plenary, chair)
    vote_motion(plenary, poll)
    during = client.get("/en/projector/5/state/").content.decode()

    finish(poll, chair)
    after = client.get("/en/projector/5/state/").content.decode()

    assert "12 of 12 members have voted" in during
    assert "Adopted" not in during
    assert 'class="verdict verdict--adopted" data-verdict>Adopted' in after
    assert "Voting is open" not in after


def test_projector_page_loads_its_script_from_static_files_only(
    client: Client, organization: Organization
) -> None:
    build_plenary(organization, 2)

    page = client.get("/en/projector/5/").content.decode()

    assert 'src="/static/site/projector.js' in page
    assert "<script>" not in page
    assert 'data-events-url="/en/projector/5/events/"' in page


def test_event_stream_sends_an_event_published_after_it_subscribed() -> None:
    stream = event_stream(live.assembly_channel(99), heartbeat=0.2, lifetime=5)
    opening = next(stream)

    live.publish(live.assembly_channel(99), poll=7, state="closed")
    live.publish(live.assembly_channel(98), poll=8, state="open")  # another assembly
    update = next(stream)
    stream.close()

    assert opening.startswith(b"retry: 1000\n")
    # The event, not a keepalive: it was waiting for the stream, which sends it first.
    assert update == b'event: update\ndata: {"poll": 7, "state": "closed"}\n\n'


def test_event_stream_keeps_the_connection_alive_when_nothing_happens() -> None:
    stream = event_stream(live.assembly_channel(97), heartbeat=0.05, lifetime=5)
    next(stream)

    assert next(stream) == b": keepalive\n\n"
    stream.close()


def test_governance_announces_a_closed_poll_after_commit(
    organization: Organization, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    plenary = build_plenary(organization, 4)
    poll = open_motion(organization, plenary, chair)
    subscription = live.subscribe(live.assembly_channel(plenary.assembly.pk))

    with django_capture_on_commit_callbacks(execute=True):
        from moim.governance import services

        services.close_poll(poll=poll, by=chair)

    assert subscription.get(timeout=1) == [f'{{"poll": {poll.pk}, "state": "closed"}}']


# A guard against a test hanging, never a wait for something to happen: each browser test waits
# for what the page shows, and for the requests it makes.
GUARD_MS = 15_000


def streams_opened(page: Any) -> list[str]:
    """The projector streams `page` opens, in order, as its requests leave."""
    opened: list[str] = []
    page.on(
        "request", lambda request: opened.append(request.url) if "/events/" in request.url else None
    )
    return opened


def open_projector(page: Any, url: str) -> None:
    """Open the projector and wait until its stream is open and subscribed: under the
    development server the page fetches its state when the stream opens, and the stream
    subscribes before it answers."""
    with page.expect_response(lambda response: "/state/" in response.url, timeout=GUARD_MS):
        page.goto(url)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_projector_shows_the_result_the_chair_publishes_through_its_open_stream(
    live_server: Any, page: Any, organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 12)
    poll = open_motion(organization, plenary, chair)
    vote_motion(plenary, poll)
    opened = streams_opened(page)
    open_projector(page, f"{live_server.url}/en/projector/5/")
    page.get_by_text("12 of 12 members have voted").wait_for(timeout=GUARD_MS)
    marker = page.evaluate("window.__projectorLoaded = 'same page'")

    finish(poll, chair)  # the chair closes, counts and publishes, in its own session
    page.locator("[data-verdict]").get_by_text("Adopted").wait_for(timeout=GUARD_MS)

    # The change came through the stream the page opened, not a reload or a new stream.
    assert len(opened) == 1
    assert page.evaluate("window.__projectorLoaded") == "same page"
    assert marker == "same page"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_projector_recovers_after_its_stream_drops(
    live_server: Any, page: Any, organization: Organization, chair: Any, settings: Any
) -> None:
    # Every stream ends after half a second, as a dropped connection would: the page must
    # reconnect and fetch the state it missed meanwhile.
    settings.MOIM_LIVE_STREAM_LIFETIME = 0.5
    plenary = build_plenary(organization, 12)
    poll = open_motion(organization, plenary, chair)
    opened = streams_opened(page)
    open_projector(page, f"{live_server.url}/en/projector/5/")
    page.get_by_text("0 of 12 members have voted").wait_for(timeout=GUARD_MS)
    page.evaluate("window.__projectorLoaded = 'same page'")

    vote_motion(plenary, poll)
    page.get_by_text("12 of 12 members have voted").wait_for(timeout=GUARD_MS)
    # At least one more drop: a new stream opened, and the state fetched once it was open.
    before = len(opened)
    with page.expect_response(
        lambda response: "/state/" in response.url and len(opened) > before, timeout=GUARD_MS
    ):
        pass
    finish(poll, chair)

    page.locator("[data-verdict]").get_by_text("Adopted").wait_for(timeout=GUARD_MS)
    assert len(opened) > before
    assert page.evaluate("window.__projectorLoaded") == "same page"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_chair_console_in_another_session_drives_the_projector(
    live_server: Any, browser: Any, page: Any, organization: Organization, chair: Any
) -> None:
    from django.conf import settings
    from django.test import Client

    plenary = build_plenary(organization, 12)
    poll = open_motion(organization, plenary, chair)
    vote_motion(plenary, poll)
    chair_client = Client()
    chair_client.force_login(chair)
    chair_context = browser.new_context(locale="en-GB")
    chair_context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": chair_client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    console = chair_context.new_page()
    console.goto(f"{live_server.url}/en/governance/poll/{poll.pk}/console/")
    opened = streams_opened(page)
    open_projector(page, f"{live_server.url}/en/projector/5/")
    page.get_by_text("12 of 12 members have voted").wait_for(timeout=GUARD_MS)
    page.evaluate("window.__projectorLoaded = 'same page'")

    console.get_by_role("button", name="Close the poll").click()
    console.get_by_role("button", name="Yes, close the poll").click()
    page.get_by_text("Voting is closed").wait_for(timeout=GUARD_MS)
    console.get_by_role("button", name="Count").click()
    console.get_by_role("button", name="Publish").click()
    console.get_by_role("button", name="Yes, publish the result").click()
    page.locator("[data-verdict]").get_by_text("Adopted").wait_for(timeout=GUARD_MS)
    chair_context.close()

    # Both changes came through the one stream the projector opened, with no reload.
    assert len(opened) == 1
    assert page.evaluate("window.__projectorLoaded") == "same page"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_projector_under_asgi_shows_each_pushed_state_without_fetching_it(
    page: Any, organization: Organization, chair: Any, settings: Any
) -> None:
    from tests.live.asgi_server import serving

    settings.MOIM_LIVE_BACKEND = "memory"
    plenary = build_plenary(organization, 12)
    poll = open_motion(organization, plenary, chair)
    fetched: list[str] = []
    page.on(
        "request", lambda request: fetched.append(request.url) if "/state/" in request.url else None
    )

    with serving() as served:
        # The stream greets the page with the state when it opens: no fetch.
        page.goto(f"http://127.0.0.1:{served.port}/en/projector/5/")
        page.get_by_text("0 of 12 members have voted").wait_for(timeout=GUARD_MS)
        page.evaluate("window.__projectorLoaded = 'same page'")

        vote_motion(plenary, poll)
        page.get_by_text("12 of 12 members have voted").wait_for(timeout=GUARD_MS)
        finish(poll, chair)
        page.locator("[data-verdict]").get_by_text("Adopted").wait_for(timeout=GUARD_MS)
        loaded = page.evaluate("window.__projectorLoaded")
        page.goto("about:blank")  # hang up before the server stops

    assert loaded == "same page"
    assert fetched == []  # the opening state and every change came in the stream


def test_projector_shows_a_ranked_election_round_after_round(
    client: Client, organization: Organization, chair: Any
) -> None:
    from tests.site.publication_plenary import publish_plenary

    published = publish_plenary(organization, chair)

    page = client.get("/en/projector/5/state/").content.decode()

    assert "Election of the President" in page
    assert 'class="poll-result poll-result--projector"' in page
    assert page.count('<li class="round">') == 2
    assert page.index("Round 1") < page.index("Round 2")
    assert f"Elected: {published.plenary.members[1].name_en}" in page


def run_apart(coroutine: Any) -> Any:
    """Run a coroutine to its end in a thread of its own: the browser tests' Playwright keeps
    an event loop running in the test thread."""
    import asyncio
    import threading

    outcome: list[Any] = []
    thread = threading.Thread(target=lambda: outcome.append(asyncio.run(coroutine())))
    thread.start()
    thread.join(timeout=10)
    return outcome[0]


def test_async_event_stream_serves_an_asgi_server_event_by_event() -> None:
    import asyncio

    from moim.live.sse import async_event_stream

    async def read() -> tuple[bytes, bytes]:
        stream = async_event_stream(live.assembly_channel(96), heartbeat=1, lifetime=5)
        opening = await anext(stream)
        live.publish(live.assembly_channel(96), poll=3, state="open")
        update = await asyncio.wait_for(anext(stream), timeout=1)
        await stream.aclose()
        return opening, update

    opening, update = run_apart(read)

    assert opening.startswith(b"retry: 1000")
    assert update == b'event: update\ndata: {"poll": 3, "state": "open"}\n\n'


@pytest.mark.django_db(transaction=True)
def test_projector_events_under_asgi_stream_asynchronously(organization: Organization) -> None:
    from django.test import AsyncClient

    build_plenary(organization, 2)

    async def first_chunk() -> tuple[Any, bytes]:
        response = await AsyncClient().get("/en/projector/5/events/")
        stream = aiter(response.streaming_content)
        chunk = await anext(stream)
        await stream.aclose()  # type: ignore[attr-defined]
        return response, chunk

    response, first = run_apart(first_chunk)

    assert response.is_async
    assert response["Content-Type"] == "text/event-stream"
    assert first.startswith(b"retry: 1000")

"""The live hub under a real ASGI server: one subscription per process for hundreds of screens,
each change rendered once and pushed in the event itself."""

from __future__ import annotations

import asyncio
import json
import threading
import urllib.request
from typing import Any

import pytest
from django.core.cache import cache

from moim import live
from moim.live import brokers
from moim.live.hub import STATE, Event, Stream
from moim.live.sse import process_streams, sse_event
from moim.members.models import Organization
from tests.governance.conftest import build_plenary
from tests.live.asgi_server import (
    Served,
    greeted,
    next_event,
    next_events,
    open_stream,
    run_in_thread,
    serving,
)
from tests.site.publication_plenary import open_motion, vote_motion

pytestmark = pytest.mark.django_db(transaction=True)

EN, KO = "/en/projector/5/events/", "/ko/projector/5/events/"


@pytest.fixture(autouse=True)
def _roomy(settings: Any) -> Any:
    # Every test client comes from 127.0.0.1.
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 10_000
    settings.MOIM_LIVE_BACKEND = "memory"
    cache.clear()
    yield
    cache.clear()


def fetch(served: Served, path: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{served.port}{path}", timeout=30) as page:
        return str(page.read().decode())


def test_sse_event_puts_each_line_of_its_data_on_a_data_line() -> None:
    event = sse_event("state", "<p>\n  one\r\n  two\rthree</p>")

    assert event == (b"event: state\ndata: <p>\ndata:   one\ndata:   two\ndata: three</p>\n\n")


def test_a_slow_stream_keeps_only_the_newest_state() -> None:
    async def push_then_read() -> list[Event]:
        stream = Stream("assembly:1", "en")
        for n in range(100):
            stream.push(Event(STATE, f"state {n}"))
        return await stream.next(timeout=1)

    # A loop of its own thread: a browser test may have left Playwright's loop in this one.
    assert run_in_thread(push_then_read) == [Event(STATE, "state 99")]


async def until(reader: asyncio.StreamReader, text: str) -> str:
    """The first state that shows `text` (earlier states are skipped, as a screen shows them
    and moves on)."""
    while text not in (state := await next_event(reader, "state", timeout=30)):
        pass
    return state


def test_five_hundred_streams_share_one_subscription_and_one_render_per_change(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 12)
    poll = open_motion(organization, plenary, chair)
    channel = live.assembly_channel(plenary.assembly.pk)
    threads_before = threading.active_count()

    with serving() as served:

        async def clients() -> dict[str, Any]:
            english = await asyncio.gather(*(open_stream(served.port, EN) for _ in range(400)))
            korean = await asyncio.gather(*(open_stream(served.port, KO) for _ in range(100)))
            streams = english + korean
            hub = served.hub()
            assert hub is not None
            seen: dict[str, Any] = {
                "hub_streams": served.call(lambda: hub.streams),
                "listeners": brokers.memory_broker().listeners(),
                "subscriptions": hub.subscriptions,
                "threads": threading.active_count(),
            }
            # Ballots are cast in another thread, as requests would; each commit publishes.
            await asyncio.to_thread(vote_motion, plenary, poll)
            await asyncio.gather(*(until(reader, 'value="12"') for reader, _, _ in streams))
            await asyncio.to_thread(served.settle)
            # Then one change, one event: one render per language, whatever the streams.
            before = hub.renders
            live.publish(channel, poll=poll.pk, state="open")
            states = await asyncio.gather(
                *(next_event(reader, "state", timeout=30) for reader, _, _ in streams)
            )
            await asyncio.to_thread(served.settle)
            for _, writer, _ in streams:
                writer.close()
            return {
                **seen,
                "english": states[:400],
                "korean": states[400:],
                "renders": hub.renders - before,
            }

        seen = run_in_thread(clients)
        english_page = fetch(served, "/en/projector/5/state/")
        korean_page = fetch(served, "/ko/projector/5/state/")

    assert seen["hub_streams"] == 500
    assert seen["subscriptions"] == 1
    assert seen["listeners"] == 1
    # No thread per stream: the server's loop, its render threads and a few of asgiref's.
    assert seen["threads"] - threads_before < 20
    assert seen["renders"] == 2
    assert set(seen["english"]) == {english_page}
    assert set(seen["korean"]) == {korean_page}
    assert "12 of 12 members have voted" in english_page
    assert english_page != korean_page


def test_a_burst_of_a_hundred_events_costs_a_handful_of_renders(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 4)
    open_motion(organization, plenary, chair)
    channel = live.assembly_channel(plenary.assembly.pk)

    with serving() as served:

        async def clients() -> tuple[int, list[str]]:
            streams = await asyncio.gather(*(open_stream(served.port, EN) for _ in range(200)))
            await greeted(streams)
            await asyncio.to_thread(served.settle)
            hub = served.hub()
            assert hub is not None
            before = hub.renders
            for n in range(100):
                live.publish(channel, poll=n)
            states = await asyncio.gather(
                *(next_event(reader, "state", timeout=30) for reader, _, _ in streams)
            )
            # The last render of the burst, if one is pending, lands within the next few events.
            for _, writer, _ in streams:
                writer.close()
            return hub.renders - before, states

        renders, states = run_in_thread(clients)

    assert 1 <= renders <= 3
    assert all("0 of 4 members have voted" in state for state in states)


def test_opening_screens_are_greeted_with_the_state_at_the_cost_of_one_render(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 4)
    open_motion(organization, plenary, chair)

    with serving() as served:

        async def clients() -> dict[str, Any]:
            # Before any stream, nothing is rendered: the first ones share one render.
            first = await asyncio.gather(*(open_stream(served.port, EN) for _ in range(300)))
            greetings = await asyncio.gather(
                *(next_event(reader, "state", timeout=30) for reader, _, _ in first)
            )
            await asyncio.to_thread(served.settle)
            hub = served.hub()
            assert hub is not None
            renders_after_first = hub.renders
            # While that rendering is fresh and nothing changed, more screens cost no render.
            later = await asyncio.gather(*(open_stream(served.port, EN) for _ in range(100)))
            later_greetings = await asyncio.gather(
                *(next_event(reader, "state", timeout=30) for reader, _, _ in later)
            )
            renders_after_later = hub.renders
            for _, writer, _ in first + later:
                writer.close()
            return {
                "greetings": greetings,
                "later": later_greetings,
                "renders_after_first": renders_after_first,
                "renders_after_later": renders_after_later,
            }

        seen = run_in_thread(clients)
        page = fetch(served, "/en/projector/5/state/")

    assert seen["renders_after_first"] == 1
    assert seen["renders_after_later"] == 1
    assert set(seen["greetings"]) == {page}
    assert set(seen["later"]) == {page}
    assert "0 of 4 members have voted" in page


def test_events_without_a_renderer_still_reach_the_stream_as_updates(
    organization: Organization,
) -> None:
    from moim.live.sse import hub_event_stream

    async def read() -> str:
        stream = hub_event_stream("assembly:77", language="en", heartbeat=5, lifetime=5)
        await anext(stream)
        live.publish("assembly:77", poll=3)
        update = await asyncio.wait_for(anext(stream), timeout=2)
        await stream.aclose()
        return update.decode()

    assert run_in_thread(read) == 'event: update\ndata: {"poll": 3}\n\n'


def test_a_stream_of_topics_hears_only_the_events_that_name_one_and_the_hubs_refresh(
    organization: Organization,
) -> None:
    from moim.live.hub import hub
    from moim.live.sse import hub_event_stream

    async def read() -> list[str]:
        stream = hub_event_stream(
            "assembly:79", language="en", topics=frozenset({"floor"}), heartbeat=5, lifetime=5
        )
        await anext(stream)
        for _ in range(20):
            live.publish("assembly:79", poll=3, turnout=True)
        live.publish("assembly:79", floor=2)
        first = await asyncio.wait_for(anext(stream), timeout=2)
        hub()._refresh_all()  # as after the broker's connection came back
        second = await asyncio.wait_for(anext(stream), timeout=2)
        await stream.aclose()
        return [first.decode(), second.decode()]

    assert run_in_thread(read) == [
        'event: update\ndata: {"floor": 2}\n\n',
        'event: update\ndata: {"reconnected": true}\n\n',
    ]


def test_the_sitting_pages_stream_carries_floor_and_poll_changes_not_each_ballot(
    organization: Organization,
) -> None:
    """2,000 delegates on the sitting page during a vote: each ballot's turnout event would be
    written to every one of their streams (the page does nothing with it)."""
    plenary = build_plenary(organization, 2)
    channel = live.assembly_channel(plenary.assembly.pk)
    path_ = f"/en/floor/{plenary.assembly.edition}/events/"

    with serving() as served:

        async def client() -> tuple[int, list[Any]]:
            reader, writer, received = await open_stream(served.port, path_)
            for _ in range(100):
                live.publish(channel, poll=7, turnout=True)
            live.publish(channel, projector=3)
            live.publish(channel, poll=7, state="closed")
            live.publish(channel, floor=4)
            heard = [json.loads(d) for d in await next_events(reader, "update", 2, timeout=10)]
            writer.close()
            return received.status, heard

        status, heard = run_in_thread(client)

    assert status == 200
    assert heard == [{"poll": 7, "state": "closed"}, {"floor": 4}]


def test_a_page_answers_while_five_hundred_streams_are_open(organization: Organization) -> None:
    build_plenary(organization, 2)

    with serving() as served:

        async def clients() -> tuple[list[str], int, int]:
            streams = await asyncio.gather(*(open_stream(served.port, EN) for _ in range(500)))
            # Each page is asked for while every stream is open; a loop the streams held up
            # would never answer it (the request's timeout guards the test).
            pages = [await asyncio.to_thread(fetch, served, "/en/") for _ in range(3)]
            held = process_streams()
            for _, writer, _ in streams:
                writer.close()
            return pages, held, len(streams)

        pages, held, opened = run_in_thread(clients)

    assert opened == held == 500
    assert all(organization.name_en in page for page in pages)


def test_the_process_cap_answers_503_with_retry_after(
    organization: Organization, settings: Any
) -> None:
    build_plenary(organization, 2)
    settings.MOIM_LIVE_STREAMS_PER_PROCESS = 3

    with serving() as served:

        async def clients() -> tuple[list[int], str, int]:
            held = [await open_stream(served.port, EN) for _ in range(3)]
            _, _, refused = await open_stream(served.port, EN)
            counted = process_streams()
            for _, writer, _ in held:
                writer.close()
            return [r.status for _, _, r in held], refused.headers, counted

        statuses, refused, counted = run_in_thread(clients)

    assert statuses == [200, 200, 200]
    assert refused.startswith("HTTP/1.1 503")
    assert "retry-after: 10" in refused.lower()
    assert counted == 3

"""Live streams cannot exhaust the server: a limit per client address and a lifetime each."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import connections
from django.test import Client

from moim.live.hub import stop_render_threads
from moim.live.sse import open_streams, process_streams, stream_deadline
from moim.members.models import Organization
from tests.governance.conftest import build_plenary

EVENTS = "/en/projector/5/events/"
# The stream view hands its database connection back before streaming, which a test wrapped in
# one transaction would not survive.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_streams_counted() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


class _LooplessClient(Client):
    """The test client, each request served in a thread of its own, as the development server
    serves it: the stream view is async, and a browser test earlier in this process leaves
    Playwright's event loop on the test's thread, where Django could not run it."""

    def get(self, *args: Any, **kwargs: Any) -> Any:
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(super().get, *args, **kwargs).result()


@pytest.fixture
def client() -> Client:
    return _LooplessClient()


@pytest.fixture
def assembly(organization: Organization) -> Any:
    return build_plenary(organization, 2)


def test_one_address_opens_streams_up_to_the_limit_and_then_gets_429(
    client: Client, assembly: Any, settings: Any
) -> None:
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 2

    first, second = client.get(EVENTS), client.get(EVENTS)
    refused = client.get(EVENTS)

    assert first["Content-Type"] == second["Content-Type"] == "text/event-stream"
    assert refused.status_code == 429
    assert "Too many live streams are open from your address (at most 2)" in (
        refused.content.decode()
    )
    assert refused["Retry-After"] == "30"
    assert open_streams("127.0.0.1") == 2
    first.close()
    second.close()


def test_a_closed_stream_gives_its_place_back(client: Client, assembly: Any, settings: Any) -> None:
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 1
    first = client.get(EVENTS)
    assert client.get(EVENTS).status_code == 429

    first.close()
    again = client.get(EVENTS)

    assert again["Content-Type"] == "text/event-stream"
    assert open_streams("127.0.0.1") == 1
    again.close()
    assert open_streams("127.0.0.1") == 0


def test_another_address_is_not_held_back_by_a_busy_one(
    client: Client, assembly: Any, settings: Any
) -> None:
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 1
    busy = client.get(EVENTS, REMOTE_ADDR="203.0.113.5")

    other = client.get(EVENTS, REMOTE_ADDR="198.51.100.8")

    assert other["Content-Type"] == "text/event-stream"
    assert client.get(EVENTS, REMOTE_ADDR="203.0.113.5").status_code == 429
    busy.close()
    other.close()


def test_behind_a_proxy_the_limit_counts_each_client_not_the_proxy(
    client: Client, assembly: Any, settings: Any
) -> None:
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 1
    settings.MOIM_CLIENT_IP_HEADER = "X-Forwarded-For"
    one = client.get(EVENTS, HTTP_X_FORWARDED_FOR="203.0.113.5")

    two = client.get(EVENTS, HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert two["Content-Type"] == "text/event-stream"
    assert open_streams("203.0.113.5") == open_streams("203.0.113.6") == 1
    one.close()
    two.close()


def test_a_stream_ends_after_its_lifetime_and_frees_its_place(
    client: Client, assembly: Any, settings: Any
) -> None:
    settings.MOIM_LIVE_STREAM_LIFETIME = 0.3

    response = client.get(EVENTS)
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    response.close()

    # The opening, then at most the one wait its lifetime left: a stream that outlived it would
    # have sent a heartbeat every 15 s.
    assert body.startswith(b"retry: 1000\n: connected\n\n")
    assert body.removeprefix(b"retry: 1000\n: connected\n\n") in (b"", b": keepalive\n\n")
    assert open_streams("127.0.0.1") == 0


def test_under_asgi_a_stream_counts_and_gives_its_place_back(assembly: Any, settings: Any) -> None:
    from django.test import AsyncClient

    from tests.site.test_projector import run_apart

    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 1

    async def open_two() -> tuple[Any, bytes, int]:
        client = AsyncClient()
        response = await client.get(EVENTS)
        stream = aiter(response.streaming_content)
        chunk = await anext(stream)
        refused = await client.get(EVENTS)
        held = open_streams("127.0.0.1")
        # The handler closes the response when its stream ends, as a disconnect would.
        await stream.aclose()  # type: ignore[attr-defined]
        return refused, chunk, held

    refused, first, held = run_apart(open_two)

    assert first.startswith(b"retry: 1000")
    assert refused.status_code == 429
    assert held == 1
    assert open_streams("127.0.0.1") == 0


def test_one_process_holds_streams_up_to_its_cap_and_then_answers_503(
    client: Client, assembly: Any, settings: Any
) -> None:
    settings.MOIM_LIVE_STREAMS_PER_PROCESS = 2
    first = client.get(EVENTS, REMOTE_ADDR="203.0.113.5")
    second = client.get(EVENTS, REMOTE_ADDR="198.51.100.8")

    refused = client.get(EVENTS, REMOTE_ADDR="192.0.2.44")  # an address with no stream yet

    assert first["Content-Type"] == second["Content-Type"] == "text/event-stream"
    assert refused.status_code == 503
    assert refused["Retry-After"] == "10"
    assert "as many live streams as it can" in refused.content.decode()
    assert process_streams() == 2
    assert open_streams("192.0.2.44") == 0  # refused before its address counted it
    first.close()
    third = client.get(EVENTS, REMOTE_ADDR="192.0.2.44")
    assert third["Content-Type"] == "text/event-stream"
    second.close()
    third.close()
    assert process_streams() == 0


def test_under_asgi_the_process_cap_answers_503_and_a_closed_stream_frees_its_place(
    assembly: Any, settings: Any
) -> None:
    from django.test import AsyncClient

    from tests.site.test_projector import run_apart

    settings.MOIM_LIVE_STREAMS_PER_PROCESS = 1

    async def open_two() -> tuple[Any, int, Any]:
        client = AsyncClient()
        response = await client.get(EVENTS)
        stream = aiter(response.streaming_content)
        await anext(stream)
        refused = await client.get(EVENTS, REMOTE_ADDR="198.51.100.8")
        held = process_streams()
        await stream.aclose()  # type: ignore[attr-defined]
        await sync_to_async(response.close)()  # as the ASGI handler does
        again = await client.get(EVENTS, REMOTE_ADDR="198.51.100.8")
        await aiter(again.streaming_content).aclose()  # type: ignore[attr-defined]
        await sync_to_async(again.close)()
        # The views' database work ran in a thread of this loop: let its connection go, so
        # that the test database can be dropped at the end.
        await sync_to_async(connections.close_all)()
        return refused, held, again

    try:
        refused, held, again = run_apart(open_two)
    finally:
        stop_render_threads()  # the greeting's render thread holds a connection too

    assert refused.status_code == 503
    assert held == 1
    assert again["Content-Type"] == "text/event-stream"
    assert process_streams() == 0


def test_streams_opened_together_end_spread_over_the_last_fifth_of_their_lifetime() -> None:
    """A hall's pages opened together reconnect apart, not as a herd every lifetime."""
    opened = time.monotonic()
    ends = [stream_deadline(300.0) - opened for _ in range(200)]
    assert all(240.0 <= end <= 300.5 for end in ends)
    assert max(ends) - min(ends) > 30.0


SITTING_EVENTS = "/en/floor/5/events/"


def _signed_in(user: Any) -> Client:
    client = _LooplessClient()
    client.force_login(user)
    return client


def test_a_hall_of_delegates_behind_one_address_all_hold_their_sitting_stream(
    organization: Organization, settings: Any
) -> None:
    """Conference Wi-Fi puts a whole hall behind one NAT address: each signed-in delegate's
    stream counts against their account, so the address limit does not shut out the 3rd."""
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 2
    plenary = build_plenary(organization, 3)
    hall = "203.0.113.7"

    streams = [_signed_in(user).get(SITTING_EVENTS, REMOTE_ADDR=hall) for user in plenary.users]

    assert [s["Content-Type"] for s in streams] == ["text/event-stream"] * 3
    assert open_streams(hall) == 0
    for user in plenary.users:
        assert open_streams(f"user:{user.pk}") == 1
    for stream in streams:
        stream.close()
    assert [open_streams(f"user:{user.pk}") for user in plenary.users] == [0, 0, 0]


def test_one_account_opens_streams_up_to_its_limit_whatever_its_addresses(
    organization: Organization, settings: Any
) -> None:
    settings.MOIM_LIVE_STREAMS_PER_USER = 2
    user = build_plenary(organization, 1).users[0]
    client = _signed_in(user)

    held = [client.get(SITTING_EVENTS, REMOTE_ADDR=f"198.51.100.{n}") for n in (1, 2)]
    refused = client.get(SITTING_EVENTS, REMOTE_ADDR="198.51.100.3")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert "Too many live streams are open for your account (at most 2)" in (
        refused.content.decode()
    )
    for stream in held:
        stream.close()
    assert open_streams(f"user:{user.pk}") == 0


def test_anonymous_screens_still_count_against_their_address(
    organization: Organization, settings: Any
) -> None:
    settings.MOIM_LIVE_STREAMS_PER_ADDRESS = 1
    build_plenary(organization, 1)
    client = _LooplessClient()
    held = client.get(SITTING_EVENTS, REMOTE_ADDR="192.0.2.9")

    assert client.get(SITTING_EVENTS, REMOTE_ADDR="192.0.2.9").status_code == 429
    held.close()

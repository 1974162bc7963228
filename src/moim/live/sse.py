"""A server-sent event stream of one channel, as a streaming Django response.

Works under the threaded development server and the test live server (each stream holds one
thread) and under an ASGI server. The stream ends after its lifetime (MOIM_LIVE_STREAM_LIFETIME
seconds); the browser's EventSource reconnects after `retry` milliseconds and the page fetches a
fresh snapshot.

Each open stream holds a thread or a connection, so one client address may hold at most
MOIM_LIVE_STREAMS_PER_ADDRESS at once; one more is refused with 429. The count lives in the
cache (Redis when several processes serve, so the limit holds across them), each count expiring
a minute after a stream's lifetime so that a process that dies cannot leave slots taken.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.translation import gettext

from moim.live.brokers import subscribe
from moim.net import client_address

RETRY_MS = 1000
HEARTBEAT_SECONDS = 15.0
SLOT_PREFIX = "moim:live:streams:"


def stream_lifetime() -> float:
    return float(settings.MOIM_LIVE_STREAM_LIFETIME)


def event_stream(
    channel: str, *, heartbeat: float | None = None, lifetime: float | None = None
) -> Generator[bytes]:
    heartbeat = HEARTBEAT_SECONDS if heartbeat is None else heartbeat
    lifetime = stream_lifetime() if lifetime is None else lifetime
    # Subscribe before the first byte leaves: the page fetches its snapshot when the stream
    # opens, so nothing published after that moment can be missed.
    subscription = subscribe(channel)
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n".encode()
        deadline = time.monotonic() + lifetime
        while time.monotonic() < deadline:
            events = subscription.get(timeout=min(heartbeat, max(deadline - time.monotonic(), 0)))
            if not events:
                yield b": keepalive\n\n"
                continue
            for data in events:
                yield f"event: update\ndata: {data}\n\n".encode()
    finally:
        subscription.close()


async def async_event_stream(
    channel: str, *, heartbeat: float | None = None, lifetime: float | None = None
) -> AsyncIterator[bytes]:
    """The same stream for an ASGI server, which would otherwise read a synchronous iterator
    to its end before sending anything. Each wait runs in a worker thread."""
    stream = event_stream(channel, heartbeat=heartbeat, lifetime=lifetime)
    step = sync_to_async(_next_or_none, thread_sensitive=False)
    try:
        while (chunk := await step(stream)) is not None:
            yield chunk
    finally:
        await sync_to_async(stream.close, thread_sensitive=False)()


def _next_or_none(stream: Iterator[bytes]) -> bytes | None:
    return next(stream, None)


# --- the per-address limit ----------------------------------------------------------------


def _slot_timeout() -> int:
    return int(stream_lifetime()) + 60


def take_stream_slot(address: str) -> bool:
    """Count one more stream for `address`; False (and nothing counted) past the limit."""
    key, timeout = SLOT_PREFIX + address, _slot_timeout()
    cache.add(key, 0, timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        count = 1
    cache.touch(key, timeout)
    if count > settings.MOIM_LIVE_STREAMS_PER_ADDRESS:
        give_back_stream_slot(address)
        return False
    return True


def give_back_stream_slot(address: str) -> None:
    key = SLOT_PREFIX + address
    try:
        if cache.decr(key) < 0:
            cache.set(key, 0, _slot_timeout())
    except ValueError:  # already expired: nothing to give back
        pass


def open_streams(address: str) -> int:
    return int(cache.get(SLOT_PREFIX + address, 0))


class _HeldStream:
    """A stream's content that gives its slot back when the response is closed, which both the
    WSGI and the ASGI handlers do when the stream ends or the client goes away."""

    def __init__(self, content: Any, release: Callable[[], None]) -> None:
        self._content = content
        self._release: Callable[[], None] | None = release
        self._lock = threading.Lock()

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._content)

    def __aiter__(self) -> AsyncIterator[bytes]:
        return aiter(self._content)

    def close(self) -> None:
        with self._lock:
            release, self._release = self._release, None
        if release is not None:
            release()
        if isinstance(self._content, Generator):
            self._content.close()


def too_many_streams() -> HttpResponse:
    response = HttpResponse(
        gettext(
            "Too many live streams are open from your address (at most %(limit)s). Close a "
            "projector or results window, then reload this one."
        )
        % {"limit": settings.MOIM_LIVE_STREAMS_PER_ADDRESS},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "30"
    return response


def sse_response(
    request: HttpRequest, channel: str, *, asynchronous: bool = False, **options: float
) -> HttpResponseBase:
    """The stream of `channel` for this request, or 429 when its address holds too many."""
    address = client_address(request)
    if not take_stream_slot(address):
        return too_many_streams()
    content = (
        async_event_stream(channel, **options) if asynchronous else event_stream(channel, **options)
    )
    response = StreamingHttpResponse(
        _HeldStream(content, lambda: give_back_stream_slot(address)),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response

"""A server-sent event stream of one channel, as a streaming Django response.

Two ways to serve it:

- `sse_response`, synchronous: under the threaded development server and the test live server
  each stream holds a thread and a subscription of its own, and sends every event's data as an
  `update` (the page then fetches its state);
- `hub_sse_response`, under an ASGI server: each stream is a buffer of the process's hub
  (`moim.live.hub`), which holds the one subscription and, given a renderer, sends each change
  as a `state` event carrying the HTML the page shows, rendered once for all its streams. The
  view runs on a thread like a page's (`moim.handlers`); its answer's content is asynchronous,
  so once the view returned no thread and no connection is held per stream.

The stream ends after its lifetime (MOIM_LIVE_STREAM_LIFETIME seconds, less up to a fifth at
random, so that streams opened together do not all reconnect together); the browser's
EventSource reconnects after `retry` milliseconds and the page fetches a fresh snapshot.

A signed-in person may hold at most MOIM_LIVE_STREAMS_PER_USER streams at once, whatever their
address (a hall of delegates on the venue's Wi-Fi often shares one NAT address); anyone else,
MOIM_LIVE_STREAMS_PER_ADDRESS per client address. One more is refused with 429. The count lives
in the cache (Redis when several processes serve, so the limit holds across them), each count
expiring a minute after a stream's lifetime so that a process that dies cannot leave slots
taken. One process holds at most MOIM_LIVE_STREAMS_PER_PROCESS streams; one more is refused
with 503 and Retry-After, which sends the browser (or the load balancer) to try again later, or
elsewhere.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from typing import Any

from asgiref.sync import SyncToAsync, sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.translation import gettext

from moim.live.brokers import subscribe
from moim.live.hub import Renderer, hub, topics_of
from moim.net import client_address

RETRY_MS = 1000
HEARTBEAT_SECONDS = 15.0
SLOT_PREFIX = "moim:live:streams:"


_LINE_END = re.compile(r"\r\n|\r|\n")


def stream_lifetime() -> float:
    return float(settings.MOIM_LIVE_STREAM_LIFETIME)


# Streams opened together (a hall joining the sitting, every screen after a restart) would end
# and reconnect together at every lifetime, each herd costing the server seconds of both cores:
# each stream ends at a random moment of the last fifth of its lifetime, and a herd spreads out.
LIFETIME_SPREAD = 0.2


def stream_deadline(lifetime: float) -> float:
    """When a stream opened now ends (`time.monotonic()`): after `lifetime` seconds, less a
    random share of up to LIFETIME_SPREAD of it."""
    return time.monotonic() + lifetime * (1 - LIFETIME_SPREAD * random.random())


def sse_event(kind: str, data: str) -> bytes:
    """One server-sent event: each line of `data` (SSE ends a line at CR, LF or CRLF) on a
    `data:` line of its own, which the browser joins again with newlines."""
    lines = "".join(f"data: {line}\n" for line in _LINE_END.split(data))
    return f"event: {kind}\n{lines}\n".encode()


def event_stream(
    channel: str,
    *,
    heartbeat: float | None = None,
    lifetime: float | None = None,
    topics: frozenset[str] | None = None,
) -> Generator[bytes]:
    """The events of `channel` as `update`s; with `topics`, only those that name one of them
    (as the hub's streams of topics, `moim.live.hub`)."""
    heartbeat = HEARTBEAT_SECONDS if heartbeat is None else heartbeat
    lifetime = stream_lifetime() if lifetime is None else lifetime
    # Subscribe before the first byte leaves: the page fetches its snapshot when the stream
    # opens, so nothing published after that moment can be missed.
    subscription = subscribe(channel)
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n".encode()
        deadline = stream_deadline(lifetime)
        while time.monotonic() < deadline:
            events = subscription.get(timeout=min(heartbeat, max(deadline - time.monotonic(), 0)))
            if not events:
                yield b": keepalive\n\n"
                continue
            for data in events:
                if topics is None or topics & topics_of(data):
                    yield sse_event("update", data)
    finally:
        subscription.close()


async def hub_event_stream(
    channel: str,
    *,
    language: str,
    renderer: Renderer | None = None,
    topics: frozenset[str] | None = None,
    heartbeat: float | None = None,
    lifetime: float | None = None,
) -> AsyncIterator[bytes]:
    """The stream of `channel` from the process's hub: no thread, no connection of its own."""
    heartbeat = HEARTBEAT_SECONDS if heartbeat is None else heartbeat
    deadline = stream_deadline(stream_lifetime() if lifetime is None else lifetime)
    owner = hub()
    _release_request_thread()
    # Attached (and the hub subscribed) before the first byte leaves, as in `event_stream`.
    stream = await owner.attach(channel, language, renderer, topics)
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n".encode()
        while (remaining := deadline - time.monotonic()) > 0:
            events = await stream.next(min(heartbeat, remaining))
            if not events:
                yield b": keepalive\n\n"
                continue
            yield b"".join(sse_event(event.kind, event.data) for event in events)
    finally:
        owner.detach(stream)


async def async_event_stream(
    channel: str,
    *,
    heartbeat: float | None = None,
    lifetime: float | None = None,
    topics: frozenset[str] | None = None,
) -> AsyncIterator[bytes]:
    """The threaded stream for an ASGI server, which would otherwise read a synchronous
    iterator to its end before sending anything; each wait runs in a worker thread. The
    projector uses `hub_event_stream` instead, which needs no thread at all."""
    stream = event_stream(channel, heartbeat=heartbeat, lifetime=lifetime, topics=topics)
    step = sync_to_async(_next_or_none, thread_sensitive=False)
    try:
        while (chunk := await step(stream)) is not None:
            yield chunk
    finally:
        await sync_to_async(stream.close, thread_sensitive=False)()


def _release_request_thread() -> None:
    """Let the thread that ran this request's synchronous middleware end now.

    Django serves each ASGI request in a `ThreadSensitiveContext`, whose single thread (it ran
    the sessions, the locale, the middleware's synchronous halves) otherwise waits, idle, until
    the response ends: for a stream that is minutes, and thousands of streams would hold
    thousands of threads. By the time the body is iterated every middleware has run; anything
    synchronous later (closing the response) gets a fresh thread, ended with the request.
    """
    context = SyncToAsync.thread_sensitive_context.get(None)
    executors = getattr(SyncToAsync, "context_to_thread_executor", None)
    if context is None or executors is None:
        return
    executor = executors.pop(context, None)
    if executor is not None:
        executor.shutdown(wait=False)


def _next_or_none(stream: Iterator[bytes]) -> bytes | None:
    return next(stream, None)


# --- the limit per account or address -----------------------------------------------------


def _slot_timeout() -> int:
    return int(stream_lifetime()) + 60


def stream_holder(request: HttpRequest) -> tuple[str, int]:
    """Whom a stream counts against, and how many they may hold: a signed-in person by their
    account, anyone else by their address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", int(settings.MOIM_LIVE_STREAMS_PER_USER)
    return client_address(request), int(settings.MOIM_LIVE_STREAMS_PER_ADDRESS)


def take_stream_slot(holder: str, limit: int) -> bool:
    """Count one more stream for `holder`; False (and nothing counted) past `limit`."""
    key, timeout = SLOT_PREFIX + holder, _slot_timeout()
    cache.add(key, 0, timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        count = 1
    cache.touch(key, timeout)
    if count > limit:
        give_back_stream_slot(holder)
        return False
    return True


def give_back_stream_slot(holder: str) -> None:
    key = SLOT_PREFIX + holder
    try:
        if cache.decr(key) < 0:
            cache.set(key, 0, _slot_timeout())
    except ValueError:  # already expired: nothing to give back
        pass


def open_streams(holder: str) -> int:
    """The streams `holder` holds: an address, or `user:<pk>` for a signed-in person."""
    return int(cache.get(SLOT_PREFIX + holder, 0))


# --- the per-process cap ------------------------------------------------------------------

_process_lock = threading.Condition()
_process_streams = 0


def take_process_slot() -> bool:
    """Count one more stream in this process; False (nothing counted) past the cap."""
    global _process_streams
    with _process_lock:
        if _process_streams >= settings.MOIM_LIVE_STREAMS_PER_PROCESS:
            return False
        _process_streams += 1
        return True


def give_back_process_slot() -> None:
    global _process_streams
    with _process_lock:
        _process_streams = max(_process_streams - 1, 0)
        _process_lock.notify_all()


def process_streams() -> int:
    with _process_lock:
        return _process_streams


def wait_for_streams_closed(timeout: float) -> bool:
    """Wait until this process holds no stream (a server shutting down, the tests)."""
    with _process_lock:
        return _process_lock.wait_for(lambda: _process_streams == 0, timeout)


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


def too_many_streams(holder: str, limit: int) -> HttpResponse:
    if holder.startswith("user:"):
        message = gettext(
            "Too many live streams are open for your account (at most %(limit)s). Close a "
            "window or tab of this site, then reload this one."
        )
    else:
        message = gettext(
            "Too many live streams are open from your address (at most %(limit)s). Close a "
            "projector or results window, then reload this one."
        )
    response = HttpResponse(
        message % {"limit": limit},
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "30"
    return response


def server_busy() -> HttpResponse:
    response = HttpResponse(
        gettext("This server holds as many live streams as it can. Try again in a moment."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "10"
    return response


def _streaming(content: Any, holder: str) -> StreamingHttpResponse:
    def release() -> None:
        give_back_process_slot()
        give_back_stream_slot(holder)

    response = StreamingHttpResponse(
        _HeldStream(content, release), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response


def sse_response(
    request: HttpRequest,
    channel: str,
    *,
    asynchronous: bool = False,
    topics: frozenset[str] | None = None,
    **options: float,
) -> HttpResponseBase:
    """The stream of `channel` for this request, or 503 when this process holds as many as it
    may, or 429 when its holder (the account, or the address) holds too many."""
    if not take_process_slot():
        return server_busy()
    holder, limit = stream_holder(request)
    if not take_stream_slot(holder, limit):
        give_back_process_slot()
        return too_many_streams(holder, limit)
    content = (
        async_event_stream(channel, topics=topics, **options)
        if asynchronous
        else event_stream(channel, topics=topics, **options)
    )
    return _streaming(content, holder)


def hub_sse_response(
    request: HttpRequest,
    channel: str,
    *,
    language: str,
    renderer: Renderer | None = None,
    topics: frozenset[str] | None = None,
    **options: float,
) -> HttpResponseBase:
    """`sse_response` under ASGI: the stream is the hub's (see the module's docstring). The
    view and this run on a thread like a page's; the response's content is asynchronous, and
    the server iterates it on the event loop, holding no thread while it waits."""
    if not take_process_slot():
        return server_busy()
    holder, limit = stream_holder(request)
    if not take_stream_slot(holder, limit):
        give_back_process_slot()
        return too_many_streams(holder, limit)
    content = hub_event_stream(
        channel, language=language, renderer=renderer, topics=topics, **options
    )
    return _streaming(content, holder)

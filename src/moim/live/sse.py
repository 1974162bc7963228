"""A server-sent event stream of one channel, as a streaming Django response.

Works under the threaded development server and the test live server (each stream holds one
thread) and under an ASGI server. The stream ends after `lifetime` seconds; the browser's
EventSource reconnects after `retry` milliseconds and the page fetches a fresh snapshot.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Generator, Iterator

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse

from moim.live.brokers import subscribe

RETRY_MS = 1000
HEARTBEAT_SECONDS = 15.0
LIFETIME_SECONDS = 300.0


def event_stream(
    channel: str, *, heartbeat: float | None = None, lifetime: float | None = None
) -> Generator[bytes]:
    heartbeat = HEARTBEAT_SECONDS if heartbeat is None else heartbeat
    lifetime = LIFETIME_SECONDS if lifetime is None else lifetime
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


def sse_response(
    channel: str, *, asynchronous: bool = False, **options: float
) -> StreamingHttpResponse:
    content = (
        async_event_stream(channel, **options) if asynchronous else event_stream(channel, **options)
    )
    response = StreamingHttpResponse(content, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response

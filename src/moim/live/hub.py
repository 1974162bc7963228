"""One subscription per process for every live stream served under ASGI, fanned out in memory.

A stream under an ASGI server holds no thread and no broker connection: it holds a `Stream`, a
small buffer in the event loop that the process's `Hub` fills. The hub subscribes ONCE, lazily
when the first stream opens:

- ``memory``: a listener on the in-process broker; `publish` runs in any thread, so the listener
  only hands each event to the loop (`loop.call_soon_threadsafe`);
- ``postgres``: one psycopg `AsyncConnection` doing ``LISTEN moim_live``;
- ``redis``: one redis.asyncio pubsub connection, ``PSUBSCRIBE moim:live:*``.

If that connection drops, the hub subscribes again with a growing delay (0.1 s up to 10 s); the
streams stay open, and once subscribed again every channel gets a fresh state, since events may
have been missed meanwhile.

A stream attached with a *renderer* (the projector) receives `state` events: the HTML fragment
its page shows, rendered by the hub ONCE per process, channel and language however many streams
listen, in a small pool of threads that hold the database connections. Bursts coalesce: while a
render runs, more events only mark the channel dirty, and one more render follows; so at most one
render runs and one waits per channel and language, and 200 ballots a second cost a few renders a
second. The event's own data (ids) never reaches such a stream: it sees only what the public
snapshot shows. A stream attached without a renderer receives the event's data as an `update`.

A new stream is greeted with the state at once: the newest rendering when it is fresh (no event
since, and younger than FRESH_SECONDS), else the render under way or a new one, shared with
every stream that opens meanwhile. So a screen needs no request of its own when it opens or
reconnects, and 2,000 screens opening at once cost one render, not 2,000 snapshot requests.

A stream attached with *topics* (the delegate's sitting page and the floor's pages) receives an
event's data only when the event names one of them (`{"floor": 4}` names "floor"), and the hub's
own `reconnected` refresh. During a vote every ballot announces the turnout; a page that shows
no turnout then costs nothing per ballot, where 2,000 such pages would otherwise each be written
200 events a second. The event is read once per process, whatever the number of streams.

A stream keeps at most the newest state and a few updates: a screen that reads slowly misses
intermediate states, and never holds up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections, connections

from moim.live import brokers

logger = logging.getLogger(__name__)

Renderer = Callable[[], str]
"""Draws a channel's current state as HTML, in a thread that may use the database."""

STATE = "state"
UPDATE = "update"
KEPT_UPDATES = 8
RENDER_THREADS = 2
READY_WAIT_SECONDS = 5.0
BACKOFF_FIRST, BACKOFF_MOST = 0.1, 10.0
# The hub's own connection names itself, to Redis (CLIENT LIST) and to PostgreSQL
# (pg_stat_activity.application_name), so that whoever runs the server can tell it apart.
REDIS_CLIENT_NAME = "moim-live-hub"
PG_APPLICATION_NAME = "moim-live-hub"
IDLE_CHECK_SECONDS = 30.0
# How long a rendering may greet new streams when no event has come since: a state that
# changes with the clock alone (the programme's current item) is never older than this.
FRESH_SECONDS = 5.0


@dataclass(frozen=True)
class Event:
    kind: str
    data: str


REFRESH_TOPIC = "reconnected"


def topics_of(data: str) -> frozenset[str]:
    """The names an event's data carries: the keys of its JSON object, else none."""
    try:
        found = json.loads(data)
    except ValueError:
        return frozenset()
    return frozenset(found) if isinstance(found, dict) else frozenset()


class Stream:
    """One open stream's buffer: the newest state and the last few updates."""

    def __init__(self, channel: str, language: str, topics: frozenset[str] | None = None) -> None:
        self.channel, self.language = channel, language
        self.topics = None if topics is None else topics | {REFRESH_TOPIC}
        self._pending: deque[Event] = deque(maxlen=KEPT_UPDATES)
        self._ready = asyncio.Event()

    def push(self, event: Event) -> None:
        if event.kind == STATE:
            # Only the newest state matters: an older one not yet sent is dropped.
            kept = [e for e in self._pending if e.kind != STATE]
            self._pending.clear()
            self._pending.extend(kept)
        self._pending.append(event)
        self._ready.set()

    async def next(self, timeout: float) -> list[Event]:
        """The events waiting, or after at most `timeout` seconds none."""
        if not self._pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), timeout)
        events = list(self._pending)
        self._pending.clear()
        self._ready.clear()
        return events


Key = tuple[str, str]  # channel, language


class Hub:
    """The streams of one event loop, and the one subscription that feeds them."""

    def __init__(self, loop: asyncio.AbstractEventLoop, backend: str) -> None:
        self.backend = backend
        self._loop = loop
        self._streams: dict[str, dict[str, set[Stream]]] = {}
        # Streams that hear only some events: channel → topics → streams.
        self._topical: dict[str, dict[frozenset[str], set[Stream]]] = {}
        self._renderers: dict[Key, Renderer] = {}
        self._rendering: dict[Key, asyncio.Task[None]] = {}
        self._dirty: set[Key] = set()
        # The newest rendering of each channel and language, and when it was made; dropped
        # when an event arrives for the channel.
        self._latest: dict[Key, tuple[float, str]] = {}
        self._listening: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        # What the tests and the operator read: subscriptions made (one, plus one per
        # reconnect), renders done, streams open.
        self.subscriptions = 0
        self.renders = 0

    # --- streams --------------------------------------------------------------------------

    @property
    def streams(self) -> int:
        by_language = sum(len(s) for group in self._streams.values() for s in group.values())
        by_topics = sum(len(s) for group in self._topical.values() for s in group.values())
        return by_language + by_topics

    async def attach(
        self,
        channel: str,
        language: str,
        renderer: Renderer | None = None,
        topics: frozenset[str] | None = None,
    ) -> Stream:
        """A new stream of `channel`, once the hub is subscribed (or, if the broker does not
        answer, after a few seconds: the stream then gets a fresh state when it does). With
        `topics` (and no renderer), it hears only the events that name one of them."""
        if topics is not None and renderer is not None:
            raise ValueError("A stream with a renderer hears every change of its channel.")
        stream = Stream(channel, language, topics)
        if stream.topics is not None:
            self._topical.setdefault(channel, {}).setdefault(stream.topics, set()).add(stream)
        else:
            self._streams.setdefault(channel, {}).setdefault(language, set()).add(stream)
        if renderer is not None:
            self._renderers.setdefault((channel, language), renderer)
            self._greet(stream, (channel, language))
        if self._listening is None:
            self._listening = self._loop.create_task(self._listen(), name="moim-live-hub")
        if not self._subscribed.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._subscribed.wait(), READY_WAIT_SECONDS)
        return stream

    def _greet(self, stream: Stream, key: Key) -> None:
        """Give a new stream the current state: the fresh rendering, or the next one."""
        if key in self._rendering:
            return  # the render under way reaches every stream of the key, this one too
        latest = self._latest.get(key)
        if latest is not None and time.monotonic() - latest[0] < FRESH_SECONDS:
            stream.push(Event(STATE, latest[1]))
        else:
            self._schedule(key)

    def detach(self, stream: Stream) -> None:
        if stream.topics is not None:
            groups = self._topical.get(stream.channel, {})
            group = groups.get(stream.topics, set())
            group.discard(stream)
            if not group:
                groups.pop(stream.topics, None)
            if not groups:
                self._topical.pop(stream.channel, None)
            return
        languages = self._streams.get(stream.channel, {})
        streams = languages.get(stream.language, set())
        streams.discard(stream)
        if not streams:
            languages.pop(stream.language, None)
            self._renderers.pop((stream.channel, stream.language), None)
            self._latest.pop((stream.channel, stream.language), None)
        if not languages:
            self._streams.pop(stream.channel, None)

    async def settled(self) -> None:
        """Return once no render runs or waits (for the tests and a clean shutdown)."""
        while self._rendering:
            await asyncio.gather(*self._rendering.values(), return_exceptions=True)

    async def close(self) -> None:
        """Stop listening (the streams end on their own)."""
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
            self._listening = None
        for task in list(self._rendering.values()):
            task.cancel()

    # --- events ---------------------------------------------------------------------------

    def deliver(self, channel: str, data: str) -> None:
        """An event of `channel` arrived: render its state, or pass its data on."""
        for language, streams in list(self._streams.get(channel, {}).items()):
            key = (channel, language)
            if key in self._renderers:
                self._latest.pop(key, None)
                self._schedule(key)
            else:
                event = Event(UPDATE, data)
                for stream in streams:
                    stream.push(event)
        groups = self._topical.get(channel)
        if groups:
            named = topics_of(data)
            event = Event(UPDATE, data)
            for topics, streams in list(groups.items()):
                if topics & named:
                    for stream in streams:
                        stream.push(event)

    def _refresh_all(self) -> None:
        """After a reconnect: events may have been missed, so every screen gets a fresh state."""
        for channel in {*self._streams, *self._topical}:
            self.deliver(channel, json.dumps({REFRESH_TOPIC: True}))

    def _schedule(self, key: Key) -> None:
        if key in self._rendering:
            self._dirty.add(key)
            return
        self._rendering[key] = self._loop.create_task(self._render(key))

    async def _render(self, key: Key) -> None:
        try:
            while True:
                self._dirty.discard(key)
                renderer = self._renderers.get(key)
                if renderer is None:
                    return
                try:
                    html = await self._loop.run_in_executor(_executor(), _render, renderer)
                except Exception:
                    logger.exception("live state of %s (%s) not rendered", *key)
                else:
                    self.renders += 1
                    self._latest[key] = (time.monotonic(), html)
                    event = Event(STATE, html)
                    for stream in self._streams.get(key[0], {}).get(key[1], ()):
                        stream.push(event)
                if key not in self._dirty:
                    return
        finally:
            self._rendering.pop(key, None)

    # --- the subscription -----------------------------------------------------------------

    async def _listen(self) -> None:
        session: Callable[[], Awaitable[None]] = {
            "memory": self._memory_session,
            "postgres": self._postgres_session,
            "redis": self._redis_session,
        }[self.backend]
        delay = BACKOFF_FIRST
        while True:
            before = self.subscriptions
            try:
                await session()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("live updates: %s subscription lost (%s)", self.backend, error)
            if self.subscriptions > before:
                delay = BACKOFF_FIRST  # it had worked: start the backoff again
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MOST)

    def _on_subscribed(self) -> None:
        self.subscriptions += 1
        if self._subscribed.is_set():
            self._refresh_all()
        self._subscribed.set()

    async def _memory_session(self) -> None:
        memory = brokers.memory_broker()
        loop = self._loop

        def bridge(channel: str, data: str) -> None:
            try:
                loop.call_soon_threadsafe(self.deliver, channel, data)
            except RuntimeError:  # the loop has closed: nobody listens here any more
                memory.remove_listener(bridge)

        memory.add_listener(bridge)
        try:
            self._on_subscribed()
            await asyncio.Future()  # until cancelled
        finally:
            memory.remove_listener(bridge)

    async def _redis_session(self) -> None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(
            brokers.redis_url(), client_name=REDIS_CLIENT_NAME, socket_keepalive=True
        )
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            site = brokers.redis_prefix()
            await pubsub.psubscribe(site + "*")
            self._on_subscribed()
            prefix = len(site)
            heard = time.monotonic()
            while True:
                message = await pubsub.get_message(timeout=IDLE_CHECK_SECONDS)
                now = time.monotonic()
                if message is None:
                    # Quiet: a connection that died without a word is found by its silence.
                    if now - heard > 2.5 * IDLE_CHECK_SECONDS:
                        raise ConnectionError("Redis did not answer a ping")
                    await pubsub.ping()
                    continue
                heard = now
                if message.get("type") == "pmessage":
                    channel, data = message["channel"], message["data"]
                    self.deliver(_text(channel)[prefix:], _text(data))
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            with contextlib.suppress(Exception):
                await client.aclose()

    async def _postgres_session(self) -> None:
        import psycopg

        params = await sync_to_async(brokers.postgres_params, thread_sensitive=False)()
        params["application_name"] = PG_APPLICATION_NAME
        async with await psycopg.AsyncConnection.connect(autocommit=True, **params) as conn:
            await conn.execute(f"LISTEN {brokers.PG_CHANNEL}")
            self._on_subscribed()
            while True:
                async for notify in conn.notifies(timeout=IDLE_CHECK_SECONDS):
                    try:
                        message = json.loads(notify.payload)
                        channel, data = str(message["channel"]), str(message["data"])
                    except (ValueError, KeyError, TypeError):
                        continue
                    self.deliver(channel, data)
                # Quiet for a while: make sure the connection still answers.
                await asyncio.wait_for(conn.execute("SELECT 1"), IDLE_CHECK_SECONDS)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _render(renderer: Renderer) -> str:
    # A render thread's connection is given back (to the pool) or kept as CONN_MAX_AGE says,
    # as a request's would be.
    close_old_connections()
    try:
        return renderer()
    finally:
        close_old_connections()


_executor_lock = threading.Lock()
_render_executor: ThreadPoolExecutor | None = None


def _executor() -> ThreadPoolExecutor:
    global _render_executor
    with _executor_lock:
        if _render_executor is None:
            _render_executor = ThreadPoolExecutor(RENDER_THREADS, "moim-live-render")
        return _render_executor


def stop_render_threads() -> None:
    """End the render threads, each closing its database connections first (a test database
    is dropped only once nobody holds it). Renders after this start new threads."""
    global _render_executor
    with _executor_lock:
        executor, _render_executor = _render_executor, None
    if executor is None:
        return
    # Each close waits for the others, so that each runs in a thread of its own.
    everyone = threading.Barrier(RENDER_THREADS)

    def close() -> None:
        connections.close_all()
        with contextlib.suppress(threading.BrokenBarrierError):
            everyone.wait(timeout=10)

    for _ in range(RENDER_THREADS):
        executor.submit(close)
    executor.shutdown(wait=True)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (one per worker process under uvicorn)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub(loop, brokers.backend_name())
    return found


def hub_for(loop: asyncio.AbstractEventLoop) -> Hub | None:
    """The hub of `loop`, if a stream has opened there."""
    return _hubs.get(loop)

"""The three brokers behind `moim.live`: in-process, PostgreSQL LISTEN/NOTIFY and Redis.

Each `subscribe` here opens a subscription of its own (a condition, a LISTEN connection, a pubsub
connection): the synchronous streams of the development server use it, one thread per stream.
Under ASGI the streams share one subscription per process instead (`moim.live.hub`), which hears
the memory broker through `MemoryBroker.add_listener`, PostgreSQL through `postgres_params` and
Redis through `redis_url`.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

PG_CHANNEL = "moim_live"
BACKENDS = ("memory", "postgres", "redis")


@functools.cache
def redis_prefix() -> str:
    """The Redis channel prefix of this site: `moim:live:<site>:`.

    Redis pub/sub ignores the database number of REDIS_URL, so two sites on one Redis server
    (a staging and a production site, say) would hear each other's events. The site is named
    by its database (engine, host, port, name): processes serving one site share it, another
    site has its own. (PostgreSQL's NOTIFY stays within its database already.)
    """
    database = settings.DATABASES["default"]
    identity = "|".join(str(database.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    return f"moim:live:{hashlib.sha256(identity.encode()).hexdigest()[:12]}:"


class Subscription(Protocol):
    def get(self, timeout: float) -> list[str]:
        """The events that arrived, waiting at most `timeout` seconds for the first one."""
        ...

    def close(self) -> None: ...


class Broker(Protocol):
    def publish(self, channel: str, data: str) -> None: ...

    def subscribe(self, channel: str) -> Subscription: ...


class MemoryBroker:
    """One process: a numbered ring of recent events and a condition every stream waits on."""

    def __init__(self, keep: int = 512) -> None:
        self._condition = threading.Condition()
        self._events: deque[tuple[int, str, str]] = deque(maxlen=keep)
        self._sequence = 0
        self._listeners: list[Callable[[str, str], None]] = []

    def publish(self, channel: str, data: str) -> None:
        with self._condition:
            self._sequence += 1
            self._events.append((self._sequence, channel, data))
            self._condition.notify_all()
            listeners = list(self._listeners)
        for listener in listeners:
            listener(channel, data)

    def add_listener(self, listener: Callable[[str, str], None]) -> None:
        """Call `listener(channel, data)` on every publish, in the publishing thread: it must
        return at once (the hub's hands the event to its event loop)."""
        with self._condition:
            self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[str, str], None]) -> None:
        with self._condition:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def listeners(self) -> int:
        with self._condition:
            return len(self._listeners)

    def subscribe(self, channel: str) -> MemorySubscription:
        with self._condition:
            return MemorySubscription(self, channel, self._sequence)

    def _after(self, sequence: int, channel: str) -> tuple[int, list[str]]:
        found = [data for n, ch, data in self._events if n > sequence and ch == channel]
        return self._sequence, found

    def _wait(self, sequence: int, channel: str, timeout: float) -> tuple[int, list[str]]:
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                last, found = self._after(sequence, channel)
                if found:
                    return last, found
                sequence = last
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return last, []
                self._condition.wait(remaining)


class MemorySubscription:
    def __init__(self, owner: MemoryBroker, channel: str, sequence: int) -> None:
        self._owner, self._channel, self._sequence = owner, channel, sequence

    def get(self, timeout: float) -> list[str]:
        self._sequence, found = self._owner._wait(self._sequence, self._channel, timeout)
        return found

    def close(self) -> None:
        return None


class PostgresBroker:
    """NOTIFY on the default database; each stream LISTENs on a connection of its own."""

    def publish(self, channel: str, data: str) -> None:
        payload = json.dumps({"channel": channel, "data": data})
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, payload])

    def subscribe(self, channel: str) -> PostgresSubscription:
        return PostgresSubscription(channel)


class PostgresSubscription:
    def __init__(self, channel: str) -> None:
        import psycopg

        self._channel = channel
        self._connection = psycopg.connect(autocommit=True, **postgres_params())
        self._connection.execute(f"LISTEN {PG_CHANNEL}")

    def get(self, timeout: float) -> list[str]:
        deadline = time.monotonic() + timeout
        found: list[str] = []
        while not found:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            for notify in self._connection.notifies(timeout=remaining, stop_after=1):
                message = json.loads(notify.payload)
                if message.get("channel") == self._channel:
                    found.append(str(message["data"]))
        return found

    def close(self) -> None:
        self._connection.close()


class RedisBroker:
    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url)

    def publish(self, channel: str, data: str) -> None:
        self._client.publish(redis_prefix() + channel, data)

    def subscribe(self, channel: str) -> RedisSubscription:
        return RedisSubscription(self._client, channel)


class RedisSubscription:
    def __init__(self, client: Any, channel: str) -> None:
        self._pubsub = client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(redis_prefix() + channel)

    def get(self, timeout: float) -> list[str]:
        # Subscription confirmations come back as None: keep reading until a message or the end.
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            message = self._pubsub.get_message(timeout=max(remaining, 0))
            if message is not None and message.get("type") == "message":
                data = message["data"]
                return [data.decode() if isinstance(data, bytes) else str(data)]
            if remaining <= 0:
                return []

    def close(self) -> None:
        self._pubsub.close()


def postgres_params() -> dict[str, Any]:
    """The default database's connection parameters, for a LISTEN connection of its own."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return params


def redis_url() -> str:
    url: str = settings.REDIS_URL
    if not url:
        raise ValueError("MOIM_LIVE_BACKEND=redis needs REDIS_URL")
    return url


_memory = MemoryBroker()
_lock = threading.Lock()
_brokers: dict[str, Broker] = {}


def backend_name() -> str:
    name: str = settings.MOIM_LIVE_BACKEND
    if name not in BACKENDS:
        raise ValueError(f"MOIM_LIVE_BACKEND is {name!r}; it must be one of {', '.join(BACKENDS)}")
    return name


def memory_broker() -> MemoryBroker:
    return _memory


def broker() -> Broker:
    name = backend_name()
    if name == "memory":
        return _memory
    with _lock:
        if name not in _brokers:
            if name == "postgres":
                if connection.vendor != "postgresql":
                    raise ValueError("MOIM_LIVE_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
                _brokers[name] = PostgresBroker()
            else:
                _brokers[name] = RedisBroker(redis_url())
        return _brokers[name]


def publish(channel: str, **data: Any) -> None:
    """Send an event now. A broker that fails is logged, never raised: a live page is a
    convenience, and the state it shows is always fetched again from the database."""
    _send((channel, json.dumps(data, sort_keys=True, default=str)))


# --- events that only say "this changed", sent at most so often ------------------------------

_throttle_lock = threading.Lock()
_last_sent: dict[tuple[str, str], float] = {}
_trailing: dict[tuple[str, str], threading.Timer] = {}
# How long a sending is remembered: longer than any window (the window is a fraction of a
# second; the memory only keeps a window from starting again too soon).
REMEMBERED_SECONDS = 60.0


def publish_at_most(every: float, channel: str, **data: Any) -> None:
    """`publish`, but the same event on the same channel at most once per `every` seconds from
    this process: the first at once, any more within the window as ONE more at its end
    (`every` under REMEMBERED_SECONDS).

    For events that say only that something changed (a poll's turnout: the page shows the
    count it reads), so that 200 ballots a second announce it a few times a second, to the
    broker and to every process that listens, and the last change still reaches the screens
    within `every` seconds. The sending at the window's end runs on a timer thread.
    """
    if every <= 0:
        publish(channel, **data)
        return
    key = (channel, json.dumps(data, sort_keys=True, default=str))
    with _throttle_lock:
        if key in _trailing:
            return  # a send is due at the window's end: it carries this change too
        now = time.monotonic()
        wait = _last_sent.get(key, -every) + every - now
        if wait > 0:
            timer = threading.Timer(wait, _send_trailing, (key,))
            timer.daemon = True
            _trailing[key] = timer
            timer.start()
            return
        _remember_sent(key, now)
    _send(key)


def _send_trailing(key: tuple[str, str]) -> None:
    with _throttle_lock:
        if _trailing.pop(key, None) is None:
            return  # flushed meanwhile: sent already
        # The window starts again when the event actually leaves.
        _remember_sent(key, time.monotonic())
    _send(key)


def _remember_sent(key: tuple[str, str], now: float) -> None:
    _last_sent[key] = now
    if len(_last_sent) > 1000:  # events of polls long closed
        for old in [k for k, sent in _last_sent.items() if now - sent > REMEMBERED_SECONDS]:
            del _last_sent[old]


def flush_pending() -> None:
    """Send at once what waits for its window's end, and start every window afresh: when the
    process stops (a worker restarted), and between tests."""
    with _throttle_lock:
        pending = list(_trailing.items())
        _trailing.clear()
        _last_sent.clear()
    for key, timer in pending:
        timer.cancel()
        _send(key)


atexit.register(flush_pending)


def _send(key: tuple[str, str]) -> None:
    channel, text = key
    try:
        broker().publish(channel, text)
    except Exception:
        logger.exception("live update on %s not sent", channel)


def subscribe(channel: str) -> Subscription:
    return broker().subscribe(channel)

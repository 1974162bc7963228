"""Moim's ASGI application under a real uvicorn server in a thread, and many raw SSE clients.

The server runs in this process, so the memory broker, the cache and the settings overridden by
a test are the ones it serves with; the clients are plain asyncio sockets in a loop of their own
thread, so hundreds of streams cost the test a few file descriptors each.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from moim.live.hub import Hub, hub_for, stop_render_threads
from moim.live.sse import process_streams, wait_for_streams_closed


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.loop = asyncio.get_running_loop()
        self.ready.set()


@dataclass
class Served:
    port: int
    server: _Server

    def hub(self) -> Hub | None:
        assert self.server.loop is not None
        return hub_for(self.server.loop)

    def settle(self) -> None:
        """Wait until the hub has no render running or pending."""
        hub, loop = self.hub(), self.server.loop
        assert hub is not None
        assert loop is not None
        asyncio.run_coroutine_threadsafe(hub.settled(), loop).result(timeout=30)

    def call(self, function: Callable[[], Any]) -> Any:
        """Run `function` in the server's event loop and return what it returns."""
        assert self.server.loop is not None

        async def run() -> Any:
            return function()

        return asyncio.run_coroutine_threadsafe(run(), self.server.loop).result(timeout=10)


@contextmanager
def serving() -> Iterator[Served]:
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from moim.asgi import application

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        # Static files from the apps' folders, as the test live server serves them.
        ASGIStaticFilesHandler(application),
        lifespan="off",
        log_level="warning",
        backlog=4096,
        timeout_graceful_shutdown=1,
    )
    server = _Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        assert server.ready.wait(timeout=30), "uvicorn did not start"
        yield Served(listener.getsockname()[1], server)
    finally:
        # The clients have hung up; the server hears it and gives every place back.
        assert wait_for_streams_closed(timeout=30), f"{process_streams()} streams still open"
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()
        stop_render_threads()


@dataclass
class Received:
    status: int
    headers: str
    events: list[tuple[str, str]] = field(default_factory=list)


async def open_stream(
    port: int, path: str, headers: str = ""
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, Received]:
    """Open a stream and read its head and its opening comment."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode())
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status = int(head.split(" ", 2)[1])
    received = Received(status, head)
    if status == 200:
        opening = await _read_event(reader)
        assert opening.startswith("retry: 1000\n: connected"), opening
    return reader, writer, received


async def greeted(
    streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, Received]],
) -> list[str]:
    """The state each projector stream is greeted with when it opens (moim.live.hub), read so
    that the next state a test reads is the one its change caused."""
    return list(
        await asyncio.gather(*(next_event(reader, "state", timeout=30) for reader, _, _ in streams))
    )


async def _read_event(reader: asyncio.StreamReader) -> str:
    """The next event (or comment) of a chunked SSE response, without its chunk framing."""
    text = ""
    while not text.endswith("\n\n"):
        size = int((await reader.readline()).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        text += chunk[:-2].decode()
    return text


def parse(block: str) -> list[tuple[str, str]]:
    """(kind, data) of each event in `block`, data lines joined with newlines as browsers do."""
    found = []
    for event in block.split("\n\n"):
        kind, data = "message", []
        for line in event.split("\n"):
            if line.startswith("event: "):
                kind = line[len("event: ") :]
            elif line.startswith("data: "):
                data.append(line[len("data: ") :])
        if data:
            found.append((kind, "\n".join(data)))
    return found


async def next_event(reader: asyncio.StreamReader, kind: str, timeout: float) -> str:
    """The data of the next event of `kind`, skipping keepalives and other events."""

    async def wait() -> str:
        while True:
            for found, data in parse(await _read_event(reader)):
                if found == kind:
                    return data

    return await asyncio.wait_for(wait(), timeout)


async def next_events(
    reader: asyncio.StreamReader, kind: str, count: int, timeout: float
) -> list[str]:
    """The data of the next `count` events of `kind`, however the stream grouped them into
    chunks (the hub sends the events waiting for a stream together)."""

    async def wait() -> list[str]:
        found: list[str] = []
        while len(found) < count:
            found += [data for each, data in parse(await _read_event(reader)) if each == kind]
        return found

    return await asyncio.wait_for(wait(), timeout)


def run_in_thread(coroutine: Callable[[], Awaitable[Any]], timeout: float = 120) -> Any:
    """Run a coroutine in a loop of its own thread (the clients' side)."""
    outcome: list[Any] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(asyncio.run(coroutine()))  # type: ignore[arg-type]
        except BaseException as error:  # reported in the test's thread
            failure.append(error)

    thread = threading.Thread(target=target)
    started = time.monotonic()
    thread.start()
    thread.join(timeout=timeout)
    assert not thread.is_alive(), f"clients still running after {time.monotonic() - started} s"
    if failure:
        raise failure[0]
    return outcome[0]

"""A worker accepts a connection only while a page thread is free for it (moim.intake).

Each test runs on both event loops the production server may use: uvloop's and asyncio's.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import sys
import threading
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
import uvicorn

from moim import intake as intake_module
from moim.intake import CLAIM, AsyncioLoop, Claim, Intake, Listener, new_loop

LOOPS = [pytest.param(AsyncioLoop, id="asyncio")]
if sys.platform != "win32":
    LOOPS.append(pytest.param(type(new_loop()), id="uvloop"))

# Long enough for a connection to be accepted when there is room, on a loaded machine.
SETTLE = 0.3


class Recorder(asyncio.Protocol):
    """Records each connection it is given, and the claim its transport was made with."""

    def __init__(self, opened: list[Recorder]) -> None:
        self.opened = opened
        self.claim: Claim | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: Any) -> None:
        self.claim = CLAIM.get()
        self.transport = transport
        self.opened.append(self)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)  # an echo, to show the connection serves


@asynccontextmanager
async def listening(
    counter: Intake, monkeypatch: pytest.MonkeyPatch, sock: socket.socket | None = None
) -> AsyncIterator[tuple[Listener, list[Recorder], tuple[str, int]]]:
    """A listener on a fresh socket, as uvicorn asks the loop for one, counting by `counter`."""
    monkeypatch.setattr(intake_module, "intake", counter)
    sock = sock or socket.socket()
    sock.bind(("127.0.0.1", 0))
    opened: list[Recorder] = []
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(lambda: Recorder(opened), sock=sock, backlog=16)
    assert isinstance(listener, Listener)
    try:
        yield listener, opened, sock.getsockname()
    finally:
        listener.close()
        await listener.wait_closed()
        for protocol in opened:
            assert protocol.transport is not None
            protocol.transport.close()
        sock.close()


async def connect(address: tuple[str, int]) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(*address)


async def settled(condition: Callable[[], bool]) -> bool:
    """Whether `condition` holds within SETTLE seconds."""
    for _ in range(int(SETTLE / 0.01)):
        if condition():
            return True
        await asyncio.sleep(0.01)
    return condition()


def run(loop_class: type[asyncio.AbstractEventLoop], test: Callable[[], Any]) -> None:
    with asyncio.Runner(loop_factory=loop_class) as runner:
        runner.run(test())


@pytest.mark.parametrize("loop_class", LOOPS)
def test_a_full_worker_leaves_a_connection_queued_until_a_page_ends(
    loop_class: type[asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def test() -> None:
        counter = Intake(limit=1)
        async with listening(counter, monkeypatch) as (_, opened, address):
            page = counter.page()
            page.__enter__()  # the worker's only page thread is taken
            _, writer = await connect(address)  # the kernel completes the handshake
            assert not await settled(lambda: bool(opened)), "a full worker accepted"
            page.__exit__(None, None, None)
            assert await settled(lambda: len(opened) == 1), "not accepted once there was room"
            assert counter.taken == 1  # the new connection's claim
            writer.close()

    run(loop_class, test)


@pytest.mark.parametrize("loop_class", LOOPS)
def test_an_accepted_connection_counts_until_its_first_page_takes_over(
    loop_class: type[asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_module, "CLAIM_SECONDS", 30)  # no expiry during the test

    async def test() -> None:
        counter = Intake(limit=1)
        async with listening(counter, monkeypatch) as (_, opened, address):
            _, first = await connect(address)
            assert await settled(lambda: len(opened) == 1)
            claim = opened[0].claim
            assert claim is not None
            assert claim.held
            _, second = await connect(address)
            assert not await settled(lambda: len(opened) == 2), "accepted beyond the threads"

            # The first connection's page begins in its transport's context: it takes over
            # the claim (no second count), and the worker is full until the page ends.
            token = CLAIM.set(claim)
            with counter.page():
                assert counter.taken == 1
                assert not claim.held
                assert not await settled(lambda: len(opened) == 2)
            CLAIM.reset(token)
            assert await settled(lambda: len(opened) == 2)

            # A kept-alive connection's later page counts on its own.
            token = CLAIM.set(claim)
            with counter.page():
                assert counter.taken == 2  # with the second connection's claim
            CLAIM.reset(token)
            first.close()
            second.close()

    run(loop_class, test)


@pytest.mark.parametrize("loop_class", LOOPS)
def test_idle_connections_stop_counting_so_they_cannot_stop_a_worker_accepting(
    loop_class: type[asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(intake_module, "CLAIM_SECONDS", 0.05)

    async def test() -> None:
        counter = Intake(limit=2)
        async with listening(counter, monkeypatch) as (_, opened, address):
            # An attacker's connections that never send a request, as many as the threads.
            idle = [(await connect(address))[1] for _ in range(2)]
            assert await settled(lambda: len(opened) == 2)
            _, delegate = await connect(address)
            assert await settled(lambda: len(opened) == 3), "idle connections blocked the worker"
            assert counter.taken == 1  # the idle claims expired; the delegate's is fresh
            for writer in [*idle, delegate]:
                writer.close()

    run(loop_class, test)


@pytest.mark.parametrize("loop_class", LOOPS)
def test_closing_stops_accepting_and_leaves_open_connections_serving(
    loop_class: type[asyncio.AbstractEventLoop], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def test() -> None:
        counter = Intake(limit=4)
        async with listening(counter, monkeypatch) as (listener, opened, address):
            reader, writer = await connect(address)
            assert await settled(lambda: len(opened) == 1)
            listener.close()  # uvicorn's shutdown: SIGTERM, or an old worker on SIGHUP
            await listener.wait_closed()
            assert not listener.is_serving()
            assert listener.sockets == ()
            _, late = await connect(address)  # the socket stays open (the supervisor's)
            assert not await settled(lambda: len(opened) == 2), "accepted after closing"
            counter.room_freed()  # a page ending after the close does not watch again
            assert not await settled(lambda: len(opened) == 2)
            writer.write(b"still here")
            assert await asyncio.wait_for(reader.readexactly(10), SETTLE * 10) == b"still here"
            writer.close()
            late.close()

    run(loop_class, test)


class OutOfFiles(socket.socket):
    """A listening socket whose first accept fails as when the process has no descriptor left."""

    failures = 1

    def accept(self) -> tuple[socket.socket, Any]:
        if self.failures:
            self.failures -= 1
            raise OSError(errno.EMFILE, "Too many open files")
        return super().accept()


@pytest.mark.parametrize("loop_class", LOOPS)
def test_running_out_of_descriptors_pauses_accepting_then_resumes(
    loop_class: type[asyncio.AbstractEventLoop],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(intake_module, "RETRY_ACCEPT_SECONDS", 0.05)

    async def test() -> None:
        counter = Intake(limit=2)
        async with listening(counter, monkeypatch, OutOfFiles()) as (_, opened, address):
            _, writer = await connect(address)
            assert await settled(lambda: len(opened) == 1), "never accepted after the failure"
            writer.close()

    run(loop_class, test)
    assert "Not accepting connections for a second: [Errno 24] Too many open files" in caplog.text


def test_on_windows_the_loop_is_asyncios_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    loop = new_loop()
    try:
        assert not isinstance(loop, intake_module.AcceptsWithRoom)
    finally:
        loop.close()


@contextmanager
def uvicorn_serving(app: Any) -> Iterator[str]:
    """uvicorn on the production server's loop, in a thread, with one page thread's room."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, loop="moim.intake:new_loop", lifespan="off", log_level="error")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        host, port = sock.getsockname()
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_through_uvicorn_a_second_request_waits_in_the_kernel_while_the_page_thread_is_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counter = Intake(limit=1)
    monkeypatch.setattr(intake_module, "intake", counter)
    release = threading.Event()
    started: list[str] = []
    most_taken: list[int] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        # As moim.handlers does: the page counts while it runs on a thread.
        with counter.page():
            started.append(scope["path"])
            most_taken.append(counter.taken)
            if scope["path"] == "/slow":
                await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    answers: dict[str, bytes] = {}

    def fetch(url: str) -> None:
        with urllib.request.urlopen(url, timeout=10) as response:
            answers[url] = response.read()

    with uvicorn_serving(app) as base:
        for _ in range(100):  # until it listens
            try:
                fetch(f"{base}/ready")
                break
            except OSError:
                threading.Event().wait(0.05)
        slow = threading.Thread(target=fetch, args=(f"{base}/slow",))
        slow.start()
        waiting = threading.Thread(target=fetch, args=(f"{base}/next",))
        waiting.start()
        threading.Event().wait(SETTLE)
        assert started == ["/ready", "/slow"], "the second request began beside the busy one"
        release.set()
        slow.join(10)
        waiting.join(10)
    assert answers == {
        f"{base}/ready": b"/ready",
        f"{base}/slow": b"/slow",
        f"{base}/next": b"/next",
    }
    assert max(most_taken) == 1  # each connection's claim became its page's count, not a second

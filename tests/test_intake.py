"""A worker accepts a connection only while a page thread is free for it (moim.intake).

Each test runs on both event loops the production server may use: uvloop's and asyncio's.
"""

from __future__ import annotations

import asyncio
import errno
import http.client
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


async def hold_a_page(counter: Intake, done: asyncio.Event) -> None:
    """A page that runs until `done` is set."""
    async with counter.page():
        await done.wait()


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
            done = asyncio.Event()
            busy = asyncio.create_task(hold_a_page(counter, done))  # the only page thread
            await asyncio.sleep(0)
            _, writer = await connect(address)  # the kernel completes the handshake
            assert not await settled(lambda: bool(opened)), "a full worker accepted"
            done.set()
            await busy
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
            async with counter.page():
                assert counter.taken == 1
                assert not claim.held
                assert not await settled(lambda: len(opened) == 2)
            CLAIM.reset(token)
            assert await settled(lambda: len(opened) == 2)

            # The first connection's next request (kept alive) waits in line: the thread is
            # the second connection's, by its claim, until that one's page has begun.
            done = asyncio.Event()
            token = CLAIM.set(claim)
            later = asyncio.create_task(hold_a_page(counter, done))
            CLAIM.reset(token)
            assert not await settled(lambda: counter.taken == 2), "a page beyond the threads"
            assert len(counter.waiting) == 1
            second_claim = opened[1].claim
            assert second_claim is not None
            second_claim.release()  # as if it had waited too long
            assert await settled(lambda: not counter.waiting)
            assert counter.taken == 1  # the later page's turn
            done.set()
            await later
            assert counter.taken == 0
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
            async with counter.page():  # a page ending after the close does not accept
                pass
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


def wait_until_listening(base: str) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(base.removeprefix("http://").split(":"), timeout=1):
                return
        except OSError:
            threading.Event().wait(0.05)
    raise AssertionError(f"nothing listens on {base}")


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
        async with counter.page():
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
        wait_until_listening(base)
        fetch(f"{base}/ready")
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


def test_clients_sending_request_after_request_on_kept_alive_connections_cannot_starve_a_new_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two clients keep a one-thread worker busy, each sending its next request as soon as its
    answer comes, on its kept-alive connection; a delegate's new connection waits in the kernel.
    Each thread that comes free goes to the kernel's queue before the kept-alive requests in
    line, so the delegate is answered while the two go on."""
    counter = Intake(limit=1)
    monkeypatch.setattr(intake_module, "intake", counter)
    stop = threading.Event()
    hammered: list[int] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async with counter.page():
            await asyncio.get_running_loop().run_in_executor(None, stop.wait, 0.01)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    def hammer(host: str, port: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=10)
        while not stop.is_set():
            connection.request("GET", "/again")
            connection.getresponse().read()
            hammered.append(1)
        connection.close()

    with uvicorn_serving(app) as base:
        host, port = base.removeprefix("http://").split(":")
        wait_until_listening(base)
        hammers = [threading.Thread(target=hammer, args=(host, int(port))) for _ in range(2)]
        for thread in hammers:
            thread.start()
        try:
            threading.Event().wait(SETTLE)
            assert hammered, "the two clients got no answers"
            with urllib.request.urlopen(f"{base}/delegate", timeout=5) as response:
                assert response.read() == b"ok"
            assert not stop.is_set()  # answered while the two went on
        finally:
            stop.set()
            for thread in hammers:
                thread.join(10)


def test_a_request_cancelled_in_line_leaves_its_place_and_takes_no_thread() -> None:
    """A request waiting for a thread whose task is cancelled (uvicorn cancels what is left
    after the graceful timeout) must not keep a place, or the count would never come down."""

    async def test() -> None:
        counter = Intake(limit=1)
        done = asyncio.Event()
        busy = asyncio.create_task(hold_a_page(counter, done))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(hold_a_page(counter, asyncio.Event()))
        await asyncio.sleep(0)
        assert len(counter.waiting) == 1
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert not counter.waiting
        done.set()
        await busy
        assert counter.taken == 0

    asyncio.run(test())


def test_a_request_cancelled_just_as_its_turn_came_gives_the_thread_to_the_next() -> None:
    async def test() -> None:
        counter = Intake(limit=1)
        counter.taken = 1  # a page in progress
        unlucky = asyncio.create_task(hold_a_page(counter, asyncio.Event()))
        finished = asyncio.Event()
        finished.set()
        next_one = asyncio.create_task(hold_a_page(counter, finished))
        await asyncio.sleep(0)
        assert len(counter.waiting) == 2
        counter.release()  # the page ends: its thread is handed to `unlucky`...
        unlucky.cancel()  # ...which is cancelled before it could run
        with pytest.raises(asyncio.CancelledError):
            await unlucky
        await asyncio.wait_for(next_one, 5)  # the thread went on to the next in line
        assert counter.taken == 0
        assert not counter.waiting

    asyncio.run(test())

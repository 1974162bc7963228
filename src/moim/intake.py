"""Each worker takes a new connection only while it has a page thread free for it.

The production server's workers share one listening socket. Left to uvicorn, each worker
accepts every connection it is woken for, whatever it is doing: in a burst of ballots, a worker
whose eight page threads are all taken goes on accepting, and its new ballots wait behind the
eight while another worker's threads stand idle. Measured on two cores (docs/benchmarks.md),
the waits of a burst of 50 ballots then spread from 20 ms to half a second, by worker.

Here a worker watches the shared socket only while the pages in progress in it, and the
connections it has accepted that have not yet begun one, are fewer than its page threads
(MOIM_PAGE_THREADS). A full worker stops watching; the kernel keeps the connection in the
socket's queue (its backlog) for a worker with room, and the full one watches again as soon as
a page ends. Nothing is refused and nothing waits longer: a connection waits in the kernel
rather than behind a busy worker's pages.

- A connection accepted counts as a page about to begin (its *claim*) until its first page
  begins, or for CLAIM_SECONDS at most: a client that connects and sends nothing, or sends
  slowly, stops counting then, so idle connections cannot keep a worker from accepting (behind
  the documented nginx, which connects only once it holds the whole request, a page begins at
  once).
- A page counts from the moment its request has been read until its view has answered (a live
  stream counts until its view has returned, not while it streams).
- A kept-alive connection's next request comes in without the kernel's queue: left to itself
  it would begin beside the worker's pages at once, and a few clients sending request after
  request on their connections would keep the worker full while new connections wait in the
  kernel for ever (reproduced: one client pipelining requests on one connection kept a worker
  with one thread from accepting anyone else). Such a request waits in line for a page thread
  in the event loop instead, and each page thread that comes free goes first to the
  connections queued in the kernel, then to the line, in order. A page thread is never given
  to more pages than it can run; the rest wait where their order is kept.
- `close()` (uvicorn's shutdown, on SIGTERM, and each old worker on SIGHUP) stops watching at
  once: the socket stays open in the supervisor, and the other workers take what comes.

`new_loop` is given to uvicorn as its event loop: uvloop's (asyncio's where uvloop is not
installed) with `create_server` taking the listening socket this way. On Windows, where an event
loop cannot watch a socket for readiness, uvicorn's own accepting is kept.
"""

from __future__ import annotations

import asyncio
import contextvars
import errno
import logging
import socket
import sys
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import Any

logger = logging.getLogger(__name__)

# How long an accepted connection counts as a page about to begin, at most (see the note).
CLAIM_SECONDS = 0.25
# After running out of file descriptors or memory while accepting, wait this long (as asyncio
# does) before accepting again.
RETRY_ACCEPT_SECONDS = 1.0
# Errors of one connection that went away before it was accepted: go on with the next.
_GONE = {errno.ECONNABORTED, errno.EPROTO, errno.EPERM}


class Claim:
    """An accepted connection's count, until its first page begins."""

    __slots__ = ("_intake", "_timer", "held")

    def __init__(self, intake: Intake, loop: asyncio.AbstractEventLoop) -> None:
        self._intake = intake
        self.held = True
        self._timer = loop.call_later(CLAIM_SECONDS, self.release)

    def hand_over(self) -> None:
        """Its connection's first page begins: the page takes over the count, in one step."""
        self.held = False
        self._timer.cancel()

    def release(self) -> None:
        """Stop counting (idempotent): the connection waited too long to begin a page."""
        if self.held:
            self.held = False
            self._timer.cancel()
            self._intake.release()


# The claim of the connection a request came on, set in the context of the connection's
# transport when it was accepted, so the request's task (created by the transport's callbacks)
# sees it.
CLAIM: contextvars.ContextVar[Claim | None] = contextvars.ContextVar("moim_claim", default=None)


class Intake:
    """One process's count of pages in progress and connections about to begin one, and the
    kept-alive connections' requests waiting their turn for a page thread."""

    def __init__(self, limit: int = 1) -> None:
        self.limit = limit
        self.taken = 0
        self.waiting: deque[asyncio.Future[None]] = deque()
        self.listeners: set[Listener] = set()

    def has_room(self) -> bool:
        return self.taken < self.limit

    def claim(self, loop: asyncio.AbstractEventLoop) -> Claim:
        self.taken += 1
        return Claim(self, loop)

    @asynccontextmanager
    async def page(self) -> AsyncIterator[None]:
        """A page thread's turn, from the page's start to its end: the connection's claim if
        it holds one, else room now, else a place in line (see the module's note)."""
        claim = CLAIM.get()
        if claim is not None and claim.held:
            claim.hand_over()
        elif self.has_room() and not self.waiting:
            self.taken += 1
        else:
            await self._turn()
        try:
            yield
        finally:
            self.release()

    async def _turn(self) -> None:
        turn = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.cancelled():  # gone while waiting in line
                with suppress(ValueError):
                    self.waiting.remove(turn)
            else:  # gone just as its turn came: the next one's
                self.release()
            raise

    def release(self) -> None:
        """One page or claim fewer: its room goes to the connections queued in the kernel
        first, then to the requests waiting in line."""
        self.taken -= 1
        for listener in self.listeners:
            listener.accept_queued()
        while self.waiting and self.has_room():
            turn = self.waiting.popleft()
            if not turn.done():
                self.taken += 1
                turn.set_result(None)


# This process's intake: the production server's handler counts its pages here
# (moim.handlers), and its listeners accept by it.
intake = Intake()


class Listener:
    """A listening socket accepted from only while the process's intake has room.

    In place of the `asyncio.Server` that uvicorn asks the loop's `create_server` for: uvicorn
    uses `close()` and `wait_closed()` at its shutdown (and draws its connections itself).
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        sock: socket.socket,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        counter: Intake,
    ) -> None:
        self.loop = loop
        self._sock = sock
        self._fd = sock.fileno()
        self._protocol_factory = protocol_factory
        self._intake = counter
        self._watching = False
        self._retrying = False
        self._closed = False
        self._opening: set[asyncio.Task[Any]] = set()

    @property
    def sockets(self) -> tuple[socket.socket, ...]:
        return () if self._closed else (self._sock,)

    def is_serving(self) -> bool:
        return not self._closed

    def start(self, backlog: int) -> None:
        self._sock.setblocking(False)
        self._sock.listen(backlog)
        self._intake.listeners.add(self)
        self.watch()

    def watch(self) -> None:
        if not self._watching and not self._closed:
            self._watching = True
            self.loop.add_reader(self._fd, self._accept)

    def _unwatch(self) -> None:
        if self._watching:
            self._watching = False
            self.loop.remove_reader(self._fd)

    def accept_queued(self) -> None:
        """Room came free: accept what waits in the kernel's queue, then watch for more."""
        if not self._closed and not self._retrying:
            self._accept()

    def _accept(self) -> None:
        while self._intake.has_room():
            try:
                conn, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                self.watch()  # none waiting (or another worker took it): room for the next
                return
            except OSError as error:
                if error.errno in _GONE:
                    continue
                # Out of file descriptors or memory: accepting again at once would spin.
                logger.error("Not accepting connections for a second: %s", error)
                self._unwatch()
                self._retrying = True
                self.loop.call_later(RETRY_ACCEPT_SECONDS, self._retry)
                return
            self._open(conn)
        self._unwatch()  # full: the connections waiting stay queued for a worker with room

    def _retry(self) -> None:
        self._retrying = False
        self.watch()

    def _open(self, conn: socket.socket) -> None:
        conn.setblocking(False)
        if conn.family in (socket.AF_INET, socket.AF_INET6):
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        claim = self._intake.claim(self.loop)
        # The transport is made in a context of its own holding the claim and nothing else
        # (not what the page that just ended had set); its callbacks, and the tasks they start
        # for requests, run in copies of it.
        context = contextvars.Context()
        context.run(CLAIM.set, claim)
        task = context.run(self.loop.create_task, self._connect(conn, claim))
        self._opening.add(task)
        task.add_done_callback(self._opening.discard)

    async def _connect(self, conn: socket.socket, claim: Claim) -> None:
        try:
            await self.loop.connect_accepted_socket(self._protocol_factory, conn)
        except Exception:
            logger.exception("A connection could not be opened")
            claim.release()
            conn.close()

    def close(self) -> None:
        """Stop accepting; the connections already open go on (uvicorn ends them)."""
        self._unwatch()
        self._closed = True
        self._intake.listeners.discard(self)

    async def wait_closed(self) -> None:
        if self._opening:
            await asyncio.gather(*self._opening, return_exceptions=True)


class AcceptsWithRoom:
    """An event loop whose `create_server(sock=...)` accepts by the process's intake."""

    async def create_server(  # type: ignore[no-untyped-def]
        self, protocol_factory, host=None, port=None, *, sock=None, ssl=None, **options
    ):
        if sock is None or ssl is not None:
            return await super().create_server(  # type: ignore[misc]
                protocol_factory, host, port, sock=sock, ssl=ssl, **options
            )
        listener = Listener(self, sock, protocol_factory, intake)  # type: ignore[arg-type]
        listener.start(options.get("backlog", 100))
        return listener


class AsyncioLoop(AcceptsWithRoom, asyncio.SelectorEventLoop):
    pass


def _loop_class() -> type[asyncio.AbstractEventLoop]:
    try:
        import uvloop
    except ImportError:
        return AsyncioLoop

    class UvLoop(AcceptsWithRoom, uvloop.Loop):  # type: ignore[misc]  # uvloop's stubs
        pass

    return UvLoop


def new_loop() -> asyncio.AbstractEventLoop:
    """uvicorn's `loop` setting (`moim.intake:new_loop`): uvloop's event loop, else asyncio's,
    accepting by the process's intake; on Windows, asyncio's own (see the module's note)."""
    if sys.platform == "win32":
        return asyncio.new_event_loop()
    return _LOOP_CLASS()


_LOOP_CLASS = _loop_class()

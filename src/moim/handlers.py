"""How the production server hands requests to Django: pages in one step, live streams async.

Django's own ASGI handler runs a request through its middleware in both modes: the chain
switches between the event loop and a worker thread at every middleware that is written for
only one of them, the signals around the request take a thread of their own, and each request
starts a thread of its own. Measured through uvicorn, that machinery cost about as much as
the page itself (three milliseconds of CPU for an anonymous page whose view takes a third of
one), and it grew with the number of requests in flight.

Here every request is served as a WSGI server would serve it: the whole request, from the
`request_started` signal through the middleware and the view to the response's `close()` (which
ends the database connection's use), runs in one call on one thread of a fixed pool; the event
loop only reads the body and writes the answer. The pool's size bounds the pages in progress in
a process, so requests beyond it wait their turn in the event loop rather than in the database
connection pool, where they would time out. The production server's workers accept a new
connection only while a page thread is free for it (`moim.intake`), so that such a wait is rare:
a connection waits in the kernel for a worker with room rather than behind a busy one's pages.

A file answer (an attachment) goes out chunk by chunk: each chunk is read on the pool and sent
once the client has taken the one before, where Django's handler reads a file whole into memory
before its first byte. Other generated answers keep Django's way (read whole, on one thread).

A live stream (`…/events/`) is a page like the others until its view returns: the view checks
and counts the stream on a page thread, in the same single step, and answers with asynchronous
content (`moim.live.sse.hub_sse_response`), which the event loop sends as the process's hub fills
it, holding no thread, until the stream ends or the client goes away. Served by Django's
asynchronous handler instead, each stream's opening cost a thread of its own and a thread hop
per middleware: about three times a page's CPU, and 2,000 sitting pages opening at once took
ten seconds of both cores. No view of the site is asynchronous (`tests/test_handlers.py`): one
would be run to its end on a page thread.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.urls import set_script_prefix

from moim.intake import intake


class PageHandler(ASGIHandler):
    """Serves a request in one call on a thread of a fixed pool (see the module's note)."""

    def __init__(self, threads: int) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.threads = threads
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="moim-page")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Moim serves HTTP connections, not {scope['type']}.")
        await self.handle(scope, receive, send)

    async def handle(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            # In a copy of this task's context variables (the active language, the script
            # prefix live there), so that nothing a page sets stays on its thread for the next.
            context = contextvars.copy_context()
            # Its turn for a page thread, counted while it holds it (moim.intake).
            async with intake.page():
                response = await asyncio.get_running_loop().run_in_executor(
                    self._pool, context.run, self._respond, scope, body_file
                )
            if isinstance(response, FileResponse) and not response.is_async:
                chunks = response.streaming_content
                assert isinstance(chunks, Iterator)  # not asynchronous, as just checked
                response.streaming_content = self._read_on_pool(chunks)
            try:
                live = isinstance(response, StreamingHttpResponse) and response.is_async
                if live:  # a live stream: its content comes as the hub fills it
                    await self._send_until_gone(response, receive, send)
                else:
                    await self.send_response(response, send)
            finally:
                if response.streaming:
                    # A file or a generated download: its end closes it (and ends the
                    # request's use of the database), after the last chunk went out.
                    await sync_to_async(response.close, thread_sensitive=False)()

    async def _send_until_gone(self, response: HttpResponseBase, receive: Any, send: Any) -> None:
        """Send a stream's content as it comes until it ends or the client disconnects, which
        stops it (its generator's `finally` runs) instead of leaving it open to its lifetime."""
        sending = asyncio.ensure_future(self.send_response(response, send))
        listening = asyncio.ensure_future(self.listen_for_disconnect(receive))
        try:
            await asyncio.wait({sending, listening}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sending, listening):
                task.cancel()
            outcomes = await asyncio.gather(sending, listening, return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, Exception) and not isinstance(outcome, RequestAborted):
                raise outcome

    async def _read_on_pool(self, chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
        """A file's chunks, each read on a page thread when the one before has been sent (the
        server's `send` waits while the client is slow to read, so only a chunk or two are in
        memory at a time). Reading a file needs no database, so any thread of the pool will do.
        """
        loop = asyncio.get_running_loop()
        while (chunk := await loop.run_in_executor(self._pool, next, chunks, None)) is not None:
            yield chunk

    def _respond(self, scope: dict[str, Any], body_file: Any) -> HttpResponseBase:
        """The whole request on this thread; an answer already closed unless it streams."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            assert error_response is not None  # create_request gives one or the other
            response: HttpResponseBase = error_response
        else:
            response = self.get_response(request)
            response._handler_class = self.__class__  # type: ignore[attr-defined]
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
            elif isinstance(response, StreamingHttpResponse) and response.is_async:
                _let_go_of(request, response)
        if not response.streaming:
            # Its content is in memory: the request is over (request_finished fires here).
            response.close()
        return response


def _let_go_of(request: HttpRequest, response: StreamingHttpResponse) -> None:
    """A live stream lasts minutes and needs nothing more of its request: close the request now
    (a GET, its body is empty) and keep no reference to it, so that its session, user and the
    middleware's state are freed at once instead of being held, for thousands of streams, in
    the collector's oldest generation until each stream ends."""
    request.close()
    response._resource_closers[:] = [  # type: ignore[attr-defined]
        closer
        for closer in response._resource_closers  # type: ignore[attr-defined]
        if getattr(closer, "__self__", None) is not request
    ]


def page_threads() -> int:
    """Threads serving pages in one process: MOIM_PAGE_THREADS (settings)."""
    return int(settings.MOIM_PAGE_THREADS)


class Router(PageHandler):
    """The production server's application: every request on the page pool (the module's note),
    MOIM_PAGE_THREADS threads per process."""

    def __init__(self) -> None:
        super().__init__(page_threads())
        # A worker accepts a connection only while a page thread is free for it (moim.intake).
        intake.limit = self.threads

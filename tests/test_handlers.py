"""How the production server hands requests to Django (moim/handlers.py).

Every request runs whole on a thread of a fixed pool (middleware, view, the request's end);
a live stream's asynchronous content is then sent from the event loop, holding no thread.
These tests drive the ASGI application directly.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import io
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from inspect import iscoroutinefunction
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_finished
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

from moim.handlers import PageHandler, Router

entered: list[str] = []
release = threading.Event()
# What a page may set for itself, as Django sets the active language and the script prefix.
marked: contextvars.ContextVar[str] = contextvars.ContextVar("marked", default="unmarked")


def where(request: HttpRequest) -> HttpResponse:
    return HttpResponse(threading.current_thread().name)


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a view that fails")


def waits(request: HttpRequest, n: int) -> HttpResponse:
    entered.append(request.path)
    release.wait(timeout=10)
    return HttpResponse("done")


def marks(request: HttpRequest, mark: str) -> HttpResponse:
    found = marked.get()
    marked.set(mark)
    return HttpResponse(found)


def streamed(request: HttpRequest) -> StreamingHttpResponse:
    return StreamingHttpResponse(iter([b"one,", b"two,", b"three"]))


def a_file(request: HttpRequest) -> FileResponse:
    return FileResponse(Path(__file__).open("rb"))


class ReadFile(io.BytesIO):
    """A file that notes how far it has been read."""

    furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        ReadFile.furthest = max(ReadFile.furthest, self.tell())
        return chunk


LARGE = bytes(range(256)) * 4096  # 1 MiB: sixteen of the handler's 64 KiB chunks


def a_large_file(request: HttpRequest) -> FileResponse:
    ReadFile.furthest = 0
    return FileResponse(ReadFile(LARGE))


stream_ended = threading.Event()


async def _live(opened_on: str) -> AsyncIterator[bytes]:
    try:
        yield f"opened on {opened_on}\n".encode()
        await asyncio.sleep(3600)
        yield b"never\n"
    finally:
        stream_ended.set()


streamed_requests: list[weakref.ref[HttpRequest]] = []


def events(request: HttpRequest) -> StreamingHttpResponse:
    """As the site's streams: a view like a page's, whose answer's content is asynchronous."""
    streamed_requests.append(weakref.ref(request))
    return StreamingHttpResponse(_live(threading.current_thread().name))


urlpatterns = [
    path("where/", where),
    path("fails/", fails),
    path("waits/<int:n>/", waits),
    path("marks/<str:mark>/", marks),
    path("streamed/", streamed),
    path("file/", a_file),
    path("large/", a_large_file),
    path("live/events/", events),
]


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_no_view_of_the_site_is_asynchronous() -> None:
    """An asynchronous view would be run to its end on a page thread, holding it while it
    waits; the live streams are views like pages whose answers' content is asynchronous."""
    views = list(_walk(get_resolver().url_patterns))
    assert len([route for route, _view in views if route.endswith("events/")]) >= 3
    assert [route for route, view in views if iscoroutinefunction(view)] == []


def _scope(path_: str, method: str = "GET") -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path_,
        "raw_path": path_.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }


async def _call(app: Any, path_: str) -> tuple[int, bytes, int]:
    """Status, body and how many body messages the answer took."""
    sent: list[dict[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(path_), receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    parts = [m for m in sent if m["type"] == "http.response.body"]
    return start["status"], b"".join(m.get("body", b"") for m in parts), len(parts)


def _run(coroutine: Any) -> Any:
    """asyncio.run on a thread of its own: browser tests leave an event loop in the test's."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result(timeout=30)


@pytest.fixture
def urls() -> Iterator[None]:
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
        yield


def test_a_stream_opens_on_a_page_thread_then_holds_none_until_its_client_goes(
    urls: None,
) -> None:
    """One thread: a stream opened on it leaves it free for the next page while the stream
    stays open; the client's going away stops the stream (its `finally` runs)."""
    stream_ended.clear()
    router = Router()
    router._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="moim-page")
    body: list[bytes] = []
    first_chunk, gone = asyncio.Event(), asyncio.Event()

    async def receive() -> dict[str, Any]:
        if not body:
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and message.get("body"):
            body.append(message["body"])
            first_chunk.set()

    async def scenario() -> tuple[int, bytes, bool]:
        stream = asyncio.create_task(router(_scope("/live/events/"), receive, send))
        await asyncio.wait_for(first_chunk.wait(), 10)
        # The open stream holds nothing of its request (session, user, middleware state).
        gc.collect()
        assert streamed_requests[-1]() is None
        status, page, _ = await asyncio.wait_for(_call(router, "/where/"), 10)
        still_open = not stream.done()
        gone.set()
        await asyncio.wait_for(stream, 10)
        return status, page, still_open

    status, page, still_open = _run(scenario())
    assert body[0].decode().startswith("opened on moim-page")
    assert (status, page.decode().startswith("moim-page"), still_open) == (200, True, True)
    assert stream_ended.wait(5)
    assert b"never" not in b"".join(body)


def test_the_request_ends_once_per_page_after_the_view(urls: None) -> None:
    """request_finished (which hands the database connection back) fires once per request."""
    ended: list[str] = []

    def note(sender: Any, **kwargs: Any) -> None:
        ended.append(threading.current_thread().name)

    request_finished.connect(note)
    try:
        handler = PageHandler(threads=2)
        for page in ("/where/", "/fails/", "/streamed/", "/file/", "/nowhere/"):
            _run(_call(handler, page))
    finally:
        request_finished.disconnect(note)
    assert len(ended) == 5


def test_a_failing_view_is_a_500_page_not_a_broken_connection(urls: None) -> None:
    status, body, _ = _run(_call(PageHandler(threads=1), "/fails/"))
    assert status == 500
    assert body


def test_streamed_and_file_answers_arrive_whole(urls: None) -> None:
    handler = PageHandler(threads=1)
    status, body, _ = _run(_call(handler, "/streamed/"))
    assert (status, body) == (200, b"one,two,three")
    status, body, _ = _run(_call(handler, "/file/"))
    assert (status, body) == (200, Path(__file__).read_bytes())


def test_a_file_goes_out_chunk_by_chunk_as_the_client_reads_it(urls: None) -> None:
    """A download is read as it is sent, not whole into memory first (Django's own handler
    reads a file answer whole before sending its first byte)."""
    handler = PageHandler(threads=1)
    read_at_first_chunk: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not sent:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body" and not read_at_first_chunk:
            read_at_first_chunk.append(ReadFile.furthest)
        sent.append(message)

    _run(handler(_scope("/large/"), receive, send))

    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert body == LARGE
    assert read_at_first_chunk[0] <= 2 * handler.chunk_size < len(LARGE)


def test_pages_beyond_the_threads_wait_their_turn(urls: None) -> None:
    """Three pages at once on two threads: two run, the third starts once one has ended."""
    entered.clear()
    release.clear()
    handler = PageHandler(threads=2)

    async def three() -> list[tuple[int, bytes, int]]:
        calls = [asyncio.create_task(_call(handler, f"/waits/{n}/")) for n in range(3)]
        for _ in range(200):
            if len(entered) >= 2:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        inside = len(entered)
        release.set()
        answers = await asyncio.gather(*calls)
        assert inside == 2
        return answers

    answers = _run(three())
    assert [status for status, _body, _n in answers] == [200, 200, 200]
    assert len(entered) == 3


def test_what_a_page_sets_in_its_context_stays_out_of_the_next_page_on_its_thread(
    urls: None,
) -> None:
    handler = PageHandler(threads=1)  # both pages on the same thread

    _status, first, _ = _run(_call(handler, "/marks/ko/"))
    _status, second, _ = _run(_call(handler, "/marks/en/"))

    assert (first, second) == (b"unmarked", b"unmarked")

"""The load benchmark's browsers: delegates posting ballots and projector screens listening,
thousands at once on one asyncio loop (aiohttp), every request bounded by a timeout.

Nothing here knows Django: it speaks HTTP to a served site, as browsers do. Cookies are sent
by hand (the delegate's session and its CSRF cookie), so that one connection pool serves every
delegate and the site's Secure cookie flags do not matter over plain HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import html
import math
import random
import re
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import aiohttp

REQUEST_TIMEOUT = 30.0
KEEPALIVE_SECONDS = 3.0
# As the ballot form's script does (moim/static/moim/retry.js): a 503 "busy" answer is sent
# again after its Retry-After (spread by up to half), at most this many times.
BUSY_RETRIES = 8
# projector.js: a stream that greets its screen has this long to send the state.
GREETING_SECONDS = 3.0
RECEIPT = re.compile(r'class="receipt-code"')
HIDDEN = re.compile(r'name="(csrfmiddlewaretoken|submission|member)" value="([^"]*)"')
ERROR_TEXT = re.compile(r'class="errorlist"[^>]*>(.*?)</', re.DOTALL)
TAGS = re.compile(r"<[^>]+>")


def percentile(values: Sequence[float], share: float) -> float | None:
    """The value below which `share` of `values` lie (nearest rank); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered) - 1e-9) - 1))
    return ordered[rank]


def excerpt(body: str, limit: int = 160) -> str:
    """What a refusal says: the page's error line if it has one, else the start of its text."""
    found = ERROR_TEXT.search(body)
    text = found.group(1) if found else TAGS.sub(" ", body)
    return " ".join(html.unescape(text).split())[:limit]


def http_client(connections: int = 0, per_request: bool = False) -> aiohttp.ClientSession:
    """One pool for every simulated browser; `connections` 0 is unbounded (streams need it).
    `per_request`: a new connection for every request, as a proxy in front opens one to the
    server for each request it passes (nginx as docs/deployment.md sets it up)."""
    # An idle connection is given up before the server closes it (uvicorn after 5 s): a request
    # sent on one the server has just closed fails, a bench artefact, not a ballot refused.
    connector = (
        aiohttp.TCPConnector(limit=connections, force_close=True, ttl_dns_cache=None)
        if per_request
        else aiohttp.TCPConnector(
            limit=connections, ttl_dns_cache=None, keepalive_timeout=KEEPALIVE_SECONDS
        )
    )
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
    )


# --- ballots ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotForm:
    """What a delegate's ballot page gave its browser: cookies and the form's hidden fields."""

    cookie: str
    fields: dict[str, str]


@dataclass
class Failures:
    """Errors by kind, each with how often it happened and what the first one said."""

    counts: dict[str, int] = field(default_factory=dict)
    first: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, said: str = "") -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        self.first.setdefault(kind, said)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Cookies:
    session_name: str
    csrf_name: str


async def _get_page(
    http: aiohttp.ClientSession, url: str, cookie: str
) -> tuple[aiohttp.ClientResponse, str]:
    """A page, asked for again once when the kept-alive connection it went out on had been
    closed by the server meanwhile (a reset, a disconnect before any answer), as browsers do
    for a page that changes nothing."""
    for attempt in (1, 2):
        try:
            async with http.get(url, headers={"Cookie": cookie}) as got:
                return got, await got.text()
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def fetch_ballot_forms(
    http: aiohttp.ClientSession,
    base: str,
    vote_path: str,
    sessions: Sequence[str],
    cookies: Cookies,
    *,
    concurrency: int = 50,
) -> tuple[list[BallotForm | None], Failures]:
    """Each delegate opens its ballot page once (untimed): its CSRF cookie and token, the
    member it votes for and the form's submission token. None where the page failed."""
    forms: list[BallotForm | None] = [None] * len(sessions)
    failures = Failures()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(sessions)):
        queue.put_nowait(index)

    async def worker() -> None:
        while not queue.empty():
            index = queue.get_nowait()
            session_cookie = f"{cookies.session_name}={sessions[index]}"
            try:
                got, body = await _get_page(http, base + vote_path, session_cookie)
            except (TimeoutError, aiohttp.ClientError) as error:
                failures.add(type(error).__name__, str(error))
                continue
            morsel = got.cookies.get(cookies.csrf_name)
            fields = dict(HIDDEN.findall(body))
            if got.status != 200 or morsel is None or len(fields) < 3:
                failures.add(f"ballot page HTTP {got.status}", excerpt(body))
                continue
            csrf = f"{cookies.csrf_name}={morsel.value}"
            forms[index] = BallotForm(cookie=f"{session_cookie}; {csrf}", fields=fields)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return forms, failures


@dataclass
class CastResult:
    """One scenario's answers: receipts, refusals by kind, and when each receipt came."""

    sent: int = 0
    accepted: int = 0
    failures: Failures = field(default_factory=Failures)
    latencies: list[float] = field(default_factory=list)
    first_sent: float = 0.0
    last_accepted: float = 0.0
    # Ballots answered 503 "busy" (nothing stored) and sent again, as the page does.
    busy_retries: int = 0
    # Each accepted ballot: (sent, seconds to its answer), sent counted from the first ballot.
    timeline: list[tuple[float, float]] = field(default_factory=list)

    @property
    def span(self) -> float:
        return max(self.last_accepted - self.first_sent, 0.0)

    @property
    def rate(self) -> float:
        return self.accepted / self.span if self.span > 0 else 0.0


async def _cast(
    http: aiohttp.ClientSession, url: str, form: BallotForm, choice: int, result: CastResult
) -> None:
    data = {**form.fields, "choice": str(choice)}
    # As the page's htmx posts it: the answer is the ballots fragment with the receipt.
    headers = {"Cookie": form.cookie, "HX-Request": "true", "HX-Target": "ballots"}
    sent = time.perf_counter()
    result.sent += 1
    for attempt in range(BUSY_RETRIES + 1):
        try:
            async with http.post(url, data=data, headers=headers) as answer:
                body = await answer.text()
                status = answer.status
                retry_after = answer.headers.get("Retry-After", "")
        except TimeoutError:
            result.failures.add(f"timeout ({REQUEST_TIMEOUT:.0f} s)")
            return
        except aiohttp.ClientError as error:
            result.failures.add(f"connection: {type(error).__name__}", str(error)[:160])
            return
        if status != 503 or attempt == BUSY_RETRIES:
            break
        result.busy_retries += 1
        delay = float(retry_after) if retry_after.isdigit() else 2.0
        await asyncio.sleep(min(delay, 10.0) * (1 + random.random() / 2))
    done = time.perf_counter()
    if status == 200 and RECEIPT.search(body):
        result.accepted += 1
        result.latencies.append(done - sent)
        result.timeline.append((sent - result.first_sent, done - sent))
        result.last_accepted = max(result.last_accepted, done)
    else:
        result.failures.add(f"HTTP {status}", excerpt(body))


async def cast_closed_loop(
    http: aiohttp.ClientSession,
    url: str,
    ballots: Sequence[tuple[BallotForm, int]],
    *,
    in_flight: int,
    cap: float,
) -> CastResult:
    """`in_flight` ballots on the way at every moment until all are sent (a hall voting at
    once, each delegate's browser waiting for its answer)."""
    result = CastResult()
    queue: asyncio.Queue[tuple[BallotForm, int]] = asyncio.Queue()
    for ballot in ballots:
        queue.put_nowait(ballot)

    async def worker() -> None:
        while not queue.empty():
            form, choice = queue.get_nowait()
            await _cast(http, url, form, choice, result)

    result.first_sent = time.perf_counter()
    await _bounded([worker() for _ in range(in_flight)], cap, result)
    return result


async def cast_open_loop(
    http: aiohttp.ClientSession,
    url: str,
    ballots: Sequence[tuple[BallotForm, int]],
    *,
    interval: float,
    cap: float,
) -> CastResult:
    """One ballot sent every `interval` seconds whatever the answers (an arrival rate the
    server must keep up with, or fall behind)."""
    result = CastResult()
    loop = asyncio.get_running_loop()
    result.first_sent = time.perf_counter()
    start = loop.time()
    launched: list[Awaitable[None]] = []

    async def launch() -> None:
        for index, (form, choice) in enumerate(ballots):
            delay = start + index * interval - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            launched.append(asyncio.ensure_future(_cast(http, url, form, choice, result)))
        await asyncio.gather(*launched)

    await _bounded([launch()], cap, result)
    for pending in launched:
        if isinstance(pending, asyncio.Future):
            pending.cancel()
    return result


async def _bounded(work: list[Awaitable[None]], cap: float, result: CastResult) -> None:
    """Run `work`; past `cap` seconds, stop it and count what is unanswered as such."""
    tasks = [asyncio.ensure_future(w) for w in work]
    _done, pending = await asyncio.wait(tasks, timeout=cap)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    answered = result.accepted + result.failures.total
    for _ in range(result.sent - answered):
        result.failures.add(f"unanswered at the overall cap ({cap:.0f} s)")


class LoopLag:
    """How late this process's own loop wakes while it measures: the measuring client shares
    the machine with the server, and a ballot's answer read late by a busy client would be
    counted as the server's. Used as `async with LoopLag() as lag:`; `lag.lags` in seconds."""

    STEP = 0.01

    def __init__(self) -> None:
        self.lags: list[float] = []
        self._task: asyncio.Future[None] | None = None

    async def __aenter__(self) -> LoopLag:
        self._task = asyncio.ensure_future(self._watch())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.STEP)
            self.lags.append(max(loop.time() - before - self.STEP, 0.0))


# --- projector screens ----------------------------------------------------------------------


@dataclass
class Watch:
    """The result the screens wait for: set once the chair publishes `poll_id`."""

    poll_id: int = 0
    since: float = 0.0

    def shows_result(self, fragment: str) -> bool:
        return self.poll_id > 0 and (
            f'data-poll="{self.poll_id}" data-poll-state="published"' in fragment
        )


class StreamHolder(Protocol):
    started: float
    failed: str
    said: str
    opened: asyncio.Event


async def hold_stream(
    holder: StreamHolder,
    http: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    read: Callable[[aiohttp.ClientResponse], Awaitable[None]],
) -> None:
    """Open a live stream for `holder` and `read` it until it ends or fails; what failed is
    noted on the holder, whose `opened` is set in any case."""
    holder.started = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=REQUEST_TIMEOUT)
    try:
        # The answer's head within the request timeout, then no limit: a stream lasts.
        stream = await asyncio.wait_for(
            http.get(url, timeout=timeout, headers=headers), REQUEST_TIMEOUT
        )
        async with stream:
            if stream.status != 200:
                body = await asyncio.wait_for(stream.text(), REQUEST_TIMEOUT)
                holder.failed, holder.said = f"HTTP {stream.status}", excerpt(body)
                return
            await read(stream)
    except asyncio.CancelledError:
        raise
    except TimeoutError:
        holder.failed = holder.failed or "timeout"
    except aiohttp.ClientError as error:
        holder.failed = holder.failed or f"connection: {type(error).__name__}"
    finally:
        holder.opened.set()


@dataclass
class Screen:
    """One projector screen: its live stream, and the snapshot it fetches on each update
    (as projector.js does: one fetch at a time, one more if an update came meanwhile). When the
    page says its stream greets it with the state (`pushes_state`), the screen fetches on
    opening only if no state came within GREETING_SECONDS, as projector.js does."""

    http: aiohttp.ClientSession
    events_url: str
    state_url: str
    watch: Watch
    fetches: list[int]  # shared: snapshot fetches in flight over all screens
    started: float = 0.0
    first_byte: float | None = None
    failed: str = ""
    said: str = ""
    result_at: float | None = None
    _loading: bool = False
    _again: bool = False
    _task: asyncio.Future[None] | None = None
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    pushes_state: bool = False
    greeted: bool = False

    async def run(self) -> None:
        await hold_stream(self, self.http, self.events_url, {}, self._read)

    async def _read(self, stream: aiohttp.ClientResponse) -> None:
        kind, data = "message", []
        first = True
        while True:
            if first:
                line = await asyncio.wait_for(stream.content.readline(), REQUEST_TIMEOUT)
            else:
                line = await stream.content.readline()
            if not line:
                self.failed = self.failed or "stream ended"
                return
            if first:
                self.first_byte = time.perf_counter() - self.started
                self.opened.set()
                first = False
                # The page's first snapshot, as on EventSource "open".
                if self.pushes_state:
                    asyncio.get_running_loop().call_later(GREETING_SECONDS, self._ungreeted)
                else:
                    self.refresh()
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if text.startswith("event:"):
                kind = text[6:].strip()
            elif text.startswith("data:"):
                data.append(text[5:].lstrip())
            elif not text:
                self._dispatch(kind, "\n".join(data))
                kind, data = "message", []

    def _ungreeted(self) -> None:
        if not self.greeted:
            self.refresh()

    def _dispatch(self, kind: str, data: str) -> None:
        if kind == "state":  # the stream carries the screen's HTML itself
            self.greeted = True
            self._saw(data)
        elif kind == "update":
            self.refresh()

    def _saw(self, fragment: str) -> None:
        if self.result_at is None and self.watch.shows_result(fragment):
            self.result_at = time.perf_counter()

    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        self.fetches[0] += 1
        self._task = asyncio.ensure_future(self._fetch())

    async def _fetch(self) -> None:
        try:
            while True:
                self._again = False
                try:
                    async with self.http.get(self.state_url) as answer:
                        fragment = await answer.text()
                    if answer.status == 200:
                        self._saw(fragment)
                except (TimeoutError, aiohttp.ClientError):
                    pass
                if not self._again:
                    return
        finally:
            self._loading = False
            self.fetches[0] -= 1


# governance/sitting.js: a page waits a random moment of up to this long after the stream's word
# before it asks for its ballot part.
SITTING_SPREAD_SECONDS = 2.0


@dataclass
class SittingPage:
    """One delegate's sitting page: the assembly's stream its floor part holds (floor/floor.js)
    and its ballot part, which it asks for again, after a random moment of up to
    SITTING_SPREAD_SECONDS, on an update that names a poll's state (governance/sitting.js)."""

    http: aiohttp.ClientSession
    events_url: str
    ballot_url: str
    cookie: str
    started: float = 0.0
    failed: str = ""
    said: str = ""
    updates: int = 0  # every update the stream brought
    word_at: float | None = None  # the first update naming a poll's state
    ballot_at: float | None = None  # its ballot part answered after that
    ballot_failed: str = ""
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    _asking: asyncio.Future[None] | None = None

    async def run(self) -> None:
        await hold_stream(self, self.http, self.events_url, {"Cookie": self.cookie}, self._read)

    async def _read(self, stream: aiohttp.ClientResponse) -> None:
        kind = "message"
        while line := await stream.content.readline():
            self.opened.set()
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            if text.startswith("event:"):
                kind = text[6:].strip()
            elif text.startswith("data:") and kind == "update":
                self._update(text[5:].strip())
            elif not text:
                kind = "message"
        self.failed = self.failed or "stream ended"

    def _update(self, data: str) -> None:
        self.updates += 1
        if self.word_at is None and '"state"' in data:
            self.word_at = time.perf_counter()
            self._asking = asyncio.ensure_future(self._ask())

    async def _ask(self) -> None:
        await asyncio.sleep(random.random() * SITTING_SPREAD_SECONDS)
        try:
            async with self.http.get(self.ballot_url, headers={"Cookie": self.cookie}) as answer:
                await answer.read()
            if answer.status == 200:
                self.ballot_at = time.perf_counter()
            else:
                self.ballot_failed = f"HTTP {answer.status}"
        except (TimeoutError, aiohttp.ClientError) as error:
            self.ballot_failed = f"connection: {type(error).__name__}"


async def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    """Poll `condition` on the loop until it holds or `timeout` passes; whether it held."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() >= deadline:
            return False
        await asyncio.sleep(step)
    return True


async def page_times(http: aiohttp.ClientSession, url: str, times: int) -> tuple[list[float], int]:
    """`times` fetches of a page one after another: the seconds each took, and failures."""
    took: list[float] = []
    failed = 0
    for _ in range(times):
        started = time.perf_counter()
        try:
            async with http.get(url) as answer:
                await answer.read()
                ok = answer.status == 200
        except (TimeoutError, aiohttp.ClientError):
            ok = False
        if ok:
            took.append(time.perf_counter() - started)
        else:
            failed += 1
    return took, failed


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0

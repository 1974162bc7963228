"""The load benchmark (bench/load.py): a small run end to end against the development server on
SQLite, and the pieces of its report."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import redis
from bench import client, load

REDIS_URL = os.environ.get("MOIM_LOAD_BENCH_REDIS_URL", load.DEFAULT_REDIS_URL)


def _redis_answers() -> bool:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


@pytest.mark.single_leg
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the SQLite leg only")
def test_load_bench_quick_run_on_sqlite_stores_every_accepted_ballot_once(tmp_path: Path) -> None:
    if not _redis_answers():
        pytest.skip(f"the benchmark's screens hear the result through Redis: none at {REDIS_URL}")
    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nText written by hand.\n", encoding="utf-8")
    figures = tmp_path / "load.json"

    status = load.main(
        [
            "--quick",
            "--db",
            "sqlite",
            "--server",
            "development",
            "--delegates",
            "20",
            "--streams",
            "20",
            "--commit-seconds",
            "0.3",
            "--redis-url",
            REDIS_URL,
            "--out",
            str(out),
            "--json",
            str(figures),
        ]
    )

    assert status == 0
    report = json.loads(figures.read_text(encoding="utf-8"))
    [leg] = report["legs"]
    [served] = leg["servers"]
    assert leg["database"] == "sqlite"
    assert leg["raw_commits"] > 0
    # The development server is not asked to hold every delegate's sitting page.
    expected = [s.name for s in load.SCENARIOS if not s.sitting]
    assert [run["scenario"] for run in served["scenarios"]] == expected
    for run in served["scenarios"]:
        assert (run["sent"], run["accepted"], run["errors"]) == (20, 20, {})
        assert run["stored_closed"] == {"ballots": 20, "vote_records": 20}
        assert run["check"] is True
        assert run["rate"] > 0
        assert 0 < run["p50"] <= run["p95"] <= run["p99"]
        # The server worked for each ballot; SQLite runs inside it, no PostgreSQL to count.
        assert run["cpu_ms"]["server"] > 0
        assert run["cpu_ms"]["database"] == 0
    screens = served["streams"]
    assert (screens["opened"], screens["failures"]) == (20, {})
    assert screens["result_overall"] == 20
    assert screens["rss_mb"] > 0
    assert screens["threads"] >= 20  # the development server holds a thread per stream
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nText written by hand.\n\n## Load: 2,000 delegates\n")
    assert "### SQLite " in text
    assert "development server (`moim serve`)" in text
    assert "| burst, 50 in flight | 20 / 20 | 0 |" in text
    assert "| server " in text
    assert " ms | 20 ballots = 20 records |" in text
    assert "20 ballots = 20 records" in text
    assert "| 20 / 20 |" in text


def _production_run_on_sqlite(tmp_path: Path, *options: str) -> dict[str, Any]:
    """A small run against the production server on SQLite: what it reported of that server."""
    if not _redis_answers():
        pytest.skip(f"the production server's streams go through Redis: none at {REDIS_URL}")
    figures = tmp_path / "load.json"
    status = load.main(
        [
            *("--db", "sqlite", "--server", "production", "--commit-seconds", "0.3"),
            *("--redis-url", REDIS_URL, "--json", str(figures), *options),
        ]
    )
    assert status == 0
    [served] = json.loads(figures.read_text(encoding="utf-8"))["legs"][0]["servers"]
    return dict(served)


@pytest.mark.single_leg
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the SQLite leg only")
def test_load_bench_holds_every_sitting_page_open_on_the_production_server(
    tmp_path: Path,
) -> None:
    served = _production_run_on_sqlite(tmp_path, "--delegates", "20", "--streams", "5")
    runs = {run["scenario"]: run for run in served["scenarios"]}
    assert list(runs) == [s.name for s in load.SCENARIOS]
    sitting = runs["steady, 200 per second, every sitting page open"]
    assert (sitting["accepted"], sitting["errors"]) == (20, {})
    seen = sitting["sitting"]
    # Each page held its stream; none heard the ballots; each heard the close and asked for
    # its ballot part again, which answered.
    assert (seen["pages"], seen["opened"], seen["updates_while_voting"]) == (20, 20, 0)
    assert (seen["word"], seen["ballot"], seen["failures"]) == (20, 20, {})
    # The ballots came once the pages were open and the server quiet again.
    assert load.SETTLE_SECONDS <= seen["settled"] < 60
    assert 0 < seen["word_p50"] <= seen["word_p99"] < 5
    assert 0 < seen["opening"] < 120
    assert all(run.get("sitting") is None for run in served["scenarios"] if run is not sitting)
    # Each accepted ballot on the timeline: when it was sent, and how long its answer took.
    timeline = sitting["timeline"]
    assert len(timeline) == 20
    took = [took for _at, took in timeline]
    assert abs(client.percentile(took, 0.99) - sitting["p99"]) < 0.001
    assert all(0 <= at < 60 for at, _took in timeline)
    assert 0 <= sitting["client_lag_p99"] <= sitting["client_lag_max"]


def test_load_bench_section_is_replaced_between_its_markers(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nBefore.\n", encoding="utf-8")

    load.write_section(out, ["first run"])
    once = out.read_text(encoding="utf-8")
    load.write_section(out, ["second run"])
    twice = out.read_text(encoding="utf-8")

    assert once == (
        "# Benchmarks\n\nBefore.\n\n## Load: 2,000 delegates\n\n"
        f"{load.MARK_START}\n\nfirst run\n{load.MARK_END}\n"
    )
    assert twice == once.replace("first run", "second run")


def test_load_bench_reports_a_failed_database_check() -> None:
    run = {
        "scenario": "burst, 50 in flight",
        "accepted": 10,
        "errors": {},
        "check": False,
        "stored_open": {"ballots": 9, "vote_records": 10},
        "stored_closed": {"ballots": 9, "vote_records": 10},
    }
    report = {
        "legs": [{"database": "sqlite", "servers": [{"server": "production", "scenarios": [run]}]}]
    }

    assert load.failed_checks(report) == [
        "FAIL: sqlite, production, burst, 50 in flight: 10 accepted, stored while open "
        "{'ballots': 9, 'vote_records': 10}, after close {'ballots': 9, 'vote_records': 10}"
    ]


def test_percentiles_take_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]

    assert client.percentile(values, 0.50) == 50.0
    assert client.percentile(values, 0.99) == 99.0
    assert client.percentile([3.0], 0.99) == 3.0
    assert client.percentile([], 0.5) is None


def test_a_refusal_is_summed_up_by_its_error_line() -> None:
    page = '<main><p class="errorlist" role="alert">City 1 has already voted.</p></main>'

    assert client.excerpt(page) == "City 1 has already voted."
    assert client.excerpt("<h1>Server  Error</h1> (500)") == "Server Error (500)"


def test_load_bench_never_drops_a_database_not_named_for_benchmarks() -> None:
    with pytest.raises(load.Unavailable, match="its name must contain 'bench'"):
        load.recreate_postgres("postgres://postgres@127.0.0.1:5432/moim")


def test_a_ballot_whose_answer_never_came_may_be_stored_but_no_more() -> None:
    stored = {"ballots": 1995, "vote_records": 1995}
    unanswered = load.unanswered({"timeout (30 s)": 4, "connection: ServerDisconnectedError": 1})

    assert unanswered == 5
    assert load.consistent(stored, 1990, unanswered) is True
    assert load.consistent(stored, 1989, unanswered) is False  # more ballots than could be
    assert load.consistent(stored, 1996, unanswered) is False  # a receipt without its ballot
    assert load.consistent({"ballots": 1995, "vote_records": 1994}, 1995, 0) is False
    assert load.unanswered({"HTTP 400": 3}) == 0  # a refusal stored nothing


def test_cpu_seconds_counts_a_busy_child_and_what_it_left_when_reaped() -> None:
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nend = time.process_time() + 0.5\n"
            "while time.process_time() < end: pass\ninput()",
        ],
        stdin=subprocess.PIPE,
    )
    try:
        # Until the child has done spinning and waits for its input: two readings alike.
        spent, before = 0.0, -1.0
        for _ in range(100):
            spent = load.cpu_seconds([child.pid])
            if spent >= 0.4 and spent == before:
                break
            before = spent
            time.sleep(0.1)
        # /proc samples CPU time by clock tick, so it may count a few ticks less than the child's
        # own clock: it spins for 0.5 s of its own time and /proc must show at least 0.4.
        assert 0.4 <= spent < 5
        assert load.cpu_seconds([child.pid, 2**22 + 1]) == spent  # an ended pid counts nothing
    finally:
        child.communicate(b"\n", timeout=10)
    # Once waited for, the child's time is its parent's "reaped" time.
    assert load.cpu_seconds([os.getpid()], reaped=True) >= load.cpu_seconds([os.getpid()]) + 0.4


def test_the_run_reported_is_the_median_by_rate_in_a_burst_and_by_p99_at_a_steady_rate() -> None:
    runs = [
        {"rate": 280.0, "p99": 0.9},
        {"rate": 260.0, "p99": 0.3},
        {"rate": 270.0, "p99": 0.1},
    ]
    burst = load.median_run(load.Scenario("burst", in_flight=50), runs)
    steady = load.median_run(load.Scenario("steady", interval=0.005), runs)

    assert (burst["rate"], burst["p99"]) == (270.0, 0.1)
    assert (steady["rate"], steady["p99"]) == (260.0, 0.3)
    assert steady["every_p99"] == [0.9, 0.3, 0.1]
    assert load.p99_cell(steady) == "300 ms (100, 300, 900)"
    assert load.p99_cell({"p99": 0.25}) == "250 ms"


def test_cpu_cell_names_what_was_measured() -> None:
    assert load.cpu_cell(None) == "–"
    assert load.cpu_cell({"server": 5.04, "database": 0.0, "client": 0.51}) == (
        "server 5.0, client 0.5 ms"
    )
    assert load.cpu_cell({"server": 5.04, "database": 2.0, "client": 0.51}) == (
        "server 5.0, PostgreSQL 2.0, client 0.5 ms"
    )


@pytest.mark.single_leg
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the SQLite leg only")
def test_load_bench_runs_only_the_scenarios_named_and_reports_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    served = _production_run_on_sqlite(tmp_path, "--delegates", "10", "--only", "sitting")
    assert [run["scenario"] for run in served["scenarios"]] == [
        "steady, 200 per second, every sitting page open"
    ]
    assert served["scenarios"][0]["accepted"] == 10
    assert served["streams"] is None  # the screens' part is not run
    shown = capsys.readouterr().out
    assert "| steady, 200 per second, every sitting page open | 10 / 10 | 0 |" in shown
    assert "streams open" not in shown


def test_load_bench_writes_no_partial_figures_into_the_docs(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        load.parse(["--only", "burst", "--out", str(tmp_path / "benchmarks.md")])
    assert load.parse(["--only", "burst"]).only == "burst"


def test_the_loop_lag_probe_sees_a_loop_held_up() -> None:
    """The client's own lateness is measured: a loop held for 0.2 s shows as such."""

    async def held() -> list[float]:
        async with client.LoopLag() as lag:
            await asyncio.sleep(0.05)
            time.sleep(0.2)  # the loop does nothing else meanwhile
            await asyncio.sleep(0.05)
        return lag.lags

    lags = asyncio.run(held())
    assert max(lags) >= 0.15
    assert sorted(lags)[len(lags) // 2] < 0.05


def test_the_servers_sizes_reach_them_only_when_the_caller_sets_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("MOIM_WORKERS", raising=False)
    monkeypatch.setenv("MOIM_PAGE_THREADS", "3")
    monkeypatch.setenv("MOIM_DB_PREPARED", "false")
    monkeypatch.setenv("MOIM_DB_POOL_MAX", "99")  # not a size the benchmark compares
    env = load.base_env(tmp_path, "sqlite:///x", REDIS_URL)
    assert env["MOIM_PAGE_THREADS"] == "3"
    assert env["MOIM_DB_PREPARED"] == "false"
    assert "MOIM_WORKERS" not in env
    assert "MOIM_DB_POOL_MAX" not in env
    monkeypatch.setenv("MOIM_WORKERS", "2")
    assert load.base_env(tmp_path, "sqlite:///x", REDIS_URL)["MOIM_WORKERS"] == "2"


@pytest.mark.single_leg
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the SQLite leg only")
def test_a_stopped_benchmark_stops_the_server_it_started(tmp_path: Path) -> None:
    """The servers run in sessions of their own: a benchmark stopped by SIGTERM (a timeout, a
    CI runner) must stop them, or they go on taking the cores from every later run."""
    if not _redis_answers():
        pytest.skip(f"the benchmark's screens hear the result through Redis: none at {REDIS_URL}")
    small = ["--quick", "--delegates", "20", "--streams", "20", "--commit-seconds", "0.3"]
    where = ["--redis-url", REDIS_URL, "--json", str(tmp_path / "load.json")]
    bench = subprocess.Popen(
        [
            sys.executable,
            "bench/load.py",
            "--db",
            "sqlite",
            "--server",
            "development",
            *small,
            *where,
        ],
        cwd=Path(load.__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert bench.stdout is not None
    url = ""
    for line in bench.stdout:
        if "server up on " in line:
            url = line.rsplit(" ", 1)[-1].strip()
            break
    assert url.startswith("http://127.0.0.1:"), "the server never came up"
    port = int(url.rsplit(":", 1)[-1])

    bench.terminate()
    bench.wait(timeout=90)

    # Once the benchmark has ended, its server has too (not when its leg would have finished).
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass
    bench.stdout.close()
    assert bench.returncode != 0
    assert not (tmp_path / "load.json").exists()


@pytest.mark.parametrize(("per_request", "connections"), [(False, 1), (True, 3)])
def test_the_client_opens_a_connection_per_request_only_when_asked(
    per_request: bool, connections: int
) -> None:
    opened: list[int] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        opened.append(1)
        while await reader.readuntil(b"\r\n\r\n"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

    async def three_requests() -> None:
        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        host, port = server.sockets[0].getsockname()[:2]
        async with client.http_client(per_request=per_request) as http:
            for _ in range(3):
                async with http.get(f"http://{host}:{port}/") as response:
                    assert await response.text() == "ok"
        server.close()

    asyncio.run(three_requests())
    assert len(opened) == connections

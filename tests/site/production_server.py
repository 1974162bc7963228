"""Starting `moim serve-production` as a real process, for the tests that serve over HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SRC = ROOT / "src"

# Throwaway production secrets: long enough for the settings and the vault.
SECRETS = {
    "SECRET_KEY": "k3y-" + "x7Qp2Lm9Zr4Tw8Vb1Nc6Hd0Jf5Gs3Ak" * 2,
    "MOIM_VAULT_KEY": "v4ult-" + "Mz8Qr2Lp6Wt0Xn4Bv9Cj3Hk7Dg1Fs5Ya" * 2,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a production start: secrets, one allowed host, plain HTTP allowed
    (the tests speak HTTP to 127.0.0.1), data in `tmp_path`, no development flag."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": f"{SRC}{os.pathsep}{ROOT}",
        "MOIM_DATA_DIR": str(tmp_path / "data"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        **SECRETS,
        **extra,
    }


def moim(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "moim.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def health(self) -> tuple[int, dict[str, str]]:
        try:
            with urllib.request.urlopen(self.url + "/healthz", timeout=15) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    def wait_until_serving(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server ended early:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"the server did not listen within {timeout} s:\n{self.output()}")

    def worker_pids(self) -> list[int]:
        """The supervisor's worker processes (spawned by multiprocessing; its resource
        tracker, also a child, is not a worker)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = [int(pid) for pid in children.read_text().split()]
        return [pid for pid in pids if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit status; killed (and the test failed) past `timeout`."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"SIGTERM did not end the server:\n{self.output()}") from None

    def stop(self) -> None:
        """Kill what is left, workers included: a supervisor killed alone orphans them."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def start(tmp_path: Path, env: dict[str, str], *, workers: int) -> Server:
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    options = ["--port", str(port), "--workers", str(workers)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "moim.cli", "serve-production", *options],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(process, port, log)

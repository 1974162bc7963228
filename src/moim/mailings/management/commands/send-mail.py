"""`moim send-mail [--loop]`: the mail worker that sends queued convocations and messages."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from moim.mailings.sending import send_pending


class Command(BaseCommand):
    help = (
        "Send the pending deliveries of the convocation and of messages, in batches, each at "
        "most once; failures are retried later with a growing pause. With --loop, keep going "
        "until stopped (SIGTERM or SIGINT ends it after the message being sent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=50, help="deliveries per batch")
        parser.add_argument(
            "--loop", action="store_true", help="keep sending until stopped (the worker)"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=5.0,
            help="seconds to wait when nothing is due (with --loop)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if options["loop"]:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        while True:
            result = send_pending(batch=options["batch"])
            if result.handled or result.interrupted or not options["loop"]:
                self.stdout.write(
                    f"sent {result.sent}, to retry {result.retrying}, failed {result.failed}"
                    + (f", interrupted {result.interrupted}" if result.interrupted else "")
                )
            if not options["loop"]:
                return
            close_old_connections()
            if not result.handled:
                stop.wait(options["interval"])
            if stop.is_set():
                return

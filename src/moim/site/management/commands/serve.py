"""`moim serve --port PORT`: the development server on 127.0.0.1, with DEBUG on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve the site for development on 127.0.0.1:PORT (DEBUG on; never in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--noreload", action="store_true", help="Do not restart when the code changes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}")
        if not settings.DEVSERVER:
            raise CommandError(
                "`serve` runs through the moim command (`moim serve`), which sets MOIM_DEVSERVER."
            )
        call_command("runserver", f"127.0.0.1:{port}", use_reloader=not options["noreload"])

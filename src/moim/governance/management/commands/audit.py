"""`moim audit verify`: walk the audit log's hash chain and name the first entry that breaks it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moim.governance.audit import verify_anchor, verify_log


class Command(BaseCommand):
    help = "Check the governance audit log. `verify` recomputes every hash in sequence order."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="what to do with the log")
        parser.add_argument(
            "--anchor",
            default="",
            help="a head hash printed by an earlier verify; fails if the log no longer holds it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_anchor(options["anchor"]) if options["anchor"] else verify_log()
        if not result.ok:
            raise CommandError(str(result))
        self.stdout.write(str(result))
        self.stdout.write(f"head: {result.head}")

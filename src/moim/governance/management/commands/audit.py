"""`moim audit verify`: check the audit log's keyed hash chain, then that the database still
holds what the log recorded (ballots, results, roll calls, analog figures, published decisions).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moim.governance.audit import verify_anchor, verify_log
from moim.governance.enums import AuditAction, PollState
from moim.governance.evidence import verify_records
from moim.governance.models import AuditEntry, Poll


class Command(BaseCommand):
    help = (
        "Check the governance audit log. `verify` recomputes every keyed hash in sequence order, "
        "then recomputes each closed poll's ballot digest, result and roll call and each "
        "published decision against the entries that recorded them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="what to do with the log")
        parser.add_argument(
            "--anchor",
            default="",
            help="a head hash printed by an earlier verify or shown on a published result; "
            "fails if the log no longer holds it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            chain = verify_anchor(options["anchor"]) if options["anchor"] else verify_log()
        except ValueError as error:
            raise CommandError(str(error)) from None
        if not chain.ok:
            raise CommandError(str(chain))
        differences = verify_records()
        if differences:
            lines = [f"records differ from the audit log ({len(differences)}):"]
            lines += [f"  {d}" for d in differences]
            raise CommandError("\n".join(lines))
        self.stdout.write(str(chain))
        polls = Poll.objects.filter(state__in=(PollState.CLOSED, PollState.PUBLISHED)).count()
        decisions = AuditEntry.objects.filter(action=AuditAction.DECISION_PUBLISHED).count()
        self.stdout.write(
            f"records match the log: {polls} closed or published polls (ballots, result, roll "
            f"call, analog figures) and {decisions} published decisions recomputed"
        )
        self.stdout.write(f"head: {chain.head}")

"""`moim create-secretariat USERNAME --email ... [--password ...]`: a secretariat login."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from moim.members.services import create_secretariat_account


class Command(BaseCommand):
    help = (
        "Create or update a secretariat account (staff, secretariat role). Safe to run again; "
        "without --password a new account sets its password through the reset e-mail."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Skipped: keep an existing account's password.")
        parser.add_argument(
            "--allow-weak-password",
            action="store_true",
            help="Accept a password the validators reject (demonstration data only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            validate_email(options["email"])
            if options["password"] and not options["allow_weak_password"]:
                validate_password(options["password"])
        except ValidationError as error:
            hint = " (--allow-weak-password accepts it for demonstration data)"
            raise CommandError("; ".join(error.messages) + hint) from error
        user, created = create_secretariat_account(
            username=options["username"], email=options["email"], password=options["password"]
        )
        self.stdout.write(f"{'created' if created else 'updated'} secretariat account {user}")

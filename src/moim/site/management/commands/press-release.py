"""`moim press-release --assembly N --lang ko|en`: the release written from the records."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moim.assemblies.models import Assembly
from moim.errors import Refused
from moim.members.queries import current_organization
from moim.site.press import LANGUAGES, render_press_release


class Command(BaseCommand):
    help = (
        "Print the press release of an assembly, written from the records (attendance, "
        "programme, awards, plenary decisions, offices, sponsors), in English or Korean."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assembly", type=int, required=True, help="the edition number")
        parser.add_argument("--lang", choices=LANGUAGES, default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = current_organization()
        if organization is None:
            raise CommandError("No organization in the database: load it first (moim demo).")
        assembly = Assembly.objects.filter(
            organization=organization, edition=options["assembly"]
        ).first()
        if assembly is None:
            editions = ", ".join(
                str(n)
                for n in organization.assemblies.order_by("edition").values_list(
                    "edition", flat=True
                )
            )
            number = options["assembly"]
            raise CommandError(
                f"No assembly numbered {number}; the editions are: {editions or 'none'}."
            )
        try:
            self.stdout.write(render_press_release(assembly, options["lang"]), ending="")
        except Refused as error:
            raise CommandError(str(error)) from error

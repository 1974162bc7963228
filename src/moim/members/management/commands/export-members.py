"""`moim export-members --format csv|xlsx [--output FILE]`: the members, in the import columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moim.members.models import Organization
from moim.members.queries import current_organization
from moim.members.services import export_members


class Command(BaseCommand):
    help = "Export members as CSV or XLSX, in the columns import-members reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", "-o", type=Path, help="Default: standard output.")
        parser.add_argument("--organization", help="Organization slug (default: this site's).")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["organization"]
        organization = (
            Organization.objects.filter(slug=slug).first() if slug else current_organization()
        )
        if organization is None:
            raise CommandError(f"no organization {slug!r}" if slug else "no organization yet")
        data = export_members(organization=organization, file_format=options["format"])
        output: Path | None = options["output"]
        if output is not None:
            output.write_bytes(data)
        elif options["format"] == "csv":
            self.stdout.write(data.decode(), ending="")
        else:
            # XLSX is binary: it goes to a byte stream (a pipe or a redirect), never a text one.
            binary = getattr(self.stdout._out, "buffer", None)
            if binary is None:
                raise CommandError("XLSX is binary: write it to a file with --output")
            binary.write(data)
            binary.flush()

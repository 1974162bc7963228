"""`moim import-members FILE [--dry-run]`: members from CSV or XLSX, all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from moim.members.models import Organization
from moim.members.queries import current_organization
from moim.members.services import ImportFileError, file_format_for, import_members


class Command(BaseCommand):
    help = (
        "Import members from a CSV or XLSX file (the columns of export-members). "
        "If any row is bad, nothing is imported and each bad row is listed with its line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file, store nothing.")
        parser.add_argument("--format", choices=["csv", "xlsx"], help="Default: from the name.")
        parser.add_argument("--organization", help="Organization slug (default: this site's).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            file_format = file_format_for(path.name, options["format"])
            data = path.read_bytes()
        except (ImportFileError, OSError) as error:
            raise CommandError(f"{path}: {error}") from error
        organization = self._organization(options["organization"])

        report = import_members(
            organization=organization,
            data=data,
            file_format=file_format,
            dry_run=options["dry_run"],
        )

        for problem in report.file_problems:
            self.stderr.write(f"{path}: {problem}")
        for row_problem in report.problems:
            self.stderr.write(f"{path}: {row_problem}")
        if not report.ok:
            raise CommandError(
                f"nothing imported: {len(report.problems)} bad row(s), "
                f"{len(report.file_problems)} file problem(s)"
            )
        verb = "would import" if report.dry_run else "imported"
        self.stdout.write(
            f"{verb} {report.created + report.updated + report.unchanged} row(s): "
            f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged"
        )

    def _organization(self, slug: str | None) -> Organization:
        organization = (
            Organization.objects.filter(slug=slug).first() if slug else current_organization()
        )
        if organization is None:
            raise CommandError(f"no organization {slug!r}" if slug else "no organization yet")
        return organization

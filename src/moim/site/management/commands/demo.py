"""`moim demo`: set up the database and load the WeGO 2021 demonstration, ready to serve."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from django.apps import apps
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from moim.errors import DemoDataError
from moim.members import demo as members_demo

# Apps that may add their part of the demo as `moim.<app>.demo.load(organization)`.
DEMO_APPS = (
    "assemblies",
    "awards",
    "governance",
    "site",
    "motions",
    "floor",
    "mailings",
    "projection",
    "minutes",
)

DEMO_USERNAME = "secretariat"
DEMO_EMAIL = "secretariat@wego.example.org"
DEMO_PASSWORD = "wego-demo-2021"


class Command(BaseCommand):
    help = (
        "Migrate the database, load the WeGO demonstration as of its 5th General Assembly "
        "(18 October 2021) and create the demo secretariat login. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="The port the site will be served on, for the printed address.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Setting up the database…")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            self._load()
        except DemoDataError as error:
            raise CommandError(f"The demo data cannot be loaded: {error}") from error
        if "create-secretariat" not in get_commands():
            raise CommandError("The create-secretariat command is missing: no demo login made.")
        call_command(
            "create-secretariat",
            DEMO_USERNAME,
            email=DEMO_EMAIL,
            password=DEMO_PASSWORD,
            allow_weak_password=True,
            stdout=self.stdout,
        )
        base = f"http://127.0.0.1:{options['port']}"
        self.stdout.write(
            self.style.SUCCESS("\nThe WeGO 2021 demonstration is ready.")
            + f"\n  Site (English):  {base}/en/"
            + f"\n  Site (Korean):   {base}/ko/"
            + f"\n  Administration:  {base}/en/admin/"
            + f"\n  Log in as        {DEMO_USERNAME}"
            + f"\n  with password    {DEMO_PASSWORD}"
            + "\n  (The demo shows WeGO on 18 October 2021; `make demo` serves it with"
            + "\n  MOIM_TODAY=2021-10-18 so that standing and offices read as on that day.)\n"
        )

    def _load(self) -> None:
        """The registry, then each app's demonstration on top of it."""
        organization = members_demo.load()
        self.stdout.write(
            f"Loaded {organization.acronym or organization.name}: "
            f"{organization.members.count()} members, {organization.people.count()} people."
        )
        for app in DEMO_APPS:
            module = f"moim.{app}.demo"
            if not apps.is_installed(f"moim.{app}") or importlib.util.find_spec(module) is None:
                continue
            importlib.import_module(module).load(organization)
            self.stdout.write(f"Loaded the {app} demonstration.")

"""The WeGO demonstration loaded as `moim demo` loads it, for the publication tests."""

from __future__ import annotations

import importlib
import importlib.util

from moim.assemblies.models import Assembly
from moim.members import demo as members_demo
from moim.members.models import Organization
from moim.site.management.commands.demo import DEMO_APPS
from tests.worlds import once_per_module


def load_demo() -> Organization:
    organization = members_demo.load()
    for app in DEMO_APPS:
        module = f"moim.{app}.demo"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).load(organization)
    return organization


def fifth(organization: Organization) -> Assembly:
    return Assembly.objects.get(organization=organization, edition=5)


# The demo loaded once for a module, inside a transaction rolled back after its last test; each
# test runs in a savepoint of it, so what one test changes the next does not see.
wego_for_module = once_per_module(load_demo)

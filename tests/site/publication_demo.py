"""The WeGO demonstration loaded as `moim demo` loads it, for the publication tests."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from moim.assemblies.models import Assembly
from moim.members import demo as members_demo
from moim.members.models import Organization
from moim.site.management.commands.demo import DEMO_APPS


def load_demo() -> Organization:
    organization = members_demo.load()
    for app in DEMO_APPS:
        module = f"moim.{app}.demo"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).load(organization)
    return organization


def fifth(organization: Organization) -> Assembly:
    return Assembly.objects.get(organization=organization, edition=5)


@pytest.fixture(scope="module")
def wego_for_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[Organization]:
    """The demo loaded once for a module, inside a transaction rolled back after its last test;
    each test runs in a savepoint of it, so what one test changes the next does not see."""
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)

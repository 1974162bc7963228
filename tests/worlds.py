"""A read-only world built once for a test module instead of once per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction


def once_per_module[T](build: Callable[[], T]) -> Any:
    """A module-scoped fixture returning `build()`, run once inside a transaction that is rolled
    back after the module's last test. Each test that asks for it together with `db` runs in a
    savepoint of that transaction, so what one test changes the next does not see. Not for tests
    that commit (`transaction=True`, live servers): they would end the module's transaction."""

    @pytest.fixture(scope="module")
    def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[T]:
        with django_db_blocker.unblock():
            block = transaction.atomic()
            block.__enter__()
            try:
                yield build()
            finally:
                transaction.set_rollback(True)
                block.__exit__(None, None, None)

    return world

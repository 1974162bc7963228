"""The migration that keys the audit chain: a plain chain is checked, then rehashed with the
vault key; a chain already broken is refused, naming its entry, and left as it was."""

from __future__ import annotations

import hashlib
import importlib
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from moim.governance import audit
from moim.governance.enums import AuditAction
from moim.governance.models import AuditEntry

pytestmark = pytest.mark.django_db

rekeying = importlib.import_module(
    "moim.governance.migrations.0003_audit_chain_keyed_with_the_vault_key"
)


def historical_apps() -> Any:
    loader = MigrationLoader(connection)
    return loader.project_state(("governance", "0002_plenary_acts_methods_and_ties")).apps


def write_plain_chain(n: int) -> None:
    """Entries as the log wrote them before it was keyed (plain sha256)."""
    for i in range(1, n + 1):
        audit.record(action=AuditAction.POLL_OPENED, by="charles", subject=f"poll:{i}", data={})
    previous = audit.GENESIS
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.order_by("sequence"):
            payload = {
                "sequence": entry.sequence,
                "at": audit._stamp(entry.at),
                "actor": entry.actor,
                "action": str(entry.action),
                "subject": entry.subject,
                "data": entry.data,
                "previous_hash": previous,
            }
            plain = hashlib.sha256(audit.canonical(payload)).hexdigest()
            cursor.execute(
                "UPDATE governance_auditentry SET hash = %s, previous_hash = %s "
                "WHERE sequence = %s",
                [f"tmp{entry.sequence}", f"tmpp{entry.sequence}", entry.sequence],
            )
            cursor.execute(
                "UPDATE governance_auditentry SET hash = %s, previous_hash = %s "
                "WHERE sequence = %s",
                [plain, previous, entry.sequence],
            )
            previous = plain


def test_a_plain_chain_is_rekeyed_and_then_verifies() -> None:
    write_plain_chain(4)
    assert audit.verify_log().bad_sequence == 1  # plain hashes no longer pass

    rekeying.rekey(historical_apps(), None)

    result = audit.verify_log()
    assert (result.ok, result.checked) == (True, 4)
    assert result.head == AuditEntry.objects.get(sequence=4).hash


def test_the_rekeying_can_be_undone() -> None:
    write_plain_chain(3)
    rekeying.rekey(historical_apps(), None)
    keyed = list(AuditEntry.objects.order_by("sequence").values_list("hash", flat=True))

    rekeying.unkey(historical_apps(), None)
    assert audit.verify_log().ok is False
    rekeying.rekey(historical_apps(), None)

    assert list(AuditEntry.objects.order_by("sequence").values_list("hash", flat=True)) == keyed


def test_a_broken_plain_chain_is_not_rekeyed() -> None:
    write_plain_chain(4)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_auditentry SET actor = 'mallory' WHERE sequence = 3")
    before = list(AuditEntry.objects.order_by("sequence").values_list("hash", "previous_hash"))

    with pytest.raises(RuntimeError, match=r"broken at entry #3: it cannot be re-keyed"):
        rekeying.rekey(historical_apps(), None)

    after = list(AuditEntry.objects.order_by("sequence").values_list("hash", "previous_hash"))
    assert after == before

"""Re-key the audit chain: every entry's hash becomes an HMAC with the vault's "audit-chain" key.

Entries written before this migration were hashed with plain sha256, which anyone who can write
the database can recompute. The migration first checks the whole plain chain (sequence, links
and each hash) and refuses to run if any entry does not fit, naming it: a chain that was already
broken is never blessed with the key. Then it rehashes every entry in sequence order, with the
same content, time and sequence. The hashing below is frozen here on purpose, so that later
changes to `moim.governance.audit` do not change what this migration did.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from django.db import migrations

from moim import keys

GENESIS = "0" * 64


def _payload(entry: Any, previous_hash: str) -> bytes:
    payload = {
        "sequence": entry.sequence,
        "at": entry.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": str(entry.action),
        "subject": entry.subject,
        "data": entry.data,
        "previous_hash": previous_hash,
    }
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def _plain(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _keyed(payload: bytes) -> str:
    return hmac.new(keys.derive("audit-chain"), payload, hashlib.sha256).hexdigest()


def _rehash(apps: Any, old: Callable[[bytes], str], new: Callable[[bytes], str]) -> None:
    entry_model = apps.get_model("governance", "AuditEntry")
    entries = list(entry_model.objects.order_by("sequence"))
    previous = GENESIS
    for expected, entry in enumerate(entries, start=1):
        fits = entry.hash == old(_payload(entry, entry.previous_hash))
        if entry.sequence != expected or entry.previous_hash != previous or not fits:
            raise RuntimeError(
                f"The audit log is broken at entry #{entry.sequence}: it cannot be re-keyed. "
                "Keep a copy of the database and look into the entry before migrating."
            )
        previous = entry.hash
    previous = GENESIS
    for entry in entries:
        entry.previous_hash = previous
        entry.hash = new(_payload(entry, previous))
        previous = entry.hash
    # Temporary values first: a new hash must never meet an old one in the unique columns.
    for entry in entries:
        entry_model.objects.filter(pk=entry.pk).update(
            hash=f"rekey-{entry.sequence}", previous_hash=f"rekey-p-{entry.sequence}"
        )
    for entry in entries:
        entry_model.objects.filter(pk=entry.pk).update(
            hash=entry.hash, previous_hash=entry.previous_hash
        )


def rekey(apps: Any, schema_editor: Any) -> None:
    _rehash(apps, _plain, _keyed)


def unkey(apps: Any, schema_editor: Any) -> None:
    _rehash(apps, _keyed, _plain)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0002_plenary_acts_methods_and_ties"),
    ]

    operations = [
        migrations.RunPython(rekey, unkey, elidable=False),
    ]

"""The append-only audit log: each entry carries the hash of the one before it.

An entry's hash is an HMAC-SHA256, keyed with the vault key's "audit-chain" key
(`moim.keys.derive`), over a canonical JSON of its sequence, time, actor, action, subject, data
and the previous entry's hash. Editing, deleting or reordering any entry breaks the chain at that
entry or the next one, and `verify_log` names the first entry where it breaks. The key lives
outside the database: someone who can write the database but does not hold the vault key cannot
recompute a rewritten chain (a plain sha256 could be recomputed by anyone).

What the entries recorded (ballot digests, results, roll calls) is checked against the database
by `moim.governance.evidence`; this module only keeps and checks the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from moim import keys
from moim.governance.enums import AuditAction
from moim.governance.models import AuditEntry

GENESIS = "0" * 64
_ATTEMPTS = 8
KEY_PURPOSE = "audit-chain"


def canonical(payload: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same content always gives the same bytes."""
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def _stamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(
    *,
    sequence: int,
    at: dt.datetime,
    actor: str,
    action: str,
    subject: str,
    data: Mapping[str, Any],
    previous_hash: str,
) -> str:
    payload = {
        "sequence": sequence,
        "at": _stamp(at),
        "actor": actor,
        "action": str(action),
        "subject": subject,
        "data": data,
        "previous_hash": previous_hash,
    }
    return hmac.new(keys.derive(KEY_PURPOSE), canonical(payload), hashlib.sha256).hexdigest()


def actor_name(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return str(user.get_username())


def record(
    *, action: AuditAction, by: Any = None, subject: str = "", data: Mapping[str, Any] | None = None
) -> AuditEntry:
    """Append one entry. Joins the caller's transaction, so the entry and the act commit together.

    Two writers racing for the same sequence number meet the unique constraint; the loser
    re-reads the end of the chain and tries again.
    """
    payload = json.loads(canonical(data or {}))
    actor = by if isinstance(by, str) else actor_name(by)
    for _attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():
                last = AuditEntry.objects.order_by("-sequence").first()
                # What the entry stores is exactly what its hash covers.
                fields: dict[str, Any] = {
                    "sequence": 1 if last is None else last.sequence + 1,
                    "at": timezone.now(),
                    "actor": actor,
                    "action": action,
                    "subject": subject,
                    "data": payload,
                    "previous_hash": GENESIS if last is None else last.hash,
                }
                entry = AuditEntry(**fields, hash=entry_hash(**fields))
                entry.save()
                return entry
        except IntegrityError:
            continue
    raise RuntimeError("could not append to the audit log: too many concurrent writers")


@dataclass(frozen=True)
class Verification:
    """The chain's verdict. `bad_sequence` is an entry that exists and is wrong, or None when
    nothing in the log is wrong in itself (an anchored entry missing from its end)."""

    ok: bool
    checked: int
    bad_sequence: int | None = None
    reason: str = ""
    head: str = GENESIS

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.checked} entries verified"
        if self.bad_sequence is None:
            return f"audit log broken: {self.reason}"
        return f"audit log broken at entry #{self.bad_sequence}: {self.reason}"


def verify_entries(entries: Iterable[AuditEntry]) -> Verification:
    """Walk the chain in sequence order; stop at the first entry that does not fit."""
    expected_sequence = 1
    previous = GENESIS
    checked = 0
    for entry in entries:
        if entry.sequence != expected_sequence:
            if entry.sequence > expected_sequence:
                reason = (
                    f"expected entry #{expected_sequence} here; "
                    f"entries #{expected_sequence}–#{entry.sequence - 1} are missing"
                )
            else:
                reason = f"out of order: follows entry #{expected_sequence - 1}"
            return Verification(False, checked, entry.sequence, reason, previous)
        if entry.previous_hash != previous:
            reason = (
                "its link to the previous entry does not match: the previous entry was "
                "changed, removed or moved"
            )
            return Verification(False, checked, entry.sequence, reason, previous)
        recomputed = entry_hash(
            sequence=entry.sequence,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            subject=entry.subject,
            data=entry.data,
            previous_hash=entry.previous_hash,
        )
        if not hmac.compare_digest(recomputed, entry.hash):
            return Verification(
                False,
                checked,
                entry.sequence,
                "its content does not match its keyed hash (edited, or hashed without the "
                "vault key)",
                previous,
            )
        previous = entry.hash
        expected_sequence += 1
        checked += 1
    return Verification(True, checked, head=previous)


def is_hash(value: str) -> bool:
    """A head hash as verify prints it: 64 lower-case hexadecimal digits."""
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def verify_anchor(anchor: str) -> Verification:
    """Verify the chain and that it still holds `anchor`, a head hash published earlier.

    The chain alone cannot show that its newest entries were cut off; a head hash kept
    elsewhere (printed in the minutes, shown on a published result) can. When the anchored entry
    is missing, no entry still in the log is wrong in itself: the verdict names the last entry
    the log still holds, never an entry that does not exist.
    """
    anchor = anchor.strip().lower()
    if not is_hash(anchor):
        raise ValueError(
            f"{anchor[:80]!r} is not a head hash: an anchor is the 64 hexadecimal digits that "
            "verify printed or a published result shows"
        )
    result = verify_log()
    if not result.ok:
        return result
    if not AuditEntry.objects.filter(hash=anchor).exists():
        ends = f"entry #{result.checked}" if result.checked else "no entry (it is empty)"
        return Verification(
            False,
            result.checked,
            None,
            f"the anchored entry {anchor[:16]}… is not in the log, which now ends at {ends}: "
            "the log was cut short or rewritten after the anchor was taken",
            result.head,
        )
    return result


def verify_log() -> Verification:
    return verify_entries(AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000))

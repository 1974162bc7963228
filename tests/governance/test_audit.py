from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from moim.governance import audit
from moim.governance.enums import AuditAction
from moim.governance.models import AuditEntry

pytestmark = pytest.mark.django_db


def write_log(n: int = 6) -> list[AuditEntry]:
    return [
        audit.record(
            action=AuditAction.POLL_OPENED, by="charles", subject=f"poll:{i}", data={"i": i}
        )
        for i in range(1, n + 1)
    ]


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


NO_RECORDS = (
    "records match the log: 0 closed or published polls (ballots, result, roll call, analog "
    "figures) and 0 published decisions recomputed"
)


def test_untouched_log_verifies() -> None:
    write_log()
    entries = AuditEntry.objects.order_by("sequence")
    assert verify().splitlines() == [
        "audit log intact: 6 entries verified",
        NO_RECORDS,
        f"head: {entries.last().hash}",  # type: ignore[union-attr]
    ]


def test_empty_log_verifies() -> None:
    assert verify().splitlines()[0] == "audit log intact: 0 entries verified"


def test_entries_chain_to_the_previous_hash() -> None:
    entries = write_log(3)
    assert entries[0].previous_hash == audit.GENESIS
    assert entries[1].previous_hash == entries[0].hash
    assert entries[2].previous_hash == entries[1].hash


def test_edit_is_named() -> None:
    write_log()
    raw(
        "UPDATE governance_auditentry SET data = %s WHERE sequence = %s",
        ['{"i": 99}', 3],
    )
    with pytest.raises(CommandError, match=r"broken at entry #3: its content does not match"):
        verify()


def test_edit_with_a_recomputed_hash_is_named_at_the_next_entry() -> None:
    entries = write_log()
    forged = audit.entry_hash(
        sequence=3,
        at=entries[2].at,
        actor="mallory",
        action=entries[2].action,
        subject=entries[2].subject,
        data=entries[2].data,
        previous_hash=entries[2].previous_hash,
    )
    raw(
        "UPDATE governance_auditentry SET actor = %s, hash = %s WHERE sequence = %s",
        ["mallory", forged, 3],
    )
    with pytest.raises(CommandError, match=r"broken at entry #4: its link to the previous"):
        verify()


def test_deletion_is_named() -> None:
    write_log()
    raw("DELETE FROM governance_auditentry WHERE sequence = %s", [4])
    with pytest.raises(CommandError, match=r"broken at entry #5: expected entry #4 here"):
        verify()


def test_deleting_the_first_entry_is_named() -> None:
    write_log()
    raw("DELETE FROM governance_auditentry WHERE sequence = %s", [1])
    with pytest.raises(CommandError, match=r"broken at entry #2: expected entry #1 here"):
        verify()


def test_swap_is_named() -> None:
    entries = write_log()
    third, fourth = entries[2], entries[3]
    # Exchange the two rows' contents while each keeps its place in the sequence.
    for target, source in ((3, fourth), (4, third)):
        raw(
            "UPDATE governance_auditentry SET subject = %s, data = %s, hash = %s, "
            "previous_hash = %s WHERE sequence = %s",
            [
                source.subject,
                f'{{"i": {source.data["i"]}}}',
                f"tmp{target}",
                f"tmpp{target}",
                target,
            ],
        )
    for target, source in ((3, fourth), (4, third)):
        raw(
            "UPDATE governance_auditentry SET hash = %s, previous_hash = %s WHERE sequence = %s",
            [source.hash, source.previous_hash, target],
        )
    with pytest.raises(CommandError, match=r"broken at entry #3"):
        verify()


def test_model_refuses_changes_and_deletes() -> None:
    entry = write_log(1)[0]
    entry.actor = "mallory"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(actor="x")
    assert AuditEntry.objects.get().actor == "charles"


def test_cutting_off_the_newest_entries_is_caught_by_an_anchor() -> None:
    from io import StringIO

    write_log()
    head = AuditEntry.objects.order_by("sequence").last().hash  # type: ignore[union-attr]
    call_command("audit", "verify", anchor=head, stdout=StringIO())
    raw("DELETE FROM governance_auditentry WHERE sequence >= %s", [5])

    assert verify().splitlines()[0] == "audit log intact: 4 entries verified"
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify", anchor=head, stdout=StringIO())
    # Nothing still in the log is wrong in itself: the verdict names the last entry left, and
    # never an entry that does not exist (#5 is gone).
    assert str(refused.value) == (
        f"audit log broken: the anchored entry {head[:16]}… is not in the log, which now ends "
        "at entry #4: the log was cut short or rewritten after the anchor was taken"
    )
    assert "#5" not in str(refused.value)


def test_an_anchor_on_an_emptied_log_names_no_entry() -> None:
    from io import StringIO

    write_log(2)
    head = AuditEntry.objects.order_by("sequence").last().hash  # type: ignore[union-attr]
    raw("DELETE FROM governance_auditentry", [])

    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify", anchor=head, stdout=StringIO())

    assert "which now ends at no entry (it is empty)" in str(refused.value)
    assert "#1" not in str(refused.value)


def test_an_anchor_that_is_not_a_hash_is_refused_in_words() -> None:
    from io import StringIO

    write_log(2)
    with pytest.raises(CommandError, match=r"'nonsense' is not a head hash"):
        call_command("audit", "verify", anchor="nonsense", stdout=StringIO())


def test_an_anchor_still_in_the_log_verifies_and_prints_the_head() -> None:
    from io import StringIO

    entries = write_log(3)
    out = StringIO()
    call_command("audit", "verify", anchor=entries[1].hash.upper(), stdout=out)
    assert out.getvalue().splitlines() == [
        "audit log intact: 3 entries verified",
        NO_RECORDS,
        f"head: {entries[2].hash}",
    ]


def plain_sha256(entry: AuditEntry, **changes: object) -> str:
    """The hash the chain had before it was keyed: anyone with the database can compute it."""
    import hashlib

    fields = {
        "sequence": entry.sequence,
        "at": entry.at,
        "actor": entry.actor,
        "action": entry.action,
        "subject": entry.subject,
        "data": entry.data,
        "previous_hash": entry.previous_hash,
        **changes,
    }
    payload = {**fields, "at": audit._stamp(fields["at"]), "action": str(fields["action"])}  # type: ignore[arg-type]
    return hashlib.sha256(audit.canonical(payload)).hexdigest()


def test_hashes_are_keyed_with_the_vault_key() -> None:
    import hashlib
    import hmac

    from moim import keys

    entry = write_log(1)[0]
    payload = {
        "sequence": 1,
        "at": audit._stamp(entry.at),
        "actor": "charles",
        "action": "poll_opened",
        "subject": "poll:1",
        "data": {"i": 1},
        "previous_hash": audit.GENESIS,
    }
    key = keys.derive("audit-chain")
    assert entry.hash == hmac.new(key, audit.canonical(payload), hashlib.sha256).hexdigest()
    assert entry.hash != plain_sha256(entry)


def test_an_entry_rewritten_with_a_plain_sha256_is_named() -> None:
    """Someone with the database alone rewrites entry #3 and recomputes every hash after it
    the only way they can: plain sha256. The chain breaks at #3, the entry they changed."""
    entries = write_log()
    previous = entries[1].hash
    for entry in entries[2:]:
        data = {"i": 99} if entry.sequence == 3 else entry.data
        forged = plain_sha256(entry, data=data, previous_hash=previous)
        raw(
            "UPDATE governance_auditentry SET data = %s, hash = %s, previous_hash = %s "
            "WHERE sequence = %s",
            [audit.canonical(data).decode(), forged, previous, entry.sequence],
        )
        previous = forged

    with pytest.raises(CommandError) as refused:
        verify()
    assert str(refused.value) == (
        "audit log broken at entry #3: its content does not match its keyed hash (edited, or "
        "hashed without the vault key)"
    )

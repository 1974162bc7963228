"""An open secret poll's ballots are sealed with a key outside the database, and written out as
plain ballots, shuffled, only when it closes: a database reader cannot tie a ballot to its voter.

The attack tests pair vote records with ballots by every order the database keeps (PostgreSQL's
xmin and physical order, SQLite's rowid, key order) and count how many pairs are right; casting
order would get every pair right, a random one about one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from tests.governance.conftest import Plenary, build_plenary, make_election, make_motion, make_rules

from moim import keys, live
from moim.errors import Invalid
from moim.governance import queries, seal, services
from moim.governance.enums import BallotShape, DecisionKind
from moim.governance.models import AuditEntry, Ballot, Poll, SealedBallot, VoteRecord
from moim.members.models import Organization

pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (xmin, ctid, VACUUM)"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite only (rowid, the -wal file)"
)


@dataclass
class Cast:
    poll: Poll
    plenary: Plenary
    receipts: dict[int, str]  # member id -> receipt hash, in casting order


def secret_motion(organization: Organization, chair: Any, count: int) -> tuple[Plenary, Poll]:
    plenary = build_plenary(organization, count)
    decision = make_motion(plenary.assembly, make_rules(organization, secret=True))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


def cast_all(plenary: Plenary, poll: Poll) -> Cast:
    options = list(poll.options.order_by("position").values_list("pk", flat=True))
    receipts: dict[int, str] = {}
    for i, member in enumerate(plenary.members):
        receipt = services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[options[i % len(options)]],
        )
        receipts[member.pk] = receipt.hash
    return Cast(poll, plenary, receipts)


def right_pairs(cast: Cast, votes_in_order: list[int], ballots_in_order: list[str]) -> int:
    """Pair the n-th vote record with the n-th ballot; how many pairs are the true ones."""
    assert len(votes_in_order) == len(ballots_in_order) == len(cast.receipts)
    return sum(
        cast.receipts[member] == digest
        for member, digest in zip(votes_in_order, ballots_in_order, strict=True)
    )


def rows(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# --- on any database ------------------------------------------------------------------------


def test_an_open_secret_polls_ballots_are_stored_only_sealed(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = secret_motion(organization, chair, 6)

    cast = cast_all(plenary, poll)

    sealed = [
        bytes(b) for b in SealedBallot.objects.filter(poll=poll).values_list("sealed", flat=True)
    ]
    assert Ballot.objects.filter(poll=poll).count() == 0
    assert len(sealed) == VoteRecord.objects.filter(poll=poll).count() == 6
    for digest in cast.receipts.values():
        assert not any(bytes.fromhex(digest) in b or digest.encode() in b for b in sealed)
    assert {len(b) for b in sealed} == {len(sealed[0])}
    assert VoteRecord.objects.filter(poll=poll, choices__isnull=False).count() == 0


def test_every_seal_of_a_ranked_poll_has_one_length_however_many_were_ranked(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 8)
    rules = make_rules(organization, DecisionKind.ELECTION, name="Secret election", secret=True)
    decision = make_election(plenary.assembly, rules, plenary.members[:7])
    poll = services.create_poll(decision=decision, by=chair, shape=BallotShape.RANKED)
    poll = services.open_poll(poll=poll, by=chair)
    options = list(poll.options.order_by("position").values_list("pk", flat=True))

    for i, member in enumerate(plenary.members[:7]):
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=options[: i + 1]
        )

    lengths = {len(bytes(b)) for b in SealedBallot.objects.values_list("sealed", flat=True)}
    assert len(lengths) == 1
    services.close_poll(poll=poll, by=chair)
    assert sorted(len(b.choices) for b in Ballot.objects.filter(poll=poll)) == list(range(1, 8))


def test_the_sql_sent_at_cast_holds_no_receipt_and_no_choice(
    organization: Organization, chair: Any
) -> None:
    """What a statement log (log_statement = all) would keep of a secret ballot being cast."""
    plenary, poll = secret_motion(organization, chair, 2)
    member = plenary.members[0]
    abstain = poll.options.get(position=3).pk

    with CaptureQueriesContext(connection) as captured:
        receipt = services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[abstain]
        )

    statements = "\n".join(q["sql"] for q in captured.captured_queries)
    assert receipt.hash not in statements
    assert receipt.code not in statements
    assert '"governance_ballot"' not in statements
    assert "[3]" not in statements


def test_casting_announces_and_logs_nothing_that_links(
    organization: Organization,
    chair: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    plenary, poll = secret_motion(organization, chair, 3)
    subscription = live.subscribe(live.assembly_channel(plenary.assembly.pk))
    audit_before = AuditEntry.objects.count()
    member = plenary.members[1]

    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        receipt = services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[poll.options.get(position=2).pk],
        )

    assert subscription.get(timeout=1) == [f'{{"poll": {poll.pk}, "turnout": true}}']
    written = [str(e.data) for e in AuditEntry.objects.all()[audit_before:]]
    assert not any(receipt.hash in text or member.slug in text for text in written)
    assert receipt.hash not in caplog.text
    assert receipt.code not in caplog.text


def test_closing_writes_out_the_ballots_which_count_and_publish_as_cast(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = secret_motion(organization, chair, 9)
    cast = cast_all(plenary, poll)

    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    poll = services.publish_poll(poll=poll, by=chair)

    assert SealedBallot.objects.filter(poll=poll).count() == 0
    published = list(queries.published_ballots(poll))
    assert sorted(b.receipt_hash for b in published) == sorted(cast.receipts.values())
    assert sorted(b.choices[0] for b in published) == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert poll.result["ballots"] == 9


@pytest.mark.parametrize(
    "other_key",
    ["another-vault-key-of-at-least-32-characters", "too-short"],
    ids=["changed", "unusable"],
)
def test_a_changed_vault_key_stops_the_close_and_loses_no_ballot(
    organization: Organization, chair: Any, other_key: str
) -> None:
    plenary, poll = secret_motion(organization, chair, 4)
    cast = cast_all(plenary, poll)

    keys.vault_key.cache_clear()
    try:
        with override_settings(MOIM_VAULT_KEY=other_key):
            keys.vault_key.cache_clear()
            with pytest.raises(services.SealError) as refused:
                services.close_poll(poll=poll, by=chair)
    finally:
        keys.vault_key.cache_clear()

    poll.refresh_from_db()
    assert "4 of 4 sealed ballots do not open" in refused.value.message
    assert "restore the vault key" in refused.value.message
    assert poll.state == "open"
    assert SealedBallot.objects.filter(poll=poll).count() == 4
    assert Ballot.objects.filter(poll=poll).count() == 0
    services.close_poll(poll=poll, by=chair)
    assert sorted(Ballot.objects.values_list("receipt_hash", flat=True)) == sorted(
        cast.receipts.values()
    )


def test_a_sealed_ballot_moved_to_another_poll_does_not_open(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = secret_motion(organization, chair, 2)
    cast_all(plenary, poll)
    blob = bytes(SealedBallot.objects.filter(poll=poll).values_list("sealed", flat=True)[0])

    assert seal.open_seal(poll_id=poll.pk, sealed=blob).weight == 1
    with pytest.raises(seal.SealBroken):
        seal.open_seal(poll_id=poll.pk + 1, sealed=blob)


def test_the_demo_loader_and_analog_figures_work_with_sealed_ballots(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 10)
    decision = make_motion(plenary.assembly, make_rules(organization, secret=True))
    decision.illustrative = True
    decision.save()
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)

    services.load_illustrative_ballots(
        poll=poll, ballots=[(m, [1 if i < 4 else 2]) for i, m in enumerate(plenary.members[:6])]
    )
    with pytest.raises(Invalid) as too_many:
        services.enter_analog_result(poll=poll, by=chair, method="paper", counts={1: 5})
    services.enter_analog_result(poll=poll, by=chair, method="paper", counts={1: 4})
    services.close_poll(poll=poll, by=chair)
    poll = services.count_poll(poll=poll, by=chair)

    assert "5 is more than the 4 votes that can still be cast" in too_many.value.message
    assert "6 voted electronically" in too_many.value.message
    assert SealedBallot.objects.count() == 0
    assert sorted(Ballot.objects.filter(poll=poll).values_list("choices", flat=True)) == [
        [1],
        [1],
        [1],
        [1],
        [2],
        [2],
    ]
    assert poll.result["ballots"] == 6


# --- the linking attacks, on committed data --------------------------------------------------

ATTACK_SIZE = 60
# Pairing by a random order gets about one pair right (the expected number of fixed points of a
# random permutation); seven or more happen by chance less than once in ten thousand runs.
BY_CHANCE = 6


@pg_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_readers_cannot_link_ballots_to_vote_records(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = secret_motion(organization, chair, ATTACK_SIZE)
    cast = cast_all(plenary, poll)
    table = SealedBallot._meta.db_table
    open_xmins = rows(f"SELECT xmin::text FROM {table} WHERE poll_id = %s", poll.pk)
    assert len(open_xmins) == ATTACK_SIZE  # sealed rows, each with its cast's xmin: opaque

    services.close_poll(poll=poll, by=chair)

    vote_xmins = {
        x
        for (x,) in rows("SELECT xmin::text FROM governance_voterecord WHERE poll_id = %s", poll.pk)
    }
    ballot_xmins = {
        x for (x,) in rows("SELECT xmin::text FROM governance_ballot WHERE poll_id = %s", poll.pk)
    }
    assert len(ballot_xmins) == 1
    assert not ballot_xmins & vote_xmins
    for order in ("xmin::text::bigint, ctid", "ctid", "id"):
        votes = [
            m
            for (m,) in rows(
                f"SELECT member_id FROM governance_voterecord WHERE poll_id = %s ORDER BY {order}",
                poll.pk,
            )
        ]
        ballots = [
            h
            for (h,) in rows(
                f"SELECT receipt_hash FROM governance_ballot WHERE poll_id = %s ORDER BY {order}",
                poll.pk,
            )
        ]
        assert right_pairs(cast, votes, ballots) <= BY_CHANCE, order
    # The sealed rows are gone and VACUUM ran: the table holds no tuple, dead or alive.
    rows("SELECT pg_stat_clear_snapshot()")
    vacuumed = rows(
        "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = %s",
        table,
    )
    assert vacuumed[0][0] >= 1
    assert rows(f"SELECT count(*) FROM {table}") == [(0,)]
    assert rows("SELECT pg_relation_size(%s::regclass)", table) == [(0,)]


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_readers_cannot_link_ballots_to_vote_records(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = secret_motion(organization, chair, ATTACK_SIZE)
    database = Path(connection.settings_dict["NAME"])
    wal = Path(f"{database}-wal")

    cast = cast_all(plenary, poll)
    files_open = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    sealed = [bytes(b) for b in SealedBallot.objects.values_list("sealed", flat=True)]
    services.close_poll(poll=poll, by=chair)
    files_closed = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")

    for digest in cast.receipts.values():
        assert digest.encode() not in files_open
        assert bytes.fromhex(digest) not in files_open
    assert all(blob not in files_closed for blob in sealed)
    assert not any(blob[:24] in files_closed for blob in sealed)
    assert not wal.exists() or wal.stat().st_size == 0
    for order in ("rowid", "id"):
        votes = [
            m
            for (m,) in rows(
                f"SELECT member_id FROM governance_voterecord WHERE poll_id = %s ORDER BY {order}",
                poll.pk,
            )
        ]
        ballots = [
            h
            for (h,) in rows(
                f"SELECT receipt_hash FROM governance_ballot WHERE poll_id = %s ORDER BY {order}",
                poll.pk,
            )
        ]
        assert right_pairs(cast, votes, ballots) <= BY_CHANCE, order

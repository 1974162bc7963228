"""On PostgreSQL a statement's parameters travel apart from it, and a statement run again and
again on one connection is prepared: PostgreSQL parses and plans it once for that connection,
whatever values each run brings (the ballot's reads, once per ballot otherwise)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from moim.members.models import Member
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only: SQLite prepares nothing"
    ),
]


def _prepared_on_this_connection() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_statement_run_again_and_again_is_prepared_once_with_its_values_apart() -> None:
    members = MemberFactory.create_batch(7)

    found = [Member.objects.filter(pk=member.pk).first() for member in members]

    assert found == members
    prepared = _prepared_on_this_connection()
    reads = [text for text in prepared if text.startswith('SELECT "members_member"')]
    assert len(reads) == 1, reads
    assert "$1" in reads[0]
    assert not any(f"= {member.pk}" in reads[0] for member in members)


def _read_each_then_add_a_duplicate(members: list[Member]) -> None:
    with transaction.atomic():
        for member in members:
            Member.objects.filter(pk=member.pk).first()
        MemberFactory(organization=members[0].organization, slug=members[0].slug)


@pytest.mark.django_db(transaction=True)
def test_statements_prepared_in_a_transaction_that_fails_serve_after_its_rollback() -> None:
    # A racing duplicate ballot fails on a unique constraint and its whole transaction is rolled
    # back, then the cast is asked again on the same connection with the same statements.
    members = MemberFactory.create_batch(7)
    with pytest.raises(IntegrityError):
        _read_each_then_add_a_duplicate(members)

    assert [Member.objects.filter(pk=member.pk).first() for member in members] == members
    assert Member.objects.count() == len(members)
    prepared = _prepared_on_this_connection()
    assert any(text.startswith('SELECT "members_member"') for text in prepared), prepared

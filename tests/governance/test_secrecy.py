"""Who voted and what was voted are stored apart, with nothing that links them."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
from django.db import connection, models
from tests.governance.conftest import build_plenary, make_motion, make_rules

from moim.governance import queries, services
from moim.governance.models import Ballot, VoteRecord
from moim.members.models import Organization


def test_ballot_model_has_no_relation_but_its_poll_and_no_time() -> None:
    fields = {f.name: f for f in Ballot._meta.get_fields()}
    relations = {name for name, f in fields.items() if f.is_relation}
    assert relations == {"poll"}
    assert set(fields) == {"id", "poll", "choices", "weight", "receipt_hash"}
    assert not any(
        isinstance(f, (models.DateTimeField, models.DateField, models.TimeField))
        for f in fields.values()
    )
    assert isinstance(fields["id"], models.UUIDField)


def test_ballot_table_by_database_introspection(db: None) -> None:
    table = Ballot._meta.db_table
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
        relations = connection.introspection.get_relations(cursor, table)
    assert columns == {"id", "poll_id", "choices", "weight", "receipt_hash"}
    assert {target[1] for target in relations.values()} == {"governance_poll"}
    assert not any(word in c for c in columns for word in ("member", "person", "user", "time"))
    assert not any(c.endswith(("_at", "_on", "ip", "address")) for c in columns)


def test_vote_record_knows_the_member_but_not_the_ballot() -> None:
    names = {f.name for f in VoteRecord._meta.get_fields()}
    assert "member" in names
    assert not any("ballot" in n for n in names)


def test_ballot_keys_are_random(organization: Organization, chair: Any) -> None:
    plenary = build_plenary(organization, 5)
    decision = make_motion(plenary.assembly, make_rules(organization, secret=True))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    yes = poll.options.get(position=1).pk
    for member in plenary.members:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[yes]
        )
    services.close_poll(poll=poll, by=chair)
    keys = list(Ballot.objects.values_list("id", flat=True))
    assert len(keys) == 5
    assert all(isinstance(k, uuid.UUID) and k.version == 4 for k in keys)
    assert VoteRecord.objects.filter(poll=poll, choices__isnull=True).count() == 5


def test_published_order_of_200_ballots_is_not_the_cast_order(
    organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 200)
    decision = make_motion(plenary.assembly, make_rules(organization, secret=True))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    options = list(poll.options.values_list("pk", flat=True))
    cast_order = []
    for i, member in enumerate(plenary.members):
        receipt = services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[options[i % 3]]
        )
        cast_order.append(receipt.hash)
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    poll = services.publish_poll(poll=poll, by=chair)

    published = list(queries.published_ballots(poll).values_list("receipt_hash", flat=True))
    position = {h: i for i, h in enumerate(published)}
    ranks = np.array([position[h] for h in cast_order], dtype=float)
    rho = np.corrcoef(np.arange(len(ranks), dtype=float), ranks)[0, 1]  # Spearman: ranks both

    assert sorted(published) == sorted(cast_order)
    assert abs(rho) < 0.25
    assert published != cast_order


def test_no_ballots_are_listed_before_publication(organization: Organization, chair: Any) -> None:
    plenary = build_plenary(organization, 3)
    decision = make_motion(plenary.assembly, make_rules(organization, secret=True))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    member = plenary.members[0]
    services.cast_ballot(
        poll=poll,
        voter=plenary.delegate_of(member),
        member=member,
        choices=[poll.options.get(position=1).pk],
    )
    assert list(queries.published_ballots(poll)) == []

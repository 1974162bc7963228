"""One ballot per member per poll, whatever the concurrency (run on SQLite and PostgreSQL).

Each thread has its own database connection; the unique constraint on (poll, member) is what
holds, the poll-row lock only orders the work.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections
from tests.governance.conftest import build_plenary, make_motion, make_rules

from moim.errors import Refused
from moim.governance import services
from moim.governance.models import Ballot, Poll, VoteRecord
from moim.members.models import Member, Organization, Person

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(work: Callable[[], str]) -> Callable[[], str]:
    def run() -> str:
        try:
            return work()
        finally:
            connections.close_all()

    return run


def attempt(poll: Poll, voter: Person, member: Member, option: int) -> str:
    try:
        services.cast_ballot(poll=poll, voter=voter, member=member, choices=[option])
    except Refused as error:
        return "refused: " + error.message
    except Exception as error:
        return f"crashed: {type(error).__name__}: {error}"
    return "stored"


def open_motion(organization: Organization, count: int, chair: Any) -> tuple[Any, Poll]:
    plenary = build_plenary(organization, count, prefix="c")
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


def test_twenty_simultaneous_submissions_for_one_member_store_one_ballot(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = open_motion(organization, 3, chair)
    member = plenary.members[0]
    voter = plenary.delegate_of(member)
    options = list(poll.options.values_list("pk", flat=True))
    barrier = threading.Barrier(20)

    def submit(i: int) -> str:
        barrier.wait()
        return attempt(poll, voter, member, options[i % 3])

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(lambda i: in_thread(lambda: submit(i))(), range(20)))

    assert Counter(o.split(":")[0] for o in outcomes) == {"stored": 1, "refused": 19}, outcomes
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert VoteRecord.objects.filter(poll=poll, member=member).count() == 1


def test_three_hundred_members_racing_three_times_leave_ballots_equal_to_voters(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = open_motion(organization, 300, chair)
    options = list(poll.options.values_list("pk", flat=True))
    jobs = [
        (plenary.delegates[i], plenary.members[i], options[(i + k) % 3])
        for i in range(300)
        for k in range(3)
    ]

    with ThreadPoolExecutor(max_workers=24) as pool:
        outcomes = list(pool.map(lambda job: in_thread(lambda: attempt(poll, *job))(), jobs))

    kinds = Counter(o.split(":")[0] for o in outcomes)
    assert kinds == {"stored": 300, "refused": 600}, [
        o for o in outcomes if o.startswith("crashed")
    ]
    assert Ballot.objects.filter(poll=poll).count() == 300
    assert VoteRecord.objects.filter(poll=poll).count() == 300
    services.close_poll(poll=poll, by=chair)
    assert Ballot.objects.filter(poll=poll).count() == VoteRecord.objects.filter(poll=poll).count()
    assert connection.vendor in {"sqlite", "postgresql"}

"""Casts in one poll run side by side; a close still waits for every cast under way.

PostgreSQL only: there casts share the poll row (FOR SHARE) while a close takes it alone (FOR
UPDATE). SQLite runs one writer at a time whatever the code does (BEGIN IMMEDIATE), so there is
nothing to show there; test_concurrency.py covers its outcomes.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections
from tests.governance.conftest import Plenary, build_plenary, make_motion, make_rules

from moim.errors import Conflict
from moim.governance import services
from moim.governance.enums import AuditAction, PollState
from moim.governance.models import AuditEntry, Ballot, Poll, VoteRecord
from moim.governance.services import casting
from moim.members.models import Organization

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL only: SQLite serialises every writer (BEGIN IMMEDIATE) by design",
    ),
]

# How long a test waits for something that should happen at once (a loaded 2-core machine).
PROMPT = 10.0
PAUSED = "paused-cast"


def open_motion(organization: Organization, count: int, chair: Any) -> tuple[Plenary, Poll]:
    plenary = build_plenary(organization, count, prefix="s")
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


class Pause:
    """Stops the cast made in the thread named PAUSED inside its transaction, after the poll
    row is locked and before the ballot is stored, until `release` is set."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()
        self._store = casting.store_ballot

    def store(self, **kwargs: Any) -> None:
        if threading.current_thread().name == PAUSED:
            self.reached.set()
            self.release.wait(PROMPT * 3)
        self._store(**kwargs)


@pytest.fixture
def pause() -> Iterator[Pause]:
    paused = Pause()
    with mock.patch.object(casting, "store_ballot", paused.store):
        yield paused
    paused.release.set()


def in_thread(work: Callable[[], Any], name: str = "") -> tuple[threading.Thread, list[Any]]:
    """Start `work` on a connection of its own; the list receives its outcome."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except Exception as error:  # the outcome is what the test looks at
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name or None, daemon=True)
    thread.start()
    return thread, outcome


def test_a_cast_completes_while_another_cast_in_the_same_poll_is_under_way(
    organization: Organization, chair: Any, pause: Pause
) -> None:
    plenary, poll = open_motion(organization, 2, chair)
    option = poll.options.order_by("position").first()
    assert option is not None
    (first, second), (voter_1, voter_2) = plenary.members, plenary.delegates

    slow, slow_outcome = in_thread(
        lambda: services.cast_ballot(poll=poll, voter=voter_1, member=first, choices=[option.pk]),
        name=PAUSED,
    )
    assert pause.reached.wait(PROMPT), slow_outcome
    quick, quick_outcome = in_thread(
        lambda: services.cast_ballot(poll=poll, voter=voter_2, member=second, choices=[option.pk])
    )
    quick.join(PROMPT)
    finished_while_paused = not quick.is_alive()
    pause.release.set()
    slow.join(PROMPT)
    quick.join(PROMPT)

    assert finished_while_paused, "the second cast waited for the first one's transaction"
    assert [type(o) for o in quick_outcome + slow_outcome] == [casting.Receipt] * 2
    assert VoteRecord.objects.filter(poll=poll).count() == 2
    assert Ballot.objects.filter(poll=poll).count() == 2


def test_a_close_waits_for_a_cast_under_way_and_counts_its_ballot(
    organization: Organization, chair: Any, pause: Pause
) -> None:
    plenary, poll = open_motion(organization, 2, chair)
    option = poll.options.order_by("position").first()
    assert option is not None
    member, voter = plenary.members[0], plenary.delegates[0]

    cast, cast_outcome = in_thread(
        lambda: services.cast_ballot(poll=poll, voter=voter, member=member, choices=[option.pk]),
        name=PAUSED,
    )
    assert pause.reached.wait(PROMPT), cast_outcome
    close, close_outcome = in_thread(lambda: services.close_poll(poll=poll, by=chair))
    close.join(0.5)  # long enough for a close that does not wait to be done
    closed_during_cast = not close.is_alive()
    pause.release.set()
    cast.join(PROMPT)
    close.join(PROMPT)

    assert not closed_during_cast, close_outcome
    assert isinstance(cast_outcome[0], casting.Receipt), cast_outcome
    assert isinstance(close_outcome[0], Poll), close_outcome
    closed = AuditEntry.objects.get(action=AuditAction.POLL_CLOSED, subject=f"poll:{poll.pk}")
    assert closed.data["voters"] == closed.data["ballots"] == 1
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_forty_delegates_casting_at_once_all_get_their_receipt(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = open_motion(organization, 40, chair)
    options = list(poll.options.values_list("pk", flat=True))
    barrier = threading.Barrier(40)

    def cast(i: int) -> str:
        barrier.wait(PROMPT)
        try:
            services.cast_ballot(
                poll=poll,
                voter=plenary.delegates[i],
                member=plenary.members[i],
                choices=[options[i % 3]],
                submission=f"submission-{i:08d}",
            )
        except Exception as error:
            return f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()
        return "stored"

    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(cast, range(40)))

    assert outcomes == ["stored"] * 40
    assert VoteRecord.objects.filter(poll=poll).count() == 40
    assert Ballot.objects.filter(poll=poll).count() == 40


def test_a_close_racing_forty_casts_leaves_no_ballot_after_it_and_none_lost(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = open_motion(organization, 40, chair)
    options = list(poll.options.values_list("pk", flat=True))
    barrier = threading.Barrier(41)

    def cast(i: int) -> str:
        barrier.wait(PROMPT)
        try:
            services.cast_ballot(
                poll=poll,
                voter=plenary.delegates[i],
                member=plenary.members[i],
                choices=[options[i % 3]],
            )
        except services.PollStateError:
            return "refused: not open"
        except Exception as error:
            return f"crashed: {type(error).__name__}: {error}"
        finally:
            connections.close_all()
        return "stored"

    def close() -> str:
        barrier.wait(PROMPT)
        try:
            services.close_poll(poll=poll, by=chair)
        finally:
            connections.close_all()
        return "closed"

    with ThreadPoolExecutor(max_workers=41) as pool:
        closing = pool.submit(close)
        outcomes = list(pool.map(cast, range(40)))
    assert closing.result() == "closed"

    kinds = Counter(outcomes)
    assert set(kinds) <= {"stored", "refused: not open"}, outcomes
    poll.refresh_from_db()
    assert poll.state == PollState.CLOSED
    closed = AuditEntry.objects.get(action=AuditAction.POLL_CLOSED, subject=f"poll:{poll.pk}")
    ballots = Ballot.objects.filter(poll=poll).count()
    assert ballots == VoteRecord.objects.filter(poll=poll).count() == kinds["stored"]
    assert closed.data["ballots"] == closed.data["voters"] == ballots


def waiting_on_a_lock() -> bool:
    """Whether some other session of this database waits for a lock (a row or an index entry)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def until(condition: Callable[[], bool]) -> bool:
    tick = threading.Event()
    for _ in range(int(PROMPT / 0.05)):
        if condition():
            return True
        tick.wait(0.05)
    return False


@pytest.mark.parametrize("same_submission", [True, False], ids=["same", "another"])
def test_a_submission_racing_its_twin_gets_the_same_receipt_and_another_is_refused(
    organization: Organization, chair: Any, pause: Pause, same_submission: bool
) -> None:
    """The second request's vote record waits for the first one's commit, fails on the
    constraint, and is asked again: the same submission then gets the first one's receipt."""
    plenary, poll = open_motion(organization, 2, chair)
    option = poll.options.order_by("position").first()
    assert option is not None
    member, voter = plenary.members[0], plenary.delegates[0]
    token = "twin-submission-0123456789"

    def cast(submission: str) -> Callable[[], Any]:
        return lambda: services.cast_ballot(
            poll=poll, voter=voter, member=member, choices=[option.pk], submission=submission
        )

    first, first_outcome = in_thread(cast(token), name=PAUSED)
    assert pause.reached.wait(PROMPT), first_outcome
    twin, twin_outcome = in_thread(cast(token if same_submission else token[::-1]))
    twin_waited = until(waiting_on_a_lock)
    pause.release.set()
    first.join(PROMPT)
    twin.join(PROMPT)

    assert twin_waited, twin_outcome
    receipt = first_outcome[0]
    assert isinstance(receipt, casting.Receipt), first_outcome
    if same_submission:
        assert isinstance(twin_outcome[0], casting.Receipt), twin_outcome
        assert (twin_outcome[0].code, twin_outcome[0].hash) == (receipt.code, receipt.hash)
    else:
        assert isinstance(twin_outcome[0], Conflict), twin_outcome
        assert "has already voted" in twin_outcome[0].message
    assert VoteRecord.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1

"""`moim audit verify` checks what was voted and decided, not only the log.

Each attack changes the database the way someone who can write it but does not hold the vault
key would (the chain itself stays intact), and verify must fail naming the poll or decision and
the audit entry that recorded it as it was.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from tests.governance.conftest import Plenary, make_election, make_motion, make_rules

from moim.governance import evidence, services
from moim.governance.enums import (
    AnalogMethod,
    AuditAction,
    BallotShape,
    DecisionKind,
    MajorityRule,
)
from moim.governance.models import AuditEntry, Ballot, Decision, Poll, VoteRecord
from moim.members.models import Organization

pytestmark = pytest.mark.django_db


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def refused() -> str:
    with pytest.raises(CommandError) as error:
        verify()
    return str(error.value)


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def entry(poll: Poll, action: AuditAction) -> int:
    return (
        AuditEntry.objects.filter(action=action, subject=f"poll:{poll.pk}")
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
        or 0
    )


def published_motion(plenary: Plenary, chair: Any, rules: Any, title: str = "Motion") -> Poll:
    """7 yes, 3 no, 2 abstain: adopted."""
    decision = make_motion(plenary.assembly, rules, title)
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    ids = {o.label_en: o.pk for o in poll.options.all()}
    for i, member in enumerate(plenary.members):
        choice = "Yes" if i < 7 else ("No" if i < 10 else "Abstain")
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[ids[choice]]
        )
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    return services.publish_poll(poll=poll, by=chair)


def published_election(plenary: Plenary, chair: Any, organization: Organization) -> Poll:
    """A secret single-seat election: the first candidate gets 7 votes, the second 5."""
    rules = make_rules(organization, DecisionKind.ELECTION, name="Elections", secret=True)
    decision = make_election(plenary.assembly, rules, plenary.members[:2])
    poll = services.create_poll(decision=decision, by=chair, shape=BallotShape.CHOOSE)
    poll = services.open_poll(poll=poll, by=chair)
    first, second = (o.pk for o in poll.options.order_by("position"))
    for i, member in enumerate(plenary.members):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[first if i < 7 else second],
        )
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    return services.publish_poll(poll=poll, by=chair)


@pytest.fixture
def motion(organization: Organization, plenary: Plenary, chair: Any) -> Poll:
    return published_motion(plenary, chair, make_rules(organization))


@pytest.fixture
def election(organization: Organization, plenary: Plenary, chair: Any) -> Poll:
    return published_election(plenary, chair, organization)


def test_an_untouched_assembly_verifies_intact(motion: Poll, election: Poll) -> None:
    lines = verify().splitlines()
    assert lines[0] == f"audit log intact: {AuditEntry.objects.count()} entries verified"
    assert lines[1].startswith("records match the log: 2 closed or published polls")
    assert lines[2] == f"head: {AuditEntry.objects.order_by('sequence').last().hash}"  # type: ignore[union-attr]
    assert evidence.verify_records() == []


def test_the_entries_record_digests_results_and_roll_calls(motion: Poll) -> None:
    closed = AuditEntry.objects.get(sequence=entry(motion, AuditAction.POLL_CLOSED))
    counted = AuditEntry.objects.get(sequence=entry(motion, AuditAction.POLL_COUNTED))
    published = AuditEntry.objects.get(sequence=entry(motion, AuditAction.POLL_PUBLISHED))

    assert {"ballot_digest", "roll_call_digest"} <= set(closed.data)
    assert counted.data["summary"] == {
        "verdict": "adopted",
        "ballots": 12,
        "cast_weight": 12,
        "options": [[1, 7], [2, 3], [3, 2]],
        "elected": [],
    }
    assert published.data["result_sha256"] == counted.data["result_sha256"]
    assert published.data["roll_call_digest"] == closed.data["roll_call_digest"]


def test_a_changed_ballot_is_named(motion: Poll) -> None:
    ballot = Ballot.objects.filter(poll=motion, choices=[2]).first()
    assert ballot is not None
    raw("UPDATE governance_ballot SET choices = %s WHERE id = %s", ["[1]", ballot.pk.hex])

    message = refused()

    assert message.startswith("records differ from the audit log")
    assert (
        f"poll {motion.pk} (Motion): its ballots differ from those recorded at its close "
        "(a ballot was changed, added or removed) "
        f"(audit entry #{entry(motion, AuditAction.POLL_CLOSED)})"
    ) in message
    assert (
        f"poll {motion.pk} (Motion): counting its stored ballots again (yna) gives another "
        "result (adopted) than the stored one (adopted)"
    ) in message


def test_a_deleted_ballot_is_named(election: Poll) -> None:
    ballot = Ballot.objects.filter(poll=election).first()
    assert ballot is not None
    raw("DELETE FROM governance_ballot WHERE id = %s", [ballot.pk.hex])

    message = refused()

    assert (
        f"poll {election.pk} (Election): its ballots differ from those recorded at its "
        f"publication (a ballot was changed, added or removed) "
        f"(audit entry #{entry(election, AuditAction.POLL_PUBLISHED)})"
    ) in message


def test_an_added_ballot_is_named(election: Poll) -> None:
    second = election.options.order_by("position").last()
    assert second is not None
    # Three more ballots for the loser would turn 7–5 into 7–8.
    for n in range(3):
        Ballot.objects.create(poll=election, choices=[2], weight=1, receipt_hash=f"{n:064x}")

    message = refused()

    assert f"poll {election.pk} (Election): its ballots differ" in message
    assert (
        f"poll {election.pk} (Election): counting its stored ballots again (plurality) gives "
        "another result (elected) than the stored one (elected)"
    ) in message


def test_a_changed_stored_result_and_winner_are_named(election: Poll, plenary: Plenary) -> None:
    result = dict(election.result)
    loser = plenary.members[1]
    result["elected"] = [loser.name_en]
    result["elected_members"] = [loser.pk]
    raw(
        "UPDATE governance_poll SET result = %s WHERE id = %s",
        [json.dumps(result), election.pk],
    )
    decision = election.decision
    raw(
        "UPDATE governance_decision SET outcome = %s WHERE id = %s",
        [json.dumps({"winners": [loser.slug]}), decision.pk],
    )

    message = refused()

    counted = entry(election, AuditAction.POLL_COUNTED)
    assert (
        f"poll {election.pk} (Election): its stored result differs from the one its count "
        f"recorded (audit entry #{counted})"
    ) in message
    assert (
        f"poll {election.pk} (Election): its stored result differs from the one its "
        f"publication recorded (audit entry #{entry(election, AuditAction.POLL_PUBLISHED)})"
    ) in message
    published = AuditEntry.objects.get(
        action=AuditAction.DECISION_PUBLISHED, subject=f"decision:{decision.pk}"
    )
    assert (
        f"decision {decision.pk} (Election): its outcome (the winners) differs from the one "
        f"its publication recorded (audit entry #{published.sequence})"
    ) in message


def test_a_changed_verdict_is_named(motion: Poll) -> None:
    raw("UPDATE governance_poll SET verdict = %s WHERE id = %s", ["rejected", motion.pk])
    raw(
        "UPDATE governance_decision SET verdict = %s WHERE id = %s",
        ["rejected", motion.decision_id],
    )

    message = refused()

    assert (
        f"poll {motion.pk} (Motion): its verdict is rejected but its count recorded adopted"
    ) in message
    assert (
        f"decision {motion.decision_id} (Motion): its verdict is rejected but its publication "
        "recorded adopted"
    ) in message


def test_a_changed_roll_call_row_is_named(motion: Poll, plenary: Plenary) -> None:
    record = VoteRecord.objects.get(poll=motion, member=plenary.members[0])
    assert record.choices == [1]
    raw("UPDATE governance_voterecord SET choices = %s WHERE id = %s", ["[2]", record.pk])

    message = refused()

    assert (
        f"poll {motion.pk} (Motion): its roll call (who voted what) differs from what was "
        f"recorded at its close (audit entry #{entry(motion, AuditAction.POLL_CLOSED)})"
    ) in message


def test_a_vote_record_moved_to_another_member_is_named(
    election: Poll, organization: Organization, plenary: Plenary
) -> None:
    from tests.factories import MemberFactory

    stranger = MemberFactory(organization=organization)
    record = VoteRecord.objects.filter(poll=election).first()
    assert record is not None
    raw(
        "UPDATE governance_voterecord SET member_id = %s WHERE id = %s",
        [stranger.pk, record.pk],
    )

    assert f"poll {election.pk} (Election): who voted differs from what was recorded" in (refused())


def test_a_poll_made_named_after_it_opened_secret_is_named(election: Poll) -> None:
    raw("UPDATE governance_poll SET secret = %s WHERE id = %s", [False, election.pk])

    assert (
        f"poll {election.pk} (Election): it opened secret but is now stored otherwise "
        f"(audit entry #{entry(election, AuditAction.POLL_OPENED)})"
    ) in refused()


def test_changed_rules_at_opening_are_caught_by_the_recount(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization, majority=MajorityRule.THREE_QUARTERS)
    poll = published_motion(plenary, chair, rules)
    assert poll.verdict == "rejected"  # 7 yes of 10: 70 %, three-quarters needed
    snapshot = {**poll.rules_snapshot, "majority": "simple"}
    raw(
        "UPDATE governance_poll SET rules_snapshot = %s WHERE id = %s",
        [json.dumps(snapshot), poll.pk],
    )

    assert (
        f"poll {poll.pk} (Motion): counting its stored ballots again (yna) gives another "
        f"result (adopted) than the stored one (rejected) "
        f"(audit entry #{entry(poll, AuditAction.POLL_COUNTED)})"
    ) in refused()


def test_a_published_poll_put_back_to_closed_is_named(motion: Poll) -> None:
    raw("UPDATE governance_poll SET state = %s WHERE id = %s", ["closed", motion.pk])

    assert (
        f"poll {motion.pk} (Motion): the log recorded its publication but it is now closed "
        f"(audit entry #{entry(motion, AuditAction.POLL_PUBLISHED)})"
    ) in refused()


def test_a_deleted_publication_entry_at_the_end_is_named(motion: Poll) -> None:
    """Cutting the newest entries leaves an intact chain, but not a published poll without
    the entry that published it."""
    first = entry(motion, AuditAction.POLL_PUBLISHED)
    raw("DELETE FROM governance_auditentry WHERE sequence >= %s", [first])

    message = refused()

    assert (
        f"poll {motion.pk} (Motion): it is published but the log holds no entry publishing it"
    ) in message
    assert (
        f"decision {motion.decision_id} (Motion): it is published but no entry published it"
    ) in message


def test_changed_analog_figures_are_named(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization, quorum="0")
    decision = make_motion(plenary.assembly, rules, "Paper motion")
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    services.close_poll(poll=poll, by=chair)
    services.enter_analog_result(
        poll=poll, by=chair, method=AnalogMethod.PAPER, counts={1: 5, 2: 4, 3: 1}
    )
    services.count_poll(poll=poll, by=chair)
    assert evidence.verify_records() == []
    raw(
        "UPDATE governance_analogresult SET counts = %s WHERE poll_id = %s",
        [json.dumps({"1": 9, "2": 0, "3": 1}), poll.pk],
    )

    message = refused()

    assert (
        f"poll {poll.pk} (Paper motion): its analog figures differ from those recorded when "
        f"entered (audit entry #{entry(poll, AuditAction.ANALOG_ENTERED)})"
    ) in message


def test_a_closed_poll_not_yet_counted_is_checked(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    decision = make_motion(plenary.assembly, make_rules(organization))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    ids = [o.pk for o in poll.options.order_by("position")]
    for member in plenary.members[:6]:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[ids[0]]
        )
    services.close_poll(poll=poll, by=chair)
    assert evidence.verify_records() == []
    raw("UPDATE governance_ballot SET choices = %s WHERE poll_id = %s", ["[2]", poll.pk])

    assert f"poll {poll.pk} (Motion): its ballots differ from those recorded at its close" in (
        refused()
    )


def test_changed_tie_settlements_are_named(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization, DecisionKind.ELECTION, name="Elections", quorum="0")
    decision = make_election(plenary.assembly, rules, plenary.members[:2])
    poll = services.create_poll(decision=decision, by=chair, shape=BallotShape.CHOOSE)
    poll = services.open_poll(poll=poll, by=chair)
    first, second = (o.pk for o in poll.options.order_by("position"))
    for i, member in enumerate(plenary.members[:4]):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[first if i < 2 else second],
        )
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    winner = plenary.members[0].name_en
    poll = services.settle_tie(
        poll=poll, by=chair, how=services.TieSettlement.DECIDE, chosen=winner
    )
    assert poll.result["elected"] == [winner]
    assert evidence.verify_records() == []
    loser = plenary.members[1].name_en
    raw(
        "UPDATE governance_poll SET tie_breaks = %s WHERE id = %s",
        [json.dumps({"decisions": [loser]}), poll.pk],
    )

    message = refused()

    settled = entry(poll, AuditAction.TIE_SETTLED)
    assert (
        f"poll {poll.pk} (Election): its tie settlements differ from those its count "
        f"recorded (audit entry #{settled})"
    ) in message


def test_a_deleted_poll_is_named(motion: Poll) -> None:
    closed = entry(motion, AuditAction.POLL_CLOSED)
    for table in ("governance_ballot", "governance_voterecord", "governance_registerentry"):
        raw(f"DELETE FROM {table} WHERE poll_id = %s", [motion.pk])
    raw("DELETE FROM governance_polloption WHERE poll_id = %s", [motion.pk])
    raw("DELETE FROM governance_poll WHERE id = %s", [motion.pk])
    assert not Decision.objects.get(pk=motion.decision_id).polls.exists()

    assert f"poll {motion.pk}: it was closed but is gone (audit entry #{closed})" in refused()

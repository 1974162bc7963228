"""The counting method is a choice, a failed count is recoverable, and ties stop for the chair."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, build_plenary, make_election, make_rules

from moim.errors import Invalid
from moim.governance import services
from moim.governance.enums import AuditAction, BallotShape, DecisionKind, TiePolicy, Verdict
from moim.governance.models import AuditEntry, Ballot, Decision, Poll
from moim.members.models import Organization

# IRV: Cy is excluded first; then Ann and Bo tie at 4 to be excluded, level at every stage.
IRV_TIE = [[1, 2]] * 4 + [[2, 1]] * 4 + [[3]]
# Scottish STV, 2 seats: Ann reaches the quota (3) alone; Bo and Cy tie at 2 for exclusion,
# and whoever stays takes the second seat.
STV_TIE = [[1]] * 4 + [[2]] * 2 + [[3]] * 2


def closed_ranked_poll(
    organization: Organization,
    chair: Any,
    rankings: list[list[int]],
    *,
    seats: int = 1,
    method: str = "irv",
    tie_policy: TiePolicy = TiePolicy.CHAIR,
) -> tuple[Poll, Plenary]:
    plenary = build_plenary(organization, len(rankings))
    rules = make_rules(organization, DecisionKind.ELECTION, name="Election rules")
    rules.tie_policy = tie_policy
    rules.save()
    decision = make_election(
        plenary.assembly, rules, plenary.members[:3], seats=seats, method=method
    )
    poll = services.create_poll(decision=decision, by=chair, shape=BallotShape.RANKED)
    poll = services.open_poll(poll=poll, by=chair)
    ids = {o.position: o.pk for o in poll.options.all()}
    for member, ranking in zip(plenary.members, rankings, strict=True):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[ids[p] for p in ranking],
        )
    return services.close_poll(poll=poll, by=chair), plenary


def test_stv_is_refused_with_the_valid_methods_listed(
    organization: Organization, plenary: Plenary
) -> None:
    decision = Decision(
        assembly=plenary.assembly,
        kind=DecisionKind.ELECTION,
        title_en="Executive Committee",
        seats=3,
        method="stv",
    )

    with pytest.raises(ValidationError) as refused:
        decision.full_clean()

    messages = " ".join(refused.value.message_dict["method"])
    assert "stv cannot count this decision (3 seat(s))" in messages
    assert "block, approval, stv-scottish, stv-meek, stv-wigm, schulze" in messages


def test_a_poll_offers_only_the_methods_its_ballot_can_use(
    organization: Organization, chair: Any
) -> None:
    poll, _ = closed_ranked_poll(organization, chair, IRV_TIE)

    assert [name for name, _label in poll.method_choices()] == [
        "irv", "stv-scottish", "stv-meek", "stv-wigm", "schulze",
    ]  # fmt: skip
    poll.method = "block"
    with pytest.raises(ValidationError, match="block cannot count ranked ballots"):
        poll.full_clean()


def test_creating_a_poll_for_a_decision_counted_by_stv_is_refused(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization, DecisionKind.ELECTION, name="Election rules")
    decision = make_election(plenary.assembly, rules, plenary.members[:3], seats=2)
    Decision.objects.filter(pk=decision.pk).update(method="stv")  # as stored before the choices
    decision.refresh_from_db()

    with pytest.raises(Invalid, match="'stv' is not a counting method"):
        services.create_poll(decision=decision, by=chair, shape=BallotShape.RANKED)
    assert not decision.polls.exists()


def test_a_decisions_method_gives_its_poll_the_ballot_it_counts(
    organization: Organization, plenary: Plenary, chair: Any
) -> None:
    rules = make_rules(organization, DecisionKind.ELECTION, name="Election rules")
    decision = make_election(
        plenary.assembly, rules, plenary.members[:4], seats=2, method="stv-meek"
    )

    poll = services.create_poll(decision=decision, by=chair)

    assert (poll.shape, poll.method) == (BallotShape.RANKED, "stv-meek")


def test_a_failed_count_is_recovered_over_http(
    organization: Organization, chair: Any, client: Client
) -> None:
    poll, _ = closed_ranked_poll(organization, chair, IRV_TIE, seats=1)
    Poll.objects.filter(pk=poll.pk).update(method="stv")  # a method stored before the choices
    ballots = sorted(Ballot.objects.filter(poll=poll).values_list("receipt_hash", flat=True))
    client.force_login(chair)
    console = reverse("governance:poll_console", args=[poll.pk])

    failed = client.post(reverse("governance:poll_action", args=[poll.pk, "count"]), follow=True)
    poll.refresh_from_db()

    assert "The count failed: &#x27;stv&#x27; is not a counting method" in failed.text
    assert "Counting method for these ballots" in failed.text
    assert (poll.counted_at, poll.verdict, poll.result) == (None, "", {})
    assert sorted(Ballot.objects.filter(poll=poll).values_list("receipt_hash", flat=True)) == (
        ballots
    )
    assert AuditEntry.objects.filter(action=AuditAction.POLL_COUNT_FAILED).count() == 1

    refused = client.post(
        reverse("governance:poll_method", args=[poll.pk]), {"method": "block"}, follow=True
    )
    assert "block cannot count ranked ballots" in refused.text
    client.post(reverse("governance:poll_method", args=[poll.pk]), {"method": "stv-scottish"})
    client.post(reverse("governance:poll_action", args=[poll.pk, "count"]))
    poll.refresh_from_db()

    assert poll.method == "stv-scottish"
    assert poll.counted_at is not None
    assert poll.verdict == Verdict.TIE  # Ann and Bo level: the count stops for the chair
    changed = AuditEntry.objects.get(action=AuditAction.POLL_METHOD_CHANGED)
    assert changed.data == {"from": "stv", "to": "stv-scottish"}
    # The console now asks the chair to settle the tie, where it offered the method before.
    page = client.get(console).text
    assert "Draw by lot" in page
    assert "Counting method for these ballots" not in page


def test_only_the_secretariat_or_chair_change_a_method(
    organization: Organization, chair: Any, delegate_a: Any, client: Client
) -> None:
    poll, _ = closed_ranked_poll(organization, chair, IRV_TIE)
    url = reverse("governance:poll_method", args=[poll.pk])

    anonymous = client.post(url, {"method": "schulze"})
    client.force_login(delegate_a)
    delegate = client.post(url, {"method": "schulze"})
    poll.refresh_from_db()

    assert (anonymous.status_code, delegate.status_code) == (404, 403)
    assert poll.method == "irv"


def test_an_irv_exclusion_tie_stops_for_the_chair_who_decides(
    organization: Organization, chair: Any, client: Client
) -> None:
    poll, plenary = closed_ranked_poll(organization, chair, IRV_TIE)
    ann, bo = (m.name_en for m in plenary.members[:2])
    client.force_login(chair)

    client.post(reverse("governance:poll_action", args=[poll.pk, "count"]))
    console = client.get(reverse("governance:poll_console", args=[poll.pk])).text
    poll.refresh_from_db()

    assert poll.verdict == Verdict.TIE
    assert poll.result["tie"] == [ann, bo]
    assert "A tie for the chair" in console
    assert "one of these candidates must be excluded" in console

    client.post(reverse("governance:poll_tie", args=[poll.pk]), {"how": "decide", "chosen": bo})
    poll.refresh_from_db()

    assert poll.verdict == Verdict.ELECTED
    assert poll.result["elected"] == [ann]
    tie = poll.result["rounds"][1]["ties"][0]
    assert (tie["tied"], tie["chosen"], tie["method"]) == ([ann, bo], bo, "chair")
    settled = AuditEntry.objects.get(action=AuditAction.TIE_SETTLED)
    assert (settled.data["how"], settled.data["chosen"]) == ("decide", bo)


def test_a_delegate_cannot_settle_a_tie_for_the_chair(
    organization: Organization, chair: Any, delegate_a: Any, client: Client
) -> None:
    poll, plenary = closed_ranked_poll(organization, chair, IRV_TIE)
    poll = services.count_poll(poll=poll, by=chair)
    url = reverse("governance:poll_tie", args=[poll.pk])
    chosen = {"how": "decide", "chosen": plenary.members[1].name_en}

    anonymous = client.post(url, chosen)
    client.force_login(delegate_a)
    delegate = client.post(url, chosen)
    poll.refresh_from_db()

    assert (anonymous.status_code, delegate.status_code) == (404, 403)
    assert poll.verdict == Verdict.TIE
    assert poll.tie_breaks == {}
    assert not AuditEntry.objects.filter(action=AuditAction.TIE_SETTLED).exists()


def test_the_chair_cannot_decide_for_someone_not_tied(
    organization: Organization, chair: Any
) -> None:
    poll, plenary = closed_ranked_poll(organization, chair, IRV_TIE)
    poll = services.count_poll(poll=poll, by=chair)
    cy = plenary.members[2].name_en

    with pytest.raises(Invalid, match="Choose one of the tied candidates"):
        services.settle_tie(
            poll=poll,
            by=chair,
            how=services.TieSettlement.DECIDE,
            chosen=cy,
        )
    poll.refresh_from_db()
    assert poll.verdict == Verdict.TIE
    assert poll.tie_breaks == {}


def test_an_stv_seat_tie_stops_for_the_chair_who_draws_by_lot(
    organization: Organization, chair: Any
) -> None:
    poll, plenary = closed_ranked_poll(organization, chair, STV_TIE, seats=2, method="stv-scottish")
    ann, bo, cy = (m.name_en for m in plenary.members[:3])
    poll = services.count_poll(poll=poll, by=chair)

    assert poll.verdict == Verdict.TIE
    assert poll.result["tie"] == [bo, cy]
    assert poll.result["elected"] == [ann]

    poll = services.settle_tie(poll=poll, by=chair, how=services.TieSettlement.LOT)

    seed = poll.tie_breaks["decisions"][0].removeprefix("lot:")
    tie = next(t for r in poll.result["rounds"] for t in r["ties"])
    assert (tie["method"], tie["seed"]) == ("lot", seed)
    assert poll.verdict == Verdict.ELECTED
    assert poll.result["elected"][0] == ann
    assert set(poll.result["elected"]) == {ann, ({bo, cy} - {tie["chosen"]}).pop()}
    assert AuditEntry.objects.get(action=AuditAction.TIE_SETTLED).data["seed"] == seed


def test_rules_naming_the_lot_beforehand_settle_the_tie_and_say_so_on_the_ballot(
    organization: Organization, chair: Any, client: Client
) -> None:
    poll, plenary = closed_ranked_poll(
        organization, chair, STV_TIE, seats=2, method="stv-scottish", tie_policy=TiePolicy.LOT
    )
    poll = services.count_poll(poll=poll, by=chair)

    assert poll.rules_snapshot["tie_policy"] == "lot"
    assert poll.verdict == Verdict.ELECTED
    tie = next(t for r in poll.result["rounds"] for t in r["ties"])
    assert (tie["method"], tie["seed"]) == ("lot", poll.tie_breaks["seed"])

    # The ballot page of a poll under these rules names the policy before anyone votes.
    rules = poll.decision.rules
    assert rules is not None
    decision = make_election(
        plenary.assembly, rules, plenary.members[:3], seats=2, method="stv-scottish", title="B"
    )
    other = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    client.force_login(plenary.users[0])
    page = client.get(reverse("governance:vote", args=[other.pk])).text
    assert "Ties: Drawn by lot, with the seed recorded" in page
    assert "Counted by: Single transferable vote (Scottish rules)" in page


@pytest.mark.django_db
def test_a_method_added_to_the_registry_is_offered_to_decisions_without_a_migration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core.management import call_command

    from moim.tally import registry

    toy = registry.Method(
        "toy", "Toy count", frozenset({registry.Shape.CHOOSE}), 1, registry.get("plurality").count
    )
    monkeypatch.setitem(registry.METHODS, "toy", toy)

    for model in (Decision, Poll):
        assert ("toy", "Toy count") in model._meta.get_field("method").flatchoices
    # The field's choices come from the registry when asked: nothing for a migration to record.
    call_command("makemigrations", "governance", check=True, dry_run=True, verbosity=0)

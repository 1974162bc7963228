"""A whole plenary over HTTP: a chair and 56 present delegates (a third online, four holding
proxies) vote a motion, a 17-seat Executive Committee and the next host city, through the pages
and the JSON API; then the registry's offices follow the published decisions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, build_plenary, make_election, make_rules

from moim.governance import evidence, services
from moim.governance.enums import DecisionKind, Verdict
from moim.governance.models import Decision, Poll, RegisterEntry, VoteRecord
from moim.members.enums import OfficeKind
from moim.members.models import Member, Office, Organization, Person, Term
from moim.members.queries import registry_today
from moim.tally.ballots import Candidate as TallyCandidate
from moim.tally.ballots import Election, group_raw
from moim.tally.methods.choice import ChoiceMethod, count_choice

MEMBERS = 60
ABSENT = 4  # the last four are absent and give their proxies to present delegates


@pytest.fixture
def offices(organization: Organization) -> dict[str, Office]:
    made = {}
    for position, (kind, name, seats) in enumerate(
        [
            (OfficeKind.EXECUTIVE_VICE_PRESIDENT, "Executive Vice-President", 1),
            (OfficeKind.EXECUTIVE_COMMITTEE, "Executive Committee member", 20),
            (OfficeKind.HOST_CITY, "Host of the next General Assembly", 1),
        ]
    ):
        made[kind.value] = Office.objects.create(
            organization=organization, kind=kind, name_en=name, seats=seats, position=position
        )
    return made


def chair_does(client: Client, poll: Poll, action: str) -> Poll:
    response = client.post(
        reverse("governance:poll_action", args=[poll.pk, action]), {"confirm": action}
    )
    assert response.status_code == 302
    poll.refresh_from_db()
    return poll


def run_poll(
    client: Client,
    chair: Any,
    decision: Decision,
    plenary: Plenary,
    choose: Any,
    shape: str = "",
) -> Poll:
    """The chair creates and opens a poll; every delegate casts the ballots it holds, half
    through the voting page, half through the API; the chair closes, counts and publishes."""
    client.force_login(chair)
    client.post(reverse("governance:create_poll", args=[decision.pk]), {"shape": shape})
    poll = decision.polls.get()
    poll = chair_does(client, poll, "open")
    assert poll.state == "open"
    options = {o.position: o.pk for o in poll.options.all()}
    for i, person in enumerate(plenary.delegates):
        held = services.votes_held_by(poll, person)
        if not held:
            continue
        client.force_login(person.user)
        for entry in held:
            positions = choose(plenary.members.index(entry.member))
            ids = [options[p] for p in positions]
            if i % 2:
                response = client.post(
                    f"/api/governance/polls/{poll.pk}/ballots",
                    {"member": entry.member.slug, "choices": ids},
                    content_type="application/json",
                )
                assert response.status_code == 201, response.content
                assert len(response.json()["receipt"]) == 19
            else:
                response = client.post(
                    reverse("governance:vote", args=[poll.pk]),
                    {"member": entry.member_id, "choice": ids},
                )
                assert "Your receipt code" in response.content.decode()
    client.force_login(chair)
    console = client.get(reverse("governance:poll_console", args=[poll.pk])).content.decode()
    voted = VoteRecord.objects.filter(poll=poll).count()
    assert f"{voted} of {MEMBERS} entitled have voted" in console
    for action in ("close", "count", "publish"):
        poll = chair_does(client, poll, action)
    assert poll.state == "published"
    return poll


def recount(client: Client, poll: Poll, method: ChoiceMethod) -> list[str]:
    """Anyone recounts from the published ballot list alone."""
    published = client.get(f"/api/governance/polls/{poll.pk}/ballots").json()
    labels = [
        o["label_en"] for o in client.get(f"/api/governance/polls/{poll.pk}").json()["options"]
    ]
    election = Election(
        title="recount",
        candidates=tuple(TallyCandidate(n) for n in labels),
        seats=poll.seats,
        ballots=group_raw((tuple((p - 1,) for p in b["choices"]), b["weight"]) for b in published),
    )
    return count_choice(election, method).elected


@pytest.mark.django_db
def test_a_whole_plenary_over_http(
    organization: Organization, chair: Any, secretariat: Any, offices: dict[str, Office]
) -> None:
    plenary = build_plenary(organization, MEMBERS, absent=ABSENT)
    present = plenary.delegates[: MEMBERS - ABSENT]
    for k, principal in enumerate(plenary.members[MEMBERS - ABSENT :]):
        services.give_proxy(
            assembly=plenary.assembly, principal=principal, holder=present[k], by=secretariat
        )
    exco, host, evp = (
        offices["executive_committee"],
        offices["host_city"],
        offices["executive_vice_president"],
    )
    old_member = plenary.members[59]
    old_term = Term.objects.create(
        office=exco, member=old_member, starts="2017-09-01", source="election"
    )
    client = Client()

    # 1. The 2030 master plan: 40 yes, 12 no, 8 abstain (positions 1, 2, 3).
    motion_rules = make_rules(organization)
    plan = Decision.objects.create(
        assembly=plenary.assembly,
        kind=DecisionKind.MOTION,
        position=1,
        title_en="2030 Master Plan",
        text_en="The Assembly adopts the 2030 Master Plan.",
        rules=motion_rules,
        status="on_agenda",
    )
    motion = run_poll(
        client, chair, plan, plenary, lambda i: [1] if i < 40 else ([2] if i < 52 else [3])
    )
    weights = {o["label"]: o["weight"] for o in motion.result["options"]}
    assert weights == {"Yes": 40, "No": 12, "Abstain": 8}
    assert motion.verdict == Verdict.ADOPTED
    assert RegisterEntry.objects.filter(poll=motion, attendance="online").count() == 18
    assert RegisterEntry.objects.filter(poll=motion, proxy_holder__isnull=False).count() == ABSENT

    # 2. The Executive Committee: 17 seats among 20 candidates, block vote (up to 17 each).
    election_rules = make_rules(organization, DecisionKind.ELECTION, name="Elections", secret=True)
    candidates = plenary.members[:20]
    committee = make_election(
        plenary.assembly,
        election_rules,
        candidates,
        office=exco,
        seats=17,
        method="block",
        title="Executive Committee",
    )
    committee.status = "on_agenda"
    committee.save()

    def committee_ballot(i: int) -> list[int]:
        # Most voters back the first 17; one in six swaps the 17th for an outsider.
        picks = list(range(1, 18))
        if i % 6 == 0:
            picks[16] = 18 + (i % 3)
        return picks

    elected = run_poll(client, chair, committee, plenary, committee_ballot, shape="choose")
    expected = [m.name_en for m in candidates[:17]]
    assert sorted(elected.result["elected"]) == sorted(expected)
    assert sorted(recount(client, elected, ChoiceMethod.BLOCK)) == sorted(expected)
    assert Poll.objects.get(pk=elected.pk).ballots.count() == MEMBERS

    # 3. The next host city: two bids, plurality; Mexico City (member 30) wins 34 to 26.
    bidders = [plenary.members[30], plenary.members[31]]
    host_rules = make_rules(organization, DecisionKind.HOST_SELECTION, name="Host selection")
    choice = make_election(
        plenary.assembly,
        host_rules,
        bidders,
        office=host,
        method="plurality",
        kind=DecisionKind.HOST_SELECTION,
        title="Host of the 6th General Assembly",
    )
    choice.ex_officio_office = evp
    choice.status = "on_agenda"
    choice.save()
    hosted = run_poll(client, chair, choice, plenary, lambda i: [1] if i < 34 else [2])
    assert hosted.result["elected"] == [bidders[0].name_en]
    assert recount(client, hosted, ChoiceMethod.PLURALITY) == [bidders[0].name_en]

    # The registry follows the published decisions.
    current = Term.objects.current(registry_today())
    assert set(current.filter(office=exco).values_list("member__name_en", flat=True)) == set(
        expected
    )
    old_term.refresh_from_db()
    assert old_term.ends is not None
    assert current.get(office=host).member == bidders[0]
    assert current.get(office=evp).member == bidders[0]
    assert current.get(office=evp).source == "ex_officio"

    # The public decision page shows the verdict, the numbers and the new terms.
    page = client.get(reverse("governance:decision", args=[plan.pk])).content.decode()
    assert "Adopted" in page
    assert re.search(r"Yes</th><td>40</td><td>40</td>", page)
    page = client.get(reverse("governance:decision", args=[choice.pk])).content.decode()
    assert f"Executive Vice-President: {bidders[0].name_en}" in page
    assert Member.objects.count() == MEMBERS
    assert Person.objects.filter(proxies_held__isnull=False).count() == ABSENT
    # What the plenary voted and decided is what the audit log recorded, recounted poll by poll.
    assert [str(d) for d in evidence.verify_records()] == []

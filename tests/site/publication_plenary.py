"""A small plenary whose decisions are published: a named motion and a secret ranked election."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from moim.governance import services
from moim.governance.enums import BallotShape, DecisionKind
from moim.governance.models import Decision, Poll
from moim.members.models import Organization
from tests.governance.conftest import (
    Plenary,
    build_plenary,
    make_election,
    make_motion,
    make_rules,
)

# Twelve ballots ranking the three candidates (by option position): nobody has a majority at
# first, the third is excluded and its votes decide between the first two.
RANKINGS = [[1, 2]] * 5 + [[2, 1]] * 4 + [[3, 2]] * 3


@dataclass
class Published:
    plenary: Plenary
    motion: Decision
    election: Decision
    motion_poll: Poll
    election_poll: Poll


def ids(poll: Poll) -> dict[int, int]:
    return {o.position: o.pk for o in poll.options.all()}


def open_motion(
    organization: Organization,
    plenary: Plenary,
    chair: Any,
    title: str = "Adopt the 2030 Master Plan",
) -> Poll:
    rules = make_rules(organization, name=f"Ordinary motion: {title}")
    decision = make_motion(plenary.assembly, rules, title)
    poll = services.create_poll(decision=decision, by=chair)
    return services.open_poll(poll=poll, by=chair)


def vote_motion(plenary: Plenary, poll: Poll) -> None:
    options = ids(poll)
    for i, member in enumerate(plenary.members):
        choice = 1 if i < 8 else (2 if i < 10 else 3)
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[options[choice]]
        )


def finish(poll: Poll, chair: Any) -> Poll:
    services.close_poll(poll=poll, by=chair)
    services.count_poll(poll=poll, by=chair)
    return services.publish_poll(poll=poll, by=chair)


def publish_plenary(organization: Organization, chair: Any) -> Published:
    plenary = build_plenary(organization, 12)
    motion_poll = open_motion(organization, plenary, chair)
    vote_motion(plenary, motion_poll)
    motion_poll = finish(motion_poll, chair)

    rules = make_rules(organization, DecisionKind.ELECTION, name="Secret election", secret=True)
    election = make_election(
        plenary.assembly,
        rules,
        plenary.members[:3],
        method="irv",
        title="Election of the President",
    )
    poll = services.create_poll(decision=election, by=chair, shape=BallotShape.RANKED)
    poll = services.open_poll(poll=poll, by=chair)
    options = ids(poll)
    for member, ranking in zip(plenary.members, RANKINGS, strict=True):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[options[p] for p in ranking],
        )
    election_poll = finish(poll, chair)
    motion_poll.decision.refresh_from_db()
    election.refresh_from_db()
    return Published(plenary, motion_poll.decision, election, motion_poll, election_poll)

"""A Korean reader follows the sitting in Korean: titles, ballots, console, results, rounds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from moim.governance import services
from moim.governance.enums import BallotShape, DecisionKind
from moim.governance.models import Decision, Poll
from moim.members.models import Member, Organization
from tests.governance.conftest import Plenary, build_plenary, make_election, make_rules
from tests.site.publication_plenary import RANKINGS, finish, ids, open_motion, vote_motion

KOREAN = ["가람시", "나래시", "다솜시"]


@dataclass
class Sitting:
    plenary: Plenary
    election: Decision
    poll: Poll
    motion_poll: Poll


def _korean_names(members: list[Member]) -> None:
    for member, name in zip(members, KOREAN, strict=False):
        member.name_ko = name
        member.save(update_fields=["name_ko"])


def _election(organization: Organization, plenary: Plenary, chair: Any) -> Poll:
    rules = make_rules(organization, DecisionKind.ELECTION, name="Secret election", secret=True)
    election = make_election(
        plenary.assembly,
        rules,
        plenary.members[:3],
        method="irv",
        title="Election of the President",
    )
    election.title_ko = "의장 선거"
    election.save(update_fields=["title_ko"])
    poll = services.create_poll(decision=election, by=chair, shape=BallotShape.RANKED)
    return services.open_poll(poll=poll, by=chair)


def _vote_ranked(plenary: Plenary, poll: Poll) -> None:
    options = ids(poll)
    for member, ranking in zip(plenary.members, RANKINGS, strict=True):
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[options[p] for p in ranking],
        )


@pytest.fixture
def sitting(organization: Organization, chair: Any) -> Sitting:
    plenary = build_plenary(organization, 12)
    _korean_names(plenary.members)
    motion_poll = open_motion(organization, plenary, chair)
    motion_poll.decision.title_ko = "2030 기본계획 채택"
    motion_poll.decision.save(update_fields=["title_ko"])
    vote_motion(plenary, motion_poll)
    motion_poll = finish(motion_poll, chair)
    poll = _election(organization, plenary, chair)
    _vote_ranked(plenary, poll)
    poll = finish(poll, chair)
    return Sitting(plenary, poll.decision, poll, motion_poll)


def results_url(s: Sitting, decision: Decision, language: str = "ko") -> str:
    return f"/{language}/results/{s.plenary.assembly.edition}/{decision.pk}/"


def test_ranked_results_name_the_elected_and_the_rounds_in_korean(
    client: Client, sitting: Sitting
) -> None:
    page = client.get(results_url(sitting, sitting.election)).content.decode()

    # 5 / 4 / 3 first preferences; the third (다솜시) is excluded and the second (나래시) wins.
    assert "의장 선거" in page
    assert '<p class="elected">선출: 나래시</p>' in page
    assert "1차 · 1순위 집계" in page
    assert "2차 · 최하위 후보 탈락" in page
    assert '<th scope="row">다솜시</th>' in page
    assert "탈락: 다솜시" in page
    main = page.split("<main", 1)[1]
    for english in ("City m000", "City m001", "City m002", "first-preferences", "exclusion"):
        assert english not in main


def test_ranked_results_stay_in_english_on_the_english_page(
    client: Client, sitting: Sitting
) -> None:
    page = client.get(results_url(sitting, sitting.election, "en")).content.decode()

    assert '<p class="elected">Elected: City m001</p>' in page
    assert "Round 2 · lowest candidate excluded" in page
    assert "나래시" not in page


def test_downloads_keep_the_counted_names_on_a_korean_page(
    client: Client, sitting: Sitting
) -> None:
    base = f"{results_url(sitting, sitting.election)}round-1"

    record = json.loads(client.get(f"{base}.json").content)
    blt = client.get(f"{base}.blt").content.decode()
    csv_text = client.get(f"{base}.csv").content.decode()

    assert record["result"]["elected"] == ["City m001"]
    assert '"City m001"' in blt
    assert '"Election of the President"' in blt
    assert "나래시" not in blt + csv_text
    sitting.poll.refresh_from_db()
    assert sitting.poll.result["elected"] == ["City m001"]


def test_motion_results_read_for_against_abstain_and_the_vote_heading(
    client: Client, sitting: Sitting
) -> None:
    page = client.get(results_url(sitting, sitting.motion_poll.decision)).content.decode()

    assert "2030 기본계획 채택" in page
    assert '<th scope="row">찬성</th><td>8</td>' in page
    assert '<th scope="row">반대</th><td>2</td>' in page
    assert "<h2>투표</h2>" in page
    assert '<th scope="row">Yes</th>' not in page
    assert "가람시" in page  # the roll call names members in Korean


def test_chairs_console_shows_the_title_and_result_in_korean(
    client: Client, sitting: Sitting, chair: Any
) -> None:
    client.force_login(chair)

    page = client.get(f"/ko/governance/poll/{sitting.poll.pk}/console/").content.decode()

    assert "<h1>의장 선거</h1>" in page
    assert "선출: 나래시" in page
    assert "1순위 집계" in page
    assert "Election of the President" not in page
    assert "City m001" not in page


def test_ballot_and_sitting_page_show_the_poll_and_candidates_in_korean(
    client: Client, organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 12)
    _korean_names(plenary.members)
    poll = _election(organization, plenary, chair)
    client.force_login(plenary.users[0])

    ballot = client.get(f"/ko/governance/poll/{poll.pk}/vote/").content.decode()
    sitting_page = client.get(
        f"/ko/governance/{plenary.assembly.edition}/sitting/"
    ).content.decode()

    for page in (ballot, sitting_page):
        assert "의장 선거" in page
        assert all(name in page for name in KOREAN)
        assert "Election of the President" not in page
        assert "City m000" not in page.split("<main", 1)[1]
    assert "<title>투표 · 의장 선거" in ballot


def test_projector_shows_the_poll_title_and_options_in_korean(
    client: Client, organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 12)
    _korean_names(plenary.members)
    _election(organization, plenary, chair)

    page = client.get(f"/ko/projector/{plenary.assembly.edition}/state/").content.decode()

    assert "의장 선거" in page
    assert "<li>가람시</li>" in page
    assert "Election of the President" not in page


def test_a_later_round_is_named_in_korean() -> None:
    decision = Decision(title_en="Election of the President", title_ko="의장 선거")
    poll = Poll(decision=decision, round=2)

    with translation.override("ko"):
        korean = str(poll)
    with translation.override("en"):
        english = str(poll)

    assert korean == "의장 선거 (2차)"
    assert english == "Election of the President (round 2)"
    assert poll.name_en == english

"""Results pages of published decisions, their downloads, and the BLT recount."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from moim.governance import services
from moim.governance.enums import BallotShape, DecisionKind, Verdict
from moim.members.models import Member, Organization
from moim.tally.cli import main as tally_main
from tests.governance.conftest import build_plenary, make_election, make_rules
from tests.site.publication_plenary import Published, finish, publish_plenary
from tests.site.test_offices_filled import appoint_vice_presidents


@pytest.fixture
def published(organization: Organization, chair: Any) -> Published:
    return publish_plenary(organization, chair)


def url(published: Published, suffix: str = "") -> str:
    edition = published.plenary.assembly.edition
    return f"/en/results/{edition}/{suffix}"


def test_results_index_lists_every_published_decision_with_its_verdict(
    client: Client, published: Published
) -> None:
    page = client.get(url(published)).content.decode()

    assert "Adopt the 2030 Master Plan" in page
    assert "Election of the President" in page
    assert "Adopted" in page
    assert "Elected" in page


def test_motion_page_shows_verdict_numbers_bases_and_roll_call(
    client: Client, published: Published
) -> None:
    page = client.get(url(published, f"{published.motion.pk}/")).content.decode()

    assert published.motion.verdict == Verdict.ADOPTED
    assert 'class="verdict verdict--adopted"' in page
    assert '<th scope="row">Yes</th><td>8</td><td>8</td>' in page
    assert '<th scope="row">No</th><td>2</td>' in page
    assert "Base (weight)</dt><dd>10</dd>" in page  # abstentions outside the base
    assert "How each member voted" in page
    assert "Published ballot list" not in page  # a named poll shows its roll call instead


def test_ranked_election_page_charts_the_rounds_without_javascript(
    client: Client, published: Published
) -> None:
    page = client.get(url(published, f"{published.election.pk}/")).content.decode()
    second = published.plenary.members[1].name_en

    # 5 / 4 / 3 first preferences; the third's votes go to the second, who wins 7 to 5.
    assert f'<p class="elected">Elected: {second}</p>' in page
    assert "Round 1" in page
    assert "Round 2" in page
    assert page.count('<svg class="bar"') == 5  # three bars in round 1, two in round 2
    assert "<script" not in page.split("<main", 1)[1]
    assert "Published ballot list (12 ballots)" in page
    assert published.election_poll.ballots.first().receipt_hash in page  # type: ignore[union-attr]
    assert "How each member voted" not in page  # secret


def test_downloads_hold_the_result_and_the_ballots(client: Client, published: Published) -> None:
    base = url(published, f"{published.election.pk}/round-1")

    record = json.loads(client.get(f"{base}.json").content)
    rows = list(csv.reader(io.StringIO(client.get(f"{base}.csv").content.decode())))

    assert record["verdict"] == "elected"
    assert record["result"]["elected"] == [published.plenary.members[1].name_en]
    assert len(record["ballots"]) == 12
    assert rows[0] == ["receipt_hash", "weight", "rank 1", "rank 2"]
    assert len(rows) == 13
    assert {r[2] for r in rows[1:]} == {m.name_en for m in published.plenary.members[:3]}


def test_blt_download_counts_to_the_same_result_with_moim_tally(
    client: Client, published: Published, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    response = client.get(url(published, f"{published.election.pk}/round-1.blt"))
    path = tmp_path / "election.blt"
    path.write_bytes(response.content)

    code = tally_main([str(path), "--method", "irv", "--json", "--no-progress"])
    counted = json.loads(capsys.readouterr().out)

    stored = published.election_poll.result["tally"]
    assert code == 0
    assert counted["elected"] == stored["elected"]
    assert [r["votes"] for r in counted["rounds"]] == [r["votes"] for r in stored["rounds"]]


def test_motion_has_no_blt_and_unpublished_decisions_are_not_shown(
    client: Client, published: Published, organization: Organization, chair: Any
) -> None:
    from tests.site.publication_plenary import open_motion

    still_open = open_motion(organization, published.plenary, chair, "Amend the Charter")

    blt = client.get(url(published, f"{published.motion.pk}/round-1.blt"))
    hidden = client.get(url(published, f"{still_open.decision_id}/"))

    assert blt.status_code == 404
    assert hidden.status_code == 404
    assert "Adopt the 2030 Master Plan" in client.get(url(published)).content.decode()


@pytest.mark.parametrize("motions", [1, 3])
def test_results_index_query_count_does_not_grow_with_decisions(
    client: Client,
    organization: Organization,
    chair: Any,
    motions: int,
    django_assert_num_queries: Any,
) -> None:
    from tests.governance.conftest import build_plenary
    from tests.site.publication_plenary import finish, open_motion, vote_motion

    plenary = build_plenary(organization, 4)
    for n in range(motions):
        poll = open_motion(organization, plenary, chair, f"Motion {n}")
        vote_motion(plenary, poll)
        finish(poll, chair)

    with django_assert_num_queries(3):  # the same for one decision or three
        page = client.get("/en/results/5/").content.decode()

    assert page.count("Adopted") == motions


def _poll_section(page: str, poll_pk: int) -> str:
    """A poll's part of a page, without the downloads only the public results page offers."""
    start = page.index(f'<section class="card" id="poll-{poll_pk}">')
    section = page[start : page.index("</section>", start)]
    return re.sub(r'<p class="downloads">.*?</p>', "", section, flags=re.DOTALL)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_plenary_and_the_results_page_show_each_poll_alike(
    client: Client, published: Published, language: str
) -> None:
    edition = published.plenary.assembly.edition
    polls = [(published.motion, published.motion_poll)]
    polls.append((published.election, published.election_poll))

    for decision, poll in polls:
        results = client.get(f"/{language}/results/{edition}/{decision.pk}/").text
        plenary = client.get(f"/{language}/governance/decision/{decision.pk}/").text

        assert _poll_section(results, poll.pk) == _poll_section(plenary, poll.pk)
        with translation.override(language):
            verdict = str(poll.get_verdict_display())
        assert f"data-verdict>{verdict}</p>" in _poll_section(plenary, poll.pk)


def test_both_pages_name_a_candidate_in_korean_in_the_table_and_the_roll_call(
    client: Client, organization: Organization, chair: Any
) -> None:
    plenary = build_plenary(organization, 3)
    rules = make_rules(organization, DecisionKind.ELECTION, name="Named election", quorum="0")
    election = make_election(plenary.assembly, rules, plenary.members[:2], title="Auditor")
    poll = services.create_poll(decision=election, by=chair, shape=BallotShape.CHOOSE)
    # The member's Korean name is entered after the ballot was drawn up.
    Member.objects.filter(pk=plenary.members[0].pk).update(name_ko="서울특별시")
    poll = services.open_poll(poll=poll, by=chair)
    first = poll.options.get(position=1).pk
    for member in plenary.members:
        services.cast_ballot(
            poll=poll, voter=plenary.delegate_of(member), member=member, choices=[first]
        )
    finish(poll, chair)
    edition = plenary.assembly.edition

    for address in (
        f"/ko/results/{edition}/{election.pk}/",
        f"/ko/governance/decision/{election.pk}/",
    ):
        section = _poll_section(client.get(address).text, poll.pk)
        voted = re.findall(r'<tr><th scope="row">[^<]+</th><td>([^<]+)</td></tr>', section)

        assert '<th scope="row">서울특별시</th>' in section, address
        assert voted == ["서울특별시"] * 3, address
        assert plenary.members[0].name_en not in section, address


def _terms_section(page: str) -> str:
    start = page.index("<h2>Terms of office resting on this decision</h2>")
    return page[start : page.index("</section>", start)]


def test_the_plenary_and_the_results_page_list_the_terms_of_a_decision_alike(
    client: Client, organization: Organization, secretariat: Any
) -> None:
    plenary = build_plenary(organization, 4, prefix="vp")
    appointees = plenary.members[:2]
    decision = appoint_vice_presidents(organization, plenary.assembly, appointees, secretariat)
    edition = plenary.assembly.edition

    results = _terms_section(client.get(f"/en/results/{edition}/{decision.pk}/").text)
    plenary_page = _terms_section(client.get(f"/en/governance/decision/{decision.pk}/").text)

    assert results == plenary_page
    assert all(f"Vice-President: {m.name_en}" in results for m in appointees)


def test_the_results_page_says_when_its_counts_are_invented_as_the_plenary_page_does(
    client: Client, published: Published
) -> None:
    from moim.governance.models import Decision

    decision = published.motion
    Decision.objects.filter(pk=decision.pk).update(illustrative=True)
    edition = published.plenary.assembly.edition
    notice = "Illustrative: the vote counts are invented for the demonstration."

    results = client.get(f"/en/results/{edition}/{decision.pk}/").text
    plenary = client.get(f"/en/governance/decision/{decision.pk}/").text

    assert notice in results
    assert notice in plenary

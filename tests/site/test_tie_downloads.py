"""Published ties: the results page names the policy and how each tie went, and the BLT file
states the command that recounts it to the published result, ties included."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from moim.governance import services
from moim.governance.enums import BallotShape, TiePolicy
from moim.governance.models import Poll
from moim.governance.results import reproduce_command
from moim.members.models import Organization
from moim.tally.cli import main as tally_main
from moim.tally.formats.blt import loads_blt
from tests.governance.test_counting_methods import IRV_TIE, STV_TIE, closed_ranked_poll


def recount(
    client: Client, poll: Poll, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[str, dict[str, Any]]:
    """Download the round's BLT file, run the command it states, return both."""
    base = f"/en/results/{poll.decision.assembly.edition}/{poll.decision.pk}"
    blt = client.get(f"{base}/round-{poll.round}.blt").content.decode()
    command = next(c for c in loads_blt(blt).comments if c.startswith("Recount: "))
    argv = shlex.split(command.removeprefix("Recount: "))
    assert argv[:3] == ["moim", "tally", f"round-{poll.round}.blt"]
    path = tmp_path / argv[2]
    path.write_text(blt, encoding="utf-8")
    capsys.readouterr()
    assert tally_main([str(path), *argv[3:], "--json", "--no-progress"]) == 0
    return " ".join(argv), json.loads(capsys.readouterr().out)


def same_count(counted: dict[str, Any], poll: Poll) -> None:
    stored = poll.result["tally"]
    assert counted["elected"] == stored["elected"]
    assert [r["votes"] for r in counted["rounds"]] == [r["votes"] for r in stored["rounds"]]
    assert [r["ties"] for r in counted["rounds"]] == [r["ties"] for r in stored["rounds"]]


def test_a_tie_decided_by_the_chair_recounts_from_the_download(
    organization: Organization,
    chair: Any,
    client: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    poll, plenary = closed_ranked_poll(organization, chair, IRV_TIE)
    bo = plenary.members[1].name_en
    services.count_poll(poll=poll, by=chair)
    services.settle_tie(poll=poll, by=chair, how=services.TieSettlement.DECIDE, chosen=bo)
    poll = services.publish_poll(poll=poll, by=chair)

    command, counted = recount(client, poll, tmp_path, capsys)
    page = client.get(f"/en/results/{poll.decision.assembly.edition}/{poll.decision.pk}/").text

    assert command == ("moim tally round-1.blt --method irv --tie-break chair --tie-decisions 2")
    same_count(counted, poll)
    assert "The count stops for the chair, who draws by lot or decides" in page
    assert f"settled for {bo} (decided by the chair)" in page
    assert command in page


def test_a_tie_drawn_by_lot_under_the_rules_recounts_from_the_download(
    organization: Organization,
    chair: Any,
    client: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    poll, _ = closed_ranked_poll(
        organization, chair, STV_TIE, seats=2, method="stv-scottish", tie_policy=TiePolicy.LOT
    )
    services.count_poll(poll=poll, by=chair)
    poll = services.publish_poll(poll=poll, by=chair)
    seed = poll.tie_breaks["seed"]

    command, counted = recount(client, poll, tmp_path, capsys)
    page = client.get(f"/en/results/{poll.decision.assembly.edition}/{poll.decision.pk}/").text

    assert command == f"moim tally round-1.blt --method stv-scottish --tie-break lot --seed {seed}"
    same_count(counted, poll)
    assert "Ties: Drawn by lot, with the seed recorded" in page
    assert f"drawn by lot, seed {seed}" in page


def test_a_chair_draw_by_lot_recounts_from_the_download(
    organization: Organization,
    chair: Any,
    client: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    poll, _ = closed_ranked_poll(organization, chair, STV_TIE, seats=2, method="stv-scottish")
    services.count_poll(poll=poll, by=chair)
    services.settle_tie(poll=poll, by=chair, how=services.TieSettlement.LOT, seed="5eed")
    poll = services.publish_poll(poll=poll, by=chair)

    command, counted = recount(client, poll, tmp_path, capsys)

    assert command.endswith("--tie-break chair --tie-decisions lot:5eed")
    same_count(counted, poll)


@pytest.mark.parametrize(
    ("shape", "stated"),
    [(BallotShape.RANKED, True), (BallotShape.CHOOSE, False), (BallotShape.APPROVAL, False)],
)
def test_recount_command_is_stated_only_where_a_blt_file_is_published(
    shape: BallotShape, stated: bool
) -> None:
    poll = Poll(round=1, shape=shape, result={"reproduce": ["--method", "plurality"]})

    command = reproduce_command(poll)

    assert (command == "moim tally round-1.blt --method plurality") is stated
    assert bool(command) is stated

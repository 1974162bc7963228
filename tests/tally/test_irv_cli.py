"""`moim tally` on CVR CSV files, with RCTab configurations and RCTab-named flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moim.tally.cli import EXIT_INPUT, main

BALLOTS = (
    "id,precinct,rank1,rank2,rank3\n"
    "1,P1,Ann,Bob,\n"
    "2,P1,Ann,,\n"
    "3,P2,Bob,Ann,\n"
    "4,P2,Cy,,Bob\n"
    "5,P2,Cy,overvote,Bob\n"
    "6,P1,,,\n"
)


def _config(tmp_path: Path, **rules: object) -> Path:
    base: dict[str, object] = {
        "winnerElectionMode": "singleWinnerMajority",
        "overvoteRule": "exhaustImmediately",
        "maxSkippedRanksAllowed": "0",
        "maxRankingsAllowed": "3",
        "batchElimination": False,
        "exhaustOnDuplicateCandidate": False,
        "tiebreakMode": "useCandidateOrder",
    }
    base.update(rules)
    data = {
        "outputSettings": {"contestName": "Chair of the network"},
        "candidates": [{"name": n, "excluded": False} for n in ("Ann", "Bob", "Cy")],
        "rules": base,
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def ballots(tmp_path: Path) -> Path:
    path = tmp_path / "ballots.csv"
    path.write_text(BALLOTS, encoding="utf-8")
    return path


def test_cli_csv_textbook_irv(ballots: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main([str(ballots), "--method", "irv", "--json"])

    record = json.loads(capsys.readouterr().out)
    assert status == 0
    assert record["method"] == "irv"
    assert record["elected"] == ["Ann"]
    assert record["rounds"][0]["votes"] == {"Ann": "2", "Bob": "1", "Cy": "2"}
    assert record["details"]["undervotes"] == 1


def test_cli_config_applies_rctab_rules(
    ballots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)

    status = main([str(ballots), "--method", "irv", "--config", str(config), "--json"])

    record = json.loads(capsys.readouterr().out)
    assert status == 0
    assert record["method"] == "irv-rctab"
    assert record["title"] == "Chair of the network"
    assert record["details"]["rules"]["maxSkippedRanksAllowed"] == "0"
    # Bob is excluded first (1 vote); ballot 3 goes to Ann, who then has a majority of 4 active.
    assert record["rounds"][0]["excluded"] == ["Bob"]
    assert record["rounds"][1]["votes"] == {"Ann": "3", "Cy": "2"}
    assert record["elected"] == ["Ann"]


def test_cli_rctab_flags_override_the_config(
    ballots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path)

    flags = ["--overvoteRule", "alwaysSkipToNextRank", "--maxSkippedRanksAllowed", "unlimited"]
    main([str(ballots), "--method", "irv", "--config", str(config), "--json", *flags])

    rules = json.loads(capsys.readouterr().out)["details"]["rules"]
    assert rules["overvoteRule"] == "alwaysSkipToNextRank"
    assert rules["maxSkippedRanksAllowed"] == "unlimited"


def test_cli_unknown_candidate_reports_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("id,precinct,rank1,rank2\n1,,Ann,Bob\n2,,Bob,Anne\n", encoding="utf-8")
    config = _config(tmp_path)

    status = main([str(path), "--method", "irv", "--config", str(config)])

    assert status == EXIT_INPUT
    assert "line 3, column rank2: unknown candidate 'Anne'" in capsys.readouterr().err


def test_cli_unsupported_rctab_mode_is_a_clear_error(
    ballots: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, winnerElectionMode="bottomsUp")

    status = main([str(ballots), "--method", "irv", "--config", str(config)])

    assert status == EXIT_INPUT
    assert "winnerElectionMode 'bottomsUp' is not supported" in capsys.readouterr().err


def test_cli_csv_counts_by_stv_too(ballots: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main([str(ballots), "--method", "stv-scottish", "--seats", "2", "--json"])

    record = json.loads(capsys.readouterr().out)
    assert status == 0
    assert sorted(record["elected"]) == ["Ann", "Cy"]


def test_cli_rctab_flags_apply_to_a_blt_file_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "small.blt"
    path.write_text('3 1\n4 1 2 0\n3 2 0\n2 3 2 0\n0\n"A"\n"B"\n"C"\n"Small"\n', encoding="utf-8")

    status = main([str(path), "--method", "irv", "--json", "--batchElimination"])

    record = json.loads(capsys.readouterr().out)
    assert status == 0
    assert record["method"] == "irv-rctab"
    assert record["details"]["rules"]["batchElimination"] is True
    assert record["rounds"][0]["excluded"] == ["C"]
    assert record["elected"] == ["B"]

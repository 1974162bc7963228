"""RCTab rules and contest configurations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from moim.tally.ballots import OvervoteRule
from moim.tally.methods.irv import batch_losers
from moim.tally.methods.rctab import ConfigError, RctabRules, config_from_mapping, load_config
from moim.tally.ties import TieBreakMethod


def _config(**rules: Any) -> dict[str, Any]:
    base = {
        "tiebreakMode": "random",
        "overvoteRule": "alwaysSkipToNextRank",
        "winnerElectionMode": "singleWinnerMajority",
        "randomSeed": "7",
        "numberOfWinners": "1",
        "maxSkippedRanksAllowed": "1",
        "maxRankingsAllowed": "3",
        "nonIntegerWinningThreshold": False,
        "batchElimination": True,
        "exhaustOnDuplicateCandidate": False,
        "minimumVoteThreshold": "0",
        "stopTabulationEarlyAfterRound": "",
    }
    base.update(rules)
    return {
        "outputSettings": {"contestName": "Mayor"},
        "candidates": [
            {"name": "Ann", "code": "A", "excluded": False},
            {"name": "Bob", "excluded": True},
        ],
        "rules": base,
    }


def test_config_rules_map_to_rctab_rules(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(_config()), encoding="utf-8")

    config = load_config(path)

    assert config.contest_name == "Mayor"
    assert config.names == ("Ann", "Bob")
    assert config.excluded == ("Bob",)
    assert config.codes == {"A": "Ann"}
    assert config.rules == RctabRules(
        overvote_rule=OvervoteRule.ALWAYS_SKIP_TO_NEXT_RANK,
        max_skipped_ranks_allowed=1,
        exhaust_on_duplicate_candidate=False,
        batch_elimination=True,
        max_rankings_allowed=3,
        tiebreak_mode="random",
        random_seed="7",
    )


def test_config_unlimited_and_max_mean_no_limit() -> None:
    rules = config_from_mapping(
        _config(maxSkippedRanksAllowed="unlimited", maxRankingsAllowed="max")
    ).rules

    assert rules.max_skipped_ranks_allowed is None
    assert rules.max_rankings_allowed is None
    assert rules.describe()["maxSkippedRanksAllowed"] == "unlimited"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"winnerElectionMode": "multiWinnerAllowOnlyOneWinnerPerRound"}, "winnerElectionMode"),
        ({"overvoteRule": "exhaustIfMultipleContinuing"}, "overvoteRule"),
        ({"overvoteRule": "sometimes"}, "overvoteRule 'sometimes' is not one of"),
        ({"numberOfWinners": "3"}, "numberOfWinners is 3"),
        ({"maxSkippedRanksAllowed": "some"}, "maxSkippedRanksAllowed must be a number"),
        ({"tiebreakMode": "coin"}, "tiebreakMode 'coin'"),
        ({"continueUntilTwoCandidatesRemain": True}, "continueUntilTwoCandidatesRemain"),
    ],
)
def test_config_rules_moim_cannot_follow_are_clear_errors(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_mapping(_config(**change))


def test_config_not_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text('{\n  "rules": {,\n}', encoding="utf-8")

    with pytest.raises(ConfigError, match="line 2"):
        load_config(path)


def test_tiebreak_modes_map_to_tie_policies() -> None:
    random = RctabRules(tiebreak_mode="random", random_seed="42").tie_breaker()
    ask = RctabRules(tiebreak_mode="previousRoundCountsThenAsk").tie_breaker()
    order = RctabRules(tiebreak_mode="useCandidateOrder").tie_breaker()

    assert (random.method, random.seed, random.look_back) == (TieBreakMethod.LOT, "42", False)
    assert (ask.method, ask.look_back) == (TieBreakMethod.CHAIR, True)
    assert order.method is TieBreakMethod.ORDER


def test_batch_losers_takes_the_largest_group_that_cannot_catch_up() -> None:
    # 1 + 2 + 4 = 7 < 10, but 17 is not < 17 and 34 is not < 20: the first three go.
    assert batch_losers({0: 1, 1: 2, 2: 4, 3: 10, 4: 17, 5: 20}) == [0, 1, 2]
    # ... and with a leader far ahead, everyone below it.
    assert batch_losers({0: 1, 1: 2, 2: 4, 3: 10, 4: 17, 5: 40}) == [0, 1, 2, 3, 4]
    # Equal tallies go in or out together: 3 + 3 = 6 is not < 5, but 11 < 30.
    assert batch_losers({0: 3, 1: 3, 2: 5, 3: 30}) == [0, 1, 2]
    assert batch_losers({0: 5, 1: 5, 2: 9}) == []

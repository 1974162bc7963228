"""RCTab's contest rules, by their RCTab names, and its contest configuration files.

A user of RCTab (the certified tabulator of the Ranked Choice Voting Resource Center) can recount
one of its contests in Moim with the same settings: `load_config` reads the ``rules`` and
``candidates`` of an RCTab JSON configuration, and `RctabRules` carries the rules that Moim's IRV
follows. The CVR files named in the configuration are not read from it: the ballots come as CVR
CSV (`moim.tally.formats.cvr`), read by the command line. The configuration is IRV's rules and
the contest's candidates, not ballots, so it is read here, beside the rules it carries;
`rules_with_flags` applies the command line's overrides, given by their RCTab names.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from moim.tally.ballots import BallotRules, OvervoteRule
from moim.tally.ties import TieBreaker, TieBreakMethod

UWI_NAME = "Undeclared Write-ins"
"""How RCTab names undeclared write-ins in its reports."""

SUPPORTED_MODES = ("singleWinnerMajority",)
UNSUPPORTED_OVERVOTE_RULES = ("exhaustIfMultipleContinuing",)
TIEBREAK_MODES = {
    "random": TieBreakMethod.LOT,
    "previousRoundCountsThenRandom": TieBreakMethod.LOT,
    "useCandidateOrder": TieBreakMethod.ORDER,
    "stopCountingAndAsk": TieBreakMethod.CHAIR,
    "previousRoundCountsThenAsk": TieBreakMethod.CHAIR,
}
LOOK_BACK_MODES = ("previousRoundCountsThenRandom", "previousRoundCountsThenAsk")


class ConfigError(ValueError):
    """An RCTab configuration Moim cannot follow; the message says which setting and why."""


@dataclass(frozen=True)
class RctabRules:
    """The RCTab rules Moim's IRV applies, under their RCTab configuration names."""

    overvote_rule: OvervoteRule = OvervoteRule.EXHAUST_IMMEDIATELY
    max_skipped_ranks_allowed: int | None = None  # None: "unlimited"
    exhaust_on_duplicate_candidate: bool = False
    batch_elimination: bool = False
    max_rankings_allowed: int | None = None  # None: "max" (every rank column)
    tiebreak_mode: str = "stopCountingAndAsk"
    random_seed: str = ""
    winner_election_mode: str = "singleWinnerMajority"

    def __post_init__(self) -> None:
        if self.winner_election_mode not in SUPPORTED_MODES:
            raise ConfigError(
                f"winnerElectionMode {self.winner_election_mode!r} is not supported: Moim's IRV "
                "counts single-winner contests (singleWinnerMajority); count multi-seat "
                "contests with an STV method"
            )
        if self.tiebreak_mode not in TIEBREAK_MODES:
            known = ", ".join(TIEBREAK_MODES)
            raise ConfigError(f"tiebreakMode {self.tiebreak_mode!r} is not one of: {known}")
        if self.max_skipped_ranks_allowed is not None and self.max_skipped_ranks_allowed < 0:
            raise ConfigError("maxSkippedRanksAllowed must be 0 or more, or 'unlimited'")
        if self.max_rankings_allowed is not None and self.max_rankings_allowed < 1:
            raise ConfigError("maxRankingsAllowed must be 1 or more, or 'max'")

    @property
    def ballot_rules(self) -> BallotRules:
        return BallotRules(
            overvote_rule=self.overvote_rule,
            max_skipped_ranks_allowed=self.max_skipped_ranks_allowed,
            exhaust_on_duplicate_candidate=self.exhaust_on_duplicate_candidate,
        )

    def tie_breaker(self, order: tuple[int, ...] | None = None) -> TieBreaker:
        """The core tie policy closest to RCTab's tiebreakMode.

        RCTab's ``random`` draws with Java's generator: Moim draws reproducibly by lot from the
        configured seed instead, so a tie broken at random may go the other way.
        """
        method = TIEBREAK_MODES[self.tiebreak_mode]
        look_back = self.tiebreak_mode in LOOK_BACK_MODES
        if method is TieBreakMethod.LOT:
            return TieBreaker.by_lot(self.random_seed or None, look_back=look_back)
        return TieBreaker(method, look_back, order=order)

    def describe(self) -> dict[str, object]:
        """The rules as RCTab spells them (recorded with the result)."""
        skipped = self.max_skipped_ranks_allowed
        rankings = self.max_rankings_allowed
        return {
            "winnerElectionMode": self.winner_election_mode,
            "overvoteRule": str(self.overvote_rule),
            "maxSkippedRanksAllowed": "unlimited" if skipped is None else str(skipped),
            "maxRankingsAllowed": "max" if rankings is None else str(rankings),
            "exhaustOnDuplicateCandidate": self.exhaust_on_duplicate_candidate,
            "batchElimination": self.batch_elimination,
            "tiebreakMode": self.tiebreak_mode,
        }


@dataclass(frozen=True)
class RctabCandidate:
    name: str
    code: str = ""
    excluded: bool = False


@dataclass(frozen=True)
class RctabConfig:
    """What Moim takes from an RCTab contest configuration."""

    rules: RctabRules
    candidates: tuple[RctabCandidate, ...] = ()
    contest_name: str = ""
    write_ins: bool = True
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.candidates)

    @property
    def excluded(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.candidates if c.excluded)

    @property
    def codes(self) -> dict[str, str]:
        """Candidate code → name, for CVRs that record codes instead of names."""
        return {c.code: c.name for c in self.candidates if c.code}


def parse_count(value: object, key: str, *, unlimited: str) -> int | None:
    """An RCTab count setting: a number (as text or int), or the word meaning no limit."""
    if value is None or value == "" or value == unlimited:
        return None
    if isinstance(value, bool):
        raise ConfigError(f"{key} must be a number or {unlimited!r}, not {value!r}")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{key} must be a number or {unlimited!r}, not {value!r}") from None


def parse_overvote_rule(value: object) -> OvervoteRule:
    if value in UNSUPPORTED_OVERVOTE_RULES:
        raise ConfigError(
            f"overvoteRule {value!r} is not supported (use exhaustImmediately or "
            "alwaysSkipToNextRank)"
        )
    try:
        return OvervoteRule(str(value))
    except ValueError:
        known = ", ".join(r.value for r in OvervoteRule)
        raise ConfigError(f"overvoteRule {value!r} is not one of: {known}") from None


def _flag(rules: Mapping[str, object], key: str) -> bool:
    value = rules.get(key, False)
    if isinstance(value, str):
        if value.lower() not in ("true", "false", ""):
            raise ConfigError(f"{key} must be true or false, not {value!r}")
        return value.lower() == "true"
    return bool(value)


def rules_from_mapping(rules: Mapping[str, object]) -> RctabRules:
    """RctabRules from an RCTab ``rules`` object (keys as RCTab writes them)."""
    seats = str(rules.get("numberOfWinners", "1") or "1")
    if seats != "1":
        raise ConfigError(f"numberOfWinners is {seats}: Moim's IRV elects one winner")
    for key in ("continueUntilTwoCandidatesRemain", "hareQuota", "nonIntegerWinningThreshold"):
        if _flag(rules, key):
            raise ConfigError(f"{key} true is not supported")
    for key in ("minimumVoteThreshold", "stopTabulationEarlyAfterRound"):
        if str(rules.get(key, "") or "0") != "0":
            raise ConfigError(f"{key} {rules[key]!r} is not supported")
    return RctabRules(
        overvote_rule=parse_overvote_rule(rules.get("overvoteRule", "exhaustImmediately")),
        max_skipped_ranks_allowed=parse_count(
            rules.get("maxSkippedRanksAllowed"), "maxSkippedRanksAllowed", unlimited="unlimited"
        ),
        exhaust_on_duplicate_candidate=_flag(rules, "exhaustOnDuplicateCandidate"),
        batch_elimination=_flag(rules, "batchElimination"),
        max_rankings_allowed=parse_count(
            rules.get("maxRankingsAllowed"), "maxRankingsAllowed", unlimited="max"
        ),
        tiebreak_mode=str(rules.get("tiebreakMode", "stopCountingAndAsk")),
        random_seed=str(rules.get("randomSeed", "") or ""),
        winner_election_mode=str(rules.get("winnerElectionMode", "singleWinnerMajority")),
    )


def config_from_mapping(data: Mapping[str, object]) -> RctabConfig:
    rules = data.get("rules")
    if not isinstance(rules, Mapping):
        raise ConfigError("the configuration has no 'rules' object")
    listed = data.get("candidates") or []
    if not isinstance(listed, list):
        raise ConfigError("'candidates' must be a list")
    candidates = []
    for n, item in enumerate(listed, start=1):
        if not isinstance(item, Mapping) or not str(item.get("name", "")).strip():
            raise ConfigError(f"candidate {n} has no name")
        candidates.append(
            RctabCandidate(
                name=str(item["name"]).strip(),
                code=str(item.get("code", "") or ""),
                excluded=_flag(item, "excluded"),
            )
        )
    names = [c.name for c in candidates]
    if len(set(names)) != len(names):
        raise ConfigError("a candidate name appears twice in the configuration")
    output = data.get("outputSettings")
    contest = str(output.get("contestName", "")) if isinstance(output, Mapping) else ""
    return RctabConfig(rules_from_mapping(rules), tuple(candidates), contest)


def load_config(path: str | os.PathLike[str]) -> RctabConfig:
    """Read an RCTab contest configuration (JSON)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise ConfigError(f"{path}: the JSON nests too deeply to be a configuration") from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: expected a JSON object")
    return config_from_mapping(data)


RULE_FLAGS = {
    "overvoteRule": "overvote_rule",
    "maxSkippedRanksAllowed": "max_skipped_ranks_allowed",
    "maxRankingsAllowed": "max_rankings_allowed",
    "exhaustOnDuplicateCandidate": "exhaust_on_duplicate_candidate",
    "batchElimination": "batch_elimination",
    "tiebreakMode": "tiebreak_mode",
    "randomSeed": "random_seed",
}


def rules_with_flags(base: RctabRules | None, options: Mapping[str, object]) -> RctabRules | None:
    """`base` with the settings `options` give by their RCTab names (`RULE_FLAGS`; a None value
    gives nothing); None if neither says anything."""
    given = {key: options[key] for key in RULE_FLAGS if options.get(key) is not None}
    if base is None and not given:
        return None
    changes: dict[str, Any] = {}
    for key, value in given.items():
        if key == "overvoteRule":
            changes[RULE_FLAGS[key]] = parse_overvote_rule(value)
        elif key == "maxSkippedRanksAllowed":
            changes[RULE_FLAGS[key]] = parse_count(value, key, unlimited="unlimited")
        elif key == "maxRankingsAllowed":
            changes[RULE_FLAGS[key]] = parse_count(value, key, unlimited="max")
        else:
            changes[RULE_FLAGS[key]] = value
    return replace(base or RctabRules(), **changes)

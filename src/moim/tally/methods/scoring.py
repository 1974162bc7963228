"""Jury scoring: weighted totals, per-juror standardised scores, ranking and ties.

Plain functions with no Django, used by the awards app. A juror's sheet for an entry is reduced
to one weighted total on the criteria scale; totals are compared two ways, side by side:

- the **weighted mean**: the plain mean of the jurors' weighted totals for the entry;
- the **z-score mean**: each juror's totals are first standardised against that juror's own
  mean and spread (population standard deviation), so a harsh and a lenient juror count alike;
  the entry's figure is the mean of its standardised totals. A juror whose totals are all equal
  has no spread and contributes 0 to every entry it scored.

The ranking advises; the jury decides. Ties on the chosen method are flagged and, by the default
rule, broken by the other method; what is still equal stays tied for the jury to settle.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

# Totals closer than this are equal: floats of hand-entered scores must not split a real tie.
PRECISION = 9


class Method(enum.StrEnum):
    WEIGHTED = "weighted"
    Z_SCORE = "z_score"

    @property
    def label(self) -> str:
        return {
            Method.WEIGHTED: "Weighted mean of jurors' totals",
            Method.Z_SCORE: "Mean of per-juror z-scores (population standard deviation)",
        }[self]

    @property
    def other(self) -> Method:
        return Method.WEIGHTED if self is Method.Z_SCORE else Method.Z_SCORE


class TieRule(enum.StrEnum):
    """How entries equal on the chosen method are ordered."""

    OTHER_METHOD = "other_method"  # compare on the other method; still equal stays tied
    NONE = "none"  # leave every tie to the jury


class TieState(enum.StrEnum):
    NONE = "none"
    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class Sheet:
    """One juror's weighted total for one entry."""

    juror: Hashable
    entry: Hashable
    total: float


@dataclass(frozen=True)
class RankedEntry:
    entry: Hashable
    position: int  # competition ranking: equal entries share a position ("1, 2, 2, 4")
    weighted_mean: float
    z_mean: float
    sheets: int
    tie: TieState


def weighted_total(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The weighted mean of one sheet's criterion scores, on the criteria's own scale.

    Every weighted criterion must be scored; weights need not add up to 1 or 100.
    """
    missing = sorted(set(weights) - set(scores))
    if missing:
        raise ValueError(f"criteria not scored: {', '.join(missing)}")
    unknown = sorted(set(scores) - set(weights))
    if unknown:
        raise ValueError(f"scores for unknown criteria: {', '.join(unknown)}")
    if any(w < 0 for w in weights.values()):
        raise ValueError("criterion weights cannot be negative")
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise ValueError("criterion weights must add up to more than zero")
    return sum(weights[key] * scores[key] for key in weights) / weight_sum


def z_scores[K: Hashable](totals: Mapping[K, float]) -> dict[K, float]:
    """Standardise one juror's totals: (x - mean) / population standard deviation.

    A juror with no spread (one entry, or all totals equal) gets 0 everywhere: it expresses no
    preference, and dividing by zero must not turn that into one.
    """
    if not totals:
        return {}
    values = list(totals.values())
    mean = sum(values) / len(values)
    variance = sum((x - mean) ** 2 for x in values) / len(values)
    spread = math.sqrt(variance)
    if round(spread, PRECISION) == 0:
        return dict.fromkeys(totals, 0.0)
    return {key: (value - mean) / spread for key, value in totals.items()}


def standardise(sheets: Iterable[Sheet]) -> dict[tuple[Hashable, Hashable], float]:
    """Each sheet's z-score within its juror's own sheets, keyed by (juror, entry)."""
    by_juror: dict[Hashable, dict[Hashable, float]] = defaultdict(dict)
    for sheet in sheets:
        if sheet.entry in by_juror[sheet.juror]:
            raise ValueError(f"juror {sheet.juror!r} has two sheets for entry {sheet.entry!r}")
        by_juror[sheet.juror][sheet.entry] = sheet.total
    result: dict[tuple[Hashable, Hashable], float] = {}
    for juror, totals in by_juror.items():
        for entry, z in z_scores(totals).items():
            result[(juror, entry)] = z
    return result


def rank(
    sheets: Iterable[Sheet],
    *,
    method: Method = Method.Z_SCORE,
    tie_rule: TieRule = TieRule.OTHER_METHOD,
) -> list[RankedEntry]:
    """Rank entries by `method`, best first, with both figures and each tie's state."""
    sheets = list(sheets)
    z_by_sheet = standardise(sheets)
    totals: dict[Hashable, list[float]] = defaultdict(list)
    zs: dict[Hashable, list[float]] = defaultdict(list)
    for sheet in sheets:
        totals[sheet.entry].append(sheet.total)
        zs[sheet.entry].append(z_by_sheet[(sheet.juror, sheet.entry)])

    figures = {
        entry: {
            Method.WEIGHTED: round(sum(values) / len(values), PRECISION),
            Method.Z_SCORE: round(sum(zs[entry]) / len(zs[entry]), PRECISION),
        }
        for entry, values in totals.items()
    }

    def primary(entry: Hashable) -> float:
        return figures[entry][method]

    def full_key(entry: Hashable) -> tuple[float, ...]:
        if tie_rule is TieRule.OTHER_METHOD:
            return (primary(entry), figures[entry][method.other])
        return (primary(entry),)

    # Stable on the entries' first appearance, so equal entries keep a predictable order.
    ordered = sorted(figures, key=full_key, reverse=True)
    primary_counts: dict[float, int] = defaultdict(int)
    for entry in ordered:
        primary_counts[primary(entry)] += 1
    key_counts: dict[tuple[float, ...], int] = defaultdict(int)
    for entry in ordered:
        key_counts[full_key(entry)] += 1

    ranked: list[RankedEntry] = []
    position = 0
    previous: tuple[float, ...] | None = None
    for index, entry in enumerate(ordered, start=1):
        key = full_key(entry)
        if key != previous:
            position = index
            previous = key
        if primary_counts[primary(entry)] == 1:
            tie = TieState.NONE
        elif key_counts[key] == 1:
            tie = TieState.RESOLVED
        else:
            tie = TieState.UNRESOLVED
        ranked.append(
            RankedEntry(
                entry=entry,
                position=position,
                weighted_mean=figures[entry][Method.WEIGHTED],
                z_mean=figures[entry][Method.Z_SCORE],
                sheets=len(totals[entry]),
                tie=tie,
            )
        )
    return ranked

"""Stand-in for the counting engine's verdict and totals methods, which it does not offer yet.

The thresholds follow DOMAIN.md: simple yes > no; absolute yes ≥ ⌊b/2⌋+1; two-thirds
yes ≥ ⌈2b/3⌉; three-quarters yes ≥ ⌈3b/4⌉; b is the votes cast (abstentions in or out) or the
entitled weight. When `moim.tally` ships these, this module becomes a thin call into it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class MotionDecision:
    adopted: bool
    base: int
    threshold: int
    rule_text: str


def decide(
    *,
    yes: int,
    no: int,
    abstain: int,
    entitled: int,
    rule: str,
    base: str,
    abstentions_counted: bool,
) -> MotionDecision:
    b = entitled if base == "entitled" else yes + no + (abstain if abstentions_counted else 0)
    if rule == "simple":
        threshold = no + 1
        text = "yes > no"
    elif rule == "absolute":
        threshold = b // 2 + 1
        text = f"yes ≥ ⌊{b}/2⌋+1 = {threshold}"
    elif rule == "two_thirds":
        threshold = _ceil_div(2 * b, 3)
        text = f"yes ≥ ⌈2×{b}/3⌉ = {threshold}"
    elif rule == "three_quarters":
        threshold = _ceil_div(3 * b, 4)
        text = f"yes ≥ ⌈3×{b}/4⌉ = {threshold}"
    else:
        raise ValueError(f"unknown majority rule {rule!r}")
    adopted = yes > 0 and yes >= threshold
    return MotionDecision(adopted, b, threshold, text)


@dataclass(frozen=True)
class Top:
    elected: list[int]
    tied: list[int]


def top(totals: Mapping[int, int], *, seats: int) -> Top:
    """The `seats` highest totals; candidates level across the last seat are left tied."""
    order = sorted(totals, key=lambda i: (-totals[i], i))
    if len(order) <= seats:
        return Top(order, [])
    cut = totals[order[seats - 1]]
    if totals[order[seats]] != cut:
        return Top(order[:seats], [])
    sure = [i for i in order if totals[i] > cut]
    return Top(sure, [i for i in order if totals[i] == cut])

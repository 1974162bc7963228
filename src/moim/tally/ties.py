"""Named tie policies.

A tie is first looked back on (when the method allows it): going back stage by stage from the
most recent, only the tied candidates with the lowest (for an exclusion) or highest (for a
surplus or an election) total at that stage stay tied, until one is left. What remains is broken
by the policy's fallback:

* ``lot``: a reproducible draw, ``random.Random`` seeded with the recorded seed and the tie's
  context, choosing among the tied candidates in candidate-index order;
* ``order``: the first tied candidate in a given tie order (BLT ``[tie ...]``, else file order);
* ``chair``: stop the count and report the tie (`TieForChair`), for the presiding officer;
  once the chair has settled ties, their `decisions` settle them again in the order the ties
  arose: a candidate's name (the chair decided) or ``lot:SEED`` (the chair drew by lot, with
  that seed), so a recount of the same ballots goes through every tie the same way.

Every break is recorded (`TieRecord`) in the result with the policy and, for a draw, the seed.
"""

from __future__ import annotations

import enum
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

LOT_PREFIX = "lot:"
"""A chair's decision that is a draw by lot: ``lot:`` and the seed."""


class TieBreakMethod(enum.StrEnum):
    LOT = "lot"
    ORDER = "order"
    CHAIR = "chair"


class TieKind(enum.StrEnum):
    EXCLUDE = "exclude"
    SURPLUS = "surplus"
    ELECT = "elect"


class _Comparable(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


@dataclass(frozen=True)
class TieRecord:
    """One tie and how it was broken."""

    round: int
    kind: TieKind
    tied: tuple[str, ...]
    chosen: str
    method: str  # "look-back", "lot", "order", "chair"
    seed: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "round": self.round,
            "kind": str(self.kind),
            "tied": list(self.tied),
            "chosen": self.chosen,
            "method": self.method,
            "seed": self.seed,
        }


class TieForChair(Exception):
    """The count stopped on a tie that the policy leaves to the presiding officer."""

    def __init__(self, *, round: int, kind: TieKind, tied: tuple[int, ...], names: tuple[str, ...]):
        self.round = round
        self.kind = kind
        self.tied = tied
        self.names = names
        listed = ", ".join(names)
        super().__init__(f"round {round}: tie to {kind} between {listed}; the chair decides")


@dataclass(frozen=True)
class TieBreaker:
    """A tie policy: look back first (if `look_back`), then `method`."""

    method: TieBreakMethod = TieBreakMethod.CHAIR
    look_back: bool = True
    seed: str | None = None
    order: tuple[int, ...] | None = None
    decisions: tuple[str, ...] = ()
    # How many `decisions` this count has used: the n-th tie left to the chair takes the n-th.
    _used: list[int] = field(default_factory=lambda: [0], compare=False, repr=False)

    @classmethod
    def by_lot(cls, seed: str | None = None, *, look_back: bool = True) -> TieBreaker:
        """A draw; without a seed a fresh one is made (and recorded in every tie it breaks)."""
        return cls(TieBreakMethod.LOT, look_back, seed or secrets.token_hex(8))

    def describe(self) -> dict[str, object]:
        return {
            "method": str(self.method),
            "look_back": self.look_back,
            "seed": self.seed,
            "order": list(self.order) if self.order is not None else None,
            **({"decisions": list(self.decisions)} if self.decisions else {}),
        }

    def choose(
        self,
        tied: Sequence[int],
        *,
        kind: TieKind,
        round: int,
        names: Sequence[str],
        history: Sequence[Sequence[_Comparable]] = (),
        allow_look_back: bool = True,
    ) -> tuple[int, TieRecord | None]:
        """Pick one of `tied` (candidate indices) for `kind`; None record if no tie at all.

        `history` holds each earlier stage's totals by candidate index, oldest first.
        """
        group = sorted(set(tied))
        if len(group) == 1:
            return group[0], None
        tied_names = tuple(names[i] for i in group)
        if self.look_back and allow_look_back:
            remaining = group
            for stage in reversed(history):
                values = [stage[i] for i in remaining]
                target = min(values) if kind is TieKind.EXCLUDE else max(values)
                remaining = [i for i, v in zip(remaining, values, strict=True) if v == target]
                if len(remaining) == 1:
                    chosen = remaining[0]
                    return chosen, TieRecord(round, kind, tied_names, names[chosen], "look-back")
            group = remaining
        if self.method is TieBreakMethod.ORDER:
            order = self.order if self.order is not None else tuple(range(len(names)))
            position = {c: p for p, c in enumerate(order)}
            chosen = min(group, key=lambda c: (position.get(c, len(order)), c))
            return chosen, TieRecord(round, kind, tied_names, names[chosen], "order")
        if self.method is TieBreakMethod.LOT:
            seed = self.seed or ""
            context = f"{seed}|{kind}|{round}|" + "|".join(names[i] for i in group)
            chosen = random.Random(context).choice(group)
            return chosen, TieRecord(round, kind, tied_names, names[chosen], "lot", seed)
        if self.method is TieBreakMethod.CHAIR and self._used[0] < len(self.decisions):
            return self._decided(group, kind=kind, round=round, names=names, tied=tied_names)
        raise TieForChair(
            round=round, kind=kind, tied=tuple(group), names=tuple(names[i] for i in group)
        )

    def _decided(
        self,
        group: Sequence[int],
        *,
        kind: TieKind,
        round: int,
        names: Sequence[str],
        tied: tuple[str, ...],
    ) -> tuple[int, TieRecord]:
        """The chair's next decision: a draw by lot with its seed, or the candidate named."""
        number = self._used[0]
        decision = self.decisions[number]
        self._used[0] += 1
        if decision.startswith(LOT_PREFIX):
            seed = decision.removeprefix(LOT_PREFIX)
            context = f"{seed}|{kind}|{round}|" + "|".join(names[i] for i in group)
            chosen = random.Random(context).choice(list(group))
            return chosen, TieRecord(round, kind, tied, names[chosen], "lot", seed)
        remaining = {names[i]: i for i in group}
        if decision not in remaining:
            raise ValueError(
                f"the chair's decision {number + 1} names {decision}, who is not among "
                f"the tied ({', '.join(remaining)}) in round {round}"
            )
        return remaining[decision], TieRecord(round, kind, tied, decision, "chair")

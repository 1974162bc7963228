"""The one list of counting methods: each one's name, label, the ballots and seats it counts,
the tie policies it honours, its options and the function that counts.

`moim tally` (its `--method` and the options' flags), the plenary (`moim.governance.counting`,
the models' choices) and the benchmark all read this table, so a method named anywhere is a
method that counts everywhere. A new method is its module under `moim.tally.methods` and one
row here (with an `Option` if it takes one); nothing else changes. The counting modules never
import this one (nor the command line): the table sits above them (the layers contract in
pyproject.toml).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from moim.tally.ballots import Election
from moim.tally.methods.choice import ChoiceMethod, count_choice
from moim.tally.methods.irv import count_irv
from moim.tally.methods.schulze import count_schulze
from moim.tally.methods.stv_meek import MeekArithmetic, count_meek
from moim.tally.methods.stv_scottish import count_scottish_stv
from moim.tally.methods.stv_wigm import WigmArithmetic, count_wigm
from moim.tally.result import Result
from moim.tally.ties import TieBreaker


class Shape(enum.StrEnum):
    """Ballot shapes (the plenary's `BallotShape` values)."""

    YES_NO_ABSTAIN = "yes_no_abstain"
    CHOOSE = "choose"
    APPROVAL = "approval"
    RANKED = "ranked"


@dataclass(frozen=True)
class Options:
    """Method options beyond seats and ties, with their defaults (the plenary's and the command
    line's). Each field is described by one `Option` in `OPTIONS`."""

    arithmetic: str = "prf"
    batch: bool = False


@dataclass(frozen=True)
class Option:
    """One field of `Options` as `moim tally` offers it: ``--name`` with these choices, or an
    on/off flag when it has none."""

    name: str
    help: str
    choices: tuple[str, ...] = ()


OPTIONS = (
    Option(
        "arithmetic",
        "Meek and WIGM: PR Foundation reference fixed point, or exact fractions",
        ("prf", "rational"),
    ),
    Option("batch", "WIGM: defeat sure losers together"),
)


class MethodError(ValueError):
    """A method that does not exist, or cannot count these ballots or seats."""


Counter = Callable[[Election, int | None, TieBreaker, Options], Result]


@dataclass(frozen=True)
class Method:
    name: str
    label: str
    shapes: frozenset[Shape]
    max_seats: int | None  # None: any number of seats
    counter: Counter | None  # None: yes/no/abstain, counted by `moim.tally.methods.yna`

    def accepts(self, shape: str, seats: int) -> bool:
        return shape in self.shapes and (self.max_seats is None or seats <= self.max_seats)

    def count(
        self,
        election: Election,
        *,
        seats: int | None = None,
        tie_breaker: TieBreaker,
        options: Options | None = None,
    ) -> Result:
        if self.counter is None:
            raise MethodError(f"{self.name} counts yes/no/abstain votes, not an election")
        if seats is not None and seats < 1:
            raise MethodError("seats must be at least 1")
        # A file's own seats give way to a single-seat method (IRV counts a BLT file for one).
        if self.max_seats is not None and seats is not None and seats > self.max_seats:
            raise MethodError(f"{self.name} fills {self.max_seats} seat, not {seats}")
        return self.counter(election, seats, tie_breaker, options or Options())


def with_seats(election: Election, seats: int | None) -> Election:
    """`election` with another number of seats (None: its own)."""
    if seats is None or seats == election.seats:
        return election
    if seats > len(election.candidates) - len(election.withdrawn):
        raise MethodError(f"{seats} seats but fewer candidates")
    # The clean form does not depend on the seats: a reader's block conversion is kept.
    return replace(election, seats=seats)


def _irv(e: Election, seats: int | None, t: TieBreaker, o: Options) -> Result:
    return count_irv(with_seats(e, 1), ties=t)


def _scottish(e: Election, seats: int | None, t: TieBreaker, o: Options) -> Result:
    return count_scottish_stv(with_seats(e, seats), tie_breaker=t)


def _meek(e: Election, seats: int | None, t: TieBreaker, o: Options) -> Result:
    arithmetic = MeekArithmetic(o.arithmetic)
    return count_meek(with_seats(e, seats), arithmetic=arithmetic, tie_breaker=t)


def _wigm(e: Election, seats: int | None, t: TieBreaker, o: Options) -> Result:
    arithmetic = WigmArithmetic(o.arithmetic)
    return count_wigm(with_seats(e, seats), arithmetic=arithmetic, batch=o.batch, tie_breaker=t)


def _schulze(e: Election, seats: int | None, t: TieBreaker, o: Options) -> Result:
    return count_schulze(e, seats=seats, tie_breaker=t)


def _choice(method: ChoiceMethod) -> Counter:
    def counter(e: Election, seats: int | None, t: TieBreaker, o: Options) -> Result:
        return count_choice(e, method, seats=seats, tie_breaker=t)

    return counter


_RANKED = frozenset({Shape.RANKED})
METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("yna", "Yes / no / abstain", frozenset({Shape.YES_NO_ABSTAIN}), 1, None),
        Method("plurality", "Plurality (one mark)", frozenset({Shape.CHOOSE}), 1,
               _choice(ChoiceMethod.PLURALITY)),
        Method("block", "Block vote (up to one mark per seat)", frozenset({Shape.CHOOSE}), None,
               _choice(ChoiceMethod.BLOCK)),
        Method("approval", "Approval", frozenset({Shape.APPROVAL}), None,
               _choice(ChoiceMethod.APPROVAL)),
        Method("irv", "Instant-runoff vote (one seat)", _RANKED, 1, _irv),
        Method("stv-scottish", "Single transferable vote (Scottish rules)", _RANKED, None,
               _scottish),
        Method("stv-meek", "Single transferable vote (Meek)", _RANKED, None, _meek),
        Method("stv-wigm", "Single transferable vote (weighted inclusive Gregory)", _RANKED,
               None, _wigm),
        Method("schulze", "Schulze (Condorcet)", _RANKED, None, _schulze),
    )
}  # fmt: skip
NAMES: tuple[str, ...] = tuple(METHODS)


def _listed(names: Iterable[str]) -> str:
    return ", ".join(names) or "none"


def get(name: str) -> Method:
    """The method called `name`; a `MethodError` listing the valid names otherwise."""
    try:
        return METHODS[name]
    except KeyError:
        raise MethodError(
            f"{name!r} is not a counting method; the methods are: {_listed(NAMES)}"
        ) from None


def methods_for(shape: str, seats: int) -> list[Method]:
    """The methods that can count `shape` ballots for `seats` seats, in table order."""
    return [m for m in METHODS.values() if m.accepts(shape, seats)]


def check(name: str, shape: str, seats: int) -> Method:
    """`name` if it counts `shape` ballots for `seats`; a `MethodError` naming the valid ones."""
    valid = [m.name for m in methods_for(shape, seats)]
    method = METHODS.get(name)
    if method is None:
        raise MethodError(
            f"{name!r} is not a counting method; for these ballots choose one of: {_listed(valid)}"
        )
    if not method.accepts(shape, seats):
        raise MethodError(
            f"{name} cannot count {shape.replace('_', ' ')} ballots for {seats} seat(s); "
            f"choose one of: {_listed(valid)}"
        )
    return method


def default_for(shape: str, seats: int) -> str:
    """The method a poll of `shape` for `seats` counts by unless told otherwise."""
    if shape == Shape.YES_NO_ABSTAIN:
        return "yna"
    if shape == Shape.APPROVAL:
        return "approval"
    if shape == Shape.RANKED:
        return "irv" if seats == 1 else "stv-scottish"
    return "plurality" if seats == 1 else "block"

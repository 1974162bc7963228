"""Ballots as a matrix of cell codes: the form the ballot file readers give for large files.

`CvrBallots.cells` holds one row per distinct ballot and one column per rank; a cell is a
candidate index, one of the sentinels of `moim.tally.ballots` (`PAD` for an empty cell,
`OVERVOTE`, `UNDECLARED_WRITE_IN`), or a code at or below `MULTI_BASE` for a cell that names
several candidates (`CvrBallots.multi`). The CVR CSV and BLT readers (`moim.tally.formats`) build
it; IRV counts it as a block, and `LazyRawBallots` gives the raw form to the other methods only
when they read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from moim.tally.ballots import (
    PAD,
    UNDECLARED_WRITE_IN,
    BallotRules,
    Candidate,
    Election,
    Preferences,
    RawBallot,
    RawBallots,
    clean_ranking,
)

MULTI_BASE = -4
"""Cells naming several candidates get codes MULTI_BASE, MULTI_BASE-1, ..."""

CodeArray = npt.NDArray[np.int32]


@dataclass(frozen=True)
class CvrBallots:
    """The distinct rows of a CVR file with the number of ballots behind each.

    `precincts[i]` indexes `precinct_names` for row i when the file was read by precinct
    (rows then differ by precinct as well as by marks), else it is ``None``.
    """

    candidates: tuple[str, ...]
    cells: CodeArray
    weights: npt.NDArray[np.int64]
    multi: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    precinct_names: tuple[str, ...] = ()
    precincts: npt.NDArray[np.int32] | None = None
    title: str = ""

    def __len__(self) -> int:
        return int(self.cells.shape[0])

    @property
    def ranks(self) -> int:
        return int(self.cells.shape[1])

    @property
    def total(self) -> int:
        return int(self.weights.sum())

    @property
    def undervotes(self) -> int:
        """Ballots with no mark at all."""
        blank = (self.cells == PAD).all(axis=1)
        return int(self.weights[blank].sum())

    @property
    def has_write_ins(self) -> bool:
        return bool((self.cells == UNDECLARED_WRITE_IN).any())

    def truncated(self, max_rankings: int) -> CvrBallots:
        """Only the first `max_rankings` ranks (RCTab's maxRankingsAllowed)."""
        if max_rankings >= self.ranks:
            return self
        return _replace(self, cells=np.ascontiguousarray(self.cells[:, :max_rankings]))

    def only_precinct(self, name: str) -> CvrBallots:
        """The rows of one precinct (the file must have been read by precinct)."""
        if self.precincts is None:
            raise ValueError("these ballots were not read by precinct")
        if name not in self.precinct_names:
            raise ValueError(f"no precinct {name!r} in this file")
        keep = self.precincts == self.precinct_names.index(name)
        return _replace(self, cells=self.cells[keep], weights=self.weights[keep], precincts=None)

    def cell(self, code: int) -> tuple[int, ...]:
        if code == PAD:
            return ()
        if code <= MULTI_BASE:
            return self.multi[code]
        return (code,)

    def raw(self) -> RawBallots:
        """The core's raw form (Python tuples): for methods that read raw ballots."""
        cache = {code: self.cell(code) for code in _distinct(self.cells)}
        ballots = [tuple(map(cache.__getitem__, row)) for row in self.cells.tolist()]
        if self.precincts is None:
            # Rows are distinct already, and a cell's code gives exactly one cell.
            return RawBallots(tuple(ballots), tuple(self.weights.tolist()))
        grouped: dict[RawBallot, int] = {}
        for ballot, weight in zip(ballots, self.weights.tolist(), strict=True):
            grouped[ballot] = grouped.get(ballot, 0) + weight
        return RawBallots(tuple(grouped), tuple(grouped.values()))

    def election(self, *, seats: int = 1, withdrawn: Iterable[str] = ()) -> Election:
        """An election of these ballots, converted to the clean form as a block (under any
        rules) when a method asks. Its raw ballots are built only if a method reads them
        (`LazyRawBallots`)."""
        out = set(withdrawn)
        candidates = tuple(Candidate(n, withdrawn=n in out) for n in self.candidates)
        return Election(
            self.title, candidates, seats, LazyRawBallots(self), converter=self._convert
        )

    def _convert(self, rules: BallotRules, drop: frozenset[int]) -> Preferences:
        return self.preferences(rules, drop=drop)

    def preferences(
        self,
        rules: BallotRules,
        *,
        drop: frozenset[int] = frozenset(),
        write_in: int | None = None,
    ) -> Preferences:
        """The clean form under `rules`, as `moim.tally.ballots.to_preferences` gives it.

        Rows marked plainly (one candidate per rank from rank 1, no gap, no repeat) read the same
        under every rule and are converted as a block; only the other rows go through
        `clean_ranking` one by one.
        """
        cells = self.cells
        rows, ranks = cells.shape
        marked = cells != PAD
        plain = (cells >= 0) | ~marked
        plain &= np.concatenate([marked[:, :1] | True, marked[:, 1:] <= marked[:, :-1]], axis=1)
        regular = plain.all(axis=1)
        if ranks > 1:
            # A repeated candidate shows as two equal neighbours once each row is sorted.
            ordered = np.sort(np.where(marked, cells, -1 - np.arange(ranks)), axis=1)
            regular &= ~(ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        prefs = np.where(regular[:, None], cells, PAD).astype(np.int32)
        endings = np.zeros(rows, dtype=np.int8)
        if drop:
            gone = np.isin(prefs, np.fromiter(drop, dtype=np.int32))
            prefs[gone] = PAD
            order = np.argsort(prefs == PAD, axis=1, kind="stable")
            prefs = np.take_along_axis(prefs, order, axis=1)
        irregular = np.flatnonzero(~regular)
        if irregular.size:
            cache = {int(c): self.cell(int(c)) for c in np.unique(cells[irregular])}
            for i in irregular.tolist():
                ballot = tuple(cache[c] for c in cells[i].tolist())
                ranking, ending = clean_ranking(ballot, rules, drop=drop, write_in=write_in)
                prefs[i, : len(ranking)] = ranking
                endings[i] = int(ending)
        return Preferences(np.ascontiguousarray(prefs), self.weights.copy(), endings)


class LazyRawBallots(RawBallots):
    """The raw form of CVR ballots, built from the code matrix on first use only."""

    _source: CvrBallots

    def __init__(self, source: CvrBallots) -> None:
        object.__setattr__(self, "_source", source)

    @property
    def matrix(self) -> CvrBallots:
        """The code matrix these raw ballots are built from."""
        return self._source

    def __getattr__(self, name: str) -> object:
        if name not in ("ballots", "weights"):
            raise AttributeError(name)
        raw = self._source.raw()
        object.__setattr__(self, "ballots", raw.ballots)
        object.__setattr__(self, "weights", raw.weights)
        return getattr(raw, name)


def _distinct(cells: CodeArray) -> list[int]:
    if not cells.size:
        return []
    lo = int(cells.min())
    present = np.bincount((cells - lo).reshape(-1))
    return (np.flatnonzero(present) + lo).tolist()


def _replace(ballots: CvrBallots, **changes: object) -> CvrBallots:
    return replace(ballots, **changes)  # type: ignore[arg-type]


__all__ = ["MULTI_BASE", "CodeArray", "CvrBallots", "LazyRawBallots"]

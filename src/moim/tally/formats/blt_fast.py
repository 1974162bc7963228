"""The ballot lines of a BLT file read as a block (the common case, and the large one).

Identical ballot lines are grouped by their bytes first, so each distinct line is parsed once
and memory follows the distinct ballots, not the voters. Lines of plain numbers separated by
single spaces (``1 4 2 7 0``) are parsed together with NumPy; any other line (a ballot id,
``-``, ``b=c``, a comment, a long weight) goes through the careful reader's own `parse` one
distinct line at a time. The ballots come out as the code matrix of `moim.tally.cvr` (one row
per distinct ballot, in order of first appearance), so the clean form of any rule set is built
as a block, as for a CVR CSV file.

Anything this reader is unsure of returns ``None`` and the careful line-by-line reader reads the
file instead; it alone reports errors, so they name the same line with the same words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from moim.tally.ballots import PAD, BallotRules, Preferences, RankCell, RawBallot, RawBallots
from moim.tally.cvr import MULTI_BASE, CvrBallots

SPACE, NEWLINE, ZERO = 32, 10, 48
CHUNK_BYTES = 4 << 20
SLICE_LINES = 1 << 16
MAX_FAST_DIGITS = 9
"""Numbers of up to 9 digits are parsed as a block (exact in int64 whatever the sums below)."""
WEIGHT_LIMIT = 2**62
"""Totals at or past this are left to the careful reader, which keeps them as Python ints."""

_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[[SPACE, NEWLINE]] = True
_ODD = ~_SEPARATOR
_ODD[ZERO : ZERO + 10] = False

_TWO_DIGITS = np.zeros(1 << 16, dtype=np.int32)
for _first in range(10):
    for _after in (SPACE, NEWLINE):
        _TWO_DIGITS[(ZERO + _first) | _after << 8] = _first
    for _second in range(10):
        _TWO_DIGITS[(ZERO + _first) | (ZERO + _second) << 8] = 10 * _first + _second

Offsets = npt.NDArray[np.signedinteger[Any]]
"""Byte offsets: int32 while they fit, as they nearly always do (half the memory traffic)."""
Parse = Callable[[bytes], tuple[RawBallot, int] | None]


@dataclass(frozen=True)
class BltBallots(CvrBallots):
    """Distinct BLT ballots as a code matrix; the raw form is rebuilt without the padding.

    `regular`: every row ranks candidates one per rank from rank 1, without a gap or a repeat
    (every line was plain), so it reads the same under every rule set.
    """

    regular: bool = False

    def preferences(
        self,
        rules: BallotRules,
        *,
        drop: frozenset[int] = frozenset(),
        write_in: int | None = None,
    ) -> Preferences:
        """The clean form under `rules`, rows ordered by first preference (the counts read
        a candidate's ballots faster when they lie together)."""
        if self.regular and not drop:
            found = Preferences(
                self.cells, self.weights.copy(), np.zeros(len(self.cells), dtype=np.int8)
            )
        else:
            found = super().preferences(rules, drop=drop, write_in=write_in)
        order = np.argsort(found.prefs[:, 0], kind="stable")
        return Preferences(found.prefs[order], found.weights[order], found.endings[order])

    def raw(self) -> RawBallots:
        cache = {code: self.cell(code) for code in np.unique(self.cells).tolist()}
        ballots = []
        for row in self.cells.tolist():
            while row and row[-1] == PAD:
                row.pop()
            ballots.append(tuple(map(cache.__getitem__, row)))
        return RawBallots(tuple(ballots), tuple(self.weights.tolist()))


def group_lines(data: bytes, start: int) -> tuple[Counter[bytes], int, int] | None:
    """Each distinct line from `start` up to the first line that is exactly ``0``, with how many
    times it occurs (in order of first appearance), where the line after the ``0`` starts, and
    how many lines came before it. None if no such line.

    The lines are split chunk by chunk: memory follows the distinct lines, not the file's."""
    counts: Counter[bytes] = Counter()
    read = 0
    while start < len(data):
        stop = data.find(b"\n", min(start + CHUNK_BYTES, len(data)))
        stop = len(data) if stop < 0 else stop
        lines = data[start:stop].split(b"\n")
        if b"0" in lines:
            at = lines.index(b"0")
            counts.update(lines[:at])
            end = start + sum(len(line) for line in lines[:at]) + at + 1
            return counts, end + 1, read + at
        counts.update(lines)
        read += len(lines)
        start = stop + 1
    return None


def read_ballots(
    grouped: Counter[bytes], n_candidates: int, names: Sequence[str], parse: Parse
) -> BltBallots | None:
    """The ballots of `grouped` lines; None if a line needs the careful reader.

    `parse(line)` is the careful reader's reading of one line: its raw ballot and weight, or
    None for a line that is not a ballot (blank or a comment only); it raises on a bad line.
    """
    keys = list(grouped)
    if not keys:
        return BltBallots(tuple(names), np.full((0, 1), PAD, np.int32), np.zeros(0, np.int64))
    counts = np.fromiter(grouped.values(), dtype=np.int64, count=len(keys))
    cells, weights, plain, distinct = _parse_in_slices(keys, n_candidates)
    multi: dict[RankCell, int] = {}
    others = np.flatnonzero(~plain).tolist()
    if others:
        extra_rows: list[list[int]] = []
        extra_weights: list[int] = []
        for i in others:
            parsed = parse(keys[i])
            if parsed is None:
                extra_rows.append([])
                extra_weights.append(0)
                continue
            ballot, weight = parsed
            if ballot and not ballot[-1]:
                return None  # a trailing "-": kept apart only by the careful reader
            extra_rows.append([_code(cell, multi) for cell in ballot])
            extra_weights.append(weight)
        if max(extra_weights) * int(counts.max()) >= WEIGHT_LIMIT:
            return None
        width = max(cells.shape[1], max(len(r) for r in extra_rows))
        if width > cells.shape[1]:
            cells = np.concatenate(
                [cells, np.full((len(cells), width - cells.shape[1]), PAD, np.int32)], axis=1
            )
        for i, row, weight in zip(others, extra_rows, extra_weights, strict=True):
            cells[i] = PAD
            cells[i, : len(row)] = row
            weights[i] = weight
    if int(weights.max(initial=0)) * int(counts.sum()) >= WEIGHT_LIMIT:
        return None  # an int64 sum could wrap: Python ints, line by line, instead
    weights *= counts
    # Rows with no preference (weight 0 for lines that are no ballot) are not counted.
    keep = weights > 0
    keep &= (cells != PAD).any(axis=1)
    cells, weights = cells[keep], weights[keep]
    if others or not distinct:
        cells, weights = _merge(cells, weights)
    return BltBallots(
        tuple(names),
        np.ascontiguousarray(cells),
        weights,
        {v: k for k, v in multi.items()},
        regular=not others,
    )


def _code(cell: RankCell, multi: dict[RankCell, int]) -> int:
    if not cell:
        return PAD
    if len(cell) == 1:
        return cell[0]
    return multi.setdefault(cell, MULTI_BASE - len(multi))


def _parse_in_slices(
    keys: Sequence[bytes], n_candidates: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.bool_], bool]:
    """`_parse_plain` a slice of lines at a time: its arrays stay small, and so does memory."""
    parts = [
        _parse_plain(keys[at : at + SLICE_LINES], n_candidates)
        for at in range(0, len(keys), SLICE_LINES)
    ]
    if len(parts) == 1:
        cells, weights, plain, leading = parts[0]
    else:
        width = max(part[0].shape[1] for part in parts)
        cells = np.full((len(keys), width), PAD, dtype=np.int32)
        at = 0
        for part in parts:
            cells[at : at + len(part[0]), : part[0].shape[1]] = part[0]
            at += len(part[0])
        weights = np.concatenate([part[1] for part in parts])
        plain = np.concatenate([part[2] for part in parts])
        leading = any(part[3] for part in parts)
    # Two plain lines hold the same ballot only if their weights differ or a number has a
    # leading zero: without either, the rows need no merging.
    counted = weights[plain]
    distinct = not leading and (not counted.size or counted.min() == counted.max())
    return cells, weights, plain, distinct


def _parse_plain(
    keys: Sequence[bytes], n_candidates: int
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.bool_], bool]:
    """Cells and weights of the lines made of short numbers and single spaces, which lines
    those are (the others are left to the careful reader), and whether a number has a leading
    zero."""
    rows = len(keys)
    joined = b"\n".join(keys) + b"\n"
    arr = np.frombuffer(joined, dtype=np.uint8)
    index = np.int32 if len(arr) < 2**31 else np.int64
    seps: Offsets = np.flatnonzero(_SEPARATOR[arr]).astype(index)
    ends_line = arr[seps] == NEWLINE
    token_line = np.cumsum(ends_line, dtype=np.int32)
    token_line -= ends_line  # a line's newline ends its last token
    plain = np.ones(rows, dtype=bool)
    odd = np.flatnonzero(_ODD[arr])
    if odd.size:
        plain[np.searchsorted(seps[ends_line], odd)] = False
    starts: Offsets = np.empty(len(seps), dtype=index)
    starts[0] = 0
    starts[1:] = seps[:-1]
    starts[1:] += 1
    lengths = seps - starts
    # Empty tokens (two spaces, a leading or trailing space, a blank line) and long numbers.
    plain[token_line[(lengths == 0) | (lengths > MAX_FAST_DIGITS)]] = False
    padded = np.concatenate([arr, np.full(MAX_FAST_DIGITS, ZERO, np.uint8)])
    # Numbers of one or two digits (nearly all of them) by one look-up of their first two bytes.
    pairs = padded[starts + 1].astype(np.uint16)
    pairs <<= 8
    pairs |= padded[starts]
    values = _TWO_DIGITS[pairs]
    longer = np.flatnonzero(lengths > 2)
    if longer.size:
        found = np.zeros(longer.size, dtype=np.int32)
        for j in range(min(int(lengths[longer].max()), MAX_FAST_DIGITS)):
            digit = padded[starts[longer] + j].astype(np.int32) - ZERO
            found = np.where(lengths[longer] > j, found * 10 + digit, found)
        values[longer] = found
    last = np.flatnonzero(ends_line).astype(np.int32)  # each line's last token
    first = np.zeros(rows, dtype=np.int32)
    first[1:] = last[:-1] + 1
    per_line = last - first + 1
    plain &= per_line >= 2
    safe_first = np.minimum(first, len(values) - 1)
    safe_last = np.clip(last, 0, len(values) - 1)
    weights = np.where(plain, values[safe_first], 0).astype(np.int64)
    plain &= (weights >= 1) & (values[safe_last] == 0) & (lengths[safe_last] == 1)
    position = np.arange(len(seps), dtype=np.int32)
    position -= np.repeat(first, per_line)
    middle = position >= 1
    middle[last[per_line > 0]] = False
    bad = middle & ((values < 1) | (values > n_candidates))
    plain[token_line[bad]] = False
    columns = int(per_line[plain].max(initial=2))
    # Every token of a plain line at its place: the weight in column 0 (cut off below), each
    # candidate as its index, and the closing 0 as PAD (0 - 1). Other lines are parsed again.
    wide = np.full((rows, columns), PAD, dtype=np.int32)
    if int(per_line.max(initial=0)) <= columns:
        flat = token_line.astype(np.int64) * columns + position
        wide.reshape(-1)[flat] = values - 1
    else:
        take = plain[token_line]
        flat = token_line[take].astype(np.int64) * columns + position[take]
        wide.reshape(-1)[flat] = values[take] - 1
    width = max(columns - 2, 1)
    cells = np.ascontiguousarray(wide[:, 1 : 1 + width])
    plain &= ~_repeats(cells, n_candidates)
    weights = np.where(plain, weights, 0)
    leading = bool(((lengths > 1) & (padded[starts] == ZERO)).any())
    return cells, weights, plain, leading


def _repeats(cells: npt.NDArray[np.int32], n_candidates: int) -> npt.NDArray[np.bool_]:
    """Rows that rank a candidate twice."""
    if cells.shape[1] < 2:
        return np.zeros(len(cells), dtype=bool)
    if n_candidates <= 64:
        # One bit per candidate: a repeat sets fewer bits than the row has marks.
        seen = np.zeros(len(cells), dtype=np.uint64)
        marks = np.zeros(len(cells), dtype=np.int32)
        for column in cells.T:
            marked = (column >= 0) & (column < 64)
            bit = np.left_shift(np.uint64(1), np.where(marked, column, 0).astype(np.uint64))
            seen |= np.where(marked, bit, np.uint64(0))
            marks += marked
        return np.bitwise_count(seen).astype(np.int32) != marks
    ordered = np.sort(np.where(cells == PAD, -1 - np.arange(cells.shape[1]), cells), axis=1)
    return (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)


def _merge(
    cells: npt.NDArray[np.int32], weights: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """Identical rows merged (weights added exactly), kept in order of first appearance."""
    if len(cells) < 2:
        return cells, weights
    shifted = cells.astype(np.int64) - int(cells.min()) + 1
    bits = max(int(shifted.max()).bit_length(), 1)
    per_word = max(63 // bits, 1)
    words = []
    for start in range(0, cells.shape[1], per_word):
        word = np.zeros(len(cells), dtype=np.int64)
        for j in range(start, min(start + per_word, cells.shape[1])):
            word = (word << bits) | shifted[:, j]
        words.append(word)
    order = np.lexsort(words[::-1])  # stable: the first of equal rows is the first seen
    ordered = np.stack(words)[:, order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = np.any(ordered[:, 1:] != ordered[:, :-1], axis=0)
    if starts.all():
        return cells, weights
    group = np.cumsum(starts) - 1
    totals = np.zeros(int(starts.sum()), dtype=np.int64)
    np.add.at(totals, group, weights[order])
    firsts = order[starts]
    keep = np.argsort(firsts, kind="stable")
    return cells[firsts[keep]], totals[keep]

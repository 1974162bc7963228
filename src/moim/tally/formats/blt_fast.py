"""The ballot lines of a BLT file read as a block (the common case, and the large one).

The ballot lines are scanned with NumPy `CHUNK_BYTES` at a time, never line by line in Python.
In a chunk of plain lines (whole numbers separated by single spaces: ``1 4 2 7 0``) every number
is read at once from the bytes: where it ends, its value from its last two digits (or more when
some are longer), and which numbers end a line. Each line's candidates are then packed into a
key, a few bits per rank with the first preference highest, so that identical ballots (whatever
their weights) have identical keys and sorting the keys sorts the ballots. Equal keys are grouped
by sorting, their weights added, and only the distinct ballots are unpacked into the code matrix
of `moim.tally.formats.cvr`: one row per distinct ballot, sorted, so that the count reads each
candidate's ballots together. Memory follows the distinct ballots: the keys are grouped again
whenever more than `COMPACT_ROWS` have come since the last grouping.

Any other line (a ballot id, ``-``, ``b=c``, a comment, a blank line, a number of more than
`MAX_FAST_DIGITS` digits) is set aside by its bytes and read by the careful reader's own `parse`,
once per distinct line. Anything this reader is unsure of returns ``None`` and the careful
line-by-line reader reads the file instead; it alone reports errors, so they name the same line
with the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from moim.tally.ballots import PAD, BallotRules, Preferences, RankCell, RawBallot, RawBallots
from moim.tally.matrix import MULTI_BASE, CvrBallots

NEWLINE, ZERO = 10, 48
PLAIN_BYTES = b"0123456789 \n"
CHUNK_BYTES = 1 << 18
"""Bytes scanned at a time: the arrays of a chunk stay in the processor's cache."""
COMPACT_ROWS = 1 << 20
"""Keys held beyond the distinct ballots before they are grouped again."""
MAX_FAST_DIGITS = 9
"""Numbers of up to 9 digits are read as a block (exact in int64 whatever the sums below)."""
WEIGHT_LIMIT = 2**62
"""Totals at or past this are left to the careful reader, which keeps them as Python ints."""
UNPACK_ROWS = 1 << 14
"""Distinct ballots unpacked at a time."""
MAX_CANDIDATES = 2**30 - 1
"""A candidate's number fits in a key field of at most 30 bits."""
MAX_KEY_WORDS = 16
"""Rankings deeper than this many words of key are read by the careful reader's code (their
keys would take memory in proportion to the deepest line times the lines of a chunk)."""
LONG = -1
"""`_read_plain` met a number of more than `MAX_FAST_DIGITS` digits or a line of more ranks
than `MAX_KEY_WORDS` words of key hold."""

_ODD = np.ones(256, dtype=bool)
_ODD[np.frombuffer(PLAIN_BYTES, dtype=np.uint8)] = False

Bytes = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
Cells = npt.NDArray[np.int32]
Keys = npt.NDArray[np.int64]
"""One row per ballot: its candidates packed `Layout.per_word` to an int64 word."""
Parse = Callable[[bytes], tuple[RawBallot, int] | None]


@dataclass(frozen=True)
class BltBallots(CvrBallots):
    """Distinct BLT ballots as a code matrix; the raw form is rebuilt without the padding.

    `regular`: every row ranks candidates one per rank from rank 1, without a gap or a repeat
    (every line was plain), and the rows are sorted: the clean form under every rule set.
    `firsts`: the line (counted from the first ballot line) where each row's ballot first
    appears; the raw form lists the ballots in that order, as the careful reader does.
    """

    regular: bool = False
    firsts: Ints | None = None

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
            return Preferences(
                self.cells, self.weights.copy(), np.zeros(len(self.cells), dtype=np.int8)
            )
        found = super().preferences(rules, drop=drop, write_in=write_in)
        order = np.argsort(found.prefs[:, 0], kind="stable")
        return Preferences(found.prefs[order], found.weights[order], found.endings[order])

    def raw(self) -> RawBallots:
        cache = {code: self.cell(code) for code in np.unique(self.cells).tolist()}
        order = np.arange(len(self.cells)) if self.firsts is None else np.argsort(self.firsts)
        ballots = []
        for row in self.cells[order].tolist():
            while row and row[-1] == PAD:
                row.pop()
            ballots.append(tuple(map(cache.__getitem__, row)))
        return RawBallots(tuple(ballots), tuple(self.weights[order].tolist()))


@dataclass(frozen=True)
class Scanned:
    """The ballot lines of a file: its distinct ballots, how many lines they took, and where
    the line ``0`` that ends them starts."""

    cells: Cells
    weights: Ints
    firsts: Ints
    multi: dict[int, RankCell]
    regular: bool
    lines: int
    end: int

    def ballots(self, names: Sequence[str]) -> BltBallots:
        # The clean form of regular ballots is this very matrix: no count may write to it.
        self.cells.flags.writeable = False
        return BltBallots(
            tuple(names),
            self.cells,
            self.weights,
            self.multi,
            regular=self.regular,
            firsts=self.firsts,
        )


@dataclass(frozen=True)
class Layout:
    """How a ballot's candidates are packed into its key: `bits` per rank (a candidate's
    number, 0 for none), `per_word` ranks to an int64 word, the first rank highest and the sign
    bit never used, so that keys sort as their ballots do."""

    bits: int
    per_word: int

    @classmethod
    def for_candidates(cls, n_candidates: int) -> Layout:
        bits = max(n_candidates.bit_length(), 1)
        return cls(bits, 63 // bits)

    @property
    def most_ranks(self) -> int:
        """The deepest ranking a key holds."""
        return MAX_KEY_WORDS * self.per_word

    def words(self, ranks: int) -> int:
        return max(-(-ranks // self.per_word), 1)

    def shift(self, rank: int) -> int:
        """Where the field of `rank` (from 0) starts in its word."""
        return self.bits * (self.per_word - 1 - rank % self.per_word)


def scan_ballots(data: bytes, start: int, n_candidates: int, parse: Parse) -> Scanned | None:
    """The ballots on the lines from `start` (a line start) up to the first line that is
    exactly ``0``; None if there is no such line or a line needs the careful reader.

    Every line of `data` must end with a newline. `parse(line)` is the careful reader's reading
    of one line: its raw ballot and weight, or None for a line that is not a ballot (blank or
    a comment only); it raises on a bad line.
    """
    if not 1 <= n_candidates <= MAX_CANDIDATES or not data.endswith(b"\n"):
        return None
    layout = Layout.for_candidates(n_candidates)
    held = _Held()
    aside: dict[bytes, list[int]] = {}  # lines set aside: [times seen, first line]
    lines = 0
    at = start
    while at < len(data):
        end = data.find(b"\n", min(at + CHUNK_BYTES, len(data)) - 1) + 1
        chunk = np.frombuffer(data, dtype=np.uint8, count=end - at, offset=at)
        plain = _plain(data, at, end, chunk)
        if not plain:
            zero = data.find(b"\n0\n", at - 1, end)
            if zero >= 0:  # the end of the ballots is in this chunk: read up to it only
                chunk = chunk[: zero + 1 - at]
                plain = _plain(data, at, zero + 1, chunk)
                end = zero + 1
        kept: Ints | None = None  # the lines not set aside, by number from the chunk's first
        if not plain:
            chunk, kept, count = _set_aside(chunk, lines, aside, layout)
        read = _read_plain(chunk, n_candidates, layout)
        if read == LONG and plain:
            plain = False
            chunk, kept, count = _set_aside(chunk, lines, aside, layout)
            read = _read_plain(chunk, n_candidates, layout)
        if read is None or read == LONG:
            return None
        if isinstance(read, int):  # the line "0", in a chunk of plain lines
            if not plain:
                return None  # a line of one number that is not "0"
            end = at + read
            chunk = chunk[:read]
            read = _read_plain(chunk, n_candidates, layout)
            if not isinstance(read, tuple):
                return None
        keys, weights, ranks = read
        if kept is None:
            held.add(keys, weights, lines, ranks)
            count = len(keys)
        else:
            held.add(keys, weights, lines + kept, ranks)
        lines += count
        if end == len(data) or data[end] != ZERO or data[end + 1] != NEWLINE:
            at = end
            continue
        if lines >= WEIGHT_LIMIT // 10**MAX_FAST_DIGITS:
            return None  # an int64 sum of weights could wrap
        return _finish(held, aside, n_candidates, layout, parse, lines, end)
    return None


def _plain(data: bytes, start: int, end: int, chunk: Bytes) -> bool:
    """Whether ``data[start:end]`` holds only digits and single spaces between them."""
    if data[start:end].translate(None, PLAIN_BYTES):
        return False
    if not len(chunk):
        return True
    # No empty number: no two separators in a row, none at the start.
    separator = chunk < ZERO
    return not (separator[0] or (separator[1:] & separator[:-1]).any())


def _set_aside(
    chunk: Bytes, before: int, aside: dict[bytes, list[int]], layout: Layout
) -> tuple[Bytes, Ints, int]:
    """The chunk without the lines that are not plain or too deep for a key of `layout`, which
    go to `aside` (`before` lines came before the chunk); the numbers of the lines kept (from 0
    at the chunk's first) and how many lines the chunk had."""
    ends = np.flatnonzero(chunk == NEWLINE)
    starts = np.concatenate([[0], ends[:-1] + 1])
    separator = chunk < ZERO
    digit = (chunk - np.uint8(ZERO)) < 10
    odd = _ODD[chunk]
    # An empty number: a separator right after another one, or at the start of a line.
    odd[1:] |= separator[1:] & separator[:-1]
    odd[starts] |= separator[starts]
    long = _runs(digit, MAX_FAST_DIGITS + 1)
    odd[: len(long)] |= long
    bad = np.add.reduceat(separator, starts, dtype=np.int64) > layout.most_ranks + 2
    bad[np.searchsorted(ends, np.flatnonzero(odd))] = True
    raw = chunk.tobytes()
    for i in np.flatnonzero(bad).tolist():
        seen = aside.setdefault(raw[int(starts[i]) : int(ends[i])], [0, before + i])
        seen[0] += 1
    return chunk[np.repeat(~bad, ends - starts + 1)], np.flatnonzero(~bad), len(ends)


def _runs(flags: Mask, length: int) -> Mask:
    """Where a run of at least `length` true flags starts (the last length - 1 flags cut)."""
    run, width = flags, 1
    while width * 2 <= length:
        run = run[:-width] & run[width:]
        width *= 2
    if width < length:
        run = run[: len(run) - (length - width)] & run[length - width :]
    return run


def _read_plain(
    chunk: Bytes, n_candidates: int, layout: Layout
) -> tuple[Keys, Ints, int] | int | None:
    """The key and the weight of each line of a chunk of plain lines (digits and single spaces,
    each line ending in a newline), and the most ranks a line has.

    If a line holds one number only: where it starts if it is "0" (the end of the ballots; the
    lines after it are not read), else None. `LONG` if a number has more than `MAX_FAST_DIGITS`
    digits. None too for a line the careful reader would refuse."""
    if not len(chunk):
        return np.zeros((0, 1), dtype=np.int64), np.zeros(0, dtype=np.int64), 0
    separator = chunk < ZERO
    ends = np.flatnonzero(separator)  # where each number ends
    digit = chunk - np.uint8(ZERO)
    digit *= ~separator
    if _runs(~separator, 3).any():
        long = _long_values(digit, ends)
        if long is None:
            return LONG
        values = long
    else:
        # Numbers of one or two digits: the last digit, plus ten times the one before it (0
        # when that byte is a separator), read where each number ends.
        pair = np.empty(len(chunk), dtype=np.uint8)
        pair[0] = 0
        pair[1] = digit[0]
        np.multiply(digit[:-2], 10, out=pair[2:])
        pair[2:] += digit[1:-1]
        values = pair[ends].astype(np.int32)
    last = np.flatnonzero(chunk[ends] == NEWLINE).astype(np.int32)  # each line's last number
    first = np.empty_like(last)
    first[0] = 0
    first[1:] = last[:-1] + 1
    numbers = last - first + 1
    if int(numbers.min()) < 2:
        line = int(np.flatnonzero(numbers < 2)[0])
        begins = int(ends[first[line]]) - 1  # a line of one number: "0" if one digit, 0
        if values[first[line]] or (begins and chunk[begins - 1] != NEWLINE):
            return None
        return begins
    weights = values[first]
    if int(weights.min()) < 1 or values[last].any():
        return None  # a weight below 1, or a line that does not end with 0
    closing = ends[last]
    if (chunk[closing - 2] != ord(" ")).any():
        return None  # "00" and the like: not the closing "0"
    if np.count_nonzero(values == 0) != len(last):
        return None  # a candidate 0
    if int(values.max()) > n_candidates:
        marks = values.copy()
        marks[first] = 0
        if int(marks.max()) > n_candidates:
            return None  # a candidate past the last one
    ranks = int(numbers.max()) - 2
    if ranks > n_candidates:
        return None  # more ranks than candidates: one is ranked twice
    if ranks > layout.most_ranks:
        return LONG
    # Each number's place on its line: 0 for the weight, then 1, 2, ... (the closing 0 last).
    place = np.arange(len(values), dtype=np.int32)
    place -= np.repeat(first, numbers)
    keys = np.empty((len(last), layout.words(ranks)), dtype=np.int64)
    for word in range(keys.shape[1]):
        # What a candidate adds to this word at each place: its number shifted to the field
        # of its rank, if this word holds that rank; nothing for the weight.
        scale = np.zeros(ranks + 2, dtype=np.int64)
        for rank in range(word * layout.per_word, min((word + 1) * layout.per_word, ranks)):
            scale[rank + 1] = 1 << layout.shift(rank)
        keys[:, word] = np.add.reduceat(values * scale[place], first)
    return keys, weights.astype(np.int64), ranks


def _long_values(digit: Bytes, ends: npt.NDArray[np.intp]) -> npt.NDArray[np.int32] | None:
    """Numbers of up to `MAX_FAST_DIGITS` digits, digit by digit from the last; None if one
    is longer."""
    starts = np.empty_like(ends)
    starts[0] = -1
    starts[1:] = ends[:-1]
    lengths = ends - starts - 1
    if int(lengths.max()) > MAX_FAST_DIGITS:
        return None
    values = np.zeros(len(ends), dtype=np.int32)
    scale = 1
    for back in range(1, int(lengths.max()) + 1):
        at = np.flatnonzero(lengths >= back)
        values[at] += digit[ends[at] - back].astype(np.int32) * scale
        scale *= 10
    return values


class _Held:
    """The keys and weights of the ballots read so far, grouped from time to time: never more
    than `COMPACT_ROWS` rows beyond the distinct ballots."""

    def __init__(self) -> None:
        # Keys, weights (None: each 1), first lines (an int: the first of consecutive lines).
        self.parts: list[tuple[Keys, Ints | None, Ints | int]] = []
        self.rows = 0
        self.distinct = 0
        self.ranks = 0

    def add(self, keys: Keys, weights: Ints, firsts: Ints | int, ranks: int) -> None:
        ones = not len(weights) or int(weights.max()) == 1
        self.parts.append((keys, None if ones else weights, firsts))
        self.rows += len(keys)
        self.ranks = max(self.ranks, ranks)
        if self.rows - self.distinct > max(COMPACT_ROWS, self.distinct):
            self.group()

    def group(self) -> tuple[Keys, Ints, Ints]:
        parts = self.parts or [(np.zeros((0, 1), np.int64), None, 0)]
        width = max(part[0].shape[1] for part in parts)
        if width == 1:
            keys = np.concatenate([part[0] for part in parts])
        else:
            keys = np.zeros((self.rows, width), dtype=np.int64)
            at = 0
            for part in parts:
                keys[at : at + len(part[0]), : part[0].shape[1]] = part[0]
                at += len(part[0])
        weights = None
        if any(part[1] is not None for part in parts):
            weights = np.concatenate(
                [np.ones(len(k), np.int64) if w is None else w for k, w, _ in parts]
            )
        firsts = None  # each row's own number, as long as every line so far was kept in order
        at = 0
        for part in parts:
            if not isinstance(part[2], int) or part[2] != at:
                firsts = np.concatenate(
                    [np.arange(f, f + len(k)) if isinstance(f, int) else f for k, _, f in parts]
                )
                break
            at += len(part[0])
        grouped = _group(keys, weights, firsts)
        self.parts = [grouped]
        self.rows = self.distinct = len(grouped[0])
        return grouped


def _group(keys: Keys, weights: Ints | None, firsts: Ints | None) -> tuple[Keys, Ints, Ints]:
    """Equal keys as one, sorted, with their weights added (each weight 1 if None) and the
    first of their first lines (row numbers if None)."""
    if not len(keys):
        return keys, np.zeros(0, np.int64), np.zeros(0, np.int64)
    if keys.shape[1] == 1:
        column = keys[:, 0]
        order = np.argsort(column)
        column = column[order]
        starts = np.empty(len(column), dtype=bool)
        starts[0] = True
        np.not_equal(column[1:], column[:-1], out=starts[1:])
        at = np.flatnonzero(starts)
        grouped = column[at][:, None]
    else:
        order = np.lexsort(keys.T[::-1])
        keys = keys[order]
        starts = np.ones(len(keys), dtype=bool)
        starts[1:] = (keys[1:] != keys[:-1]).any(axis=1)
        at = np.flatnonzero(starts)
        grouped = keys[at]
    if weights is None:
        totals = np.diff(at, append=len(order)).astype(np.int64)
    else:
        totals = np.add.reduceat(weights[order], at)
    return grouped, totals, np.minimum.reduceat(order if firsts is None else firsts[order], at)


def _finish(
    held: _Held,
    aside: dict[bytes, list[int]],
    n_candidates: int,
    layout: Layout,
    parse: Parse,
    lines: int,
    end: int,
) -> Scanned | None:
    keys, weights, firsts = held.group()
    if len(keys) and not keys[0].any():
        # Lines with no preference ("1 0"), sorted first, are not counted.
        keys, weights, firsts = keys[1:], weights[1:], firsts[1:]
    cells, repeats = _unpack(keys, layout, held.ranks, n_candidates)
    if repeats:
        return None  # a candidate ranked twice
    multi: dict[RankCell, int] = {}
    regular = True
    if aside:
        extra = _read_aside(aside, parse, multi)
        if extra is None:
            return None
        rows, extra_weights, extra_firsts, total = extra
        if int(weights.sum()) + total >= WEIGHT_LIMIT:
            return None  # an int64 sum could wrap: Python ints, line by line, instead
        if len(rows):
            width = max(cells.shape[1], rows.shape[1])
            cells = np.concatenate([_widen(cells, width), _widen(rows, width)])
            weights = np.concatenate([weights, extra_weights])
            firsts = np.concatenate([firsts, extra_firsts])
            cells, weights, firsts = _merge(cells, weights, firsts)
            regular = False
    return Scanned(
        np.ascontiguousarray(cells),
        weights,
        firsts,
        {v: k for k, v in multi.items()},
        regular,
        lines,
        end,
    )


def _unpack(keys: Keys, layout: Layout, ranks: int, n_candidates: int) -> tuple[Cells, bool]:
    """The candidate indices packed in each key, best first and padded with `PAD`, and whether
    a key names a candidate twice. `UNPACK_ROWS` keys at a time, so that the work stays in
    the processor's cache."""
    cells = np.empty((len(keys), max(ranks, 1)), dtype=np.int32)
    repeats = False
    for at in range(0, len(keys), UNPACK_ROWS):
        block = keys[at : at + UNPACK_ROWS]
        repeats |= _unpack_block(block, layout, cells[at : at + len(block)], n_candidates)
    return cells, repeats


def _unpack_block(keys: Keys, layout: Layout, cells: Cells, n_candidates: int) -> bool:
    mask = (1 << layout.bits) - 1
    few = n_candidates < 64
    one = np.uint64(1)
    seen = np.zeros(len(keys), dtype=np.uint64)
    field = np.empty(len(keys), dtype=np.int64)
    words = [np.ascontiguousarray(word) for word in keys.T]
    for rank in range(cells.shape[1]):
        np.right_shift(words[rank // layout.per_word], layout.shift(rank), out=field)
        field &= mask
        np.subtract(field, 1, out=cells[:, rank], casting="unsafe")
        if few:
            # One bit per candidate (bit 0 for no candidate): a repeat sets fewer bits.
            seen |= np.left_shift(one, field.view(np.uint64))
    if not few:
        return bool(_repeats(cells).any())
    marks = sum((_fields_set(word, layout) for word in words), np.zeros(len(keys), np.int64))
    return bool((np.bitwise_count(seen >> one) != marks).any())


def _fields_set(word: Ints, layout: Layout) -> Ints:
    """How many fields of each packed word are not 0."""
    folded, width = word.copy(), 1
    while width < layout.bits:  # each field's lowest bit becomes the OR of all its bits
        step = min(width, layout.bits - width)
        folded |= folded >> step
        width += step
    lowest = sum(1 << layout.shift(rank) for rank in range(layout.per_word))
    return np.bitwise_count(folded & lowest).astype(np.int64)


def _repeats(cells: Cells) -> Mask:
    """Rows that rank a candidate twice."""
    if cells.shape[1] < 2:
        return np.zeros(len(cells), dtype=bool)
    ordered = np.sort(np.where(cells == PAD, -1 - np.arange(cells.shape[1]), cells), axis=1)
    return (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)


def _widen(cells: Cells, width: int) -> Cells:
    if cells.shape[1] >= width:
        return cells
    wide = np.full((len(cells), width), PAD, dtype=np.int32)
    wide[:, : cells.shape[1]] = cells
    return wide


def _read_aside(
    aside: dict[bytes, list[int]], parse: Parse, multi: dict[RankCell, int]
) -> tuple[Cells, Ints, Ints, int] | None:
    """The lines set aside, each distinct one read by the careful reader's `parse`: their
    rows, weights, first lines and total weight (a Python int)."""
    rows: list[list[int]] = []
    weights: list[int] = []
    firsts: list[int] = []
    for line, (times, first) in aside.items():
        parsed = parse(line)
        if parsed is None:
            continue
        ballot, weight = parsed
        if ballot and not ballot[-1]:
            return None  # a trailing "-": kept apart only by the careful reader
        if weight * times >= WEIGHT_LIMIT:
            return None  # beyond int64: Python ints, line by line, instead
        if ballot:
            rows.append([_code(cell, multi) for cell in ballot])
            weights.append(weight * times)
            firsts.append(first)
    cells = np.full((len(rows), max((len(row) for row in rows), default=1)), PAD, np.int32)
    for i, row in enumerate(rows):
        cells[i, : len(row)] = row
    as_array = np.array(weights, dtype=np.int64).reshape(-1)
    return cells, as_array, np.array(firsts, dtype=np.int64).reshape(-1), sum(weights)


def _code(cell: RankCell, multi: dict[RankCell, int]) -> int:
    if not cell:
        return PAD
    if len(cell) == 1:
        return cell[0]
    return multi.setdefault(cell, MULTI_BASE - len(multi))


def _merge(cells: Cells, weights: Ints, firsts: Ints) -> tuple[Cells, Ints, Ints]:
    """Identical rows merged (weights added exactly, the first of their first lines kept),
    sorted."""
    shifted = cells.astype(np.int64) - int(cells.min()) + 1
    bits = max(int(shifted.max()).bit_length(), 1)
    per_word = max(63 // bits, 1)
    words = []
    for start in range(0, cells.shape[1], per_word):
        word = np.zeros(len(cells), dtype=np.int64)
        for j in range(start, min(start + per_word, cells.shape[1])):
            word = (word << bits) | shifted[:, j]
        words.append(word)
    order = np.lexsort(words[::-1])
    keys = np.stack(words, axis=1)[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = (keys[1:] != keys[:-1]).any(axis=1)
    at = np.flatnonzero(starts)
    return (
        cells[order[at]],
        np.add.reduceat(weights[order], at),
        np.minimum.reduceat(firsts[order], at),
    )

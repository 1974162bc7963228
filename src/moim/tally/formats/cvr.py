"""Cast vote records as CSV: one ballot per row, one column per rank.

Layout (RFC 4180, UTF-8): a header ``id,precinct,rank1,...,rankN`` or ranks only
(``rank1,...,rankN``). A rank cell holds a candidate name, nothing (no mark at that rank),
``overvote`` (several marks the record does not name), ``A|B`` (several named candidates at one
rank) or ``UWI`` (an undeclared write-in).

Identical rows are grouped while reading, so memory grows with distinct ballots, not with rows.
The distinct rows become one matrix of cell codes (`moim.tally.matrix.CvrBallots`).

A file on disk is first tried by the vectorised reader (`moim.tally.formats.cvr_fast`, the file
mapped in memory, not read); anything it does not take is read by the `csv` module, whose errors
name the line and the column. Both give the same ballots.
"""

from __future__ import annotations

import csv
import io
import itertools
import mmap
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TextIO

import numpy as np

from moim.tally.ballots import (
    OVERVOTE,
    PAD,
    UNDECLARED_WRITE_IN,
    RawBallots,
)
from moim.tally.formats.cvr_fast import read_fast, split_header
from moim.tally.matrix import MULTI_BASE, CvrBallots

OVERVOTE_LABEL = "overvote"
UWI_LABEL = "UWI"
MULTI_SEPARATOR = "|"
CHUNK_ROWS = 200_000


class CvrError(ValueError):
    """A CVR file that cannot be read; the message names the line (and column) at fault."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None):
        where = ""
        if line is not None:
            where = f"line {line}" + (f", column {column}" if column else "") + ": "
        super().__init__(where + message)
        self.line = line
        self.column = column


def _rank_columns(header: Sequence[str], line: int) -> tuple[int, int]:
    """(index of the first rank column, index of the precinct column or -1)."""
    names = [h.strip().lower() for h in header]
    first = 0
    precinct = -1
    if names[:2] == ["id", "precinct"]:
        first, precinct = 2, 1
    elif names[:1] == ["precinct"]:
        first, precinct = 1, 0
    elif names[:1] == ["id"]:
        first = 1
    ranks = names[first:]
    if not ranks:
        raise CvrError("the header has no rank columns (expected rank1, rank2, ...)", line=line)
    for n, name in enumerate(ranks, start=1):
        if name != f"rank{n}":
            raise CvrError(
                f"header column {first + n} is {header[first + n - 1]!r}, expected 'rank{n}' "
                "(the header is id,precinct,rank1..rankN or rank1..rankN)",
                line=line,
            )
    return first, precinct


class _Progress:
    """A progress bar on a terminal (rich), nothing otherwise."""

    def __init__(self, size: int, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar = None
        if self.enabled and size:
            from rich.progress import Progress

            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task("Reading ballots", total=size)

    def update(self, position: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=position)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


class CellCoder:
    """Turns rank-cell texts into cell codes, learning candidates if none are declared."""

    def __init__(
        self,
        candidates: Sequence[str] | None,
        write_ins: bool,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        self.learn = candidates is None
        self.names: list[str] = list(candidates) if candidates is not None else []
        self.index = {n: i for i, n in enumerate(self.names)}
        for alias, name in (aliases or {}).items():
            if name in self.index:
                self.index.setdefault(alias, self.index[name])
        self.write_ins = write_ins
        self.codes: dict[str, int] = {
            "": PAD,
            OVERVOTE_LABEL: OVERVOTE,
            UWI_LABEL: UNDECLARED_WRITE_IN,
        }
        self.multi: dict[int, tuple[int, ...]] = {}
        self.unknown: list[str] = []

    def _candidate(self, name: str) -> int | None:
        name = name.strip()
        if name in self.index:
            return self.index[name]
        if self.learn and name:
            self.index[name] = len(self.names)
            self.names.append(name)
            return self.index[name]
        return None

    def code(self, text: str) -> int | None:
        """The code of `text`, or None (recorded in `unknown`) for a name not allowed."""
        if text in self.codes:
            return self.codes[text]
        if MULTI_SEPARATOR in text:
            parts = [self._candidate(p) for p in text.split(MULTI_SEPARATOR)]
            if any(p is None for p in parts):
                self.unknown.append(text)
                return None
            members = tuple(sorted({p for p in parts if p is not None}))
            if len(members) == 1:
                code = members[0]
            else:
                code = MULTI_BASE - len(self.multi)
                self.multi[code] = members
        else:
            found = self._candidate(text)
            if found is None and not self.write_ins:
                self.unknown.append(text)
                return None
            code = UNDECLARED_WRITE_IN if found is None else found
        self.codes[text] = code
        return code


def read_cvr(
    source: str | os.PathLike[str] | TextIO,
    *,
    candidates: Sequence[str] | None = None,
    write_ins: bool = False,
    by_precinct: bool = False,
    progress: bool | None = None,
    title: str = "",
    aliases: Mapping[str, str] | None = None,
) -> CvrBallots:
    """Read a CVR CSV file.

    `candidates`: the declared candidates, in order; a name not among them is an error naming
    its line and column, unless `write_ins` allows it (it then counts as an undeclared write-in).
    Without a list, the candidates are the names found, in order of first appearance.
    `by_precinct`: keep rows of different precincts apart (for per-precinct reports).
    `aliases` maps other spellings (RCTab candidate codes) to candidate names.
    """

    def coder() -> CellCoder:
        return CellCoder(candidates, write_ins, aliases)

    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if not by_precinct:
            fast = _read_fast(path, coder, progress, title)
            if fast is not None:
                return fast
        with path.open(encoding="utf-8-sig", newline="") as handle:
            size = path.stat().st_size
            return _read(handle, coder, by_precinct, progress, size, title)
    return _read(source, coder, by_precinct, False, 0, title)


def _read_fast(
    path: Path,
    make_coder: Callable[[], CellCoder],
    progress: bool | None,
    title: str,
) -> CvrBallots | None:
    """The vectorised reader; None sends the file to the careful reader."""
    with path.open("rb") as handle:
        if path.stat().st_size == 0:
            return None
        # Mapped, not read: the file's pages stay the system's to drop.
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            split = split_header(data)
            if split is None or not split[0]:
                return None
            header, begin = split
            try:
                first, _ = _rank_columns(header, 1)
            except CvrError:
                return None
            coder = make_coder()
            bar = _Progress(len(data) - begin, progress)
            columns = range(first, len(header))
            try:
                found = read_fast(data, begin, columns, len(header), coder.code, bar.update)
            finally:
                bar.close()
    if found is None:
        return None
    cells, weights = found
    return CvrBallots(tuple(coder.names), cells, weights, coder.multi, title=title)


def _read(
    handle: TextIO,
    make_coder: Callable[[], CellCoder],
    by_precinct: bool,
    progress: bool | None,
    size: int,
    title: str,
) -> CvrBallots:
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise CvrError("the file is empty: expected a header id,precinct,rank1..rankN") from None
    except csv.Error as exc:
        raise CvrError(f"malformed CSV: {exc}", line=reader.line_num) from None
    except UnicodeDecodeError as exc:
        raise CvrError(f"the file is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    first, precinct = _rank_columns(header, reader.line_num)
    width = len(header)
    start = precinct if by_precinct and precinct >= 0 else first
    counts: dict[tuple[str, ...], int] = {}
    bar = _Progress(size, progress)
    raw = getattr(handle, "buffer", None)
    try:
        while True:
            chunk = list(itertools.islice(reader, CHUNK_ROWS))
            if not chunk:
                break
            if any(len(row) != width for row in chunk):
                _fail_width(chunk, width, reader.line_num, handle)
            for key in map(tuple, (row[start:] for row in chunk)):
                counts[key] = counts.get(key, 0) + 1
            if raw is not None:
                bar.update(raw.tell())
    except csv.Error as exc:
        raise CvrError(f"malformed CSV: {exc}", line=reader.line_num) from None
    except UnicodeDecodeError as exc:
        raise CvrError(f"the file is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    finally:
        bar.close()
    offset = 1 if start != first else 0
    return _to_codes(counts, make_coder(), offset, width - first, handle, header, first, title)


def _fail_width(chunk: list[list[str]], width: int, last_line: int, handle: TextIO) -> None:
    bad = next(i for i, row in enumerate(chunk) if len(row) != width)
    got = len(chunk[bad])
    line: int | None = last_line - (len(chunk) - 1 - bad)
    if handle.seekable():
        # A quoted cell may span lines: find the exact line by reading again.
        handle.seek(0)
        reader = csv.reader(handle)
        line = None
        for row in reader:
            if len(row) != width:
                line = reader.line_num
                break
    if got == 0:
        raise CvrError("empty line (every row is one ballot)", line=line)
    raise CvrError(f"{got} columns where the header has {width}", line=line)


def _to_codes(
    counts: dict[tuple[str, ...], int],
    coder: CellCoder,
    offset: int,
    ranks: int,
    handle: TextIO,
    header: Sequence[str],
    first: int,
    title: str,
) -> CvrBallots:
    keys = list(counts)
    precinct_names: tuple[str, ...] = ()
    precincts = None
    if offset:
        precinct_list = sorted({k[0] for k in keys})
        precinct_index = {p: i for i, p in enumerate(precinct_list)}
        precincts = np.fromiter((precinct_index[k[0]] for k in keys), np.int32, len(keys))
        precinct_names = tuple(precinct_list)
    if coder.learn:
        # Names learnt from the file keep their order of first appearance.
        ordered: Iterable[str] = _first_seen_order(keys, offset)
    else:
        ordered = sorted({t for key in keys for t in key[offset:]})
    for text in ordered:
        coder.code(text)
    codes, names, multi, unknown = coder.codes, coder.names, coder.multi, coder.unknown
    if unknown:
        _fail_unknown(handle, header, first, set(unknown), names)
    flat = itertools.chain.from_iterable(k[offset:] for k in keys)
    cells = np.fromiter(map(codes.__getitem__, flat), np.int32, len(keys) * ranks)
    weights = np.fromiter(counts.values(), np.int64, len(keys))
    return CvrBallots(
        tuple(names),
        cells.reshape(len(keys), ranks),
        weights,
        multi,
        precinct_names,
        precincts,
        title,
    )


def _first_seen_order(keys: list[tuple[str, ...]], offset: int) -> Iterator[str]:
    seen: set[str] = set()
    for key in keys:
        for text in key[offset:]:
            if text not in seen:
                seen.add(text)
                yield text


def _fail_unknown(
    handle: TextIO, header: Sequence[str], first: int, unknown: set[str], names: Sequence[str]
) -> None:
    """Find the first row holding an unknown name again, to name its line and column."""
    bad = next(iter(sorted(unknown)))
    line = None
    column = None
    if handle.seekable():
        handle.seek(0)
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            hits = [i for i, text in enumerate(row[first:]) if text in unknown]
            if hits:
                bad = row[first + hits[0]]
                line, column = reader.line_num, header[first + hits[0]]
                break
    known = ", ".join(repr(n) for n in names[:8]) + (", ..." if len(names) > 8 else "")
    raise CvrError(
        f"unknown candidate {bad!r} (candidates: {known}; write-ins are not allowed)",
        line=line,
        column=column,
    )


def write_cvr(
    ballots: RawBallots | CvrBallots,
    candidates: Sequence[str],
    target: IO[str],
    *,
    ranks: int | None = None,
    precinct: str = "",
) -> int:
    """Write ballots as a CVR CSV, one row per voter (weights expanded); returns the row count."""
    raw = ballots.raw() if isinstance(ballots, CvrBallots) else ballots
    depth = max([len(b) for b in raw.ballots] + [ranks or 1])
    writer = csv.writer(target, lineterminator="\r\n")
    writer.writerow(["id", "precinct", *[f"rank{n}" for n in range(1, depth + 1)]])

    def text(cell: tuple[int, ...]) -> str:
        if not cell:
            return ""
        if cell == (OVERVOTE,):
            return OVERVOTE_LABEL
        if cell == (UNDECLARED_WRITE_IN,):
            return UWI_LABEL
        return MULTI_SEPARATOR.join(candidates[c] for c in cell)

    row_id = 0
    for ballot, weight in zip(raw.ballots, raw.weights, strict=True):
        cells = [text(c) for c in ballot] + [""] * (depth - len(ballot))
        for _ in range(weight):
            row_id += 1
            writer.writerow([row_id, precinct, *cells])
    return row_id


def cvr_text(ballots: RawBallots | CvrBallots, candidates: Sequence[str]) -> str:
    out = io.StringIO()
    write_cvr(ballots, candidates, out)
    return out.getvalue()


__all__ = [
    "OVERVOTE_LABEL",
    "UWI_LABEL",
    "CellCoder",
    "CvrError",
    "cvr_text",
    "read_cvr",
    "write_cvr",
]

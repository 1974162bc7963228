"""A vectorised reader for well-formed CVR CSV files (the common case, and the large one).

The whole file is scanned with NumPy: separators outside quotes (RFC 4180: a quote toggles,
a doubled quote toggles twice), one row per line, each field told apart by its length and its
first and last eight bytes. Every distinct field text is decoded once in Python and checked byte
for byte against every field that claims to be it, so the result is exact. Rows are grouped by an
integer key built from their cell codes, chunk by chunk, so memory follows the chunk size and the
number of distinct ballots.

Anything unusual (a row of the wrong width, a blank line, a quoted line break, a name that is not
allowed, bytes that are not UTF-8) returns ``None``: the careful reader in
`moim.tally.formats.cvr` then reads the file and reports the exact line and column.
"""

from __future__ import annotations

import csv
import mmap
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]

CHUNK_BYTES = 2 << 20
GROUP_ROWS = 250_000
COMMA, NEWLINE, QUOTE, RETURN = 44, 10, 34, 13
LOW = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)
HIGH = np.array([2**64 - 1 - ((1 << (8 * (8 - k))) - 1) for k in range(8)] + [2**64 - 1], np.uint64)
MIX1 = np.uint64(0x9E3779B97F4A7C15)
MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)


class _Table:
    """Distinct raw field texts (as bytes) seen so far, with their fingerprints and codes."""

    def __init__(self, code: Callable[[str], int | None]) -> None:
        self.code = code
        self.raw: list[bytes] = []
        self.codes: list[int] = []
        self.keys = np.empty(0, dtype=np.uint64)
        self.factor = np.uint64(1)
        self.shift = np.uint64(63)
        self.slots = np.empty(0, dtype=np.intp)
        self.lengths = np.empty(0, dtype=np.int64)
        self.first = np.empty(0, dtype=np.uint64)
        self.last = np.empty(0, dtype=np.uint64)
        self.words = np.zeros((0, 0), dtype=np.uint64)

    def add(self, raw: bytes) -> bool:
        text = _unquote(raw)
        if text is None:
            return False
        code = self.code(text)
        if code is None:
            return False
        self.raw.append(raw)
        self.codes.append(code)
        return True

    def rebuild(self) -> bool:
        """Index the texts; False if no collision-free slot hash is found (never seen)."""
        padded = [b"\0" * 8 + r + b"\0" * 16 for r in self.raw]
        view = [np.frombuffer(p, dtype=np.uint8) for p in padded]
        self.lengths = np.array([len(r) for r in self.raw], dtype=np.int64)
        # dtype given: Python ints above 2**63 would otherwise pass through float64.
        self.first = np.array(
            [_word(v, 8, len(r)) for v, r in zip(view, self.raw, strict=True)], dtype=np.uint64
        )
        self.last = np.array(
            [_tail(v, 8 + len(r), len(r)) for v, r in zip(view, self.raw, strict=True)],
            dtype=np.uint64,
        )
        width = max([(len(r) - 9) // 8 + 1 for r in self.raw] + [0])
        words = np.zeros((len(self.raw), width), dtype=np.uint64)
        for i, (v, r) in enumerate(zip(view, self.raw, strict=True)):
            for w in range(width):
                offset = 8 + 8 * w
                if offset < len(r) - 8:
                    words[i, w] = _word(v, 8 + offset, min(8, len(r) - 8 - offset))
        self.words = words
        keys = _mix(self.lengths, self.first, self.last)
        self.keys = keys
        # A multiply-shift hash with no collision among the known texts: one gather per field.
        bits = max(4, (2 * len(keys)).bit_length())
        for attempt in range(64):
            factor = np.uint64((0x9E3779B97F4A7C15 * (2 * attempt + 1)) % 2**64 | 1)
            slots = (keys * factor) >> np.uint64(64 - bits)
            if len(np.unique(slots)) == len(keys):
                break
            if attempt % 8 == 7:
                bits += 1
        else:
            return False
        self.factor, self.shift = factor, np.uint64(64 - bits)
        self.slots = np.full(1 << bits, -1, dtype=np.intp)
        self.slots[slots.astype(np.intp)] = np.arange(len(keys))
        return True

    def lookup(self, keys: U64) -> npt.NDArray[np.intp]:
        """Table row of each key, or -1."""
        if not len(self.keys):
            return np.full(keys.shape, -1, dtype=np.intp)
        at = self.slots[((keys * self.factor) >> self.shift).astype(np.intp)]
        return np.where(self.keys[at] == keys, at, -1)


def _word(view: npt.NDArray[np.uint8], at: int, length: int) -> int:
    return int.from_bytes(view[at : at + min(length, 8)].tobytes(), "little")


def _tail(view: npt.NDArray[np.uint8], end: int, length: int) -> int:
    take = min(length, 8)
    return int.from_bytes(view[end - take : end].tobytes(), "little") << (8 * (8 - take))


def _mix(lengths: I64, first: U64, last: U64) -> U64:
    return first ^ (last * MIX1) ^ (lengths.astype(np.uint64) * MIX2)


def _unquote(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.startswith('"'):
        if len(text) < 2 or not text.endswith('"') or '"' in text[1:-1].replace('""', ""):
            return None
        return text[1:-1].replace('""', '"')
    if '"' in text:
        return None
    return text


def read_fast(
    data: bytes | mmap.mmap,
    begin: int,
    columns: Sequence[int],
    width: int,
    code: Callable[[str], int | None],
    progress: Callable[[int], None] | None = None,
) -> tuple[npt.NDArray[np.int32], I64] | None:
    """Distinct rows of `columns` as codes, and the number of rows behind each; None if the
    file needs the careful reader. The body (every line after the header) starts at `begin`;
    it is read chunk by chunk, never copied whole."""
    stop = len(data)
    if data[-2:] == b"\r\n":
        stop -= 2
    elif data[-1:] == b"\n":
        stop -= 1
    if stop <= begin:
        return np.zeros((0, len(columns)), dtype=np.int32), np.zeros(0, dtype=np.int64)
    table = _Table(code)
    parts: list[tuple[npt.NDArray[np.int32], I64]] = []
    pending: list[npt.NDArray[np.int32]] = []
    start = begin
    while start < stop:
        end = data.find(b"\n", min(start + CHUNK_BYTES, stop), stop)
        end = stop if end < 0 else end
        chunk = _chunk(data[start:end], columns, width, table)
        if chunk is None:
            return None
        pending.append(chunk)
        start = end + 1
        if sum(len(p) for p in pending) >= GROUP_ROWS:
            # Group as we go: memory follows the distinct ballots, not the rows.
            codes = np.concatenate(pending)
            parts.append(unique_rows(codes, np.ones(len(codes), dtype=np.int64)))
            pending = []
        if progress is not None:
            progress(start - begin)
    if pending:
        codes = np.concatenate(pending)
        parts.append(unique_rows(codes, np.ones(len(codes), dtype=np.int64)))
    if len(parts) == 1:
        return parts[0]
    return unique_rows(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]))


def _fields(body: bytes, width: int) -> tuple[np.ndarray, I64, I64] | None:
    """The padded bytes and each field's start and end, as (rows, width) arrays."""
    pad = np.zeros(8, dtype=np.uint8)
    end = np.array([NEWLINE], np.uint8)
    arr = np.concatenate([pad, np.frombuffer(body, dtype=np.uint8), end, pad, pad])
    sep = (arr == COMMA) | (arr == NEWLINE)
    if body.find(b'"') >= 0:
        inside = (np.cumsum(arr == QUOTE, dtype=np.uint8) & 1).astype(bool)
        if (inside & (arr == NEWLINE)).any():
            return None  # a quoted line break: rows no longer follow lines
        sep &= ~inside
    seps = np.flatnonzero(sep)
    if len(seps) % width:
        return None
    kinds = arr[seps].reshape(-1, width)
    if not ((kinds[:, :-1] == COMMA).all() and (kinds[:, -1] == NEWLINE).all()):
        return None
    starts = np.empty(len(seps), dtype=np.int64)
    starts[0] = 8
    starts[1:] = seps[:-1] + 1
    ends = seps.astype(np.int64)
    if body.find(b"\r") >= 0:
        ends -= (arr[seps] == NEWLINE) & (arr[ends - 1] == RETURN)
    return arr, starts.reshape(-1, width), ends.reshape(-1, width)


def _chunk(
    body: bytes, columns: Sequence[int], width: int, table: _Table
) -> npt.NDArray[np.int32] | None:
    found = _fields(body, width)
    if found is None:
        return None
    arr, starts, ends = found
    starts = np.ascontiguousarray(starts[:, list(columns)]).reshape(-1)
    ends = np.ascontiguousarray(ends[:, list(columns)]).reshape(-1)
    lengths = ends - starts
    # Every byte offset read as a little-endian 64-bit word (an overlapping, unaligned view).
    as64 = np.ndarray(shape=(len(arr) - 7,), dtype="<u8", buffer=arr, offset=0, strides=(1,))
    clipped = lengths.clip(0, 8)
    first = as64[starts] & LOW[clipped]
    last = as64[ends - 8] & HIGH[clipped]
    keys = _mix(lengths, first, last)
    # Learn the texts of a first slice, then of whatever is still unknown (usually nothing).
    entry = np.empty(0, dtype=np.intp)
    for span in (min(len(keys), 4096), len(keys)):
        entry = table.lookup(keys[:span])
        missing = np.flatnonzero(entry < 0)
        if missing.size:
            _, where = np.unique(keys[missing], return_index=True)
            for i in sorted(missing[where].tolist()):
                if not table.add(arr[starts[i] : ends[i]].tobytes()):
                    return None
            if not table.rebuild():
                return None
            entry = np.empty(0, dtype=np.intp)
    if len(entry) != len(keys):
        entry = table.lookup(keys)
        if (entry < 0).any():
            return None
    if not _verify(as64, starts, lengths, first, last, entry, table):
        return None
    return np.asarray(table.codes, dtype=np.int32)[entry].reshape(-1, len(columns))


def _verify(
    as64: U64,
    starts: I64,
    lengths: I64,
    first: U64,
    last: U64,
    entry: npt.NDArray[np.intp],
    table: _Table,
) -> bool:
    """Every field equals, byte for byte, the table text its fingerprint points to."""
    if not (
        (table.lengths[entry] == lengths).all()
        and (table.first[entry] == first).all()
        and (table.last[entry] == last).all()
    ):
        return False
    long = np.flatnonzero(lengths > 16)
    for w in range(table.words.shape[1]):
        offset = 8 + 8 * w
        rows = long[lengths[long] - 8 > offset]
        if not rows.size:
            break
        take = (lengths[rows] - 8 - offset).clip(0, 8)
        got = as64[starts[rows] + offset] & LOW[take]
        if not (got == table.words[entry[rows], w]).all():
            return False
    return True


def unique_rows(codes: npt.NDArray[np.int32], counts: I64) -> tuple[npt.NDArray[np.int32], I64]:
    """Identical rows merged (their counts added), sorted."""
    if not codes.size:
        return codes.astype(np.int32), counts[: len(codes)]
    lo = int(codes.min())
    base = int(codes.max()) - lo + 1
    columns = codes.shape[1]
    if base**columns < 2**62:
        # One integer per row: sorting integers is much faster than sorting rows.
        key = np.zeros(len(codes), dtype=np.int64)
        for j in range(columns):
            key *= base
            key += codes[:, j]
            key -= lo
        uniq_keys, inverse = np.unique(key, return_inverse=True)
        uniq = np.empty((len(uniq_keys), columns), dtype=np.int32)
        rest = uniq_keys.copy()
        for j in range(columns - 1, -1, -1):
            uniq[:, j] = rest % base + lo
            rest //= base
    else:
        uniq, inverse = np.unique(codes, axis=0, return_inverse=True)
    weights = np.bincount(inverse.reshape(-1), weights=counts, minlength=len(uniq))
    return uniq.astype(np.int32), np.rint(weights).astype(np.int64)


def split_header(data: bytes | mmap.mmap) -> tuple[list[str], int] | None:
    """The header's cells and where the body starts (None if the header is not plain UTF-8).

    A UTF-8 byte order mark before the header is skipped."""
    begin = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    end = data.find(b"\n", begin)
    line = data[begin:] if end < 0 else data[begin:end]
    try:
        text = line.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError:
        return None
    header = next(csv.reader([text]), [])
    return header, len(data) if end < 0 else end + 1

"""Cells that a spreadsheet shows as text, never runs: one rule for every CSV and XLSX export.

Names, titles and comments come from public forms. A cell that starts with `=`, `+`, `-`, `@`, a
tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets (`=HYPERLINK(…)`
sends whoever clicks it elsewhere; DDE payloads run programs). Such text goes out with a leading
apostrophe, the prefix spreadsheets themselves use for "this is text". Numbers stay numbers: a
negative score is a figure, not a formula.

`restore_cell` undoes exactly what `safe_cell` did, so an exported file imports back unchanged:
text made only of apostrophes before a formula character loses one apostrophe on the way in, and
`safe_cell` adds one to such text on the way out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# Text a spreadsheet would run, with any apostrophes already in front of it: "=1", "'=1", "''-x".
# The characters that start a formula are OWASP's list: = + - @, tab and carriage return.
_NEEDS_PREFIX = re.compile(r"'*[=+\-@\t\r]")

type Cell = str | int | float | Decimal | bool | dt.date | None


def safe_cell(value: Any) -> Cell:
    """The value as a spreadsheet cell that is never a formula.

    Numbers, booleans, dates and None pass unchanged (they are figures, not text); anything
    else becomes text, with an apostrophe in front when it would start a formula.
    """
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date):
        return value
    text = str(value)
    return "'" + text if _NEEDS_PREFIX.match(text) else text


def safe_text(value: Any) -> str:
    """`safe_cell` as text, for writers that only take text (None is the empty string)."""
    cell = safe_cell(value)
    return "" if cell is None else str(cell)


def safe_row(values: Iterable[Any]) -> list[Cell]:
    return [safe_cell(value) for value in values]


def restore_cell(value: Any) -> Any:
    """What was written before `safe_cell` neutralised it: one leading apostrophe fewer on text
    that starts with apostrophes and a formula character; anything else unchanged."""
    if isinstance(value, str) and value.startswith("'") and _NEEDS_PREFIX.match(value[1:]):
        return value[1:]
    return value


class FormulaSafeFormat:
    """Mixin for django-import-export formats: its IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT
    setting calls `_escape_formulae`, which here applies `safe_cell` (the library's own only
    drops a leading "=" and turns every number into text)."""

    def _escape_formulae(self, dataset: Any) -> None:
        for _ in range(len(dataset)):
            row = dataset.lpop()
            dataset.append(safe_row(row))
        if dataset.headers:
            dataset.headers = [safe_text(header) for header in dataset.headers]

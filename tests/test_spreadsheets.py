"""One rule for every exported cell: text that would start a formula goes out as text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from moim.spreadsheets import restore_cell, safe_cell, safe_row


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("'=1", "''=1"),
        ("Seoul", "Seoul"),
        ("'Ohana", "'Ohana"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_safe_cell_prefixes_text_that_would_run(typed: str, exported: str) -> None:
    assert safe_cell(typed) == exported
    assert restore_cell(exported) == typed


@pytest.mark.parametrize("figure", [-3, -2.5, Decimal("-1.25"), 0, True, None])
def test_safe_cell_keeps_figures_as_figures(figure: object) -> None:
    assert safe_cell(figure) is figure


def test_safe_row_keeps_dates_and_numbers_and_defuses_text() -> None:
    day = dt.date(2021, 10, 18)

    assert safe_row([-4, day, "-4", "=1"]) == [-4, day, "'-4", "'=1"]


@given(st.text())
def test_restore_undoes_safe_cell_for_any_text(text: str) -> None:
    cell = safe_cell(text)

    assert isinstance(cell, str)
    assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert restore_cell(cell) == text

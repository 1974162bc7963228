"""Filters for publication: lists written as a sentence, ordinals, bars of a chart."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def sentence_list(items: Iterable[object]) -> str:
    """'a, b and c' in English; 'a, b, c' in Korean, which lists with commas."""
    values = [str(i) for i in items]
    if translation.get_language() == "ko" or len(values) < 2:
        return ", ".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


@register.filter
def ordinal_en(number: int) -> str:
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@register.filter
def bar_percent(value: object, whole: object) -> str:
    """The width of a bar as a percentage of `whole`, for a chart drawn in HTML and CSS."""
    try:
        part, total = Decimal(str(value)), Decimal(str(whole))
    except (InvalidOperation, ValueError):
        return "0"
    if total <= 0:
        return "0"
    return str(min(Decimal(100), part * 100 / total).quantize(Decimal("0.1")))


_JOSA = {"이가": ("이", "가"), "은는": ("은", "는"), "을를": ("을", "를"), "과와": ("과", "와")}


@register.filter
def josa(word: object, pair: str) -> str:
    """`word` followed by the Korean particle that fits its last syllable: 서울시 + 이가 → 서울시가,
    서울특별시 + 은는 → 서울특별시는, 멕시코시티 + 으로 → 멕시코시티로. A word that does not end in
    Hangul gets both forms, as Korean writers do: Smart Cities World이(가)."""
    text = str(word)
    last = text[-1:] if text else ""
    hangul = "가" <= last <= "힣"
    final = (ord(last) - 0xAC00) % 28 if hangul else -1
    if pair == "으로":
        if not hangul:
            return f"{text}(으)로"
        return f"{text}{'으로' if final not in (0, 8) else '로'}"
    with_final, without = _JOSA[pair]
    if not hangul:
        return f"{text}{with_final}({without})"
    return f"{text}{with_final if final else without}"

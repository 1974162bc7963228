"""Filters for publication: lists written as a sentence, ordinals, Korean particles."""

from __future__ import annotations

from django import template

from moim.bilingual import sentence_list
from moim.korean import with_particle

register = template.Library()


register.filter("sentence_list", sentence_list)


@register.filter
def ordinal_en(number: int) -> str:
    n = int(number)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@register.filter
def josa(word: object, particle: str) -> str:
    """`word` followed by the Korean particle that fits how it ends when read aloud:
    서울시 + 이가 → 서울시가, Seoul + 으로 → Seoul로, Jakarta + 을를 → Jakarta를. Particles:
    이가, 을를, 은는, 과와, 이라는, 으로 (see moim.korean for how a name's ending is read)."""
    return with_particle(word, particle)


@register.filter
def particle(word: object, particle_name: str) -> str:
    """The particle alone, for a word printed apart from it (in quotation marks, say):
    ‘{{ theme }}’{{ theme|particle:'이라는' }}."""
    return with_particle(word, particle_name)[len(str(word)) :]

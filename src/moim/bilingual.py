"""Text people read is stored in English and Korean (`<name>_en`, `<name>_ko`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self, overload

from django.utils import translation


def in_language(en: str, ko: str) -> str:
    """The Korean text while Korean is active and it is filled in, else the English."""
    return ko if translation.get_language() == "ko" and ko else en


def sentence_list(items: Iterable[object]) -> str:
    """'a, b and c' in English; 'a, b, c' in Korean, which lists with commas."""
    values = [str(i) for i in items]
    if translation.get_language() == "ko" or len(values) < 2:
        return ", ".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


class InLanguage:
    """`title = InLanguage()` on a model reads `title_ko` or `title_en` by the active language."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.en = f"{name}_en"
        self.ko = f"{name}_ko"

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> str: ...

    def __get__(self, instance: Any, owner: type | None = None) -> Self | str:
        if instance is None:
            return self
        return in_language(getattr(instance, self.en), getattr(instance, self.ko))

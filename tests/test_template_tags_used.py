"""Every template tag and filter Moim registers is used by some template.

Templates are not Python, so the dead-code check of `make lint` (vulture) cannot see them use a
tag; it leaves registered tags and filters to this test instead.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django import template

# Reading files, no database: the same on either leg of `make test`.
pytestmark = pytest.mark.single_leg

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "moim"


def libraries() -> dict[str, template.Library]:
    """Moim's template tag libraries by module name (`{% load name %}`)."""
    found = {}
    for path in sorted(PACKAGE.glob("*/templatetags/*.py")):
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"moim.{path.parent.parent.name}.templatetags.{path.stem}")
        found[path.stem] = module.register
    return found


def template_text() -> str:
    return "\n".join(
        path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*"))
        if path.is_file() and "templates" in path.relative_to(PACKAGE).parts
    )


def unused(libraries: dict[str, template.Library], text: str) -> list[str]:
    """`library.name` for each tag no template opens (`{% name`) and each filter no template
    applies (`|name`)."""
    missing = []
    for library_name, library in libraries.items():
        for name in library.tags:
            if not re.search(r"\{%-?\s*" + re.escape(name) + r"\b", text):
                missing.append(f"{library_name}.{name}")
        for name in library.filters:
            if not re.search(r"\|\s*" + re.escape(name) + r"\b", text):
                missing.append(f"{library_name}.{name}")
    return sorted(missing)


def test_every_registered_tag_and_filter_is_used_in_a_template() -> None:
    assert unused(libraries(), template_text()) == []


def test_an_unused_filter_or_tag_is_named() -> None:
    library = template.Library()
    library.filter("shouted", lambda value: str(value).upper())
    library.filter("whispered", lambda value: str(value).lower())
    library.simple_tag(lambda: "", name="greeting")
    library.simple_tag(lambda: "", name="farewell")

    found = unused({"voice": library}, "{{ name|shouted }} {% greeting %}")

    assert found == ["voice.farewell", "voice.whispered"]

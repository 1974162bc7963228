"""Submit a page's own form over plain HTTP, as a browser would, for steps repeated dozens of
times (60 registrations, 60 ballots): fetch the page, read the form's fields and their current
values, change the ones a person would change, post it back with the page's CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin

Fields = list[tuple[str, str]]


class _Form:
    def __init__(self, action: str, method: str) -> None:
        self.action = action
        self.method = method
        self.fields: Fields = []
        self.select_name: str | None = None
        self.select_multiple = False
        self.select_first: str | None = None
        self.select_chosen = False
        self.options: dict[str, dict[str, str]] = {}
        self.textarea: str | None = None
        self.text = ""
        self.option_value: str | None = None
        self.option_text = ""


class FormReader(HTMLParser):
    """Every form of a page with the values it would submit untouched, and its select options."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self.form: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = _Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self.form)
            return
        form = self.form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            form.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            form.select_name = name
            form.select_multiple = "multiple" in a
            form.select_first = None
            form.select_chosen = False
            form.options[name] = {}
        elif tag == "option" and form.select_name:
            value = a.get("value")
            form.option_value = value
            form.option_text = ""
            if form.select_first is None:
                form.select_first = value or ""
            if "selected" in a:
                form.fields.append((form.select_name, value or ""))
                form.select_chosen = True
        elif tag == "textarea" and name:
            form.textarea = name
            form.text = ""

    def handle_data(self, data: str) -> None:
        form = self.form
        if form is None:
            return
        if form.textarea is not None:
            form.text += data
        if form.select_name and form.option_value is not None:
            form.option_text += data

    def handle_endtag(self, tag: str) -> None:
        form = self.form
        if form is None:
            return
        if tag == "form":
            self.form = None
        elif tag == "option" and form.select_name and form.option_value is not None:
            form.options[form.select_name][form.option_text.strip()] = form.option_value
            form.option_value = None
        elif tag == "select" and form.select_name:
            if (
                not form.select_chosen
                and not form.select_multiple
                and form.select_first is not None
            ):
                form.fields.append((form.select_name, form.select_first))
            form.select_name = None
        elif tag == "textarea" and form.textarea is not None:
            form.fields.append((form.textarea, form.text.lstrip("\n")))
            form.textarea = None


def read_forms(html: str) -> list[_Form]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def pick_form(forms: list[_Form], action: str | None) -> _Form:
    for form in forms:
        if "/i18n/" in form.action or "logout" in form.action:  # every page's header
            continue
        if form.method == "post" and (action is None or re.search(action, form.action)):
            return form
    raise AssertionError(f"no POST form with an action like {action!r} on the page")


Changes = dict[str, str | list[str]]


def submit(
    request: Any,
    url: str,
    changes: Changes | Callable[[str], Changes],
    *,
    action: str | None = None,
    drop: tuple[str, ...] = (),
) -> Any:
    """GET `url`, take its first POST form (or the one whose action matches), apply `changes`
    (a list sets a multi-valued field; a function makes them from the page's HTML), POST it
    where the form posts. Returns the response."""
    page = request.get(url)
    assert page.ok, f"GET {url}: {page.status}"
    if callable(changes):
        changes = changes(page.text())
    form = pick_form(read_forms(page.text()), action)
    fields = [(k, v) for k, v in form.fields if k not in changes and k not in drop]
    for name, value in changes.items():
        if isinstance(value, list):
            fields.extend((name, v) for v in value)
        else:
            fields.append((name, value))
    target = urljoin(page.url, form.action) if form.action else page.url
    return request.post(
        target,
        data=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": page.url},
    )


def options_of(request: Any, url: str, select: str) -> dict[str, str]:
    """label → value of a <select> on a page (e.g. the delegation list of the register form)."""
    page = request.get(url)
    for form in read_forms(page.text()):
        if select in form.options:
            return form.options[select]
    raise AssertionError(f"no select {select!r} on {url}")

"""A motion (or any text on the agenda) with its amendments, as the chair's projector and the
motion page show it: the tabled paragraphs, each amendment as a word diff of its paragraph
with its state, and the final text."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from moim.governance.amendments import (
    Change,
    final_text,
    history,
    is_undecided,
    tabled_paragraphs,
)
from moim.governance.enums import DecisionStatus, Verdict
from moim.governance.models import Decision


def amendment_state(amendment: Decision) -> tuple[str, str]:
    """The amendment's state as a key and a label: its verdict once decided, withdrawn, or
    waiting to be voted."""
    if amendment.status == DecisionStatus.WITHDRAWN:
        return "withdrawn", pgettext("decision", "Withdrawn")
    if not is_undecided(amendment) and amendment.verdict:
        return amendment.verdict, str(Verdict(amendment.verdict).label)
    return "undecided", _("To be voted")


def _change(change: Change) -> dict[str, Any]:
    state, label = amendment_state(change.amendment)
    return {
        "id": change.amendment.pk,
        "title": change.amendment.title,
        "paragraph": change.paragraph,
        "action": change.action,
        "action_label": str(change.amendment.get_amendment_action_display()),
        "state": state,
        "state_label": label,
        "html": str(change.diff),
        "counts": change.counts,
    }


def projected_motion(decision: Decision, language: str) -> dict[str, Any]:
    """The decision's text with its amendments, in `language` (English where a text has no
    Korean): `title`; `paragraphs` (number, escaped `html`, and the `amendments` to that
    paragraph, each with its diff `html` and `state`); `amendments` in voting order; `final`,
    the paragraphs as adopted so far."""
    with translation.override(language):
        changes = history(decision, language)
        tabled = tabled_paragraphs(decision, language)
        amended = [_change(c) for c in changes]
        by_paragraph: dict[int, list[dict[str, Any]]] = {}
        for item in amended:
            by_paragraph.setdefault(item["paragraph"], []).append(item)
        rows: list[dict[str, Any]] = [
            {
                "number": number,
                "html": str(escape(text)),
                "amendments": by_paragraph.get(number, []),
            }
            for number, text in enumerate(tabled, start=1)
        ]
        if 0 in by_paragraph and rows:
            # Paragraphs to insert before the first are shown with it.
            rows[0]["amendments"] = by_paragraph[0] + rows[0]["amendments"]
        return {
            "id": decision.pk,
            "title": decision.title,
            "paragraphs": rows,
            "amendments": amended,
            "final": final_text(decision, language),
            "undecided": sum(1 for item in amended if item["state"] == "undecided"),
        }

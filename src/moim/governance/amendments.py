"""Amendments to a text put to the plenary: the order they are voted in, the final text.

A text (a motion, or the Statute or Charter wording a decision proposes) is read as paragraphs,
one per line. An amendment is a decision of its own (`Decision.amends`) that replaces, deletes
or inserts after paragraph N of the text as tabled; paragraphs are always numbered in the text
as tabled, so two amendments to different paragraphs never shift each other. Every amendment is
decided before the amended text's own poll opens (`check_amendments_decided`), in the order the
text's rules say (`amendments_in_voting_order`). The adopted ones, applied in that order, give
the final text (`final_text`); `history` says which amendment changed which paragraph and how
the vote went.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from moim.errors import Conflict
from moim.governance.enums import (
    AmendmentAction,
    AmendmentOrder,
    DecisionStatus,
    OptionValue,
    Verdict,
)
from moim.governance.models import Decision, Poll

_LINES = re.compile(r"\s*\n\s*")


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs: its non-empty lines, trimmed."""
    return [line for line in _LINES.split(text.strip()) if line.strip()]


def word_diff(previous: str, text: str) -> SafeString:
    """`text` as a word-level change to `previous` (<del>/<ins>), escaped."""
    before, after = previous.split(), text.split()
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(before[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(before[a1:a2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(after[b1:b2]))}</ins>")
    return mark_safe(" ".join(p for p in parts if p))


def _language(language: str | None) -> str:
    return language or translation.get_language() or "en"


def text_in(decision: Decision, language: str | None = None) -> str:
    """The decision's text in `language` (the active one by default), English when the other
    is empty: a motion may be tabled in one language only."""
    if _language(language) == "ko" and decision.text_ko:
        return decision.text_ko
    return decision.text_en or decision.text_ko


def tabled_paragraphs(decision: Decision, language: str | None = None) -> list[str]:
    """The paragraphs of the text as tabled, before any amendment."""
    return paragraphs(text_in(decision, language))


def is_undecided(amendment: Decision) -> bool:
    """Still to be voted on: neither decided nor withdrawn."""
    return amendment.status not in (DecisionStatus.DECIDED, DecisionStatus.WITHDRAWN)


def _distance(amendment: Decision, tabled: list[str]) -> float:
    """How far the amendment takes its paragraph from the text: a deletion furthest (2), a
    replacement one minus the words' similarity (0 to 1), a new paragraph 1."""
    if amendment.amendment_action == AmendmentAction.DELETE:
        return 2.0
    index = (amendment.amends_paragraph or 0) - 1
    if amendment.amendment_action != AmendmentAction.REPLACE or not 0 <= index < len(tabled):
        return 1.0
    matcher = difflib.SequenceMatcher(
        a=tabled[index].split(), b=text_in(amendment, "en").split(), autojunk=False
    )
    return 1.0 - matcher.ratio()


def amendments_in_voting_order(decision: Decision) -> list[Decision]:
    """The decision's amendments (withdrawn ones left out) in the order they are voted.

    Paragraph by paragraph; within one paragraph, as the decision's rules say: the amendment
    furthest from the text first (a deletion, then replacements by how much they change), or
    in the order tabled. Without rules, furthest first."""
    amendments = list(decision.amendments.exclude(status=DecisionStatus.WITHDRAWN).order_by("pk"))
    order = decision.rules.amendment_order if decision.rules is not None else ""
    if order == AmendmentOrder.PARAGRAPH_ORDER:
        return sorted(amendments, key=lambda a: (a.amends_paragraph or 0, a.pk))
    tabled = tabled_paragraphs(decision, "en")
    return sorted(amendments, key=lambda a: (a.amends_paragraph or 0, -_distance(a, tabled), a.pk))


def undecided_before(decision: Decision) -> list[Decision]:
    """The undecided amendments to be voted before `decision`: its own, or for an amendment
    those ahead of it in voting order."""
    if decision.amends_id is not None and decision.amends is not None:
        ahead = []
        for earlier in amendments_in_voting_order(decision.amends):
            if earlier.pk == decision.pk:
                break
            ahead.append(earlier)
        return [a for a in ahead if is_undecided(a)]
    return [a for a in amendments_in_voting_order(decision) if is_undecided(a)]


def check_amendments_decided(decision: Decision) -> None:
    """Refuse (`Conflict`) to put `decision` to the vote while something must be voted first:
    an amendment to it that is undecided, or, for an amendment, one voted before it."""
    waiting = undecided_before(decision)
    if not waiting:
        return
    if decision.amends_id is not None:
        raise Conflict(
            _("An amendment voted before this one is still undecided: %(title)s.")
            % {"title": waiting[0].title}
        )
    raise Conflict(_("Every amendment to this text must be decided before it is put to the vote."))


def may_open(decision: Decision) -> bool:
    """Whether `check_amendments_decided` lets the decision be put to the vote now."""
    try:
        check_amendments_decided(decision)
    except Conflict:
        return False
    return True


@dataclass(frozen=True)
class Change:
    """One amendment as the history of the final text shows it."""

    amendment: Decision
    paragraph: int
    action: str
    before: str
    after: str
    diff: SafeString
    verdict: str
    counts: dict[str, int]

    @property
    def adopted(self) -> bool:
        return self.verdict == Verdict.ADOPTED


def poll_counts(poll: Poll | None) -> dict[str, int]:
    """A published yes/no/abstain poll's weight per answer ({} before it is published)."""
    if poll is None or not poll.result:
        return {}
    wanted = {OptionValue.YES.value, OptionValue.NO.value, OptionValue.ABSTAIN.value}
    return {
        str(o["value"]): int(o.get("weight", 0))
        for o in poll.result.get("options", [])
        if o.get("value") in wanted
    }


def _apply(slots: list[list[str]], amendment: Decision, language: str | None) -> tuple[str, str]:
    """Apply one adopted amendment to the slots (one per tabled paragraph, each holding the
    paragraphs now standing there); returns the slot's text before and after."""
    number = amendment.amends_paragraph or 0
    new = paragraphs(text_in(amendment, language))
    if amendment.amendment_action == AmendmentAction.INSERT_AFTER:
        slot = slots[min(number, len(slots) - 1)]
        before = "\n".join(slot)
        slot.extend(new)
        return before, "\n".join(slot)
    if not 1 <= number < len(slots):
        return "", ""
    slot = slots[number]
    before = "\n".join(slot)
    slot[:] = [] if amendment.amendment_action == AmendmentAction.DELETE else new
    return before, "\n".join(slot)


def _walk(decision: Decision, language: str | None) -> tuple[list[str], list[Change]]:
    tabled = tabled_paragraphs(decision, language)
    # Slot 0 holds paragraphs inserted before the first; slot N holds paragraph N.
    slots: list[list[str]] = [[], *[[p] for p in tabled]]
    changes: list[Change] = []
    for amendment in amendments_in_voting_order(decision):
        if amendment.verdict == Verdict.ADOPTED:
            before, after = _apply(slots, amendment, language)
        else:
            number = amendment.amends_paragraph or 0
            before = tabled[number - 1] if 1 <= number <= len(tabled) else ""
            after = proposed_paragraph(amendment, before, language)
        poll = amendment.polls.order_by("-round").first()
        changes.append(
            Change(
                amendment=amendment,
                paragraph=amendment.amends_paragraph or 0,
                action=amendment.amendment_action,
                before=before,
                after=after,
                diff=word_diff(before, after),
                verdict=amendment.verdict,
                counts=poll_counts(poll),
            )
        )
    return [p for slot in slots for p in slot], changes


def proposed_paragraph(amendment: Decision, paragraph: str, language: str | None = None) -> str:
    """What the amended paragraph would read if the amendment were adopted."""
    new = "\n".join(paragraphs(text_in(amendment, language)))
    if amendment.amendment_action == AmendmentAction.DELETE:
        return ""
    if amendment.amendment_action == AmendmentAction.INSERT_AFTER:
        return f"{paragraph}\n{new}" if paragraph else new
    return new


def final_text(decision: Decision, language: str | None = None) -> list[str]:
    """The text's paragraphs with its adopted amendments applied, in voting order."""
    return _walk(decision, _language(language))[0]


def history(decision: Decision, language: str | None = None) -> list[Change]:
    """Every amendment in voting order: the paragraph it touched, the change, the vote."""
    return _walk(decision, _language(language))[1]

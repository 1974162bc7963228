"""The entry form's own questions: which an edition asks, and the answers an entry gives, as
the jury, the secretariat and the export read them. Answers are stored by
`services.save_entry_answers`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from moim.awards.models import Edition, Entry, EntryAnswer, EntryQuestion
from moim.questions import QuestionKind


def questions_for(edition: Edition) -> list[EntryQuestion]:
    return list(EntryQuestion.objects.filter(edition=edition).order_by("position", "pk"))


def _by_question(entry: Entry) -> dict[int, EntryAnswer]:
    # The reverse relation `answers` comes from EntryAnswer (read from a prefetch when made).
    owner: Any = entry
    return {answer.question_id: answer for answer in owner.answers.all()}


def answer_cells(entry: Entry, questions: Sequence[EntryQuestion]) -> list[str]:
    """One cell per question (empty when unanswered), for the export."""
    given = _by_question(entry)
    return [given[q.pk].shown(q) if q.pk in given else "" for q in questions]


def answered(entry: Entry, questions: Sequence[EntryQuestion]) -> list[tuple[str, str]]:
    """(question, answer) for each question answered, in the reader's language."""
    cells = answer_cells(entry, questions)
    return [(q.label, cell) for q, cell in zip(questions, cells, strict=True) if cell]


def unanswered(entry: Entry) -> list[str]:
    """The required questions of the entry's edition that it has not answered."""
    given = set(EntryAnswer.objects.filter(entry=entry).values_list("question_id", flat=True))
    return [q.label for q in questions_for(entry.edition) if q.required and q.pk not in given]


def initial_answers(entry: Entry, questions: Sequence[EntryQuestion]) -> dict[str, Any]:
    """What the entry form shows as already answered (a file cannot be shown again)."""
    given = _by_question(entry)
    initial: dict[str, Any] = {}
    for question in questions:
        answer = given.get(question.pk)
        if answer is None or question.kind == QuestionKind.FILE:
            continue
        value = answer.value
        if question.kind == QuestionKind.YES_NO:
            value = "yes" if value else "no"
        initial[question.field_name] = value
    return initial

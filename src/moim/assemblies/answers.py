"""The registration form's own questions: what the secretariat asks beyond the fixed fields,
and the answers registrants give, checked against the questions and stored with the
registration."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from moim.assemblies import services
from moim.assemblies.models import (
    Assembly,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
)
from moim.assemblies.rules import can_manage_questions
from moim.errors import Invalid
from moim.permissions import require
from moim.questions import question_problem, store_answers


def questions_for(assembly: Assembly) -> list[RegistrationQuestion]:
    return list(RegistrationQuestion.objects.filter(assembly=assembly).order_by("position", "pk"))


def with_answers(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """The registrations with their answers fetched in one more query."""
    return registrations.prefetch_related(
        Prefetch("answers", queryset=RegistrationAnswer.objects.order_by("question_id"))
    )


def answer_cells(
    registration: Registration, questions: Sequence[RegistrationQuestion]
) -> list[str]:
    """One cell per question (empty when unanswered), for the back office and the export."""
    by_question = {answer.question_id: answer for answer in registration.answers.all()}
    cells = []
    for question in questions:
        answer = by_question.get(question.pk)
        cells.append(answer.shown(question) if answer is not None else "")
    return cells


def answered(
    registration: Registration, questions: Sequence[RegistrationQuestion]
) -> list[tuple[str, str]]:
    """(question, answer) for each question answered, in the reader's language."""
    cells = answer_cells(registration, questions)
    return [(q.label, cell) for q, cell in zip(questions, cells, strict=True) if cell]


def _store(
    registration: Registration,
    questions: Sequence[RegistrationQuestion],
    answers: Mapping[int, Any],
) -> None:
    store_answers(
        answer_model=RegistrationAnswer,
        owner={"registration": registration},
        questions=questions,
        answers=answers,
        enforce_required=True,
        file_stem=f"registration-{registration.pk}",
    )


@transaction.atomic
def register_with_answers(
    *, assembly: Assembly, answers: Mapping[int, Any], **registrant: Any
) -> Registration:
    """`services.register`, then the answers to the assembly's own questions, in one
    transaction: a refused answer leaves no registration behind."""
    registration = services.register(assembly=assembly, **registrant)
    _store(registration, questions_for(assembly), answers)
    return registration


def check_question(question: RegistrationQuestion) -> None:
    problem = question_problem(question.kind, question.options_en, question.options_ko)
    if problem:
        raise Invalid(problem)
    if not question.label_en.strip():
        raise Invalid(_("A question needs its English wording."))


@transaction.atomic
def save_question(*, question: RegistrationQuestion, by: Any) -> RegistrationQuestion:
    """Add or change one of the registration form's questions."""
    require(can_manage_questions, by)
    check_question(question)
    if question.pk is None and not question.position:
        question.position = (
            RegistrationQuestion.objects.filter(assembly=question.assembly).count() + 1
        )
    question.save()
    return question


@transaction.atomic
def delete_question(*, question: RegistrationQuestion, by: Any) -> None:
    """Remove a question, and the answers given to it."""
    require(can_manage_questions, by)
    question.delete()


def header_cells(questions: Iterable[RegistrationQuestion]) -> list[str]:
    return [question.label_en for question in questions]

"""An edition's own questions on the entry form: answered, required at submission, shown to the
secretariat and exported one column per question."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from moim.awards import services
from moim.awards.models import Edition, EntryAnswer, EntryQuestion
from moim.errors import Invalid, NotAllowed
from moim.members.models import Member
from moim.questions import QuestionKind
from tests.awards.conftest import make_entry
from tests.conftest import Persona


def logged_in(user: Persona) -> Client:
    client = Client()
    client.force_login(user)
    return client


def partners(edition: Edition, *, required: bool = False) -> EntryQuestion:
    return EntryQuestion.objects.create(
        edition=edition,
        label_en="Partner organizations",
        label_ko="협력 기관",
        kind=QuestionKind.TEXT,
        required=required,
    )


def test_the_entry_form_asks_the_question_and_stores_the_answer(
    edition: Edition, city_a: Member, delegate_a: Persona
) -> None:
    question = partners(edition)
    entry = make_entry(edition, city_a, created_by=delegate_a)
    client = logged_in(delegate_a)

    form = client.get(f"/en/awards/entries/{entry.pk}/").content.decode()
    client.post(
        f"/en/awards/entries/{entry.pk}/",
        {
            "category": entry.category_id,
            "title": entry.title,
            "applicant_kind": "member",
            "beneficiary": city_a.pk,
            "summary": "s",
            "description": "d",
            "results": "r",
            question.field_name: "KAIST",
            "save": "1",
        },
    )

    assert "Partner organizations" in form
    assert list(EntryAnswer.objects.values_list("value", flat=True)) == ["KAIST"]


def test_a_required_question_is_asked_for_at_submission(
    edition: Edition, city_a: Member, delegate_a: Persona
) -> None:
    partners(edition, required=True)
    entry = make_entry(edition, city_a, created_by=delegate_a)

    with pytest.raises(Invalid, match="Answer before submitting: Partner organizations"):
        services.submit_entry(entry=entry, by=delegate_a)


def test_another_city_cannot_answer_for_an_entry(
    edition: Edition, city_a: Member, delegate_b: Persona
) -> None:
    question = partners(edition)
    entry = make_entry(edition, city_a)

    with pytest.raises(NotAllowed):
        services.save_entry_answers(entry=entry, answers={question.pk: "x"}, by=delegate_b)

    assert EntryAnswer.objects.count() == 0


def test_answers_are_exported_one_column_per_question(
    edition: Edition, city_a: Member, secretariat: Persona
) -> None:
    question = partners(edition)
    entry = make_entry(edition, city_a)
    EntryAnswer.objects.create(entry=entry, question=question, value="=cmd")

    response = logged_in(secretariat).get(f"/en/awards/{edition.number}/export/entries.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["Partner organizations"] == "'=cmd"

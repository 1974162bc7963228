"""The registration form's own questions: asked in the form, checked, stored, shown in the back
office and exported one column per question."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from moim.assemblies import answers
from moim.assemblies.models import (
    Assembly,
    Registration,
    RegistrationAnswer,
    RegistrationQuestion,
)
from moim.errors import Invalid
from moim.questions import QuestionKind
from tests.assemblies.factories import RegistrationFactory
from tests.assemblies.helpers import logged_in
from tests.assemblies.test_views import form_data
from tests.conftest import Persona

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def diet(assembly: Assembly, **extra: Any) -> RegistrationQuestion:
    fields = {"label_en": "Dietary requirements", "label_ko": "식이 제한", "position": 1}
    return RegistrationQuestion.objects.create(
        assembly=assembly, kind=QuestionKind.TEXT, **{**fields, **extra}
    )


def session(assembly: Assembly) -> RegistrationQuestion:
    return RegistrationQuestion.objects.create(
        assembly=assembly,
        label_en="Which session will you join?",
        label_ko="어느 세션에 참석하십니까?",
        kind=QuestionKind.CHOICE,
        options_en="Plenary\nAwards",
        options_ko="총회\n시상식",
        required=True,
        position=2,
    )


def _register(client: Client, assembly: Assembly, **extra: Any) -> str:
    response = client.post(
        f"/en/assemblies/{assembly.edition}/register/", {**form_data(), **extra}, follow=True
    )
    return str(response.content.decode())


def test_a_question_appears_in_the_form_and_its_answer_is_stored(
    assembly: Assembly, client: Client
) -> None:
    question = diet(assembly)

    form = client.get(f"/en/assemblies/{assembly.edition}/register/").content.decode()
    _register(client, assembly, **{question.field_name: "Vegetarian"})

    assert "Dietary requirements" in form
    assert f'name="{question.field_name}"' in form
    registration = Registration.objects.get(assembly=assembly)
    assert list(registration.answers.values_list("value", flat=True)) == ["Vegetarian"]


def test_the_korean_form_asks_in_korean(assembly: Assembly, client: Client) -> None:
    session(assembly)

    form = client.get(f"/ko/assemblies/{assembly.edition}/register/").content.decode()

    assert "어느 세션에 참석하십니까?" in form
    assert "시상식" in form


def test_a_required_question_left_empty_keeps_what_was_typed(
    assembly: Assembly, client: Client
) -> None:
    session(assembly)

    html = _register(client, assembly, full_name="Ana Costa")

    assert Registration.objects.count() == 0
    assert "This field is required." in html
    assert 'value="Ana Costa"' in html


def test_a_choice_outside_the_options_is_refused(assembly: Assembly, client: Client) -> None:
    question = session(assembly)

    html = _register(client, assembly, **{question.field_name: "Banquet"})

    assert Registration.objects.count() == 0
    assert "Select a valid choice." in html


def test_the_service_holds_answers_to_the_questions(assembly: Assembly) -> None:
    question = session(assembly)
    typed = {**form_data(), "member": None}

    with pytest.raises(Invalid, match="not one of the options"):
        answers.register_with_answers(assembly=assembly, answers={question.pk: "Banquet"}, **typed)
    with pytest.raises(Invalid, match="must be answered"):
        answers.register_with_answers(assembly=assembly, answers={}, **typed)

    assert Registration.objects.count() == 0


def test_an_answer_to_another_assemblys_question_is_refused(
    assembly: Assembly, organization: Any
) -> None:
    from tests.assemblies.factories import AssemblyFactory

    other = diet(AssemblyFactory(organization=organization))

    with pytest.raises(Invalid, match="does not ask"):
        answers.register_with_answers(
            assembly=assembly, answers={other.pk: "x"}, **{**form_data(), "member": None}
        )


def test_a_file_answer_must_be_what_its_name_says(assembly: Assembly, client: Client) -> None:
    question = RegistrationQuestion.objects.create(
        assembly=assembly, label_en="Passport photo", kind=QuestionKind.FILE
    )
    script = SimpleUploadedFile("photo.png", b"#!/bin/sh\nrm -rf /\n", "image/png")

    html = _register(client, assembly, **{question.field_name: script})

    assert Registration.objects.count() == 0
    assert "does not contain what its name says" in html


def test_a_file_answer_is_stored_under_our_name(assembly: Assembly, client: Client) -> None:
    question = RegistrationQuestion.objects.create(
        assembly=assembly, label_en="Passport photo", kind=QuestionKind.FILE
    )
    photo = SimpleUploadedFile("../../etc/me.png", PNG, "image/png")

    _register(client, assembly, **{question.field_name: photo})

    answer = RegistrationAnswer.objects.get()
    assert answer.file.name.startswith("answers/")
    assert answer.file.name.endswith(f"registration-{answer.registration_id}-{question.pk}.png")
    answer.file.delete()


def test_answers_show_in_the_back_office_and_the_export(
    assembly: Assembly, secretariat: Persona
) -> None:
    text, choice = diet(assembly), session(assembly)
    registration = RegistrationFactory(assembly=assembly, full_name="Ana Costa")
    RegistrationAnswer.objects.create(
        registration=registration, question=text, value="=HYPERLINK(evil)"
    )
    RegistrationAnswer.objects.create(registration=registration, question=choice, value="Awards")
    staff = logged_in(secretariat)

    page = staff.get(f"/en/assemblies/{assembly.edition}/registrations/").content.decode()
    exported = staff.get(f"/en/assemblies/{assembly.edition}/registrations/?format=csv")
    with translation.override("ko"):
        korean = staff.get(f"/ko/assemblies/{assembly.edition}/registrations/").content.decode()

    assert "<dt>Dietary requirements</dt><dd>=HYPERLINK(evil)</dd>" in page
    assert "<dt>어느 세션에 참석하십니까?</dt><dd>시상식</dd>" in korean
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert rows[0]["Dietary requirements"] == "'=HYPERLINK(evil)"
    assert rows[0]["Which session will you join?"] == "Awards"


def test_a_question_headed_like_a_formula_is_exported_as_text(
    assembly: Assembly, secretariat: Persona
) -> None:
    RegistrationQuestion.objects.create(assembly=assembly, label_en="@SUM(1)")
    RegistrationFactory(assembly=assembly)

    exported = logged_in(secretariat).get(
        f"/en/assemblies/{assembly.edition}/registrations/?format=csv"
    )

    header = next(csv.reader(io.StringIO(exported.content.decode())))
    assert header[-1] == "'@SUM(1)"


def test_the_secretariat_adds_a_question_on_its_page(
    assembly: Assembly, secretariat: Persona, client: Client
) -> None:
    staff = logged_in(secretariat)
    url = f"/en/assemblies/{assembly.edition}/questions/new/"

    refused = staff.post(url, {"label_en": "Session", "kind": "choice", "options_en": "Only"})
    staff.post(
        url,
        {
            "label_en": "Session",
            "label_ko": "세션",
            "kind": "multiple",
            "options_en": "Plenary\nAwards",
            "options_ko": "총회\n시상식",
            "position": "1",
        },
    )
    listed = staff.get(f"/en/assemblies/{assembly.edition}/questions/").content.decode()
    form = client.get(f"/en/assemblies/{assembly.edition}/register/").content.decode()

    assert "A choice needs at least two options" in refused.content.decode()
    question = RegistrationQuestion.objects.get(assembly=assembly)
    assert (question.kind, question.options()) == (
        "multiple",
        [("Plenary", "Plenary"), ("Awards", "Awards")],
    )
    assert "Session" in listed
    assert 'type="checkbox"' in form
    assert "Awards" in form


def test_removing_a_question_removes_its_answers(assembly: Assembly, secretariat: Persona) -> None:
    question = diet(assembly)
    registration = RegistrationFactory(assembly=assembly)
    RegistrationAnswer.objects.create(registration=registration, question=question, value="None")

    logged_in(secretariat).post(
        f"/en/assemblies/{assembly.edition}/questions/{question.pk}/delete/"
    )

    assert RegistrationAnswer.objects.count() == 0
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_a_delegate_cannot_add_or_remove_questions(assembly: Assembly, delegate_a: Persona) -> None:
    question = diet(assembly)
    delegate = logged_in(delegate_a)

    added = delegate.post(
        f"/en/assemblies/{assembly.edition}/questions/new/", {"label_en": "x", "kind": "text"}
    )
    removed = delegate.post(f"/en/assemblies/{assembly.edition}/questions/{question.pk}/delete/")

    assert (added.status_code, removed.status_code) == (403, 403)
    assert list(RegistrationQuestion.objects.values_list("label_en", flat=True)) == [
        "Dietary requirements"
    ]


def test_another_assemblys_question_cannot_be_changed_from_this_one(
    assembly: Assembly, secretariat: Persona, organization: Any
) -> None:
    from tests.assemblies.factories import AssemblyFactory

    other = diet(AssemblyFactory(organization=organization, edition=assembly.edition + 1))

    response = logged_in(secretariat).post(
        f"/en/assemblies/{assembly.edition}/questions/{other.pk}/delete/"
    )

    assert response.status_code == 404
    assert RegistrationQuestion.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("count", [1, 3])
def test_registration_list_with_questions_query_count(
    assembly: Assembly,
    secretariat: Persona,
    count: int,
    django_assert_num_queries: Any,
) -> None:
    question = diet(assembly)
    for _ in range(count):
        registration = RegistrationFactory(assembly=assembly)
        RegistrationAnswer.objects.create(
            registration=registration, question=question, value="Halal"
        )
    staff = logged_in(secretariat)

    with django_assert_num_queries(9):
        response = staff.get(f"/en/assemblies/{assembly.edition}/registrations/")

    assert response.content.decode().count("<dd>Halal</dd>") == count


def test_walk_a_question_from_the_secretariats_page_to_the_export(
    assembly: Assembly, secretariat: Persona, client: Client
) -> None:
    staff = logged_in(secretariat)
    fields = {"label_en": "Dietary requirements", "label_ko": "식이 제한", "kind": "text"}
    staff.post(f"/en/assemblies/{assembly.edition}/questions/new/", {**fields, "position": 0})
    question = RegistrationQuestion.objects.get(assembly=assembly)

    _register(client, assembly, **{question.field_name: "Vegetarian"})
    page = staff.get(f"/en/assemblies/{assembly.edition}/registrations/").content.decode()
    exported = staff.get(f"/en/assemblies/{assembly.edition}/registrations/?format=csv")

    assert "<dt>Dietary requirements</dt><dd>Vegetarian</dd>" in page
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert [row["Dietary requirements"] for row in rows] == ["Vegetarian"]

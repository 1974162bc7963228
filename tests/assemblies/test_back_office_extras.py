"""The back office's badges, certificates and registration questions."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from moim.assemblies.enums import CertificateStatus
from moim.assemblies.models import Assembly, AttendanceCertificate, RegistrationQuestion
from moim.questions import QuestionKind
from tests.assemblies.factories import RegistrationFactory
from tests.assemblies.helpers import logged_in, pdf_pages
from tests.conftest import Persona


@pytest.mark.parametrize("model", ["registrationquestion", "attendancecertificate"])
def test_back_office_lists_and_searches_the_new_models(
    assembly: Assembly, secretariat: Persona, model: str
) -> None:
    registration = RegistrationFactory(assembly=assembly, checked_in_at=timezone.now())
    AttendanceCertificate.objects.create(registration=registration, requested_at=timezone.now())
    RegistrationQuestion.objects.create(assembly=assembly, label_en="Dietary requirements")

    listing = logged_in(secretariat).get(f"/en/admin/assemblies/{model}/", {"q": "a"})

    assert 'id="changelist-search"' in listing.content.decode()


def test_back_office_adds_a_question_through_the_service(
    assembly: Assembly, secretariat: Persona
) -> None:
    staff = logged_in(secretariat)
    url = "/en/admin/assemblies/registrationquestion/add/"
    fields = {"assembly": assembly.pk, "label_en": "Session", "position": 0}

    refused = staff.post(url, {**fields, "kind": "choice", "options_en": "Only one"})
    staff.post(url, {**fields, "kind": "yes_no", "required": "on"})

    assert "A choice needs at least two options" in refused.content.decode()
    question = RegistrationQuestion.objects.get()
    assert (question.kind, question.required, question.position) == (QuestionKind.YES_NO, True, 1)


def test_back_office_prints_badges_of_the_selected(
    assembly: Assembly, secretariat: Persona
) -> None:
    chosen = [RegistrationFactory(assembly=assembly) for _ in range(2)]
    RegistrationFactory(assembly=assembly)

    response = logged_in(secretariat).post(
        "/en/admin/assemblies/registration/",
        {"action": "badges_a7", "_selected_action": [r.pk for r in chosen]},
    )

    assert response["Content-Type"] == "application/pdf"
    assert pdf_pages(response.content) == 2


def test_back_office_issues_certificates_only_to_who_attended(
    assembly: Assembly, secretariat: Persona
) -> None:
    came = RegistrationFactory(assembly=assembly, checked_in_at=timezone.now())
    absent = RegistrationFactory(assembly=assembly)

    logged_in(secretariat).post(
        "/en/admin/assemblies/registration/",
        {"action": "issue_certificates", "_selected_action": [came.pk, absent.pk]},
    )

    assert list(AttendanceCertificate.objects.values_list("registration", "status")) == [
        (came.pk, CertificateStatus.ISSUED)
    ]


def test_a_delegate_has_no_back_office(assembly: Assembly, delegate_a: Persona) -> None:
    registration = RegistrationFactory(assembly=assembly)
    client: Client = logged_in(delegate_a)

    response = client.post(
        "/en/admin/assemblies/registration/",
        {"action": "badges_a6", "_selected_action": [registration.pk]},
    )

    assert not response.content.startswith(b"%PDF")

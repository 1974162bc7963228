"""Query counts of the certificate, question and "My registrations" lists at 1 and 3 items."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from moim.assemblies.models import Assembly, AttendanceCertificate, RegistrationQuestion
from moim.members.models import Person
from tests.assemblies.factories import AssemblyFactory, RegistrationFactory
from tests.assemblies.helpers import logged_in
from tests.conftest import Persona


@pytest.mark.parametrize("count", [1, 3])
def test_certificate_list_query_count(
    assembly: Assembly, secretariat: Persona, count: int, django_assert_num_queries: Any
) -> None:
    for _ in range(count):
        registration = RegistrationFactory(assembly=assembly, checked_in_at=timezone.now())
        AttendanceCertificate.objects.create(registration=registration, requested_at=timezone.now())
    staff = logged_in(secretariat)

    with django_assert_num_queries(6):
        response = staff.get(f"/en/assemblies/{assembly.edition}/certificates/")

    assert response.content.decode().count('<span class="badge">Requested</span>') == count


@pytest.mark.parametrize("count", [1, 3])
def test_question_list_query_count(
    assembly: Assembly, secretariat: Persona, count: int, django_assert_num_queries: Any
) -> None:
    for n in range(count):
        RegistrationQuestion.objects.create(assembly=assembly, label_en=f"Question {n}")
    staff = logged_in(secretariat)

    with django_assert_num_queries(6):
        response = staff.get(f"/en/assemblies/{assembly.edition}/questions/")

    assert response.content.decode().count("Question ") >= count


@pytest.mark.parametrize("count", [1, 3])
def test_my_registrations_query_count(
    delegate_a: Persona, count: int, django_assert_num_queries: Any
) -> None:
    person = Person.objects.get(user=delegate_a)
    for _ in range(count):
        RegistrationFactory(
            assembly=AssemblyFactory(organization=person.organization),
            person=person,
            member=person.member,
        )
    client = logged_in(delegate_a)

    with django_assert_num_queries(5):
        response = client.get("/en/assemblies/mine/")

    assert response.content.decode().count('<article class="card">') == count

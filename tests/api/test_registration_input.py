"""The public registration API answers bad input with 400 or 422 and the reason, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moim.assemblies.models import Assembly, Registration

URL = "/api/assemblies/5/registrations"
GOOD: dict[str, Any] = {
    "full_name": "Clara Brugada",
    "email": "clara@example.org",
    "role": "mayor",
    "attendance_mode": "online",
    "country": "MX",
}


# Bounds the schema declares answer 422 naming the field before any service runs; what only the
# registrant check knows (control characters, a real e-mail address) answers 400 with the reason.
@pytest.mark.parametrize(
    ("field", "value", "status", "reason"),
    [
        ("full_name", "A" * 300, 422, "body.full_name: At most 200 characters."),
        ("full_name", "A" * 1_000_000, 422, "body.full_name: At most 200 characters."),
        ("full_name", "Clara\u0000", 400, "Full name: It contains the control character U+0000"),
        ("country", "ZZZ", 422, "body.country:"),
        ("email", "clara", 400, "E-mail: 'clara' is not an e-mail address."),
        ("language", "klingon", 422, "body.language: Must be one of: 'en' or 'ko'."),
        ("title", "T" * 201, 422, "body.title: At most 200 characters."),
    ],
)
def test_bad_registration_is_refused_with_the_reason(
    client: Client, assembly: Assembly, field: str, value: str, status: int, reason: str
) -> None:
    response = client.post(URL, {**GOOD, field: value}, content_type="application/json")

    assert response.status_code == status
    assert reason in response.json()["detail"]
    assert Registration.objects.count() == 0


def test_registration_name_is_cleaned_through_the_api(client: Client, assembly: Assembly) -> None:
    response = client.post(
        URL,
        {**GOOD, "full_name": "\u202eClara\u2066 Brugada\u200b", "country": "mx"},
        content_type="application/json",
    )

    registration = Registration.objects.get()
    assert response.status_code == 201
    assert (registration.full_name, registration.country.code) == ("Clara Brugada", "MX")

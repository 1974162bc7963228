"""The public registration API answers bad input with 422 and the reason, never a 500."""

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


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("full_name", "A" * 300, "Full name: At most 200 characters (this has 300)."),
        ("full_name", "A" * 1_000_000, "Full name: At most 200 characters (this has 1000000)."),
        ("full_name", "Clara\u0000", "Full name: It contains the control character U+0000"),
        ("country", "ZZZ", "Country: 'ZZZ' is not an ISO 3166 country code"),
        ("email", "clara", "E-mail: 'clara' is not an e-mail address."),
        ("language", "klingon", "Language: 'klingon' is not a language of this site"),
        ("title", "T" * 201, "Title or position: At most 200 characters (this has 201)."),
    ],
)
def test_bad_registration_gets_422_with_the_reason(
    client: Client, assembly: Assembly, field: str, value: str, reason: str
) -> None:
    response = client.post(URL, {**GOOD, field: value}, content_type="application/json")

    assert response.status_code == 422
    assert reason in response.json()["message"]
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

"""Every registrant field is checked before the database sees it, with a reason per field."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from django.test import Client

from moim.assemblies import services
from moim.assemblies.models import Assembly, Registration
from moim.errors import Invalid
from moim.members.models import Member
from tests.assemblies.test_views import form_data

GOOD: dict[str, Any] = {
    "full_name": "Lucía Méndez",
    "email": "lucia@example.org",
    "role": "vice_mayor",
    "attendance_mode": "in_person",
    "country": "MX",
}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("full_name", "A" * 300, "Full name: At most 200 characters (this has 300)."),
        ("full_name", "A" * 1_000_000, "Full name: At most 200 characters (this has 1000000)."),
        ("full_name", "Ana\x00Costa", "Full name: It contains the control character U+0000"),
        ("full_name", "\u202e\u200b ", "Full name: A name is required."),
        ("title", "Mayor\x1b[31m", "Title or position: It contains the control character U+001B"),
        ("organization_name", "O" * 201, "Organization: At most 200 characters (this has 201)."),
        ("country", "ZZZ", "Country: 'ZZZ' is not an ISO 3166 country code"),
        ("email", "not-an-address", "E-mail: 'not-an-address' is not an e-mail address."),
        ("email", "a\x00@example.org", "E-mail: It contains the control character U+0000"),
        ("email", "a" * 250 + "@example.org", "E-mail: At most 254 characters (this has 262)."),
        ("accessibility_needs", "x" * 2001, "Accessibility needs: At most 2000 characters"),
        ("accessibility_needs", "ramp\x00", "Accessibility needs: It contains the control"),
        ("language", "xx", "Language: 'xx' is not a language of this site (one of: en, ko)."),
        ("role", "king", "Role: 'king' is not one of: mayor, vice_mayor"),
        ("attendance_mode", "teleport", "Attendance: 'teleport' is not one of: in_person, online"),
    ],
)
def test_register_refuses_bad_input_before_the_database(
    assembly: Assembly, field: str, value: str, reason: str
) -> None:
    with pytest.raises(Invalid) as refused:
        services.register(assembly=assembly, **{**GOOD, field: value})

    assert reason in refused.value.message
    assert Registration.objects.count() == 0


def test_register_names_every_bad_field_at_once(assembly: Assembly) -> None:
    with pytest.raises(Invalid) as refused:
        services.register(assembly=assembly, **{**GOOD, "full_name": "A" * 201, "country": "ZZ"})

    assert refused.value.message == (
        "Full name: At most 200 characters (this has 201). "
        "Country: 'ZZ' is not an ISO 3166 country code (such as KR or MX)."
    )


def test_register_accepts_alpha3_country_and_stores_alpha2(assembly: Assembly) -> None:
    registration = services.register(assembly=assembly, **{**GOOD, "country": "mex"})

    assert registration.country.code == "MX"


def test_registered_names_are_nfc_without_bidi_or_zero_width_tricks(assembly: Assembly) -> None:
    decomposed = unicodedata.normalize("NFD", "Lucía 한국")
    typed = f"\u202e{decomposed}\u200b\u2066  Méndez\u2069\ufeff"

    registration = services.register(
        assembly=assembly,
        **{**GOOD, "full_name": typed, "organization_name": "City\u200d\u202d Hall"},
    )

    registration.refresh_from_db()
    assert registration.full_name == "Lucía 한국 Méndez"
    assert unicodedata.is_normalized("NFC", registration.full_name)
    assert registration.organization_name == "City Hall"


def test_the_desk_refuses_a_nul_in_a_name(assembly: Assembly, secretariat: Any) -> None:
    with pytest.raises(Invalid, match="Full name: It contains the control"):
        services.register_walk_in(
            assembly=assembly,
            by=secretariat,
            full_name="Ana\x00",
            email="ana@example.org",
            role="delegate",
            country="KR",
        )
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("full_name", "A" * 300, "Ensure this value has at most 200 characters (it has 300)."),
        ("full_name", "Ana\x00", "It contains the control character U+0000 at position 4."),
        ("full_name", "Ana\x07", "It contains the control character U+0007 at position 4."),
        ("country", "ZZ", "Select a valid choice. ZZ is not one of the available choices."),
        ("accessibility_needs", "ramp\x1b", "It contains the control character U+001B"),
        ("email", "lucia@@example.org", "Enter a valid email address."),
    ],
)
def test_public_form_shows_the_reason_and_stores_nothing(
    client: Client, assembly: Assembly, field: str, value: str, reason: str
) -> None:
    response = client.post(
        f"/en/assemblies/{assembly.edition}/register/", form_data(**{field: value})
    )

    assert reason in response.content.decode().replace("&#x27;", "'")
    assert Registration.objects.count() == 0


def test_public_form_cleans_the_name_it_stores(
    client: Client, assembly: Assembly, city_b: Member
) -> None:
    client.post(
        f"/en/assemblies/{assembly.edition}/register/",
        form_data(full_name="\u202eLucía\u200b  Méndez"),
    )

    assert Registration.objects.get().full_name == "Lucía Méndez"

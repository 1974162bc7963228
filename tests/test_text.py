"""One way to clean a name: NFC, no invisible format characters, no control characters."""

from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from moim.members.models import Member, Organization, Person
from moim.members.services import import_members
from moim.text import clean_name
from tests.factories import CategoryFactory, RegionFactory

TRICKS = [
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f",
]  # fmt: skip


@pytest.mark.parametrize("trick", TRICKS)
def test_invisible_characters_cannot_make_two_names_look_alike(trick: str) -> None:
    assert clean_name(f"Se{trick}oul") == clean_name("Seoul") == "Seoul"


def test_clean_name_composes_and_collapses_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "  서울  Jeongdong ")

    assert clean_name(decomposed) == "서울 Jeongdong"


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\n", "\t", "\x7f"])
def test_clean_name_refuses_control_characters(control: str) -> None:
    with pytest.raises(ValidationError, match=f"U\\+{ord(control):04X} at position 4"):
        clean_name(f"Ana{control}")


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cs"))))
def test_clean_name_is_idempotent_and_leaves_nothing_invisible(text: str) -> None:
    once = clean_name(text)

    assert clean_name(once) == once
    assert not any(unicodedata.category(char) == "Cf" for char in once)
    assert unicodedata.is_normalized("NFC", once)


def test_a_person_saved_anywhere_is_stored_clean(organization: Organization) -> None:
    person = Person.objects.create(organization=organization, name_en="\u202eMallory\u200b Kim")

    person.refresh_from_db()
    assert person.name_en == "Mallory Kim"


def test_member_import_cleans_names_and_refuses_control_characters(
    organization: Organization,
) -> None:
    RegionFactory(organization=organization, code="asia")
    CategoryFactory(organization=organization, code="full")
    header = "slug,name_en,name_ko,kind,country,region,category\n"
    good = "seoul,Seo\u200bul\u202e,서울,local_government,KR,asia,full\n"
    bad = "busan,Bu\x1bsan,부산,local_government,KR,asia,full\n"

    refused = import_members(
        organization=organization, data=(header + good + bad).encode(), file_format="csv"
    )
    imported = import_members(
        organization=organization, data=(header + good).encode(), file_format="csv"
    )

    assert refused.file_problems == [
        "The file is not CSV text: it holds the control byte 0x1B at byte 114 of the file."
    ]
    assert refused.created == 0
    assert imported.created == 1
    assert Member.objects.get().name_en == "Seoul"

"""Names typed for award entries are cleaned like every other name (moim.text.clean_name)."""

from __future__ import annotations

from moim.awards.models import Edition
from moim.members.models import Member
from tests.awards.conftest import make_entry


def test_an_applicant_company_name_is_stored_clean(edition: Edition, city_a: Member) -> None:
    entry = make_entry(edition, city_a, company="\u202eSmart\u200b  Mobility\u2069 Ltd")

    entry.refresh_from_db()
    assert entry.applicant_name == "Smart Mobility Ltd"

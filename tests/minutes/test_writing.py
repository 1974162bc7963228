"""Each section is written from the records, in English and in Korean."""

from __future__ import annotations

import pytest

from moim.members.models import Organization
from moim.minutes.enums import SectionKey
from moim.minutes.writing import WRITERS, section_text
from tests.assemblies.factories import AssemblyFactory
from tests.site.publication_plenary import Published

pytestmark = pytest.mark.django_db


def test_decisions_give_the_motion_s_text_counts_and_verdict(plenary: Published) -> None:
    assembly = plenary.plenary.assembly

    english = section_text(assembly, SectionKey.DECISIONS, "en")

    assert "1. Adopt the 2030 Master Plan (Motion)" in english
    assert "Round 1: Yes 8, No 2 and Abstain 2 (12 ballots)." in english
    assert "Verdict: Adopted." in english
    assert english.index("Adopt the 2030 Master Plan") < english.index("Election of the President")


def test_decisions_in_korean_use_the_korean_names(plenary: Published) -> None:
    korean = section_text(plenary.plenary.assembly, SectionKey.DECISIONS, "ko")

    assert "찬성 8, 반대 2, 기권 2" in korean
    assert "채택." in korean
    assert "Adopt the 2030 Master Plan" in korean  # a title without Korean keeps its English


def test_a_ranked_election_is_set_out_count_by_count(plenary: Published) -> None:
    members = plenary.plenary.members

    english = section_text(plenary.plenary.assembly, SectionKey.ELECTIONS, "en")

    assert "Count 1 (first preferences)" in english
    assert f"Excluded: {members[2].name_en}." in english
    assert f"Elected: {members[1].name_en}." in english
    assert f"{members[1].name_en} 7 and {members[0].name_en} 5" in english


def test_attendance_gives_each_vote_s_presence_and_quorum(plenary: Published) -> None:
    poll = plenary.motion_poll

    english = section_text(plenary.plenary.assembly, SectionKey.ATTENDANCE, "en")

    line = next(x for x in english.splitlines() if "Adopt the 2030 Master Plan" in x)
    assert "12 members entitled" in line
    assert "by proxy 0" in line
    assert f"Quorum: {poll.present_weight} of 12 present or represented, 6 required; met." in line


def test_sections_without_records_say_so(plenary: Published) -> None:
    assembly = plenary.plenary.assembly

    assert section_text(assembly, SectionKey.AWARDS, "en") == (
        "No awards were presented at this assembly."
    )
    assert section_text(assembly, SectionKey.SPEAKERS, "en") == "Nobody took the floor."
    assert section_text(assembly, SectionKey.APPOINTMENTS, "en") == "No appointment was made."


def test_an_assembly_without_records_gets_every_section_in_both_languages(
    organization: Organization,
) -> None:
    assembly = AssemblyFactory(organization=organization, edition=8, venue_en="City Hall")

    texts = {(k, lang): section_text(assembly, k, lang) for k in WRITERS for lang in ("en", "ko")}

    assert all(texts.values())
    assert "Place: City Hall, Seoul" in texts[(SectionKey.OPENING, "en")]
    assert "No chair of the plenary session is recorded." in texts[(SectionKey.OPENING, "en")]
    assert "No vote was taken." in texts[(SectionKey.ATTENDANCE, "en")]
    assert texts[(SectionKey.DECISIONS, "en")] == "No decision was on the agenda."
    assert texts[(SectionKey.ELECTIONS, "en")] == "No election was held."
    assert "제8회 총회" in texts[(SectionKey.OPENING, "ko")]

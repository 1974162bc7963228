"""The 4th WeGO Awards demonstration: the press release's winners, figures and acceptances."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from moim.assemblies import demo as assemblies_demo
from moim.awards import demo, results
from moim.awards.enums import AcceptanceMode, EditionStatus, RemarksForm, RoundKind
from moim.awards.models import Award, Conflict, Edition, Entry, Sheet
from moim.members import demo as members_demo
from moim.members.models import Organization
from tests.worlds import once_per_module

PRESS_RELEASE = Path("/work/shared/seed/press-release-2021-en.md")
for _candidate in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")):
    if (_candidate / "seed" / "press-release-2021-en.md").exists():
        PRESS_RELEASE = _candidate / "seed" / "press-release-2021-en.md"
        break


def press_release_gold_winners() -> list[str]:
    """The Gold winners row of the press release's facts table, e.g. 'Goyang (KR)' -> 'Goyang'."""
    row = next(
        line for line in PRESS_RELEASE.read_text("utf-8").splitlines() if line.startswith("| Gold")
    )
    cell = row.split("|")[2]
    return [re.sub(r"\s*\([A-Z]{2}\)", "", name).strip() for name in cell.split(",")]


def load_wego() -> Organization:
    """The members and assemblies demos, then the awards demo, as `moim demo` loads them."""
    organization = members_demo.load()
    assemblies_demo.load(organization)
    demo.load(organization)
    return organization


wego_for_module = once_per_module(load_wego)


@pytest.fixture
def wego(wego_for_module: Organization, db: None) -> Organization:
    return wego_for_module


def fourth(organization: Organization) -> Edition:
    return Edition.objects.get(programme__organization=organization, number=4)


def test_the_winners_page_shows_the_press_release_gold_winners(
    client: Client, wego: Organization
) -> None:
    golds = press_release_gold_winners()
    assert golds == ["Goyang", "Seongnam", "George Town", "São Paulo", "Mexico City", "Istanbul"]
    page = client.get(reverse("awards:winners", kwargs={"number": 4})).content.decode()
    gold_cities = re.findall(
        r'winner__level">Gold</span>\s*<span class="winner__city">([^<]+)</span>', page
    )
    assert len(gold_cities) == 6
    for name in golds:
        assert sum(name in city for city in gold_cities) == 1, name
    assert page.count('class="winner__city"') == 18
    # The three assignments public sources give.
    mobility = client.get(
        reverse("awards:winners_category", kwargs={"number": 4, "category": "mobility"})
    ).content.decode()
    assert re.search(r"Gold</span>\s*<span class=\"winner__city\">George Town", mobility)
    assert re.search(r"Silver</span>\s*<span class=\"winner__city\">Belo Horizonte", mobility)
    with translation.override("ko"):  # the request switches the language; switch it back after
        korean = client.get("/ko/awards/4/winners/").content.decode()
    assert "금상" in korean
    assert "고양시" in korean
    assert "모빌리티" in korean


def test_the_edition_page_states_entries_and_countries_from_the_entries(
    client: Client, wego: Organization
) -> None:
    edition = fourth(wego)
    entries = Entry.objects.filter(edition=edition)
    assert entries.count() == 52
    assert entries.values("beneficiary__country").distinct().count() == 18
    page = client.get(edition.get_absolute_url()).content.decode()
    assert "52 entries from 18 countries" in page
    assert "18 winners" in page
    assert "5th General Assembly" in page
    for korean in [
        "효율적 행정",
        "신기술",
        "모빌리티",
        "개방·포용 도시",
        "안전 도시",
        "지속가능 도시",
    ]:
        assert korean in page


def test_acceptances_follow_the_press_release(wego: Organization) -> None:
    golds = {
        award.entry.beneficiary.slug: award
        for award in Award.objects.filter(edition=fourth(wego), level__position=1).select_related(
            "entry__beneficiary"
        )
    }
    assert golds["goyang"].acceptance_mode == AcceptanceMode.IN_PERSON
    assert golds["seongnam"].acceptance_mode == AcceptanceMode.IN_PERSON
    for slug, title in [
        ("sao-paulo", "Ambassador of Brazil"),
        ("mexico-city", "Ambassador of Mexico"),
        ("george-town", "Chargé d'affaires of Malaysia"),
    ]:
        award = golds[slug]
        assert award.acceptance_mode == AcceptanceMode.REPRESENTATIVE
        assert award.accepted_by_title.startswith(title)
        assert award.remarks_form == RemarksForm.ONLINE
    assert golds["istanbul"].remarks_form == RemarksForm.ONLINE


def test_the_published_winners_are_what_the_jury_scores_say(wego: Organization) -> None:
    edition = fourth(wego)
    assert edition.status == EditionStatus.ANNOUNCED
    jury = edition.rounds.get(kind=RoundKind.JURY)
    for category, rows in results.compute_ranking(round_=jury).items():
        awarded = list(
            Award.objects.filter(category=category)
            .order_by("level__position")
            .values_list("entry", flat=True)
        )
        assert awarded == [row.entry.pk for row in rows[:3]], category.name_en
    assert results.snapshot_differences(edition=edition) == []
    # No juror scored an entry it is conflicted with; the registry found the Busan juror's.
    for conflict in Conflict.objects.filter(juror__edition=edition):
        assert not Sheet.objects.filter(juror=conflict.juror, entry=conflict.entry).exists()
    assert Conflict.objects.filter(
        juror__person__member__slug="busan", entry__beneficiary__slug="busan", source="automatic"
    ).exists()
    assert edition.jurors.count() == 6


def test_the_demo_loads_idempotently(wego: Organization) -> None:
    counts = (Entry.objects.count(), Sheet.objects.count(), Award.objects.count())
    demo.load(wego)
    assert (Entry.objects.count(), Sheet.objects.count(), Award.objects.count()) == counts
    assert Edition.objects.filter(programme__organization=wego).count() == 4
    summaries = Edition.objects.filter(number__lt=4).order_by("number")
    assert [(e.reported_entries, e.reported_winners) for e in summaries] == [
        (47, 10),
        (68, 15),
        (73, 18),
    ]

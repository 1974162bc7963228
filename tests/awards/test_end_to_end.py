"""An edition from call to ceremony: the published winners are what the scores say."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moim.awards import judging, results, services
from moim.awards.enums import ConflictSource, EditionStatus, EntryStatus, RoundKind
from moim.awards.models import Award, Conflict, Edition, Entry, Juror, ResultSnapshot, Round
from moim.members.models import Member, Organization
from moim.tally.methods.scoring import TieState
from tests.awards.conftest import city, make_entry, make_juror
from tests.factories import PersonFactory, UserFactory


def score(round_: Round, juror: Juror, table: dict[Entry, tuple[int, int]]) -> None:
    for entry, (impact, design) in table.items():
        judging.score_entry(
            round_=round_,
            juror=juror,
            entry=entry,
            values={"impact": impact, "design": design},
            submit=True,
        )


def test_an_edition_end_to_end(
    client: Client,
    edition: Edition,
    organization: Organization,
    city_a: Member,
    city_b: Member,
    delegate_a: Any,
    secretariat: Any,
    juror: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # --- Entries: one by a city itself, one on behalf of a city that approves, one that declines.
    busan, lima = city(organization, "Busan"), city(organization, "Lima", "PE")
    quito, nairobi, tokyo = (
        city(organization, "Quito", "EC"),
        city(organization, "Nairobi", "KE"),
        city(organization, "Tokyo", "JP"),
    )
    company = UserFactory(username="acme")
    PersonFactory(organization=organization, name_en="Ada Acme", user=company)

    seoul_entry = make_entry(edition, city_a, created_by=delegate_a, title="Seoul TOPIS")
    services.submit_entry(entry=seoul_entry, by=delegate_a)
    mexico_entry = make_entry(
        edition, city_b, company="Acme", created_by=company, title="CDMX bikes"
    )
    lima_entry = make_entry(edition, lima, "safe-city", company="Acme", created_by=company)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_entry(entry=mexico_entry, by=company)
        services.submit_entry(entry=lima_entry, by=company)
    # The cities' contacts follow their links.
    mexico_link = reverse("awards:approval", kwargs={"token": mexico_entry.approval_token})
    lima_link = reverse("awards:approval", kwargs={"token": lima_entry.approval_token})
    client.post(mexico_link, {"name": "Ana Díaz, CIO", "approve": ""})
    client.post(lima_link, {"name": "Luis Paz", "reason": "Not ours", "decline": ""})
    others = {
        name: make_entry(edition, member, category, status=EntryStatus.SUBMITTED)
        for name, member, category in [
            ("busan", busan, "mobility"),
            ("quito", quito, "safe-city"),
            ("nairobi", nairobi, "safe-city"),
            ("tokyo", tokyo, "safe-city"),
        ]
    }
    mexico_entry.refresh_from_db()
    lima_entry.refresh_from_db()
    assert mexico_entry.status == EntryStatus.SUBMITTED
    assert lima_entry.status == EntryStatus.DECLINED

    # --- Deadline, then screening.
    edition.deadline = timezone.now() - dt.timedelta(hours=1)
    edition.status = EditionStatus.SCREENING
    edition.save()
    for entry in [seoul_entry, mexico_entry, others["busan"], others["quito"], others["nairobi"]]:
        services.screen_entry(entry=entry, eligible=True, reason="", by=secretariat)
    services.screen_entry(entry=others["tokyo"], eligible=False, reason="Late form", by=secretariat)
    with pytest.raises(Exception, match="Only submitted entries"):
        services.screen_entry(entry=lima_entry, eligible=True, reason="", by=secretariat)

    # --- Jury: J1 is the juror persona, J2 works for Seoul (a conflict), J3 is independent.
    j1 = make_juror(edition, "Judith Juror", user=juror)
    j2 = make_juror(edition, "Jae Seoul", member=city_a)
    j3 = make_juror(edition, "Joan Outside")
    detected = judging.detect_conflicts(edition=edition, by=secretariat)
    assert [(c.juror, c.entry, c.source) for c in detected] == [
        (j2, seoul_entry, ConflictSource.AUTOMATIC)
    ]

    # --- First evaluation round: every juror on every eligible entry, but never a conflict.
    first = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    judging.assign_jurors(round_=first, by=secretariat)
    assert not first.assignments.filter(juror=j2, entry=seoul_entry).exists()
    judging.open_scoring(round_=first, by=secretariat)
    with pytest.raises(Exception, match="frozen"):
        judging.review_conflict(conflict=detected[0], status="waived", by=secretariat)
    b, s, m = others["busan"], seoul_entry, mexico_entry
    q, n = others["quito"], others["nairobi"]
    score(first, j1, {s: (8, 8), m: (6, 6), b: (4, 4), q: (7, 7), n: (5, 5)})
    score(first, j2, {m: (9, 9), b: (3, 3), q: (6, 6), n: (6, 6)})
    score(first, j3, {s: (7, 7), m: (8, 8), b: (2, 2), q: (5, 5), n: (8, 8)})
    judging.close_round(round_=first, by=secretariat)
    ranking = {c.slug: rows for c, rows in results.compute_ranking(round_=first).items()}
    assert [row.entry for row in ranking["mobility"]] == [s, m, b]
    # Safe City: equal on z-scores (J2 has no spread there), broken by the weighted mean.
    assert [(row.entry, row.tie) for row in ranking["safe-city"]] == [
        (n, TieState.RESOLVED),
        (q, TieState.RESOLVED),
    ]
    finalists = results.select_finalists(round_=first, per_category=2, by=secretariat)
    assert set(finalists) == {s, m, q, n}
    b.refresh_from_db()
    assert b.status == EntryStatus.ELIGIBLE

    # --- Jury round: its own scores; the first round's stay as they were.
    # Selecting the finalists made the jury round, in preparation, ranked as the first.
    jury = Round.objects.get(edition=edition, kind=RoundKind.JURY)
    assert (jury.status, jury.method) == ("preparing", first.method)
    judging.assign_jurors(round_=jury, by=secretariat)
    judging.open_scoring(round_=jury, by=secretariat)
    score(jury, j1, {s: (9, 7), m: (6, 6), q: (5, 5), n: (9, 9)})
    score(jury, j2, {m: (8, 8), q: (6, 6), n: (7, 7)})
    score(jury, j3, {s: (8, 8), m: (7, 9), q: (8, 8), n: (4, 4)})
    judging.close_round(round_=jury, by=secretariat)
    assert first.sheets.count() == 14
    assert jury.sheets.count() == 11
    ranking = {c.slug: rows for c, rows in results.compute_ranking(round_=jury).items()}
    assert [row.entry for row in ranking["mobility"]] == [s, m]
    assert [row.entry for row in ranking["safe-city"]] == [n, q]
    assert ranking["mobility"][0].z_mean == pytest.approx(1.0)
    assert ranking["mobility"][1].z_mean == pytest.approx(-2 / 3)

    # --- The jury decides: following the ranking needs no rationale, departing from it does.
    gold, silver = edition.levels.order_by("position")
    with pytest.raises(Exception, match="rationale"):
        results.decide_award(round_=jury, entry=q, level=gold, by=secretariat)
    for entry, level in [(s, gold), (m, silver), (n, gold), (q, silver)]:
        results.decide_award(round_=jury, entry=entry, level=level, by=secretariat)

    # --- Announcement and publication.
    snapshot = results.announce(edition=edition, by=secretariat)
    assert ResultSnapshot.objects.get(edition=edition) == snapshot
    assert [(a["city"], a["level"]) for a in snapshot.data["awards"]] == [
        ("Seoul", "Gold"),
        ("Mexico City", "Silver"),
        ("Nairobi", "Gold"),
        ("Quito", "Silver"),
    ]
    assert results.snapshot_differences(edition=edition) == []
    assert Award.objects.filter(edition=edition).count() == 4

    page = client.get(reverse("awards:winners", kwargs={"number": edition.number})).content.decode()
    assert page.index("Seoul TOPIS") < page.index("CDMX bikes") < page.index("Nairobi")
    assert page.index("Nairobi") < page.index("Quito")
    assert "Busan" not in page
    assert "Lima" not in page
    category_page = client.get(
        reverse(
            "awards:winners_category", kwargs={"number": edition.number, "category": "safe-city"}
        )
    ).content.decode()
    assert "Nairobi" in category_page
    assert "Seoul TOPIS" not in category_page
    edition_page = client.get(edition.get_absolute_url()).content.decode()
    # Declined (Lima) entries never counted; Tokyo entered but was not eligible.
    assert "6 entries from 5 countries" in edition_page

    # A later change in the scores shows as a difference; the announcement stays as it was.
    judging.declare_conflict(juror=j1, entry=n, reason="Advised Nairobi", by=secretariat)
    assert results.snapshot_differences(edition=edition) == [
        "first, safe-city: the ranking now differs from the one announced.",
        "jury, safe-city: the ranking now differs from the one announced.",
    ]
    snapshot.refresh_from_db()
    assert snapshot.data["awards"][2]["city"] == "Nairobi"
    assert Conflict.objects.filter(juror=j1, entry=n, source=ConflictSource.CHAIR).exists()

"""The jury: assignment, conflicts, the scoring pages, progress, ranking and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moim import errors
from moim.awards import judging, results
from moim.awards.enums import ConflictSource, ConflictStatus, EntryStatus, RoundKind
from moim.awards.models import Assignment, Conflict, Edition, Entry, Juror, Round, Sheet
from moim.members.models import Member, Organization
from tests.awards.conftest import city, make_entry, make_juror


def entry_url(edition: Edition, entry: Entry) -> str:
    return reverse("awards:jury_entry", kwargs={"number": edition.number, "pk": entry.pk})


def test_a_conflicted_juror_gets_404_on_the_entry_page(
    client: Client, edition: Edition, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    response = client.get(entry_url(edition, scoring_round["seoul"]))
    assert response.status_code == 404
    assert "Seoul secret project" not in response.content.decode()
    allowed = client.get(entry_url(edition, scoring_round["busan"])).content.decode()
    assert "Busan bus" in allowed
    home = client.get(reverse("awards:jury", kwargs={"number": edition.number})).content.decode()
    assert "Busan bus" in home
    assert "Seoul secret project" not in home


def test_a_conflicted_juror_cannot_post_scores(
    client: Client, edition: Edition, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    response = client.post(
        entry_url(edition, scoring_round["seoul"]),
        {"score_impact": 10, "score_design": 10, "submit": ""},
    )
    assert response.status_code == 404
    assert Sheet.objects.filter(entry=scoring_round["seoul"]).count() == 0
    with pytest.raises(errors.NotFound):
        judging.score_entry(
            round_=scoring_round["round"],
            juror=scoring_round["judge"],
            entry=scoring_round["seoul"],
            values={"impact": 10, "design": 10},
            submit=True,
        )
    assert Sheet.objects.filter(entry=scoring_round["seoul"]).count() == 0


def test_a_juror_scores_an_assigned_entry(
    client: Client, edition: Edition, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    url = entry_url(edition, scoring_round["busan"])
    client.post(
        url,
        {"score_impact": 7, "comment_impact": "Clear gains", "score_design": 5, "submit": ""},
    )
    sheet = Sheet.objects.get(juror=scoring_round["judge"], entry=scoring_round["busan"])
    assert sheet.submitted_at is not None
    assert {s.criterion.key: (s.value, s.comment) for s in sheet.scores.all()} == {
        "impact": (7, "Clear gains"),
        "design": (5, ""),
    }


def test_submitting_a_sheet_needs_every_criterion(
    client: Client, edition: Edition, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    page = client.post(
        entry_url(edition, scoring_round["busan"]), {"score_impact": 7, "submit": ""}
    ).content.decode()
    assert "Score every criterion before submitting: Design." in page
    assert not Sheet.objects.filter(submitted_at__isnull=False).exists()


def test_a_score_outside_the_scale_is_refused(scoring_round: dict[str, Any]) -> None:
    with pytest.raises(errors.Invalid, match="outside the scale 1–10"):
        judging.score_entry(
            round_=scoring_round["round"],
            juror=scoring_round["other"],
            entry=scoring_round["busan"],
            values={"impact": 11, "design": 5},
        )


def test_someone_without_a_jury_seat_gets_404(
    client: Client, edition: Edition, outsider: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(outsider)
    response = client.get(entry_url(edition, scoring_round["busan"]))
    assert response.status_code == 404
    assert "Busan bus" not in response.content.decode()


def test_a_juror_declares_a_conflict_and_the_entry_disappears(
    client: Client, edition: Edition, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    busan = scoring_round["busan"]
    jury_home = reverse("awards:jury", kwargs={"number": edition.number})
    assert "Busan bus" in client.get(jury_home).content.decode()
    client.post(
        reverse("awards:declare_conflict", kwargs={"number": edition.number, "pk": busan.pk}),
        {"reason": "I advised the project"},
    )
    conflict = Conflict.objects.get(juror=scoring_round["judge"], entry=busan)
    assert (conflict.source, conflict.reason) == (ConflictSource.DECLARED, "I advised the project")
    page = client.get(entry_url(edition, busan))
    home = client.get(jury_home).content.decode()
    assert page.status_code == 404
    assert "Busan bus" not in page.content.decode()
    assert "Busan bus" not in home


def test_detection_with_the_same_country_rule(
    edition: Edition, organization: Organization, city_a: Member, city_b: Member, secretariat: Any
) -> None:
    edition.conflict_same_country = True
    edition.save()
    busan = city(organization, "Busan")
    entries = [
        make_entry(edition, busan, status=EntryStatus.SUBMITTED),
        make_entry(edition, city_b, status=EntryStatus.SUBMITTED),
    ]
    seoul_juror = make_juror(edition, "Sam Seoul", member=city_a)
    found = judging.detect_conflicts(edition=edition, by=secretariat)
    assert [(c.juror, c.entry) for c in found] == [(seoul_juror, entries[0])]
    assert "same" not in found[0].reason
    assert "is in the city's country" in found[0].reason
    # Running it again records nothing twice.
    assert judging.detect_conflicts(edition=edition, by=secretariat) == []


def test_a_waived_conflict_lets_the_juror_be_assigned(
    edition: Edition, city_a: Member, secretariat: Any
) -> None:
    entry = make_entry(edition, city_a, status=EntryStatus.ELIGIBLE)
    juror = make_juror(edition, "Sam Seoul", member=city_a)
    (conflict,) = judging.detect_conflicts(edition=edition, by=secretariat)
    round_ = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    judging.assign_jurors(round_=round_, by=secretariat)
    assert not Assignment.objects.filter(juror=juror, entry=entry).exists()
    judging.review_conflict(conflict=conflict, status=ConflictStatus.WAIVED, by=secretariat)
    judging.assign_jurors(round_=round_, by=secretariat)
    assert Assignment.objects.filter(juror=juror, entry=entry).exists()


def test_k_jurors_per_entry_are_spread_evenly(
    edition: Edition, organization: Organization, city_a: Member, secretariat: Any
) -> None:
    entries = [
        make_entry(edition, city(organization, f"Town {n}"), status=EntryStatus.ELIGIBLE)
        for n in range(5)
    ]
    entries.append(make_entry(edition, city_a, status=EntryStatus.ELIGIBLE))
    jurors = [make_juror(edition, f"Juror {n}") for n in range(3)]
    jurors.append(make_juror(edition, "Sam Seoul", member=city_a))
    judging.detect_conflicts(edition=edition, by=secretariat)
    round_ = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    assert judging.assign_jurors(round_=round_, by=secretariat, per_entry=2) == 12
    loads = sorted(Assignment.objects.filter(juror=j).count() for j in jurors)
    assert loads == [3, 3, 3, 3]
    assert not Assignment.objects.filter(juror=jurors[3], entry=entries[5]).exists()
    assert all(Assignment.objects.filter(entry=e).count() == 2 for e in entries)


def test_jurors_assigned_per_category(
    edition: Edition, organization: Organization, secretariat: Any
) -> None:
    mobility = make_entry(edition, city(organization, "Busan"), status=EntryStatus.ELIGIBLE)
    safe = make_entry(edition, city(organization, "Lima"), "safe-city", status=EntryStatus.ELIGIBLE)
    specialist = make_juror(edition, "Mo Bility")
    specialist.categories.set([edition.categories.get(slug="mobility")])
    generalist = make_juror(edition, "Gen Eral")
    round_ = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    judging.assign_jurors(round_=round_, by=secretariat)
    assert set(Assignment.objects.values_list("juror", "entry")) == {
        (specialist.pk, mobility.pk),
        (generalist.pk, mobility.pk),
        (generalist.pk, safe.pk),
    }


def test_progress_shows_who_is_late(
    client: Client, edition: Edition, secretariat: Any, scoring_round: dict[str, Any]
) -> None:
    round_ = scoring_round["round"]
    round_.due = timezone.now() - dt.timedelta(hours=1)
    round_.save()
    judging.score_entry(
        round_=round_,
        juror=scoring_round["judge"],
        entry=scoring_round["busan"],
        values={"impact": 5, "design": 5},
        submit=True,
    )
    client.force_login(secretariat)
    page = client.get(
        reverse("awards:progress", kwargs={"number": edition.number})
    ).content.decode()
    assert "Late: Olga Other (2 sheets left)" in page
    assert "Judith Juror (" not in page
    rows = {
        r.juror.person.name_en: (r.assigned, r.submitted, r.late)
        for r in results.progress(round_=round_)
    }
    assert rows == {"Judith Juror": (1, 1, False), "Olga Other": (2, 0, True)}


def test_progress_is_for_the_secretariat_only(
    client: Client, edition: Edition, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    response = client.get(reverse("awards:progress", kwargs={"number": edition.number}))
    assert response.status_code == 403
    assert "Olga Other" not in response.content.decode()


def test_ranking_page_names_both_methods(
    client: Client, edition: Edition, secretariat: Any, scoring_round: dict[str, Any]
) -> None:
    round_ = scoring_round["round"]
    judging.score_entry(
        round_=round_,
        juror=scoring_round["other"],
        entry=scoring_round["busan"],
        values={"impact": 8, "design": 4},
        submit=True,
    )
    client.force_login(secretariat)
    page = client.get(reverse("awards:ranking", kwargs={"number": edition.number})).content.decode()
    assert "Mean of per-juror z-scores" in page
    assert "Weighted mean" in page
    assert "7.000" in page  # (3 * 8 + 1 * 4) / 4


def test_scores_export_as_csv(
    client: Client, edition: Edition, secretariat: Any, scoring_round: dict[str, Any]
) -> None:
    judging.score_entry(
        round_=scoring_round["round"],
        juror=scoring_round["other"],
        entry=scoring_round["busan"],
        values={"impact": 8, "design": 4},
        comments={"impact": "=HYPERLINK(1)"},
        submit=True,
    )
    client.force_login(secretariat)
    response = client.get(reverse("awards:export_scores", kwargs={"number": edition.number}))
    assert response["Content-Disposition"] == 'attachment; filename="awards-4-scores.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "round,entry_id,entry,juror,criterion,weight,score,submitted,comment"
    busan = scoring_round["busan"].pk
    assert lines[1:] == [
        f"first,{busan},Busan bus,Olga Other,impact,3.00,8,yes,'=HYPERLINK(1)",
        f"first,{busan},Busan bus,Olga Other,design,1.00,4,yes,",
    ]


def test_entries_export_as_csv(
    client: Client, edition: Edition, secretariat: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(secretariat)
    response = client.get(reverse("awards:export_entries", kwargs={"number": edition.number}))
    rows = [line.split(",") for line in response.content.decode("utf-8-sig").splitlines()]
    assert [(r[2], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("Seoul secret project", "Seoul", "KR", "eligible"),
        ("Busan bus", "Busan", "KR", "eligible"),
    ]


def test_exports_are_refused_to_jurors(
    client: Client, edition: Edition, juror: Any, scoring_round: dict[str, Any]
) -> None:
    client.force_login(juror)
    response = client.get(reverse("awards:export_entries", kwargs={"number": edition.number}))
    assert response.status_code == 403
    assert "Seoul secret project" not in response.content.decode()


def test_jurors_must_exist_before_assignment(edition: Edition, secretariat: Any) -> None:
    round_ = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    with pytest.raises(errors.Conflict, match="no jurors yet"):
        judging.assign_jurors(round_=round_, by=secretariat)
    assert Juror.objects.count() == 0


def test_the_jury_decides_on_the_ranking_page_and_announces(
    client: Client, edition: Edition, organization: Organization, secretariat: Any
) -> None:
    first = make_entry(
        edition, city(organization, "Busan"), title="Busan bus", status=EntryStatus.FINALIST
    )
    second = make_entry(
        edition, city(organization, "Lima", "PE"), title="Lima lanes", status=EntryStatus.FINALIST
    )
    judge = make_juror(edition, "Olga Other")
    jury = Round.objects.create(edition=edition, kind=RoundKind.JURY)
    judging.assign_jurors(round_=jury, by=secretariat)
    judging.open_scoring(round_=jury, by=secretariat)
    for entry, value in [(first, 9), (second, 6)]:
        judging.score_entry(
            round_=jury,
            juror=judge,
            entry=entry,
            values={"impact": value, "design": value},
            submit=True,
        )
    gold, silver = edition.levels.order_by("position")
    client.force_login(secretariat)
    decide = reverse("awards:decide", kwargs={"number": 4, "pk": second.pk})
    page = client.post(decide, {"level": gold.pk, "rationale": ""}, follow=True).content.decode()
    assert "departs from the ranking (position 2)" in page
    client.post(decide, {"level": silver.pk, "rationale": ""})
    client.post(reverse("awards:decide", kwargs={"number": 4, "pk": first.pk}), {"level": gold.pk})
    ranking = client.get(reverse("awards:ranking", kwargs={"number": 4}) + "?round=jury")
    assert "<strong>Gold</strong>" in ranking.content.decode()
    winners = client.post(reverse("awards:announce", kwargs={"number": 4}), follow=True)
    text = winners.content.decode()
    assert text.index("Busan bus") < text.index("Lima lanes")
    assert edition.awards.count() == 2


def test_a_juror_working_for_an_applying_company_is_conflicted(
    edition: Edition, city_b: Member, secretariat: Any
) -> None:
    entry = make_entry(edition, city_b, company="Acme Mobility", status=EntryStatus.SUBMITTED)
    juror = make_juror(edition, "Ann Acme")
    juror.person.affiliation_en = "ACME Mobility "
    juror.person.save()
    (conflict,) = judging.detect_conflicts(edition=edition, by=secretariat)
    assert (conflict.juror, conflict.entry, conflict.source) == (
        juror,
        entry,
        ConflictSource.AUTOMATIC,
    )
    assert conflict.reason == "The juror works for the applicant, Acme Mobility."


def test_the_secretariat_screens_on_its_page(
    client: Client, edition: Edition, organization: Organization, secretariat: Any
) -> None:
    entry = make_entry(edition, city(organization, "Busan"), status=EntryStatus.SUBMITTED)
    client.force_login(secretariat)
    url = reverse("awards:screening", kwargs={"number": 4})
    page = client.post(url, {"entry": entry.pk, "reason": "", "ineligible": ""}, follow=True)
    assert "Say why the entry is not eligible." in page.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    client.post(url, {"entry": entry.pk, "reason": "Not an ICT project", "ineligible": ""})
    entry.refresh_from_db()
    assert (entry.status, entry.screening_reason) == (EntryStatus.INELIGIBLE, "Not an ICT project")
    assert "Not an ICT project" in client.get(url).content.decode()


def test_screening_is_for_the_secretariat_only(
    client: Client, edition: Edition, organization: Organization, delegate_a: Any
) -> None:
    entry = make_entry(edition, city(organization, "Busan"), status=EntryStatus.SUBMITTED)
    client.force_login(delegate_a)
    url = reverse("awards:screening", kwargs={"number": 4})
    response = client.post(url, {"entry": entry.pk, "eligible": ""})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED

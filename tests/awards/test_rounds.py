"""Acts on rounds, by service and through the pages and the back office as the secretariat works.

Finalists chosen from the first round's ranking, entries screened late joining an open round,
a closed round reopened, and a round that is open or has scores never deleted.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from moim import errors
from moim.awards import judging, results, services
from moim.awards.enums import EntryStatus, LogAction, RoundKind, RoundStatus
from moim.awards.models import Assignment, Conflict, Edition, Entry, LogEntry, Round
from moim.members.models import Member, Organization
from tests.awards.conftest import city, make_entry


def score_all(round_: Round, marks: dict[Entry, int]) -> None:
    """Every assigned juror gives each entry the same mark on both criteria."""
    for assignment in Assignment.objects.filter(round=round_).select_related("juror", "entry"):
        if assignment.entry in marks:
            value = marks[assignment.entry]
            judging.score_entry(
                round_=round_,
                juror=assignment.juror,
                entry=assignment.entry,
                values={"impact": value, "design": value},
                submit=True,
            )


@pytest.fixture
def scored(scoring_round: dict[str, Any], edition: Edition, organization: Organization) -> Any:
    """The open first round with a third mobility entry, all scored: Busan, Incheon, Seoul."""
    round_ = scoring_round["round"]
    incheon = make_entry(edition, city(organization, "Incheon"), title="Incheon tram")
    incheon.status = EntryStatus.ELIGIBLE
    incheon.save()
    Assignment.objects.create(round=round_, juror=scoring_round["other"], entry=incheon)
    score_all(round_, {scoring_round["busan"]: 9, incheon: 6, scoring_round["seoul"]: 3})
    return {**scoring_round, "incheon": incheon}


# ---------------------------------------------------------------------------------------------
# Finalists


def test_finalists_are_selected_once_the_first_round_is_closed(
    scored: dict[str, Any], secretariat: Any
) -> None:
    round_ = scored["round"]
    with pytest.raises(errors.Conflict, match="Close the first round"):
        results.select_finalists(round_=round_, per_category=2, by=secretariat)
    judging.close_round(round_=round_, by=secretariat)
    chosen = results.select_finalists(round_=round_, per_category=2, by=secretariat)
    assert {e.title for e in chosen} == {"Busan bus", "Incheon tram"}
    jury = Round.objects.get(edition=round_.edition, kind=RoundKind.JURY)
    assert jury.status == RoundStatus.PREPARING
    assert {e.title for e in results.round_entries(jury)} == {"Busan bus", "Incheon tram"}
    # Choosing again replaces the first choice: the entry left out is eligible again.
    results.select_finalists(
        round_=round_, entries=[scored["busan"], scored["seoul"]], by=secretariat
    )
    statuses = dict(Entry.objects.values_list("title", "status"))
    assert statuses == {
        "Busan bus": EntryStatus.FINALIST,
        "Seoul secret project": EntryStatus.FINALIST,
        "Incheon tram": EntryStatus.ELIGIBLE,
    }
    record = LogEntry.objects.filter(action=LogAction.FINALISTS_SELECTED).first()
    assert record is not None
    assert sorted(record.detail["entries"]) == sorted([scored["busan"].pk, scored["seoul"].pk])
    assert record.detail["dropped"] == [scored["incheon"].pk]
    assert record.detail["positions"][str(scored["seoul"].pk)] == 3


def test_finalists_no_longer_change_once_the_jury_round_opens(
    scored: dict[str, Any], secretariat: Any
) -> None:
    round_ = scored["round"]
    judging.close_round(round_=round_, by=secretariat)
    results.select_finalists(round_=round_, per_category=1, by=secretariat)
    jury = Round.objects.get(kind=RoundKind.JURY)
    judging.assign_jurors(round_=jury, by=secretariat)
    judging.open_scoring(round_=jury, by=secretariat)
    with pytest.raises(errors.Conflict, match="jury round has opened"):
        results.select_finalists(round_=round_, per_category=2, by=secretariat)
    assert list(Entry.objects.filter(status=EntryStatus.FINALIST)) == [scored["busan"]]


def test_the_secretariat_selects_finalists_on_the_ranking_page(
    client: Client, scored: dict[str, Any], secretariat: Any, edition: Edition
) -> None:
    client.force_login(secretariat)
    url = reverse("awards:finalists", kwargs={"number": edition.number})
    page = client.get(url).content.decode()
    assert "Scoring is still open in this round" in page
    client.post(reverse("awards:round_close", kwargs={"number": 4, "kind": "first"}))
    page = client.get(f"{url}?top=2").content.decode()
    busan, incheon, seoul = scored["busan"], scored["incheon"], scored["seoul"]
    assert f'value="{busan.pk}" id="finalist-{busan.pk}" checked' in page
    assert f'value="{incheon.pk}" id="finalist-{incheon.pk}" checked' in page
    assert f'value="{seoul.pk}" id="finalist-{seoul.pk}">' in page
    # The secretariat departs from the proposal: Seoul instead of Incheon.
    page = client.post(url, {"entries": [busan.pk, seoul.pk]}, follow=True).content.decode()
    assert "2 finalists selected." in page
    assert set(Entry.objects.filter(status=EntryStatus.FINALIST)) == {busan, seoul}
    # Now the page ticks the finalists as they are.
    page = client.get(url).content.decode()
    assert f'value="{seoul.pk}" id="finalist-{seoul.pk}" checked' in page
    assert f'value="{incheon.pk}" id="finalist-{incheon.pk}">' in page


def test_bad_choices_on_the_finalists_page_are_form_errors(
    client: Client, scored: dict[str, Any], secretariat: Any, edition: Edition
) -> None:
    judging.close_round(round_=scored["round"], by=secretariat)
    client.force_login(secretariat)
    url = reverse("awards:finalists", kwargs={"number": edition.number})
    nothing = client.post(url, {})
    assert "Tick at least one entry to make it a finalist." in nothing.content.decode()
    stray = client.post(url, {"entries": ["999999"]})
    assert "Select a valid choice. 999999 is not one of the available choices." in (
        stray.content.decode()
    )
    garbled = client.post(url, {"entries": ["abc"]})
    assert "“abc” is not a valid value." in garbled.content.decode()
    assert not Entry.objects.filter(status=EntryStatus.FINALIST).exists()


@pytest.mark.parametrize("persona", ["juror", "outsider", "delegate_a"])
def test_the_finalists_page_is_the_secretariats(
    client: Client, scored: dict[str, Any], edition: Edition, persona: str, request: Any
) -> None:
    judging.close_round(round_=scored["round"], by=request.getfixturevalue("secretariat"))
    client.force_login(request.getfixturevalue(persona))
    url = reverse("awards:finalists", kwargs={"number": edition.number})
    response = client.get(url)
    assert response.status_code == 403
    assert "Busan bus" not in response.content.decode()
    client.post(url, {"entries": [scored["busan"].pk]})
    assert not Entry.objects.filter(status=EntryStatus.FINALIST).exists()


def test_an_anonymous_visitor_never_sees_the_finalists_page(
    client: Client, scored: dict[str, Any], edition: Edition
) -> None:
    response = client.get(reverse("awards:finalists", kwargs={"number": edition.number}))
    missing = client.get(reverse("awards:finalists", kwargs={"number": edition.number + 100}))
    assert "Busan bus" not in response.content.decode()
    assert (response.status_code, missing.status_code) == (404, 404)


def test_the_back_office_leads_to_the_finalists_page(
    client: Client, scored: dict[str, Any], secretariat: Any
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:awards_round_changelist"),
        {"action": "select_finalists", "_selected_action": [scored["round"].pk]},
    )
    assert response["Location"] == reverse("awards:finalists", kwargs={"number": 4})


# ---------------------------------------------------------------------------------------------
# Entries screened late


def late_entry(edition: Edition, member: Member, secretariat: Any, title: str) -> Entry:
    entry = make_entry(edition, member, title=title, status=EntryStatus.SUBMITTED)
    services.screen_entry(entry=entry, eligible=True, reason="", by=secretariat)
    return entry


def test_a_late_entry_joins_the_open_round_without_its_conflicted_juror(
    scoring_round: dict[str, Any], edition: Edition, city_a: Member, secretariat: Any
) -> None:
    round_ = scoring_round["round"]
    # The juror persona works for Seoul: a second Seoul entry must not reach her.
    late = late_entry(edition, city_a, secretariat, "Seoul late project")
    assert list(judging.entries_waiting(round_)) == [late]
    made = judging.add_late_entries(round_=round_, entries=[late], by=secretariat)
    assert made == 1
    assert [a.juror for a in Assignment.objects.filter(round=round_, entry=late)] == [
        scoring_round["other"]
    ]
    assert Conflict.objects.filter(juror=scoring_round["judge"], entry=late).exists()
    assert list(judging.entries_waiting(round_)) == []
    record = LogEntry.objects.get(action=LogAction.ROUND_ENTRIES_ADDED)
    assert (record.entry, record.detail["jurors"]) == (late, [scoring_round["other"].pk])
    # The juror it went to can score it at once.
    sheet = judging.score_entry(
        round_=round_,
        juror=scoring_round["other"],
        entry=late,
        values={"impact": 5, "design": 5},
        submit=True,
    )
    assert sheet.submitted_at is not None


def test_late_entries_need_an_open_round(
    scoring_round: dict[str, Any], edition: Edition, organization: Organization, secretariat: Any
) -> None:
    round_ = scoring_round["round"]
    judging.close_round(round_=round_, by=secretariat)
    late = late_entry(edition, city(organization, "Daegu"), secretariat, "Daegu drones")
    with pytest.raises(errors.Conflict, match="reopen it before adding entries"):
        judging.add_late_entries(round_=round_, by=secretariat)
    with pytest.raises(errors.Invalid, match="Say why"):
        judging.reopen_round(round_=round_, reason=" ", by=secretariat)
    judging.reopen_round(round_=round_, reason="Daegu screened late", by=secretariat)
    round_.refresh_from_db()
    assert (round_.status, round_.closed_at) == (RoundStatus.SCORING, None)
    reopened = LogEntry.objects.get(action=LogAction.ROUND_REOPENED)
    assert reopened.detail == {"round": "first", "reason": "Daegu screened late"}
    assert judging.add_late_entries(round_=round_, by=secretariat) == 2
    assert Assignment.objects.filter(round=round_, entry=late).count() == 2
    with pytest.raises(errors.Conflict, match="No entry is waiting"):
        judging.add_late_entries(round_=round_, by=secretariat)


def test_an_entry_already_in_the_round_is_not_added_twice(
    scoring_round: dict[str, Any], secretariat: Any, juror: Any
) -> None:
    with pytest.raises(errors.Invalid, match=r"Not waiting for this round.*Busan bus"):
        judging.add_late_entries(
            round_=scoring_round["round"], entries=[scoring_round["busan"]], by=secretariat
        )
    with pytest.raises(PermissionDenied):
        judging.add_late_entries(round_=scoring_round["round"], by=juror)


def test_the_first_round_is_not_reopened_once_the_jury_round_opens(
    scored: dict[str, Any], secretariat: Any
) -> None:
    round_ = scored["round"]
    judging.close_round(round_=round_, by=secretariat)
    results.select_finalists(round_=round_, per_category=1, by=secretariat)
    jury = Round.objects.get(kind=RoundKind.JURY)
    judging.assign_jurors(round_=jury, by=secretariat)
    judging.open_scoring(round_=jury, by=secretariat)
    with pytest.raises(errors.Conflict, match="can no longer be reopened"):
        judging.reopen_round(round_=round_, reason="One more look", by=secretariat)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED


def test_the_secretariat_adds_late_entries_and_reopens_from_the_progress_page(
    client: Client,
    scoring_round: dict[str, Any],
    edition: Edition,
    organization: Organization,
    secretariat: Any,
) -> None:
    round_ = scoring_round["round"]
    late = late_entry(edition, city(organization, "Daegu"), secretariat, "Daegu drones")
    client.force_login(secretariat)
    progress = reverse("awards:progress", kwargs={"number": 4})
    page = client.get(progress).content.decode()
    assert "Entries waiting for this round" in page
    assert "Daegu drones" in page
    acts = {"number": 4, "kind": "first"}
    page = client.post(
        reverse("awards:round_late_entries", kwargs=acts),
        {"entries": [late.pk], "per_entry": "1"},
        follow=True,
    ).content.decode()
    assert "The entries are in the round and assigned to their jurors." in page
    assert Assignment.objects.filter(round=round_, entry=late).count() == 1
    assert "Entries waiting for this round" not in page
    client.post(reverse("awards:round_close", kwargs=acts))
    refused = client.post(
        reverse("awards:round_reopen", kwargs=acts), {"reason": ""}, follow=True
    ).content.decode()
    assert "Say why the round is reopened." in refused
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    page = client.post(
        reverse("awards:round_reopen", kwargs=acts), {"reason": "A juror was ill"}, follow=True
    ).content.decode()
    assert "Scoring is open again in this round." in page
    round_.refresh_from_db()
    assert round_.status == RoundStatus.SCORING


def test_the_back_office_adds_late_entries_to_the_open_round(
    client: Client,
    scoring_round: dict[str, Any],
    edition: Edition,
    organization: Organization,
    secretariat: Any,
) -> None:
    late = late_entry(edition, city(organization, "Daegu"), secretariat, "Daegu drones")
    client.force_login(secretariat)
    page = client.post(
        reverse("admin:awards_round_changelist"),
        {"action": "add_late_entries", "_selected_action": [scoring_round["round"].pk]},
        follow=True,
    ).content.decode()
    assert "Rounds given their late entries: 1" in page
    assert Assignment.objects.filter(entry=late).count() == 2


@pytest.mark.parametrize("persona", ["juror", "outsider"])
def test_round_acts_are_the_secretariats(
    client: Client,
    scoring_round: dict[str, Any],
    edition: Edition,
    organization: Organization,
    secretariat: Any,
    persona: str,
    request: Any,
) -> None:
    late = late_entry(edition, city(organization, "Daegu"), secretariat, "Daegu drones")
    client.force_login(request.getfixturevalue(persona))
    acts = {"number": 4, "kind": "first"}
    late_response = client.post(
        reverse("awards:round_late_entries", kwargs=acts), {"entries": [late.pk]}
    )
    close_response = client.post(reverse("awards:round_close", kwargs=acts))
    assert (late_response.status_code, close_response.status_code) == (403, 403)
    assert not Assignment.objects.filter(entry=late).exists()
    scoring_round["round"].refresh_from_db()
    assert scoring_round["round"].status == RoundStatus.SCORING


# ---------------------------------------------------------------------------------------------
# Deleting a round


def test_an_open_or_scored_round_is_never_deleted(scored: dict[str, Any], secretariat: Any) -> None:
    round_ = scored["round"]
    with pytest.raises(errors.Conflict, match="open for scoring: an open round is never deleted"):
        judging.delete_round(round_=round_, by=secretariat)
    judging.close_round(round_=round_, by=secretariat)
    with pytest.raises(errors.Conflict, match="has scores"):
        judging.delete_round(round_=round_, by=secretariat)
    with pytest.raises(ProtectedError):
        Round.objects.filter(pk=round_.pk).delete()
    assert Round.objects.filter(pk=round_.pk).exists()


def test_a_round_made_by_mistake_is_deleted_with_a_log_entry(
    edition: Edition, secretariat: Any
) -> None:
    round_ = Round.objects.create(edition=edition, kind=RoundKind.JURY)
    judging.delete_round(round_=round_, by=secretariat)
    assert not Round.objects.exists()
    record = LogEntry.objects.get(action=LogAction.ROUND_DELETED)
    assert record.detail == {"round": "jury", "status": "preparing"}


def test_the_back_office_refuses_to_delete_an_open_round(
    client: Client, scoring_round: dict[str, Any], secretariat: Any
) -> None:
    round_ = scoring_round["round"]
    client.force_login(secretariat)
    page = client.get(
        reverse("admin:awards_round_delete", args=[round_.pk]), follow=True
    ).content.decode()
    assert "is open for scoring: an open round is never deleted." in page
    client.post(reverse("admin:awards_round_delete", args=[round_.pk]), {"post": "yes"})
    page = client.post(
        reverse("admin:awards_round_changelist"),
        {"action": "delete_rounds", "_selected_action": [round_.pk]},
        follow=True,
    ).content.decode()
    assert "is open for scoring: an open round is never deleted." in page
    assert Round.objects.filter(pk=round_.pk).exists()
    bulk = client.post(
        reverse("admin:awards_round_changelist"),
        {"action": "delete_selected", "_selected_action": [round_.pk], "post": "yes"},
        follow=True,
    )
    assert "No action selected." in bulk.content.decode()
    assert Round.objects.filter(pk=round_.pk).exists()


def test_the_back_office_deletes_a_round_without_scores(
    client: Client, edition: Edition, secretariat: Any
) -> None:
    round_ = Round.objects.create(edition=edition, kind=RoundKind.JURY)
    client.force_login(secretariat)
    client.post(reverse("admin:awards_round_delete", args=[round_.pk]), {"post": "yes"})
    assert not Round.objects.exists()
    assert LogEntry.objects.filter(action=LogAction.ROUND_DELETED).count() == 1


# ---------------------------------------------------------------------------------------------
# Garbled form posts on the secretariat's pages


def test_a_garbled_screening_post_is_a_message_not_a_500(
    client: Client, edition: Edition, city_a: Member, secretariat: Any
) -> None:
    entry = make_entry(edition, city_a, status=EntryStatus.SUBMITTED)
    client.force_login(secretariat)
    response = client.post(
        reverse("awards:screening", kwargs={"number": 4}),
        {"entry": "abc", "eligible": ""},
        follow=True,
    )
    assert "Choose an entry to screen." in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_a_garbled_decision_post_is_a_message_not_a_500(
    client: Client, scored: dict[str, Any], secretariat: Any
) -> None:
    judging.close_round(round_=scored["round"], by=secretariat)
    results.select_finalists(round_=scored["round"], per_category=1, by=secretariat)
    client.force_login(secretariat)
    response = client.post(
        reverse("awards:decide", kwargs={"number": 4, "pk": scored["busan"].pk}),
        {"level": "gold"},
        follow=True,
    )
    assert "Choose an award level." in response.content.decode()
    assert not scored["busan"].decisions.exists()

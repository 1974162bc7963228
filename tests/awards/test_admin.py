"""The back office: every awards admin page opens for the secretariat, and late edits are logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moim.awards.enums import ConflictStatus, EntryStatus, LogAction, RoundKind, RoundStatus
from moim.awards.models import Conflict, Edition, LogEntry, Round
from moim.members.models import Member
from tests.awards.conftest import make_entry, make_juror

MODELS = [
    "awardprogramme",
    "edition",
    "entry",
    "round",
    "juror",
    "conflict",
    "sheet",
    "jurydecision",
    "award",
    "resultsnapshot",
    "logentry",
]


@pytest.mark.parametrize("model", MODELS)
def test_the_secretariat_opens_each_awards_list(
    client: Client, secretariat: Any, edition: Edition, model: str
) -> None:
    client.force_login(secretariat)
    page = client.get(reverse(f"admin:awards_{model}_changelist")).content.decode()
    assert "Select" in page
    assert "Log in" not in page


def test_the_edition_page_shows_its_parts(
    client: Client, secretariat: Any, edition: Edition
) -> None:
    client.force_login(secretariat)
    page = client.get(reverse("admin:awards_edition_change", args=[edition.pk])).content.decode()
    assert "Mobility" in page
    assert "Gold" in page
    assert "Impact" in page


def test_a_late_change_in_the_admin_is_logged(
    client: Client, secretariat: Any, edition: Edition, city_a: Member
) -> None:
    entry = make_entry(edition, city_a, status=EntryStatus.SUBMITTED)
    edition.deadline = timezone.now() - dt.timedelta(days=1)
    edition.save()
    client.force_login(secretariat)
    url = reverse("admin:awards_entry_change", args=[entry.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "title": "Corrected by the secretariat",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        }
    )
    client.post(url, data)
    entry.refresh_from_db()
    assert entry.title == "Corrected by the secretariat"
    record = LogEntry.objects.get(entry=entry)
    assert record.action == LogAction.ENTRY_CHANGED_AFTER_DEADLINE
    assert "title" in record.detail["fields"]


def test_admin_actions_run_the_services_and_report_refusals(
    client: Client, secretariat: Any, edition: Edition, city_a: Member
) -> None:
    make_entry(edition, city_a, status=EntryStatus.ELIGIBLE)
    make_juror(edition, "Sam Seoul", member=city_a)
    make_juror(edition, "Olga Other")
    round_ = Round.objects.create(edition=edition, kind=RoundKind.FIRST)
    client.force_login(secretariat)
    changelist = reverse("admin:awards_edition_changelist")
    client.post(changelist, {"action": "detect_conflicts", "_selected_action": [edition.pk]})
    conflict = Conflict.objects.get()
    rounds = reverse("admin:awards_round_changelist")
    client.post(rounds, {"action": "assign_per_category", "_selected_action": [round_.pk]})
    client.post(rounds, {"action": "open_scoring", "_selected_action": [round_.pk]})
    page = client.post(
        reverse("admin:awards_conflict_changelist"),
        {"action": "waive", "_selected_action": [conflict.pk]},
        follow=True,
    ).content.decode()
    round_.refresh_from_db()
    conflict.refresh_from_db()
    assert round_.status == RoundStatus.SCORING
    assert round_.assignments.count() == 1
    assert conflict.status == ConflictStatus.OPEN
    assert "Conflicts are frozen while scoring is open." in page


def test_a_later_deadline_in_the_admin_is_an_extension(
    client: Client, secretariat: Any, edition: Edition
) -> None:
    first = edition.deadline
    assert first is not None
    client.force_login(secretariat)
    url = reverse("admin:awards_edition_change", args=[edition.pk])
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if hasattr(field, "fields"):  # split date and time
            local = timezone.localtime(value) if value else None
            data[f"{name}_0"] = local.date().isoformat() if local else ""
            data[f"{name}_1"] = local.time().isoformat() if local else ""
        else:
            data[name] = "" if value is None else value
    later = timezone.localtime(first + dt.timedelta(days=14))
    data.update({"deadline_0": later.date().isoformat(), "deadline_1": later.time().isoformat()})
    for prefix in ("categories", "criteria", "levels"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    client.post(url, data)
    edition.refresh_from_db()
    assert edition.original_deadline == first
    assert edition.deadline is not None
    assert edition.deadline.date() == (first + dt.timedelta(days=14)).date()
    assert LogEntry.objects.filter(edition=edition, action=LogAction.DEADLINE_EXTENDED).count() == 1

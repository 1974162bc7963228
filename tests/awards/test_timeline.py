"""Moving the call's dates: an inconsistent order is a form error naming the fields, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moim.awards import services
from moim.awards.enums import LogAction
from moim.awards.models import Edition, LogEntry
from moim.errors import Invalid


def edition_form_data(client: Client, edition: Edition) -> dict[str, Any]:
    """The edition's admin form as it stands, ready to post back."""
    form = (
        client.get(reverse("admin:awards_edition_change", args=[edition.pk]))
        .context["adminform"]
        .form
    )
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if hasattr(field, "fields"):  # split date and time
            local = timezone.localtime(value) if value else None
            data[f"{name}_0"] = local.date().isoformat() if local else ""
            data[f"{name}_1"] = local.time().isoformat() if local else ""
        else:
            data[name] = "" if value is None else value
    for prefix in ("categories", "criteria", "levels"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def moment(data: dict[str, Any], name: str, when: dt.datetime) -> None:
    local = timezone.localtime(when)
    data[f"{name}_0"] = local.date().isoformat()
    data[f"{name}_1"] = local.time().replace(microsecond=0).isoformat()


def test_a_deadline_before_the_call_opens_is_a_form_error_naming_both(
    client: Client, secretariat: Any, edition: Edition
) -> None:
    before = (edition.call_opens, edition.deadline)
    client.force_login(secretariat)
    data = edition_form_data(client, edition)
    assert edition.call_opens is not None
    moment(data, "deadline", edition.call_opens - dt.timedelta(days=3))
    response = client.post(reverse("admin:awards_edition_change", args=[edition.pk]), data)
    page = response.content.decode()
    assert "The entry deadline must not come before the call opens." in page
    assert response.context["adminform"].form.errors["deadline"]
    edition.refresh_from_db()
    assert (edition.call_opens, edition.deadline) == before


def test_moving_the_call_and_extending_the_deadline_together_saves_both(
    client: Client, secretariat: Any, edition: Edition
) -> None:
    # The call now opens after the old deadline, and the deadline moves later still.
    first = edition.deadline
    assert first is not None
    opens, deadline = first + dt.timedelta(days=5), first + dt.timedelta(days=20)
    client.force_login(secretariat)
    data = edition_form_data(client, edition)
    moment(data, "call_opens", opens)
    moment(data, "deadline", deadline)
    client.post(reverse("admin:awards_edition_change", args=[edition.pk]), data)
    edition.refresh_from_db()
    assert edition.call_opens == opens.replace(microsecond=0)
    assert edition.deadline == deadline.replace(microsecond=0)
    assert edition.original_deadline == first
    assert LogEntry.objects.filter(edition=edition, action=LogAction.DEADLINE_EXTENDED).count() == 1


@pytest.mark.parametrize(
    ("later", "earlier", "message"),
    [
        ("screening_starts", "deadline", "Screening must not start before the entry deadline."),
        (
            "jury_round_starts",
            "finalists_announced",
            "The jury round must not start before the finalists are announced.",
        ),
        (
            "winners_announced",
            "jury_round_starts",
            "The winners must not be announced before the jury round starts.",
        ),
    ],
)
def test_each_step_of_the_timeline_keeps_its_order(
    client: Client, secretariat: Any, edition: Edition, later: str, earlier: str, message: str
) -> None:
    assert edition.deadline is not None
    client.force_login(secretariat)
    data = edition_form_data(client, edition)
    base = edition.deadline + dt.timedelta(days=10)
    moment(data, earlier, base)
    moment(data, later, base - dt.timedelta(days=1))
    response = client.post(reverse("admin:awards_edition_change", args=[edition.pk]), data)
    assert message in response.content.decode()
    assert later in response.context["adminform"].form.errors
    edition.refresh_from_db()
    assert getattr(edition, later) is None


def test_the_extension_service_refuses_a_deadline_past_screening(
    edition: Edition, secretariat: Any
) -> None:
    assert edition.deadline is not None
    edition.screening_starts = edition.deadline + dt.timedelta(days=2)
    edition.save()
    with pytest.raises(Invalid, match="Screening must not start before the entry deadline"):
        services.extend_deadline(
            edition=edition, deadline=edition.deadline + dt.timedelta(days=5), by=secretariat
        )
    edition.refresh_from_db()
    assert edition.original_deadline is None

"""A crowd at the database: the request that finds no room gets 503 "send it again", never a
500, nothing is stored, and the ballot form sends the same submission again by itself."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from psycopg_pool import PoolTimeout
from tests.governance.test_casting_queries import TOKEN, open_poll, stored

from moim.busy import database_busy
from moim.governance.models import VoteRecord
from moim.members.models import Organization

pytestmark = pytest.mark.django_db


def delegate_client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_ballot_refused_by_a_locked_database_answers_busy_and_its_retry_gets_the_receipt(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = open_poll(organization, chair, secret=True)
    member = plenary.members[0]
    yes = poll.options.get(position=1).pk
    client = delegate_client(plenary.users[0])
    url = reverse("governance:vote", args=[poll.pk])
    ballot = {"member": member.pk, "choice": yes, "submission": TOKEN}

    locked = OperationalError("database is locked")
    with (
        mock.patch("moim.governance.services.casting._cast", side_effect=locked),
        mock.patch("moim.governance.services.casting.time.sleep"),
    ):
        busy = client.post(url, ballot, HTTP_HX_REQUEST="true")

    assert busy.status_code == 503
    assert busy["Retry-After"] == "2"
    assert "nothing was stored" in busy.content.decode()
    assert VoteRecord.objects.filter(poll=poll).count() == 0
    assert stored(poll) == 0

    again = client.post(url, ballot, HTTP_HX_REQUEST="true")
    assert again.status_code == 200
    assert 'class="receipt-code"' in again.content.decode()
    assert VoteRecord.objects.filter(poll=poll, member=member).count() == 1
    assert stored(poll) == 1


def test_no_pooled_connection_within_the_timeout_answers_busy_not_500(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = open_poll(organization, chair, secret=False)
    client = delegate_client(plenary.users[0])

    def no_connection() -> None:
        try:
            raise PoolTimeout("couldn't get a connection after 10.00 sec")
        except PoolTimeout as cause:
            raise OperationalError(str(cause)) from cause

    with mock.patch.object(connection, "ensure_connection", side_effect=no_connection):
        busy = client.get(reverse("governance:vote", args=[poll.pk]))

    assert busy.status_code == 503
    assert "The server is busy" in busy.content.decode()


def test_any_other_error_is_still_a_500(organization: Organization, chair: Any) -> None:
    plenary, poll = open_poll(organization, chair, secret=False)
    client = delegate_client(plenary.users[0])

    with mock.patch("moim.governance.views.cast_from_form", side_effect=ValueError("a bug")):
        failed = client.post(
            reverse("governance:vote", args=[poll.pk]),
            {"member": plenary.members[0].pk, "choice": 1, "submission": TOKEN},
        )

    assert failed.status_code == 500
    assert "Something went wrong" in failed.content.decode()
    assert not failed.has_header("Retry-After")


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (OperationalError("FATAL: sorry, too many clients already"), True),
        (OperationalError("remaining connection slots are reserved for superuser"), True),
        (OperationalError("database is locked"), True),
        (OperationalError("no such table: governance_poll"), False),
        (ValueError("database is locked"), False),
    ],
)
def test_what_counts_as_a_busy_database(error: Exception, busy: bool) -> None:
    assert database_busy(error) is busy


def test_the_ballot_form_sends_the_same_submission_again_after_a_busy_answer(
    live_server: Any, page: Any, organization: Organization, chair: Any
) -> None:
    plenary, poll = open_poll(organization, chair, secret=True)
    member = plenary.members[0]
    login = Client()
    login.force_login(plenary.users[0])
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": login.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    vote_url = f"{live_server.url}{reverse('governance:vote', args=[poll.pk])}"
    posted: list[str] = []

    def first_busy(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posted.append(route.request.post_data or "")
        if len(posted) == 1:
            route.fulfill(status=503, headers={"Retry-After": "1"}, body="busy")
        else:
            route.continue_()

    page.route(vote_url, first_busy)
    page.goto(vote_url)
    page.check("input[name=choice] >> nth=0")
    page.click("form[data-retry-busy] button[type=submit]")
    page.wait_for_selector("[data-busy-status]", timeout=5_000)
    assert "being sent again" in page.inner_text("[data-busy-status]")
    page.wait_for_selector(".receipt-code", timeout=15_000)

    assert len(posted) == 2
    assert posted[0] == posted[1]  # the same submission token, the same choice
    assert VoteRecord.objects.filter(poll=poll, member=member).count() == 1
    assert stored(poll) == 1

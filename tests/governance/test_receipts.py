"""A stored ballot always ends with its receipt: nothing after the commit fails the answer, and
a retry of the same submission gets the same receipt back, on the ballot pages and the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.test import Client
from django.urls import reverse
from tests.governance.conftest import Plenary, build_plenary, make_motion, make_rules

from moim import live
from moim.errors import Conflict
from moim.governance import services
from moim.governance.models import Ballot, Poll, SealedBallot, VoteRecord
from moim.members.models import Organization

TOKEN = "retry-token-0123456789abcdef"


def secret_poll(organization: Organization, chair: Any, count: int = 3) -> tuple[Plenary, Poll]:
    plenary = build_plenary(organization, count)
    decision = make_motion(plenary.assembly, make_rules(organization, quorum="0", secret=True))
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return plenary, poll


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def receipt_on(html: str) -> str:
    found = re.search(r'class="receipt-code">([A-Z0-9-]{19})<', html)
    assert found is not None, html
    return found.group(1)


def token_on(html: str) -> str:
    found = re.search(r'name="submission" value="([A-Za-z0-9_-]+)"', html)
    assert found is not None, html
    return found.group(1)


def kill_connection() -> None:
    """The database connection dies, as when the server restarts or the network drops."""
    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        except DatabaseError:
            pass
    else:
        assert connection.connection is not None
        connection.connection.close()


def dying_after_commit(original: Callable[..., Any]) -> Callable[..., Any]:
    def cast(**kwargs: Any) -> Any:
        receipt = original(**kwargs)  # committed when it returns
        kill_connection()
        return receipt

    return cast


def between_requests() -> None:
    """What Django does between two requests (the test client switches it off): a connection
    that failed, or is past its age, is closed, and the next request opens a new one."""
    close_old_connections()


def broken_broker(*args: Any, **kwargs: Any) -> None:
    raise ConnectionError("the live broker is down")


# --- the service -----------------------------------------------------------------------------


def test_the_same_submission_sent_again_gets_the_same_receipt(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = secret_poll(organization, chair)
    member = plenary.members[0]
    yes = [poll.options.get(position=1).pk]

    first = services.cast_ballot(
        poll=poll, voter=plenary.delegate_of(member), member=member, choices=yes, submission=TOKEN
    )
    again = services.cast_ballot(
        poll=poll, voter=plenary.delegate_of(member), member=member, choices=yes, submission=TOKEN
    )

    assert (again.code, again.hash) == (first.code, first.hash)
    assert VoteRecord.objects.filter(poll=poll).count() == 1
    assert SealedBallot.objects.filter(poll=poll).count() == 1
    assert TOKEN not in str(VoteRecord.objects.values_list("submission", flat=True).get())


def test_a_retry_after_the_close_gets_the_receipt_of_the_stored_ballot(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = secret_poll(organization, chair)
    member = plenary.members[1]
    no = [poll.options.get(position=2).pk]
    first = services.cast_ballot(
        poll=poll, voter=plenary.delegate_of(member), member=member, choices=no, submission=TOKEN
    )
    services.close_poll(poll=poll, by=chair)

    again = services.cast_ballot(
        poll=poll, voter=plenary.delegate_of(member), member=member, choices=no, submission=TOKEN
    )

    assert again.code == first.code
    assert Ballot.objects.get(poll=poll).receipt_hash == services.receipt_hash(poll.pk, again.code)


@pytest.mark.parametrize(
    ("token", "position"),
    [("another-token-0123456789", 1), (TOKEN, 2), ("", 1)],
    ids=["another token", "same token, other choice", "no token"],
)
def test_another_submission_for_a_member_that_voted_is_refused(
    organization: Organization, chair: Any, token: str, position: int
) -> None:
    plenary, poll = secret_poll(organization, chair)
    member = plenary.members[0]
    voter = plenary.delegate_of(member)
    services.cast_ballot(
        poll=poll,
        voter=voter,
        member=member,
        choices=[poll.options.get(position=1).pk],
        submission=TOKEN,
    )

    with pytest.raises(Conflict) as refused:
        services.cast_ballot(
            poll=poll,
            voter=voter,
            member=member,
            choices=[poll.options.get(position=position).pk],
            submission=token,
        )

    assert refused.value.message == "City m000 has already voted in this poll."
    assert SealedBallot.objects.filter(poll=poll).count() == 1


def test_a_malformed_submission_token_is_refused_and_nothing_is_stored(
    organization: Organization, chair: Any
) -> None:
    plenary, poll = secret_poll(organization, chair)
    member = plenary.members[0]

    with pytest.raises(services.BallotError) as refused:
        services.cast_ballot(
            poll=poll,
            voter=plenary.delegate_of(member),
            member=member,
            choices=[poll.options.get(position=1).pk],
            submission="short; DROP",
        )

    assert "16 to 128 letters" in refused.value.message
    assert not VoteRecord.objects.filter(poll=poll).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only: SQLite connections do not age"
)
def test_persistent_database_connections_are_health_checked() -> None:
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- the ballot pages and the API, with the failure after a real commit ----------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["announcement", "connection"])
def test_the_ballot_page_shows_the_receipt_when_the_answer_fails_after_commit(
    organization: Organization, chair: Any, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    plenary, poll = secret_poll(organization, chair)
    member = plenary.members[0]
    client = logged_in(plenary.users[0])
    url = reverse("governance:vote", args=[poll.pk])
    form = {
        "member": member.pk,
        "choice": [poll.options.get(position=1).pk],
        "submission": token_on(client.get(url).content.decode()),
    }
    with monkeypatch.context() as broken:
        if failure == "announcement":
            broken.setattr(live, "publish", broken_broker)
        else:
            broken.setattr(services, "cast_ballot", dying_after_commit(services.cast_ballot))
        first = client.post(url, form)
    between_requests()

    retry = client.post(url, form)

    assert first.status_code == 200
    assert receipt_on(retry.content.decode()) == receipt_on(first.content.decode())
    assert VoteRecord.objects.filter(poll=poll).count() == 1
    services.close_poll(poll=poll, by=chair)
    assert Ballot.objects.get(poll=poll).receipt_hash == services.receipt_hash(
        poll.pk, receipt_on(first.content.decode())
    )


@pytest.mark.django_db(transaction=True)
def test_the_sitting_page_shows_the_receipt_when_the_connection_dies_after_commit(
    organization: Organization, chair: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    plenary, poll = secret_poll(organization, chair)
    member = plenary.members[0]
    client = logged_in(plenary.users[0])
    edition = plenary.assembly.edition
    page = client.get(reverse("governance:sitting", args=[edition])).content.decode()
    form = {
        "poll": poll.pk,
        "member": member.pk,
        "choice": [poll.options.get(position=3).pk],
        "submission": token_on(page),
    }
    url = reverse("governance:sitting_ballot", args=[edition])
    with monkeypatch.context() as broken:
        broken.setattr(services, "cast_ballot", dying_after_commit(services.cast_ballot))
        first = client.post(url, form, headers={"HX-Request": "true"})
    between_requests()

    retry = client.post(url, form, headers={"HX-Request": "true"})

    assert receipt_on(retry.content.decode()) == receipt_on(first.content.decode())
    assert VoteRecord.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["announcement", "connection"])
def test_the_api_answers_the_receipt_when_the_answer_fails_after_commit(
    organization: Organization, chair: Any, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    plenary, poll = secret_poll(organization, chair)
    member = plenary.members[2]
    client = logged_in(plenary.users[2])
    url = f"/api/governance/polls/{poll.pk}/ballots"
    body = {
        "member": member.slug,
        "choices": [poll.options.get(position=2).pk],
        "submission": TOKEN,
    }
    with monkeypatch.context() as broken:
        if failure == "announcement":
            broken.setattr(live, "publish", broken_broker)
        else:
            broken.setattr(services, "cast_ballot", dying_after_commit(services.cast_ballot))
        first = client.post(url, body, content_type="application/json")
    between_requests()

    retry = client.post(url, body, content_type="application/json")
    other = client.post(
        url, {**body, "submission": "a-different-token-456789"}, content_type="application/json"
    )

    assert first.status_code == 201, first.content
    assert retry.status_code == 201, retry.content
    assert retry.json() == first.json()
    assert other.status_code == 409
    assert other.json()["detail"] == "City m002 has already voted in this poll."
    assert VoteRecord.objects.filter(poll=poll).count() == 1

"""The JSON API fuzzed from its own OpenAPI document, anonymously and as each role.

Schemathesis draws requests for every operation of /api/openapi.json (valid ones and ones that
break the schema), sends them in-process to Django's WSGI application and checks each answer:
never a server error, and status code, content type and body as the document declares. The
operations that change state (registering, casting a ballot, opening a poll, scoring) run
against a database built for them (tests/api/world.py), each request in a savepoint that is
rolled back, so that every example meets the same world and a run is repeatable.

The number of examples per operation and role is bounded (FUZZ_EXAMPLES) to keep the whole fuzz
within about a minute on two cores; HYPOTHESIS_PROFILE (tests/conftest.py) decides whether the
examples are the same on every run (the default) or new ones.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.world import World, build_world

pytestmark = pytest.mark.fuzz

ROLES = ["anonymous", "delegate", "chair", "secretariat", "juror"]
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Who may ever get a success from an operation behind a login; any other role must be refused,
# whatever the request.
MAY_SUCCEED = {
    "GET /api/assemblies/{edition}/registrations": {"secretariat"},
    "POST /api/assemblies/{edition}/registrations/{code}/check-in": {"secretariat"},
    "GET /api/awards/{number}/jury/entries": {"juror"},
    "GET /api/awards/{number}/jury/entries/{entry_id}": {"juror"},
    "POST /api/awards/{number}/jury/entries/{entry_id}/scores": {"juror"},
    "POST /api/governance/polls/{poll_id}/ballots": {"delegate"},
    "GET /api/governance/polls/{poll_id}/turnout": {"chair", "secretariat"},
    "POST /api/governance/decisions/{decision_id}/polls": {"chair", "secretariat"},
    "POST /api/governance/polls/{poll_id}/analog": {"chair", "secretariat"},
    "POST /api/governance/polls/{poll_id}/{action}": {"chair", "secretariat"},
    "POST /api/motions/assemblies/{edition}": {"delegate"},
    "POST /api/motions/{motion_id}/supports": {"delegate"},
    "POST /api/motions/decisions/{decision_id}/amendments": {"delegate"},
    "POST /api/floor/lists/{list_id}/requests": {"delegate"},
    "DELETE /api/floor/lists/{list_id}/requests/mine": {"delegate"},
    "GET /api/mailings/{edition}/convocation": {"secretariat"},
    "POST /api/minutes/{edition}/approve": {"chair", "secretariat"},
    "POST /api/minutes/{edition}/publish": {"secretariat"},
}
# The CSRF secret the fuzzing client sends both as cookie and header, as a browser's page would.
CSRF_TOKEN = "fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzz"

APP = WSGIHandler()
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json",
    APP,
    config=schemathesis.Config.from_dict(
        {
            "generation": {"mode": "all", "max-examples": FUZZ_EXAMPLES},
            # Generation never learns from answers (which carry random receipts and ids), so
            # that the same requests are drawn on every run.
            "phases": {
                "coverage": {"enabled": False},
                "stateful": {"enabled": False},
                "fuzzing": {
                    "extra-data-sources": {"responses": False},
                    "error-feedback": {"enabled": False},
                },
            },
        }
    ),
)

# The world of the module being fuzzed; hooks read it to aim requests at existing records.
CURRENT: dict[str, World] = {}


def _known(method: str, path: str, name: str) -> list[Any]:
    """Values of a path parameter that name records of the world."""
    world = CURRENT["world"]
    if name == "poll_id" and method == "POST" and path.endswith("/ballots"):
        return [world.open_poll.pk]
    return world.path_values.get(name, [])


def _mixed(known: list[Any], drawn: Any) -> st.SearchStrategy[Any]:
    """Mostly a value that names a record, so that requests reach the services; sometimes the
    value drawn from the schema, whatever it names."""
    # Hypothesis leans towards the first choices, so the known values come first.
    return st.sampled_from([*known, *known, drawn]) if known else st.just(drawn)


@schema.hook
def before_generate_path_parameters(context: Any, strategy: Any) -> Any:
    method, path = context.operation.method.upper(), context.operation.path
    return strategy.flatmap(
        lambda params: (
            st.fixed_dictionaries(
                {k: _mixed(_known(method, path, k), v) for k, v in params.items()}
            )
            if isinstance(params, dict)
            else st.just(params)
        )
    )


def _plausible_body(path: str) -> st.SearchStrategy[Any] | None:
    """Bodies close to what a real client sends, so that the state changes are exercised."""
    world = CURRENT["world"]
    if path.endswith("/ballots"):
        options = list(world.open_poll.options.values_list("pk", flat=True))
        # Mostly the delegate's own member with one option: a ballot that counts.
        own = world.member_slugs[0]
        return st.fixed_dictionaries(
            {
                "member": st.sampled_from([own, own, own, *world.member_slugs[1:], "nowhere"]),
                "choices": st.lists(st.sampled_from(options), min_size=1, max_size=1)
                | st.lists(st.sampled_from(options) | st.integers(-3, 2**40), max_size=3),
            }
        )
    if path.endswith("/scores"):
        scores = st.one_of(st.none(), st.integers(-2, 14))
        return st.fixed_dictionaries(
            {"scores": st.dictionaries(st.sampled_from([*world.criteria, "x"]), scores)},
            optional={"submit": st.booleans(), "comment": st.text(max_size=20)},
        )
    if path.endswith("/registrations"):
        return st.fixed_dictionaries(
            {
                "full_name": st.text(min_size=1, max_size=30),
                "email": st.sampled_from(["ana@example.org", "m000@example.org", "not-an-email"]),
                "role": st.sampled_from(["delegate", "mayor", "partner", "ambassador"]),
                "attendance_mode": st.sampled_from(["in_person", "online"]),
            },
            optional={
                "member": st.sampled_from([*world.member_slugs, "nowhere"]),
                "country": st.sampled_from(["KR", "kr", "ZZ", ""]),
            },
        )
    if path.endswith("/analog"):
        return st.fixed_dictionaries(
            {
                "method": st.sampled_from(["paper", "show_of_hands", "acclamation"]),
                "counts": st.dictionaries(
                    st.integers(0, 4).map(str), st.integers(-1, 2**40), max_size=3
                ),
            }
        )
    if path.endswith("/polls"):
        return st.fixed_dictionaries(
            {},
            optional={
                "shape": st.sampled_from(["choose", "rank", "yes_no_abstain"]),
                "secret": st.booleans(),
                "max_choices": st.integers(-2, 2**40),
            },
        )
    return None


@schema.hook
def before_generate_body(context: Any, strategy: Any) -> Any:
    plausible = _plausible_body(context.operation.path)
    return strategy if plausible is None else st.one_of(plausible, strategy)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module, inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            CURRENT["world"] = build_world()
            yield CURRENT["world"]
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            CURRENT.clear()


@pytest.fixture
def in_process(world: World, db: None) -> Iterator[None]:
    """Requests reach the test's open transaction: Django must not close the connection after
    each one (its own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _session_of(world: World, role: str) -> dict[str, Any]:
    """The session cookie and CSRF token of the role, as a logged-in browser sends them."""
    client = Client()
    client.force_login(world.users[role])
    return {
        "cookies": {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: CSRF_TOKEN,
        },
        "headers": {"X-CSRFToken": CSRF_TOKEN},
    }


@pytest.fixture
def credentials(role: str, world: World, in_process: None) -> dict[str, Any]:
    return {} if role == "anonymous" else _session_of(world, role)


@schema.parametrize()
@hypothesis_settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_every_request_as_declared(
    case: Any, role: str, credentials: dict[str, Any]
) -> None:
    with transaction.atomic():
        response = case.call_and_validate(checks=CHECKS, **credentials)
        transaction.set_rollback(True)
    allowed = MAY_SUCCEED.get(case.operation.label)
    if allowed is not None and role not in allowed:
        assert response.status_code >= 400, f"{role} succeeded: {response.text[:200]}"


def test_every_operation_behind_a_login_says_who_may_succeed() -> None:
    secured = {
        operation.label
        for operation in (result.ok() for result in schema.get_all_operations())
        if operation.definition.raw.get("security")
    }

    assert secured == set(MAY_SUCCEED)


def _send(world: World, role: str, method: str, path: str, body: Any = None, **params: Any) -> Any:
    """One request built by hand, answered and checked against the document like the fuzz's."""
    operation = schema[path][method]
    case = operation.Case(path_parameters=params, **({} if body is None else {"body": body}))
    credentials = {} if role == "anonymous" else _session_of(world, role)
    return case.call_and_validate(checks=CHECKS, **credentials)


def test_state_changes_walked_through_the_api_answer_as_declared(
    world: World, in_process: None
) -> None:
    poll, draft = world.open_poll, world.draft_poll
    yes = poll.options.get(position=1).pk
    ballots = "/api/governance/polls/{poll_id}/ballots"
    act = "/api/governance/polls/{poll_id}/{action}"
    scores = "/api/awards/{number}/jury/entries/{entry_id}/scores"
    check_in = "/api/assemblies/{edition}/registrations/{code}/check-in"
    registrations = "/api/assemblies/{edition}/registrations"
    ballot = {"member": world.member_slugs[0], "choices": [yes]}
    busan, own = world.entries
    sheet = {"scores": {"impact": 9, "design": 3}, "submit": True}
    registrant = {
        "full_name": "Clara Brugada",
        "email": "clara@example.org",
        "role": "mayor",
        "attendance_mode": "online",
        "member": world.member_slugs[1],
    }

    cast = _send(world, "delegate", "POST", ballots, ballot, poll_id=poll.pk)
    again = _send(world, "delegate", "POST", ballots, ballot, poll_id=poll.pk)
    stranger = _send(world, "juror", "POST", ballots, ballot, poll_id=poll.pk)
    opened = _send(world, "chair", "POST", act, poll_id=draft.pk, action="open")
    closed = _send(world, "chair", "POST", act, poll_id=poll.pk, action="close")
    counted = _send(world, "chair", "POST", act, poll_id=poll.pk, action="count")
    published = _send(world, "chair", "POST", act, poll_id=poll.pk, action="publish")
    refused_act = _send(world, "delegate", "POST", act, poll_id=draft.pk, action="close")
    scored = _send(world, "juror", "POST", scores, sheet, number=4, entry_id=busan)
    conflicted = _send(world, "juror", "POST", scores, sheet, number=4, entry_id=own)
    out_of_scale = _send(
        world, "juror", "POST", scores, {"scores": {"impact": 12}}, number=4, entry_id=busan
    )
    desk = _send(world, "secretariat", "POST", check_in, edition=5, code=world.check_in_code)
    desk_again = _send(world, "secretariat", "POST", check_in, edition=5, code=world.check_in_code)
    registered = _send(world, "anonymous", "POST", registrations, registrant, edition=5)
    duplicate = _send(world, "anonymous", "POST", registrations, registrant, edition=5)

    poll.refresh_from_db()
    assert cast.status_code == 201
    assert len(cast.json()["receipt"]) > 0
    assert (again.status_code, again.json()["code"]) == (409, "conflict")
    assert "has already voted" in again.json()["detail"]
    assert (stranger.status_code, stranger.json()["code"]) == (403, "forbidden")
    assert poll.vote_records.count() == 1
    assert opened.json()["state"] == "open"
    assert closed.json()["state"] == "closed"
    assert counted.json()["result"] is None  # counted, not yet published
    assert published.json()["verdict"] == "adopted"
    assert poll.state == "published"
    assert refused_act.status_code == 403
    assert scored.json() == {
        "entry": busan,
        "scores": {"impact": 9, "design": 3},
        "submitted": True,
    }
    assert conflicted.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "Nothing was found here.",
        "errors": [],
    }
    assert out_of_scale.status_code == 400
    assert "outside the scale" in out_of_scale.json()["detail"]
    assert desk.json()["present"] is True
    assert desk_again.json()["code"] == "conflict"
    assert registered.json()["status"] == "confirmed"
    assert duplicate.json()["code"] == "conflict"

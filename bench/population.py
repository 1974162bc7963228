"""The load benchmark's assembly, made in the database the served site reads: delegates with
their logins, polls opened and closed through the services, and the checks afterwards.

Imported only after `django.setup()` (bench/load.py does it), in the process that drives the
benchmark; the served site is another process that reads the same database.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3
import time
from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from bench.plenary import seat_delegates
from moim.assemblies.enums import (
    AssemblyMode,
    AssemblyStatus,
)
from moim.assemblies.models import Assembly
from moim.governance import services
from moim.governance.enums import DecisionKind, MajorityRule
from moim.governance.models import Ballot, Decision, DecisionRules, Poll, SealedBallot, VoteRecord
from moim.members.enums import Role
from moim.members.models import MemberCategory, Organization, Person, Region

EDITION = 42
# Every delegate's login shares this one password hash: 2,000 PBKDF2 hashes would take minutes
# and the benchmark never logs in through the form (its sessions are made directly).
PASSWORD = "load-bench-" + secrets.token_urlsafe(12)


@dataclass(frozen=True)
class Delegate:
    """One delegate's login as its browser holds it: the session cookie, and its member."""

    member_id: int
    session_key: str


@dataclass(frozen=True)
class Plenary:
    assembly_id: int
    rules_id: int
    chair_id: int
    delegates: list[Delegate]


@dataclass(frozen=True)
class OpenPoll:
    poll_id: int
    options: list[int]
    vote_path: str


def migrate() -> None:
    call_command("migrate", interactive=False, verbosity=0)


def build(delegates: int) -> Plenary:
    """An organization, an assembly, `delegates` member cities each with an accredited, checked
    in voting delegate who is logged in, the chair, and the rules of a secret motion."""
    organization, _created = Organization.objects.get_or_create(
        slug=settings.MOIM_ORGANIZATION_SLUG,
        defaults={"name_en": "Load-test Cities Network", "acronym": "LCN"},
    )
    category = MemberCategory.objects.create(
        organization=organization, code="full-load", name_en="Full", has_vote=True
    )
    region = Region.objects.create(organization=organization, code="load", name_en="Everywhere")
    start = timezone.now().replace(microsecond=0)
    assembly = Assembly.objects.create(
        # Live updates go out on a Redis channel named after the assembly's id, and Redis
        # channels are shared by all its databases: an id of its own keeps another Moim on the
        # same Redis (a test suite, say) off this benchmark's screens.
        pk=900_000 + secrets.randbelow(90_000),
        organization=organization,
        edition=EDITION,
        title_en="Load-test General Assembly",
        starts_at=start - dt.timedelta(hours=1),
        ends_at=start + dt.timedelta(hours=8),
        time_zone="UTC",
        city_en="Seoul",
        country="KR",
        mode=AssemblyMode.HYBRID,
        status=AssemblyStatus.REGISTRATION_OPEN,
    )
    seated = seat_delegates(
        assembly=assembly,
        category=category,
        region=region,
        count=delegates,
        prefix="load",
        password=PASSWORD,
        at=start,
    )
    user_model = get_user_model()
    hashed = make_password(PASSWORD)
    chair = user_model.objects.create(username="load-chair", password=hashed)
    chair.groups.add(Group.objects.get(name=Role.CHAIR.value))
    Person.objects.create(organization=organization, name_en="Load Chair", user=chair)
    rules = DecisionRules.objects.create(
        organization=organization,
        kind=DecisionKind.MOTION,
        name="Statute amendment (secret ballot)",
        quorum_share=Decimal("0.5"),
        majority=MajorityRule.TWO_THIRDS,
        secret=True,
    )
    keys = log_in(seated.users)
    return Plenary(
        assembly_id=assembly.pk,
        rules_id=rules.pk,
        chair_id=chair.pk,
        delegates=[
            Delegate(member_id=m.pk, session_key=k)
            for m, k in zip(seated.members, keys, strict=True)
        ],
    )


def log_in(users: list[Any]) -> list[str]:
    """A session for each user, as a login through the form would leave it, made with the
    configured session engine: the auth keys, including the hash that ties it to the password."""
    store_class: Any = import_module(settings.SESSION_ENGINE).SessionStore
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    contents = [
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        for user in users
    ]
    get_model = getattr(store_class, "get_model_class", None)
    if get_model is None:  # cache, file or cookie sessions: one save each
        keys = []
        for content in contents:
            store = store_class()
            store.update(content)
            store.create()
            keys.append(store.session_key)
        return keys
    # A database-backed engine: the same rows, written at once.
    model = get_model()
    expiry = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    encoder = store_class()
    rows = [
        model(session_key=secrets.token_hex(16), session_data=encoder.encode(c), expire_date=expiry)
        for c in contents
    ]
    model.objects.bulk_create(rows)
    return [row.session_key for row in rows]


def open_poll(plenary: Plenary, title: str) -> OpenPoll:
    """A new decision on the agenda and its poll, opened by the chair through the services, so
    that the register holds every checked-in delegate."""
    chair = get_user_model().objects.get(pk=plenary.chair_id)
    decision = Decision.objects.create(
        assembly_id=plenary.assembly_id,
        kind=DecisionKind.MOTION,
        title_en=title,
        text_en="The Assembly amends its Statute.",
        rules_id=plenary.rules_id,
    )
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    with translation.override("en"):
        path = reverse("governance:vote", args=[poll.pk])
    options = list(poll.options.order_by("position").values_list("pk", flat=True))
    return OpenPoll(poll_id=poll.pk, options=options, vote_path=path)


def close_poll(plenary: Plenary, poll_id: int) -> None:
    chair = get_user_model().objects.get(pk=plenary.chair_id)
    services.close_poll(poll=Poll.objects.get(pk=poll_id), by=chair)


def count_poll(plenary: Plenary, poll_id: int) -> None:
    chair = get_user_model().objects.get(pk=plenary.chair_id)
    services.count_poll(poll=Poll.objects.get(pk=poll_id), by=chair)


def publish_poll(plenary: Plenary, poll_id: int) -> None:
    chair = get_user_model().objects.get(pk=plenary.chair_id)
    services.publish_poll(poll=Poll.objects.get(pk=poll_id), by=chair)


@dataclass(frozen=True)
class Stored:
    """What the database holds for a poll: its ballots (plain and still sealed) and voters."""

    ballots: int
    vote_records: int


def stored(poll_id: int) -> Stored:
    ballots = Ballot.objects.filter(poll_id=poll_id).count()
    sealed = SealedBallot.objects.filter(poll_id=poll_id).count()
    return Stored(ballots + sealed, VoteRecord.objects.filter(poll_id=poll_id).count())


def paths() -> dict[str, str]:
    """The served pages the benchmark asks for."""
    with translation.override("en"):
        return {
            "home": reverse("site:home"),
            "projector": reverse("site:projector", args=[EDITION]),
            "events": reverse("site:projector_events", args=[EDITION]),
            "state": reverse("site:projector_state", args=[EDITION]),
            # The delegate's sitting page: the stream its floor part holds, its ballot part.
            "sitting_events": reverse("floor:events", args=[EDITION]),
            "sitting_ballot": reverse("governance:sitting_ballot", args=[EDITION]),
        }


def raw_commit_rate(seconds: float = 3.0) -> float:
    """Single-row INSERT + COMMIT in a loop on a scratch table, through the app's driver and
    the database's settings as the app has them (SQLite in WAL with synchronous=NORMAL):
    commits per second, the ceiling of any one-transaction-per-ballot design."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        with psycopg.connect(
            dbname=settings_dict["NAME"],
            user=settings_dict["USER"] or None,
            password=settings_dict["PASSWORD"] or None,
            host=settings_dict["HOST"] or None,
            port=settings_dict["PORT"] or None,
        ) as raw:
            return _commit_loop(raw, "SERIAL PRIMARY KEY", "%s", seconds)
    raw_sqlite = sqlite3.connect(str(settings_dict["NAME"]), timeout=20)
    try:
        raw_sqlite.execute("PRAGMA journal_mode=WAL")
        raw_sqlite.execute("PRAGMA synchronous=NORMAL")
        return _commit_loop(raw_sqlite, "INTEGER PRIMARY KEY", "?", seconds)
    finally:
        raw_sqlite.close()


def _commit_loop(raw: Any, key: str, mark: str, seconds: float) -> float:
    cursor = raw.cursor()
    cursor.execute("DROP TABLE IF EXISTS load_bench_commits")
    cursor.execute(f"CREATE TABLE load_bench_commits (id {key}, note TEXT NOT NULL)")
    raw.commit()
    commits = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        cursor.execute(f"INSERT INTO load_bench_commits (note) VALUES ({mark})", ("ballot",))
        raw.commit()
        commits += 1
    elapsed = time.perf_counter() - started
    cursor.execute("DROP TABLE load_bench_commits")
    raw.commit()
    return commits / elapsed


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            row = cursor.fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"
    return f"SQLite {sqlite3.sqlite_version}"

"""One cast, profiled: the queries and the time of a delegate's ballot, page and API.

    MOIM_DEVELOPMENT=1 python bench/profile_cast.py [--casts 200] [--profile]

Builds its own plenary (`bench.plenary`: members, delegates with logins; and an open motion) in
a throwaway database
(SQLite by default, PostgreSQL when DATABASE_URL names one; a database of its own either way,
dropped at the end), then casts one ballot per delegate through the test client: half by
POSTing the voting page (as the delegate's browser does, htmx), half through the API. It prints
the queries of one cast of each kind, the mean milliseconds per cast, and with --profile the
functions where the time went (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    if str(ROOT) not in sys.path:  # run as a script: find moim and this folder's modules
        sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moim.settings")
    import django

    django.setup()


def _build(count: int) -> tuple[Any, list[tuple[Any, Any]]]:
    """An open motion and `count` (user, member) pairs, each user its member's delegate."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench.plenary import seat_delegates
    from moim.assemblies.models import Assembly
    from moim.governance import services
    from moim.governance.enums import DecisionKind
    from moim.governance.models import Decision, DecisionRules
    from moim.members.models import MemberCategory, Organization, Region

    organization, _ = Organization.objects.get_or_create(
        slug="wego",
        defaults={"name_en": "WeGO", "acronym": "WeGO", "secretariat_city_en": "Seoul"},
    )
    now = timezone.now()
    assembly = Assembly.objects.create(
        organization=organization,
        edition=99,
        title_en="Profiled Assembly",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=3),
        time_zone="Asia/Seoul",
        city_en="Seoul",
        country="KR",
    )
    seated = seat_delegates(
        assembly=assembly,
        category=MemberCategory.objects.create(
            organization=organization, code="full-profile", name_en="Full", has_vote=True
        ),
        region=Region.objects.create(organization=organization, code="profile", name_en="Region"),
        count=count,
        prefix="profile",
        at=now,
    )
    chair = get_user_model().objects.create(username="profile-chair", is_superuser=True)
    rules = DecisionRules.objects.create(
        organization=organization, kind=DecisionKind.MOTION, name="Ordinary motion"
    )
    decision = Decision.objects.create(
        assembly=assembly,
        kind=DecisionKind.MOTION,
        title_en="Motion",
        text_en="The Assembly adopts the plan.",
        rules=rules,
    )
    poll = services.open_poll(poll=services.create_poll(decision=decision, by=chair), by=chair)
    return poll, list(zip(seated.users, seated.members, strict=True))


def _clients(pairs: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """A logged-in browser per delegate (its session stored as the session engine does)."""
    from django.test import Client

    clients = []
    for user, member in pairs:
        client = Client()
        client.force_login(user)
        clients.append((client, member))
    return clients


def _page_cast(poll: Any, option: int) -> Callable[[Any, Any], None]:
    from django.urls import reverse

    url = reverse("governance:vote", args=[poll.pk])

    def cast(client: Any, member: Any) -> None:
        response = client.post(
            url,
            {"member": member.pk, "choice": option, "submission": f"profile-{member.pk:012d}"},
            HTTP_HX_REQUEST="true",
        )
        if response.status_code != 200 or b"receipt-code" not in response.content:
            raise SystemExit(f"the page refused a cast: {response.status_code}")

    return cast


def _api_cast(poll: Any, option: int) -> Callable[[Any, Any], None]:
    url = f"/api/governance/polls/{poll.pk}/ballots"

    def cast(client: Any, member: Any) -> None:
        body = {"member": member.slug, "choices": [option], "submission": f"api-{member.pk:016d}"}
        response = client.post(url, json.dumps(body), content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"the API refused a cast: {response.status_code} {response.content!r}")

    return cast


def _measure(
    name: str, cast: Callable[[Any, Any], None], clients: list[tuple[Any, Any]], profile: bool
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, *rest = clients
    with CaptureQueriesContext(connection) as queries:
        cast(*first)
    print(f"\n== {name}: {len(queries)} queries for one cast")
    for query in queries.captured_queries:
        print(f"   {query['sql'][:150]}")
    # CPU time, not the wall clock: what the server spends, whatever else the machine runs.
    profiler = cProfile.Profile(time.process_time) if profile else None
    started = time.perf_counter()
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    for client, member in rest:
        cast(client, member)
    if profiler:
        profiler.disable()
    wall = (time.perf_counter() - started) / len(rest) * 1000
    cpu_ms = (time.process_time() - cpu) / len(rest) * 1000
    print(f"   {len(rest)} casts: {wall:.2f} ms per cast (wall), {cpu_ms:.2f} ms of CPU")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(80)
        stats.sort_stats("tottime").print_stats(25)
        print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--casts", type=int, default=200, help="casts of each kind (default 200)")
    parser.add_argument("--profile", action="store_true", help="print where the time went")
    parser.add_argument(
        "--sessions",
        default="",
        help="another session engine, e.g. django.contrib.sessions.backends.cached_db (the "
        "cache is Redis when REDIS_URL is set)",
    )
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    from moim.governance.models import PollOption

    setup_test_environment()
    # Static files as in development: a production server reads its collected manifest, which
    # a checkout does not have; looking a name up costs the same either way.
    override_settings(
        SESSION_ENGINE=args.sessions or settings.SESSION_ENGINE,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ).enable()
    test = settings.DATABASES["default"].setdefault("TEST", {})
    if connection.vendor == "postgresql":
        test["NAME"] = f"moim_profile_cast_{os.getpid()}"
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        poll, pairs = _build(2 * args.casts + 2)
        option = PollOption.objects.filter(poll=poll).order_by("position")[0].pk
        clients = _clients(pairs)
        print(
            f"{connection.vendor}, sessions: {settings.SESSION_ENGINE}, "
            f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
            f"{2 * args.casts + 2} delegates, one open motion"
        )
        half = len(clients) // 2
        _measure("voting page (htmx POST)", _page_cast(poll, option), clients[:half], args.profile)
        _measure("API POST", _api_cast(poll, option), clients[half:], args.profile)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""PostgreSQL connections are pooled in production, sized from the environment; SQLite is not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site.production_server import SECRETS, SRC

# Each test reads the settings in a process of its own, from an environment it sets itself (the
# PostgreSQL address is never dialled): the same on either leg of `make test`.
pytestmark = pytest.mark.single_leg

PG = "postgres://moim@db.example.org:5432/moim"
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; "
    "print(json.dumps({'engine': d['ENGINE'], 'options': d.get('OPTIONS', {}), "
    "'max_age': d['CONN_MAX_AGE'], 'checks': d['CONN_HEALTH_CHECKS'], "
    "'live': s.MOIM_LIVE_BACKEND}, "
    "default=lambda o: getattr(o, '__module__', '') + '.' + getattr(o, '__qualname__', str(o))))"
)


def _settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": str(SRC),
            "MOIM_DATA_DIR": str(tmp_path / "data"),
            "DJANGO_SETTINGS_MODULE": "moim.settings",
            "ALLOWED_HOSTS": "assembly.example.org",
            **SECRETS,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_postgresql_connections_are_pooled_and_health_checked_by_default(tmp_path: Path) -> None:
    shown = json.loads(_settings(tmp_path, DATABASE_URL=PG).stdout)

    assert shown["options"]["pool"] == {
        "min_size": 2,
        "max_size": 10,
        "timeout": 10,
        "check": "moim.database.check_connection",
    }
    assert shown["options"]["connect_timeout"] == 5
    # The pool replaces persistent connections and checks each one it hands out.
    assert (shown["max_age"], shown["checks"]) == (0, True)


def test_the_pool_is_sized_from_the_environment_and_turned_off_by_a_zero_maximum(
    tmp_path: Path,
) -> None:
    sized = json.loads(
        _settings(tmp_path, DATABASE_URL=PG, MOIM_DB_POOL_MIN="4", MOIM_DB_POOL_MAX="25").stdout
    )
    off = json.loads(_settings(tmp_path, DATABASE_URL=PG, MOIM_DB_POOL_MAX="0").stdout)

    assert sized["options"]["pool"] == {
        "min_size": 4,
        "max_size": 25,
        "timeout": 10,
        "check": "moim.database.check_connection",
    }
    assert "pool" not in off["options"]
    assert (off["max_age"], off["checks"]) == (60, True)


def test_sqlite_has_no_pool(tmp_path: Path) -> None:
    shown = json.loads(_settings(tmp_path, DATABASE_URL="").stdout)

    assert shown["engine"] == "django.db.backends.sqlite3"
    assert "pool" not in shown["options"]
    assert "prepare_threshold" not in shown["options"]


def test_postgresql_statements_are_bound_apart_and_prepared_unless_turned_off(
    tmp_path: Path,
) -> None:
    default = json.loads(_settings(tmp_path, DATABASE_URL=PG).stdout)
    off = json.loads(_settings(tmp_path, DATABASE_URL=PG, MOIM_DB_PREPARED="false").stdout)

    assert default["options"]["server_side_binding"] is True
    assert default["options"]["prepare_threshold"] == 5
    assert "server_side_binding" not in off["options"]
    assert "prepare_threshold" not in off["options"]


def test_a_prepared_setting_that_is_no_yes_or_no_is_refused_with_its_value(
    tmp_path: Path,
) -> None:
    result = _settings(tmp_path, DATABASE_URL=PG, MOIM_DB_PREPARED="sometimes")

    assert result.returncode != 0
    assert "MOIM_DB_PREPARED must be a yes/no value" in result.stderr
    assert "'sometimes'" in result.stderr


def test_a_pool_minimum_above_its_maximum_is_refused_with_both_values(tmp_path: Path) -> None:
    result = _settings(tmp_path, DATABASE_URL=PG, MOIM_DB_POOL_MIN="8", MOIM_DB_POOL_MAX="3")

    assert result.returncode != 0
    assert "the minimum no larger than the maximum (now 8 and 3)" in result.stderr


def test_live_updates_go_through_redis_when_redis_url_is_set(tmp_path: Path) -> None:
    with_redis = json.loads(
        _settings(tmp_path, REDIS_URL="redis://cache.example.org:6379/0").stdout
    )
    without = json.loads(_settings(tmp_path).stdout)
    chosen = json.loads(
        _settings(tmp_path, REDIS_URL="redis://r:6379/0", MOIM_LIVE_BACKEND="postgres").stdout
    )

    assert (with_redis["live"], without["live"], chosen["live"]) == ("redis", "memory", "postgres")

"""Production settings: `moim check --deploy` is clean with the variables README documents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from moim.env import ConfigError, env_header

# The checks run in processes of their own, from an environment they set themselves: the same on
# either leg of `make test`.
pytestmark = pytest.mark.single_leg

SRC = Path(__file__).resolve().parent.parent / "src"

# The production block of README's "Configuration" section, with throwaway secrets.
PRODUCTION = {
    "SECRET_KEY": "k3y-" + "x7Qp2Lm9Zr4Tw8Vb1Nc6Hd0Jf5Gs3Ak" * 2,
    "MOIM_VAULT_KEY": "v4ult-" + "Mz8Qr2Lp6Wt0Xn4Bv9Cj3Hk7Dg1Fs5Ya" * 2,
    "ALLOWED_HOSTS": "assembly.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://assembly.example.org",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
    "MOIM_CLIENT_IP_HEADER": "X-Forwarded-For",
}


def _moim(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(SRC),
        "MOIM_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "moim.cli", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_variables(
    tmp_path: Path,
) -> None:
    result = _moim(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr


def test_production_defaults_are_secure(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.DEBUG, "
        "s.SECURE_PROXY_SSL_HEADER, s.MOIM_REQUIRE_TWO_FACTOR)"
    )
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(SRC),
        "MOIM_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "moim.settings",
        **PRODUCTION,
    }

    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()

    assert out == [
        "True", "31536000", "True", "True", "True", "True", "False",
        "('HTTP_X_FORWARDED_PROTO',", "'https')", "True",
    ]  # fmt: skip


def test_check_deploy_names_what_a_bare_production_start_lacks(tmp_path: Path) -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = _moim(["check", "--deploy"], env, tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY must be set outside development" in result.stderr


def test_proxy_ssl_header_is_read_as_header_and_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    assert env_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")

    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto")
    with pytest.raises(ConfigError, match="must read `Header: value`"):
        env_header("SECURE_PROXY_SSL_HEADER")

    monkeypatch.delenv("SECURE_PROXY_SSL_HEADER")
    assert env_header("SECURE_PROXY_SSL_HEADER") is None

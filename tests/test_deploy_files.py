"""The deployment files under deploy/ say what docs/deployment.md says, read without a network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def _unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A systemd unit as its sections' (key, value) lines; keys may repeat, as systemd allows."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, equals, value = line.partition("=")
        assert equals, f"not a key=value line in {path.name}: {raw!r}"
        current.append((key.strip(), value.strip()))
    return sections


def _values(lines: list[tuple[str, str]], key: str) -> list[str]:
    return [value for k, value in lines if k == key]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_postgresql_redis_and_moim_serving_in_production(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]

    assert {"postgres", "redis", "moim"} <= set(services)
    assert services["moim"]["command"] == ["moim", "serve-production"]
    assert services["moim"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert services["moim"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    assert services["migrate"]["command"] == ["moim", "migrate", "--noinput"]
    assert services["moim"]["ports"] == ["127.0.0.1:8000:8000"]


def test_compose_keeps_secrets_in_files_and_the_vault_key_away_from_the_database(
    compose: dict[str, Any],
) -> None:
    services, secrets = compose["services"], compose["secrets"]

    assert set(secrets) == {"secret_key", "vault_key", "database_url", "postgres_password"}
    assert all(set(entry) == {"file"} for entry in secrets.values())
    assert "vault_key" in services["moim"]["secrets"]
    assert "vault_key" not in services["postgres"].get("secrets", [])
    assert "vault_key" not in services["redis"].get("secrets", [])
    moim_env = services["moim"]["environment"]
    assert moim_env["MOIM_VAULT_KEY_FILE"] == "/run/secrets/vault_key"
    assert moim_env["SECRET_KEY_FILE"] == "/run/secrets/secret_key"
    assert moim_env["DATABASE_URL_FILE"] == "/run/secrets/database_url"
    written = yaml.safe_dump(services)
    for name in ("SECRET_KEY:", "MOIM_VAULT_KEY:", "DATABASE_URL:", "POSTGRES_PASSWORD:"):
        assert name not in written, f"{name} is written into compose.yaml instead of a file"


def test_containerfile_installs_the_pinned_app_and_serves_as_a_non_root_user() -> None:
    lines = [
        line.strip()
        for line in (DEPLOY / "Containerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]

    assert lines[0] == "FROM docker.io/library/python:3.12-slim"
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert any(line.startswith("RUN pip install --constraint constraints.txt .") for line in lines)
    assert lines[-1] == 'CMD ["moim", "serve-production"]'
    assert "STOPSIGNAL SIGTERM" in lines
    assert any("/healthz" in line for line in lines if line.startswith(("HEALTHCHECK", "CMD")))


def test_systemd_unit_serves_in_production_with_an_environment_file_and_credentials() -> None:
    unit = _unit(DEPLOY / "moim.service")
    service = unit["Service"]

    assert _values(service, "ExecStart") == ["/opt/moim/.venv/bin/moim serve-production"]
    assert _values(service, "EnvironmentFile") == ["/etc/moim/moim.env"]
    assert _values(service, "User") == ["moim"]
    assert _values(service, "ExecReload") == ["/bin/kill -HUP $MAINPID"]
    assert _values(service, "KillSignal") == ["SIGTERM"]
    credentials = dict(v.split(":", 1) for v in _values(service, "LoadCredential"))
    assert credentials["vault_key"] == "/etc/moim/vault.key"
    environment = dict(v.split("=", 1) for v in _values(service, "Environment"))
    assert environment["MOIM_VAULT_KEY_FILE"] == "%d/vault_key"
    assert environment["SECRET_KEY_FILE"] == "%d/secret_key"
    assert _values(unit["Install"], "WantedBy") == ["multi-user.target"]


def test_every_variable_of_the_environment_example_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (DEPLOY / "moim.env.example").read_text(encoding="utf-8")
    names = [
        line.split("=", 1)[0]
        for line in example.splitlines()
        if line.strip() and not line.startswith("#")
    ]

    assert "SECRET_KEY" not in names
    assert "MOIM_VAULT_KEY" not in names
    undocumented = [name for name in names if f"`{name}`" not in readme]
    assert names
    assert undocumented == []


GUIDE_NAMES = (
    "deploy/moim.service",
    "deploy/Containerfile",
    "deploy/compose.yaml",
    "deploy/moim.env.example",
    "moim serve-production",
    "/healthz",
    "SIGHUP",
    "SIGTERM",
)


def test_the_deployment_guide_names_each_file_signal_and_the_command() -> None:
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")

    assert [name for name in GUIDE_NAMES if name not in guide] == []

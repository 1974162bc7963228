"""`moim demo` and `moim serve`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory
from django.test.utils import override_settings

from moim.assemblies import demo as assemblies_demo
from moim.members import demo as members_demo
from moim.members.enums import Role
from moim.members.models import Member, Organization
from moim.site.management.commands.demo import DEMO_PASSWORD, DEMO_USERNAME

pytestmark = pytest.mark.django_db(transaction=False)


def run_demo() -> str:
    out = StringIO()
    call_command("demo", port=8123, stdout=out)
    return out.getvalue()


@override_settings(MOIM_TODAY=dt.date(2021, 10, 18))
def test_demo_loads_wego_prints_the_login_and_can_run_again(client: Client) -> None:
    """One test for the whole command: each run migrates and loads every app's demo."""
    output = run_demo()
    members = Member.objects.count()

    assert Organization.objects.get().acronym == "WeGO"
    assert members > 200
    assert "http://127.0.0.1:8123/en/" in output
    assert "http://127.0.0.1:8123/ko/" in output
    assert f"Log in as        {DEMO_USERNAME}" in output
    assert f"with password    {DEMO_PASSWORD}" in output
    # Through the login throttle, which needs the request that carries the credentials.
    login = RequestFactory().post("/en/accounts/login/")
    user = authenticate(login, username=DEMO_USERNAME, password=DEMO_PASSWORD)
    assert user is not None
    assert user.is_staff
    assert user.groups.filter(name=Role.SECRETARIAT).exists()

    english = client.get("/en/").content.decode()
    korean = client.get("/ko/").content.decode()
    assert "World Smart Sustainable Cities Organization" in english
    assert "Park Jung-sook" in english
    assert "세계스마트지속가능도시기구" in korean
    assert "박정숙" in korean
    assert "회원 명부" in korean

    again = run_demo()

    assert Member.objects.count() == members
    assert Organization.objects.count() == 1
    assert "updated secretariat account" in again


def test_serve_refuses_to_run_outside_the_moim_command() -> None:
    with override_settings(DEVSERVER=False), pytest.raises(CommandError, match="MOIM_DEVSERVER"):
        call_command("serve", port=8123)


def test_serve_rejects_an_impossible_port() -> None:
    with pytest.raises(CommandError, match="between 1 and 65535"):
        call_command("serve", port=70000)


def test_demo_reports_broken_data_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str) -> dict[str, object]:
        raise members_demo.DemoDataError(f"{name}: not valid JSON (line 3)")

    monkeypatch.setattr(members_demo, "read", broken)

    with pytest.raises(CommandError, match=r"cannot be loaded: organization\.json: not valid JSON"):
        run_demo()
    assert not Organization.objects.exists()


def test_demo_reports_broken_data_of_a_later_app_as_clearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(name: str) -> dict[str, object]:
        raise assemblies_demo.DemoDataError(f"{name}: expected an object at the top level")

    monkeypatch.setattr(assemblies_demo, "read", broken)

    with pytest.raises(CommandError, match=r"cannot be loaded: assemblies\.json: expected an"):
        run_demo()

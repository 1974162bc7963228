"""Personas shared by the suite, as Healthchecks' alice/bob/charlie.

- `secretariat`: a secretariat officer (staff, back office)
- `chair`: the presiding officer of the plenary
- `delegate_a`, `delegate_b`: voting delegates of two different member cities
- `juror`: an awards juror
- `outsider`: logged in, with no role at all
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from moim.members.enums import Role
from moim.members.models import Member, Organization
from tests.factories import MemberFactory, OrganizationFactory, PersonFactory, UserFactory

Persona = Any  # a django.contrib.auth user

# Property tests draw the same examples on every run (CI included), with no time limit per
# example on a loaded machine; HYPOTHESIS_PROFILE=explore draws new ones.
hypothesis_settings.register_profile("repeatable", derandomize=True, deadline=None)
hypothesis_settings.register_profile("explore", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


# Directories whose tests prove nothing that depends on the database: the counting engine has no
# Django in it. Their tests carry `single_leg` and run on the SQLite leg of `make test` only.
SINGLE_LEG_DIRECTORIES = [Path(__file__).parent / "tally"]
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what the legs of `make test` select on, before `-m` reads the marks; then put the
    browser tests first, so that the longest tests start early and both workers end together."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if any(item.path.is_relative_to(folder) for folder in SINGLE_LEG_DIRECTORIES):
            if item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(
                getattr(item, "fixturenames", ())
            ):
                raise pytest.UsageError(
                    f"{item.nodeid} uses the database: it belongs outside "
                    f"{', '.join(str(f) for f in SINGLE_LEG_DIRECTORIES)}, whose tests run on "
                    "the SQLite leg only"
                )
            item.add_marker(pytest.mark.single_leg)
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """Each test starts in English, whatever language an earlier test switched to."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _no_announcement_waits_past_its_test() -> Iterator[None]:
    """A turnout announced at most so often may wait for its window's end: it leaves before
    the next test, whose polls may have the same ids."""
    from moim.live.brokers import flush_pending

    flush_pending()
    yield
    flush_pending()


@pytest.fixture(autouse=True)
def _streams_follow_this_test_s_assemblies() -> Iterator[None]:
    """The projector's streams remember which assembly an edition is for half a minute: each
    test makes its own."""
    from moim.site.publication_views import forget_streamed_assemblies

    forget_streamed_assemblies()
    yield
    forget_streamed_assemblies()


@pytest.fixture
def organization(db: None) -> Organization:
    return OrganizationFactory()


@pytest.fixture
def city_a(organization: Organization) -> Member:
    return MemberFactory(organization=organization, name_en="Seoul", slug="seoul")


@pytest.fixture
def city_b(organization: Organization) -> Member:
    return MemberFactory(
        organization=organization, name_en="Mexico City", slug="mexico-city", country="MX"
    )


@pytest.fixture
def secretariat(organization: Organization) -> Persona:
    user = UserFactory(username="sofia", is_staff=True, roles=[Role.SECRETARIAT])
    PersonFactory(organization=organization, name_en="Sofia Secretariat", user=user)
    return user


@pytest.fixture
def chair(organization: Organization) -> Persona:
    user = UserFactory(username="charles", roles=[Role.CHAIR])
    PersonFactory(organization=organization, name_en="Charles Chair", user=user)
    return user


@pytest.fixture
def delegate_a(city_a: Member) -> Persona:
    user = UserFactory(username="dana", roles=[Role.DELEGATE])
    PersonFactory(
        organization=city_a.organization, member=city_a, name_en="Dana Delegate", user=user
    )
    return user


@pytest.fixture
def delegate_b(city_b: Member) -> Persona:
    user = UserFactory(username="diego", roles=[Role.DELEGATE])
    PersonFactory(
        organization=city_b.organization, member=city_b, name_en="Diego Delegate", user=user
    )
    return user


@pytest.fixture
def juror(organization: Organization) -> Persona:
    user = UserFactory(username="judith", roles=[Role.JUROR])
    PersonFactory(organization=organization, name_en="Judith Juror", user=user)
    return user


@pytest.fixture
def outsider(db: None) -> Persona:
    return UserFactory(username="oscar")


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Any:
    """Debian's Chromium driven by Playwright; skips with a printed reason when it is absent."""
    import os
    import shutil

    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip("browser tests: /usr/bin/chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test around it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Any:
    context = browser.new_context(locale="en-GB", timezone_id="Asia/Seoul")
    yield context.new_page()
    context.close()

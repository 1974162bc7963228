"""A person registers through the public form, the desk checks them in, the figure moves."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from moim.assemblies.models import Registration
from moim.members.enums import Role
from tests.assemblies.factories import AssemblyFactory
from tests.factories import OrganizationFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_check_in_at_the_desk_and_see_the_figure_change(
    live_server: Any, page: Any
) -> None:
    organization = OrganizationFactory()
    AssemblyFactory(organization=organization, edition=5, title_en="5th General Assembly")
    officer = UserFactory(username="sofia", is_staff=True, roles=[Role.SECRETARIAT])
    PersonFactory(organization=organization, name_en="Sofia Secretariat", user=officer)
    assembly_url = f"{live_server.url}/en/assemblies/5/"

    page.goto(assembly_url)
    before = page.locator("#figure-present").inner_text()
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Full name").fill("Lucía Méndez")
    page.get_by_label("E-mail").fill("lucia@example.org")
    page.get_by_label("Role").select_option("vice_mayor")
    page.get_by_label("In person").check()
    page.get_by_label("Country represented").select_option("MX")
    page.get_by_role("button", name="Register").click()
    registered = page.locator(".messages").inner_text()
    code = Registration.objects.get(email="lucia@example.org").check_in_code

    # The desk officer's browser: log in by session cookie.
    client = Client()
    client.force_login(officer)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{assembly_url}desk/")
    page.evaluate("window.sameDeskPage = true")
    page.get_by_label("Name, organization or check-in code").fill(code)
    page.keyboard.press("Enter")
    checked_in = page.locator(".messages").inner_text()
    # The desk swapped its content in place: same page, input ready for the next scan.
    same_page = page.evaluate("window.sameDeskPage === true")
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    page.goto(assembly_url)
    after = page.locator("#figure-present").inner_text()

    assert "You are registered" in registered
    assert "Lucía Méndez (Mexico) is checked in." in checked_in
    assert (before, after) == ("0", "1")
    assert (same_page, focused) == (True, "id_q")
    assert page.locator("#figure-mayors").inner_text() == "1"

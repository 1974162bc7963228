"""A delegate walks the entry form in a browser: draft, autosave, attachments, submission."""

from __future__ import annotations

from typing import Any

import pytest

from moim.awards.enums import EntryStatus
from moim.awards.models import Edition, Entry
from moim.members.models import Member
from tests.browser_sessions import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_delegate_walks_the_entry_form(
    live_server: Any,
    page: Any,
    edition: Edition,
    city_a: Member,
    delegate_a: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server.url, delegate_a)

    page.goto(f"{live_server.url}/en/awards/4/")
    page.get_by_role("link", name="Enter a project").click()
    page.get_by_label("Category").select_option(label="Mobility")
    page.get_by_label("Project title").fill("Seoul Smart Bus Stops")
    page.get_by_label("Beneficiary city").select_option(label="Seoul")
    page.get_by_role("button", name="Create the draft").click()
    created = page.locator(".messages").inner_text()
    entry = Entry.objects.get(title="Seoul Smart Bus Stops")

    # Typing saves the draft by itself.
    page.get_by_label("Summary").fill("Bus stops that tell you when the bus comes.")
    page.locator("#autosave-status").filter(has_text="Saved at").wait_for()
    entry.refresh_from_db()
    autosaved = entry.summary

    # A forbidden file is refused with a clear message; a PDF is kept.
    page.get_by_label("Attachment").set_input_files(
        files=[{"name": "setup.exe", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00"}]
    )
    page.get_by_role("button", name="Attach", exact=True).click()
    refused = page.locator(".messages").inner_text()
    page.get_by_label("Attachment").set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n"}]
    )
    page.get_by_role("button", name="Attach", exact=True).click()
    attachments = page.locator(".attachment-list").inner_text()

    page.get_by_label("Description").fill("Sensors, displays and an open feed.")
    page.get_by_label("Results").fill("Waiting felt shorter for 8 in 10 riders.")
    page.get_by_role("button", name="Submit the entry").click()
    status = page.locator(".entry-status").inner_text()
    entry.refresh_from_db()

    assert "Draft saved" in created
    assert autosaved == "Bus stops that tell you when the bus comes."
    assert "“setup.exe” is not an accepted file type" in refused
    assert "plan.pdf" in attachments
    assert "setup.exe" not in attachments
    assert status == "Submitted"
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.results == "Waiting felt shorter for 8 in 10 riders."

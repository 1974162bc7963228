"""The steps of a sitting: the convocation, motions and amendments, the list of speakers, the
projectors and the minutes, each driving the pages (Playwright) as the secretariat, the chair or
a delegate would. No step writes to a model."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.steps import EDITION, Run, expect, messages_of


def send_convocation(run: Run) -> str:
    """The secretariat opens the convocation page from the mailings and sends it."""
    page = run.secretariat
    page.goto(run.at(f"/en/mailings/{EDITION}/"))
    page.get_by_role("link", name="Prepare the convocation").click()
    page.get_by_role("button", name="Send the convocation").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/en/mailings/{EDITION}/"), messages_of(page)
    return messages_of(page)


def bounce(run: Run, request: Any, message_id: str, secret: str) -> Any:
    """The mail server reports that the message came back."""
    return request.post(
        run.at("/mailings/bounce/"),
        data=json.dumps({"message_id": message_id, "reason": "550 no such mailbox"}),
        headers={"Content-Type": "application/json", "X-Moim-Bounce-Secret": secret},
    )


def convocation_mailing(run: Run) -> str:
    """The secretariat follows the convocation's mailing from the overview; its page's text."""
    page = run.secretariat
    page.goto(run.at(f"/en/mailings/{EDITION}/"))
    row = page.locator("tr").filter(has_text="Convocation").first
    row.locator("a").first.click()
    page.wait_for_load_state()
    expect(page.locator("#progress")).to_be_visible()
    return page.locator("main").inner_text()

"""The steps of a sitting: the convocation, motions and amendments, the list of speakers, the
projectors and the minutes, each driving the pages (Playwright) as the secretariat, the chair or
a delegate would. No step writes to a model."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.e2e.steps import EDITION, Delegate, Run, delegate_page, expect, messages_of


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


# --- motions and amendments ----------------------------------------------------------------


def table_motion(run: Run, delegate: Delegate, *, title: str, paragraphs: list[str]) -> int:
    """A delegate submits a motion for its own city from the motions page. Returns its id."""
    page = delegate_page(delegate)
    page.goto(run.at(f"/en/motions/{EDITION}/"))
    page.get_by_role("link", name="Submit a motion").click()
    page.get_by_label("Moved by").select_option(label=delegate.city)
    page.get_by_label("Title (English)").fill(title)
    page.get_by_label("Text (English)").fill("\n".join(paragraphs))
    page.get_by_label("Reason").fill("Cities decide better together.")
    page.get_by_role("button", name="Submit the motion").click()
    page.wait_for_url(re.compile(rf"/motions/{EDITION}/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def motion_page(run: Run, page: Any, motion: int) -> str:
    page.goto(run.at(f"/en/motions/{EDITION}/{motion}/"))
    return page.locator("main").inner_text()


def support_motion(run: Run, delegate: Delegate, motion: int) -> str:
    page = delegate_page(delegate)
    motion_page(run, page, motion)
    page.get_by_role("button", name="Support this motion").click()
    page.wait_for_load_state()
    return page.locator("main").inner_text()


def admit_motion(run: Run, motion: int) -> str:
    """The secretariat admits the motion onto the agenda from its page."""
    page = run.secretariat
    motion_page(run, page, motion)
    page.get_by_role("button", name="Admit onto the agenda").click()
    page.wait_for_load_state()
    return page.locator("main").inner_text()


def decision_of(run: Run, motion: int) -> int:
    """The decision an admitted motion became, from the link on the motion's page."""
    page = run.secretariat
    motion_page(run, page, motion)
    href = page.get_by_role("link", name="The decision and its vote").first.get_attribute("href")
    found = re.search(r"/(\d+)/$", href or "")
    assert found, href
    return int(found.group(1))


def amend_paragraph(
    run: Run, delegate: Delegate, decision: int, paragraph: int, *, wording: str
) -> int:
    """A delegate replaces a paragraph of a text on the agenda, from the text's page."""
    page = delegate_page(delegate)
    page.goto(run.at(f"/en/motions/{EDITION}/decision/{decision}/"))
    page.get_by_role("link", name="Amend this paragraph").nth(paragraph - 1).click()
    assert page.url.endswith(f"/decision/{decision}/amend/{paragraph}/"), page.url
    page.get_by_label("The amendment").select_option("replace")
    page.get_by_label("New wording (English)").fill(wording)
    page.get_by_label("Reason").fill("Say who decides.")
    page.get_by_role("button", name="Table the amendment").click()
    page.wait_for_url(re.compile(rf"/motions/{EDITION}/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])

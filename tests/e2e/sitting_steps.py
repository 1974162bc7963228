"""The steps of a sitting: the convocation, motions and amendments, the list of speakers, the
projectors and the minutes, each driving the pages (Playwright) as the secretariat, the chair or
a delegate would. No step writes to a model."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.e2e.steps import (
    EDITION,
    Delegate,
    Run,
    admin_save,
    delegate_page,
    expect,
    messages_of,
)


def press(page: Any, button: Any) -> None:
    """Click a button that posts a form, and wait for the page it leads to."""
    with page.expect_navigation():
        button.click()


def send_convocation(run: Run) -> str:
    """The secretariat opens the convocation page from the mailings and sends it."""
    page = run.secretariat
    page.goto(run.at(f"/en/mailings/{EDITION}/"))
    page.get_by_role("link", name="Prepare the convocation").click()
    press(page, page.get_by_role("button", name="Send the convocation"))
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
    press(page, row.locator("a").first)
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
    press(page, page.get_by_role("button", name="Support this motion"))
    return page.locator("main").inner_text()


def admit_motion(run: Run, motion: int) -> str:
    """The secretariat admits the motion onto the agenda from its page."""
    page = run.secretariat
    motion_page(run, page, motion)
    press(page, page.get_by_role("button", name="Admit onto the agenda"))
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


# --- the list of speakers ------------------------------------------------------------------


def put_on_agenda(run: Run, decision: int, *, position: int) -> int:
    """The secretariat puts the decision on the plenary's agenda in the back office. Returns
    the agenda item's id."""
    page = run.secretariat
    page.goto(run.at("/en/admin/governance/agendaitem/add/"))
    page.locator("#id_assembly").select_option(label="6th General Assembly")
    page.locator("#id_position").fill(str(position))
    page.locator("#id_kind").select_option("decision")
    page.locator("#id_decision").fill(str(decision))
    admin_save(page)
    found = re.search(r"/agendaitem/(\d+)/change/", page.url)
    assert found, page.url
    return int(found.group(1))


def floor_page(run: Run, item: int) -> Any:
    page = run.chair
    page.goto(run.at(f"/en/floor/{EDITION}/item/{item}/"))
    return page


def open_speakers_list(run: Run, item: int, *, minutes: str = "3") -> str:
    """The chair opens the item's list of speakers with the speaking time."""
    page = floor_page(run, item)
    page.get_by_label("Speaking time (minutes)").fill(minutes)
    press(page, page.get_by_role("button", name="Open the list"))
    return page.locator("main").inner_text()


def ask_to_speak_online(run: Run, delegate: Delegate) -> str:
    """An online delegate asks for the floor from the sitting page."""
    page = delegate_page(delegate)
    page.goto(run.at(f"/en/governance/{EDITION}/sitting/"))
    panel = page.locator("#floor-sitting")
    panel.get_by_role("button", name="Ask to speak").click()
    expect(panel).to_contain_text("You are on the list")
    return panel.inner_text()


def add_speaker_in_room(run: Run, item: int, *, member: str, name: str) -> str:
    """The chair adds someone in the room who raised a hand."""
    page = floor_page(run, item)
    page.locator("#id_member").select_option(label=member)
    page.locator("#id_name_en").fill(name)
    press(page, page.get_by_role("button", name="Add to the list"))
    return page.locator("main").inner_text()


def give_floor(run: Run, item: int, speaker: str) -> Any:
    """The chair gives the floor to a waiting speaker: the timer runs."""
    page = floor_page(run, item)
    row = page.locator("tr").filter(has_text=speaker)
    press(page, row.get_by_role("button", name="Give the floor"))
    now = page.locator(".floor-now")
    expect(now).to_contain_text(speaker)
    expect(now.locator("[data-floor-timer]").first).to_be_visible()
    return page


def point_of_order_now(run: Run, item: int, *, name: str) -> str:
    """A point of order from the room, heard at once: it interrupts the speech."""
    page = floor_page(run, item)
    page.locator("#id_poo-name_en").fill(name)
    press(page, page.get_by_role("button", name="Hear it now"))
    return page.locator(".floor-now").inner_text()


def end_speech(run: Run, item: int) -> str:
    page = floor_page(run, item)
    press(page, page.get_by_role("button", name="End the speech"))
    return page.locator("[data-floor-state]").inner_text()


# --- the projectors ------------------------------------------------------------------------


def project(
    run: Run,
    projector: str,
    kind: str,
    *,
    decision: str = "",
    agenda_item: str = "",
    seconds: int = 0,
    label: str = "",
) -> str:
    """The chair adds a slide to a projector's queue on the projection page and projects it
    at once. Returns what the page previews as shown now."""
    page = run.chair
    page.goto(run.at(f"/en/projection/{EDITION}/"))
    panel = page.locator(f"#projector-{projector}")
    panel.locator("summary").filter(has_text="Add a slide").click()
    panel.locator("select[name$=-kind]").select_option(kind)
    if decision:
        panel.locator("select[name$=-decision]").select_option(label=decision)
    if agenda_item:
        panel.locator("select[name$=-agenda_item]").select_option(label=agenda_item)
    if seconds:
        panel.locator("input[name$=-seconds]").fill(str(seconds))
    if label:
        panel.locator("input[name$=-title_en]").fill(label)
    press(page, panel.get_by_role("button", name="Add to the queue"))
    panel = page.locator(f"#projector-{projector}")
    press(
        page, panel.locator(".projection-queue li").last.get_by_role("button", name="Project now")
    )
    panel = page.locator(f"#projector-{projector}")
    expect(panel.locator(".projection-queue li").last).to_contain_text("shown now")
    return panel.locator(".projection-preview").inner_text()


def screen_shows(page: Any, text: str) -> str:
    """An open screen shows the text by itself, or at the latest once reloaded."""
    state = page.locator("[data-projector-state]")
    try:
        expect(state).to_contain_text(text, timeout=5_000)
    except AssertionError:
        page.reload()
        expect(state).to_contain_text(text)
    return state.inner_text()


# --- the votes -----------------------------------------------------------------------------


def chair_tries_to_open_first(run: Run, key: str) -> str:
    """The chair makes a poll on the amended text and tries to open it while its amendment is
    undecided. Returns the poll console's text once refused."""
    page = run.chair
    page.goto(run.at(f"/en/governance/{EDITION}/console/"))
    card = page.locator("li.card").filter(
        has=page.locator(f"a[href$='/governance/decision/{run.decisions[key]}/']")
    )
    card.get_by_role("button", name="New poll").click()
    page.wait_for_url("**/poll/*/console/")
    opener = page.get_by_role("button", name="Open the poll")
    if opener.count():
        press(page, opener)
    text = page.locator("main").inner_text()
    assert "State: Open" not in text, text
    return text


def open_existing_poll(run: Run, poll_url: str) -> int:
    page = run.chair
    page.goto(poll_url)
    press(page, page.get_by_role("button", name="Open the poll"))
    assert "State: Open" in page.locator("main").inner_text(), messages_of(page)
    return int(re.search(r"/poll/(\d+)/console/", page.url).group(1))  # type: ignore[union-attr]


# --- the minutes ---------------------------------------------------------------------------


def write_minutes(run: Run) -> str:
    """The secretariat writes the draft minutes from the records. Returns the draft's text."""
    page = run.secretariat
    page.goto(run.at(f"/en/minutes/{EDITION}/"))
    press(page, page.get_by_role("button", name="Write the minutes from the records"))
    return page.locator("main").inner_text()

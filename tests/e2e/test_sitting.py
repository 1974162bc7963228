"""A sitting of the 6th General Assembly, run through the pages at a small scale.

Only the registry comes from factories (tests/e2e/conftest.py). The secretariat creates the
Assembly (October 2027) in the back office and sends the convocation from its page, months ahead
of the notice the rules ask for; the mail worker sends it, the mail server reports one bounce (a
forged report is refused), and the mailing's page shows what was sent and what came back. Six
mayors register, are accredited, come in or join online (two) and get accounts. City 001 tables a
motion, City 002 supports it, the secretariat admits it and City 004's amendment to paragraph 2.
On the motion's item the chair opens the list of speakers: an online delegate asks from the
sitting page, a mayor in the room is added, a point of order interrupts the speech, which resumes
and ends. The chair projects the text with its amendment and a countdown on the Hall and the list
of speakers on the Livestream overlay. The motion's poll does not open before the amendment is
decided; both are voted and published, and the motion's final text carries the amendment. The
minutes, written from the records, state all of it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e import sitting_steps, steps
from tests.e2e.conftest import PASSWORD, Registry
from tests.e2e.steps import Delegate, Run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOUNCE_SECRET = "bounce-secret-for-the-sitting"
DELEGATES = 6
MOTION = [
    "The General Assembly meets every two years.",
    "The Executive Committee sets the venue.",
    "The Secretariat publishes the minutes.",
]
AMENDED = "The General Assembly sets the venue, on the Executive Committee's proposal."


def delegates_of(registry: Registry) -> list[Delegate]:
    """The mayors of cities 1-6; the third and the sixth join online."""
    return [
        Delegate(
            name=mayor.name_en,
            email=mayor.email,
            city=registry.cities[n].name_en,
            online=n % 3 == 2,
        )
        for n, mayor in enumerate(registry.mayors[:DELEGATES])
    ]


def test_a_sitting_of_the_general_assembly_through_the_pages(
    live_server: Any,
    contexts: Any,
    registry: Registry,
    mailoutbox: list[Any],
    settings: Any,
) -> None:
    settings.MOIM_BOUNCE_SECRET = BOUNCE_SECRET
    secretariat = steps.log_in(contexts().new_page(), live_server.url, "sofia", PASSWORD)
    run = Run(url=live_server.url, secretariat=secretariat, delegates=delegates_of(registry))
    public = contexts().new_page()

    steps.create_assembly(run)
    steps.add_programme(run)
    steps.open_registration(run)

    # 1. The convocation, on time: the Assembly is months away.
    said = sitting_steps.send_convocation(run)
    assert "The convocation is queued" in said, said
    call_command("send-mail", batch=500)
    convocations = [m for m in mailoutbox if "mayor@city-007.example.org" in m.to]
    assert len(convocations) == 1, [m.to for m in mailoutbox]
    sent = len(mailoutbox)
    assert sent >= len(registry.mayors)
    answer = sitting_steps.bounce(
        run, public.context.request, convocations[0].extra_headers["Message-ID"], BOUNCE_SECRET
    )
    assert answer.json() == {"status": "bounced"}, answer.text()
    forged = sitting_steps.bounce(
        run, public.context.request, convocations[0].extra_headers["Message-ID"], "guess"
    )
    assert forged.status == 403
    overview = run.secretariat.locator("main").inner_text()
    assert "On time" in overview, overview
    mailing = sitting_steps.convocation_mailing(run)
    assert f"Sent\n{sent - 1}" in mailing or f"Sent\t{sent - 1}" in mailing, mailing
    assert "Bounced\n1" in mailing or "Bounced\t1" in mailing, mailing
    assert "mayor@city-007.example.org" in mailing

    # The delegates register, are accredited, come in or join online, and get their accounts.
    steps.register_delegates(run, public, in_browser=1)
    steps.read_mail(run, mailoutbox)
    said = steps.accredit_uncontested(run)
    assert f"{DELEGATES} voting delegates accredited." in said, said
    steps.put_in_session(run)
    steps.check_in(run, in_browser=1)
    steps.join_online(run, public, in_browser=1)
    said = steps.issue_accounts(run)
    assert f"{DELEGATES} accounts issued" in said, said
    steps.read_account_mail(run, mailoutbox)
    steps.set_password_and_log_in(run, contexts, in_browser=1)
    run.chair = steps.log_in(contexts().new_page(), live_server.url, "charles", PASSWORD)
    steps.create_rules(run, kind="motion", name="Motions", quorum="0.02")
    mover, supporter, amender, online = (
        run.delegates[0],
        run.delegates[1],
        run.delegates[3],
        run.delegates[2],
    )
    assert online.online

    # 2. City 001 tables a motion, City 002 supports it, the secretariat admits it; City 004
    # amends its second paragraph, and the secretariat admits the amendment.
    motion = sitting_steps.table_motion(run, mover, title="Biennial Assemblies", paragraphs=MOTION)
    shown = sitting_steps.support_motion(run, supporter, motion)
    assert "City 002" in shown, shown
    shown = sitting_steps.admit_motion(run, motion)
    assert "The decision and its vote" in shown, shown
    decision = sitting_steps.decision_of(run, motion)
    amendment = sitting_steps.amend_paragraph(run, amender, decision, 2, wording=AMENDED)
    shown = sitting_steps.admit_motion(run, amendment)
    assert "The decision and its vote" in shown, shown
    text = sitting_steps.motion_page(run, run.secretariat, motion)
    assert "1 amendment is still to be voted." in text, text

    # 3. The list of speakers on the motion's item: an online delegate asks from the sitting
    # page, the chair adds a mayor in the room, gives the floor; a point of order interrupts.
    item = sitting_steps.put_on_agenda(run, decision, position=1)
    shown = sitting_steps.open_speakers_list(run, item)
    assert "The list is open." in shown, shown
    sitting_steps.ask_to_speak_online(run, online)
    shown = sitting_steps.add_speaker_in_room(
        run, item, member="City 001", name="Mayor of City 001"
    )
    assert "Mayor of City 003" in shown, shown
    assert "Mayor of City 001" in shown, shown
    sitting_steps.give_floor(run, item, "Mayor of City 003")
    now = sitting_steps.point_of_order_now(run, item, name="Mayor of City 005")
    assert "Mayor of City 005" in now, now
    assert "Interrupted by a point of order" in now, now
    assert "Mayor of City 003" in now, now
    state = sitting_steps.end_speech(run, item)
    assert "Interrupted by a point of order" not in state, state
    now = sitting_steps.floor_page(run, item).locator(".floor-now").inner_text()
    assert "Mayor of City 003" in now, now
    state = sitting_steps.end_speech(run, item)
    assert "Nobody has the floor." in state, state

    # 4. The projectors: the text with its amendment on the Hall, the list of speakers on the
    # Livestream overlay, then a countdown on the Hall; both screens are open.
    run.chair.goto(f"{live_server.url}/en/projection/{steps.EDITION}/")
    hall = contexts().new_page()
    hall.goto(f"{live_server.url}/en/projector/{steps.EDITION}/hall/")
    livestream = contexts().new_page()
    livestream.goto(f"{live_server.url}/en/projector/{steps.EDITION}/livestream/")
    sitting_steps.project(run, "hall", "motion", decision="Biennial Assemblies")
    shown = sitting_steps.screen_shows(hall, "Biennial Assemblies").lower()
    assert "amendment to biennial assemblies, paragraph 2" in shown, shown
    assert "to be voted" in shown, shown
    assert "on the executive committee's proposal" in shown, shown
    sitting_steps.project(run, "livestream", "floor_list", agenda_item="Biennial Assemblies")
    shown = sitting_steps.screen_shows(livestream, "List of speakers")
    assert "Mayor of City 001" in shown, shown
    sitting_steps.project(run, "hall", "countdown", seconds=120, label="The vote opens")
    shown = sitting_steps.screen_shows(hall, "The vote opens")
    assert hall.locator(".screen-countdown[role=timer]").count() == 1

    # 5. The amendment is voted first: the motion's poll does not open before it is decided.
    run.decisions["motion"] = decision
    run.decisions["amendment"] = sitting_steps.decision_of(run, amendment)
    refused = sitting_steps.chair_tries_to_open_first(run, "motion")
    assert "once every amendment voted before it is decided" in refused, refused
    motion_poll_url = run.chair.url
    poll = steps.chair_opens_poll(run, "amendment")
    for delegate, vote in zip(run.delegates, ["Yes"] * 4 + ["No", "Abstain"], strict=True):
        steps.cast(run, delegate, poll, [vote])
    steps.chair_closes(run, poll)
    steps.chair_counts(run, poll)
    console = steps.chair_publishes(run, poll)
    assert "Adopted" in console, console
    poll = sitting_steps.open_existing_poll(run, motion_poll_url)
    steps.vote_in_browser(run, run.delegates[0], ["Yes"])
    for delegate, vote in zip(run.delegates[1:], ["Yes"] * 3 + ["No"] * 2, strict=True):
        steps.cast(run, delegate, poll, [vote])
    steps.chair_closes(run, poll)
    steps.chair_counts(run, poll)
    console = steps.chair_publishes(run, poll)
    assert "Adopted" in console, console
    text = sitting_steps.motion_page(run, public, motion)
    final = text.split("Final text", 1)[1]
    assert AMENDED in final, final
    assert "The Executive Committee sets the venue." not in final, final
    assert "amendment is still to be voted" not in final, final

    # 6. The minutes, written from the records.
    minutes = sitting_steps.write_minutes(run)
    for fact in (
        # the convocation: its date, the days before, what came back
        "The convocation was sent on ",
        "days before the opening (30 days' notice required). It was sent in time.",
        f"Recipients: {sent}; delivered {sent - 1}, bounced 1, failed 0",
        # attendance and quorum at the votes
        "Participants present: 6 (in person 4, online 2)",
        "Quorum: 6 of 150 present or represented, 3 required; met.",
        # the motion and its amendment with their results
        "1. Biennial Assemblies (Motion)",
        f"Amendment: Amendment to Biennial Assemblies, paragraph 2. {AMENDED}",
        "Round 1: Yes 4, No 1 and Abstain 1 (6 ballots)",
        "Round 1: Yes 4, No 2 and Abstain 0 (6 ballots)",
        "Verdict: Adopted.",
        f"Text as amended:\n{MOTION[0]}\n{AMENDED}\n{MOTION[2]}",
        # the speakers on the item, the online one marked
        "Mayor of City 003 (City 003, speech, online,",
        "Mayor of City 005 (point of order, in the room,",
    ):
        assert fact in minutes, (fact, minutes)

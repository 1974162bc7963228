"""The 6th General Assembly, run from a blank assembly through the pages and the back office.

Only the registry comes from factories (tests/e2e/conftest.py). The test body drives the browser,
or posts the pages' own forms where a browser would repeat one step sixty times; it reads the
mail the site sends (check-in codes, join links, set-password links) as the delegates would, and
never writes a model.

The whole Assembly: the secretariat creates it in Mexico City's time zone with its programme and
opens registration; sixty delegates register (twenty join online), none with an account, and an
impostor claims City 001; registering grants no vote: the secretariat accredits the fifty-nine
uncontested delegates in one step from the registrations page and settles City 001's competing
claims on the credentials page; the desk checks in the forty in the room; accounts are issued in
bulk from the registrations and each delegate sets a password from the mail. The plenary: a
two-thirds Charter amendment, an IRV President election, a 17-seat Scottish STV Executive Committee
whose count stops on a tie for the chair, who draws by lot, six Vice-Presidents appointed from the
console, and the next host chosen by plurality. Delegates reach each ballot from the assembly
page's notice; the projector, opened once, follows every step. Results, report and press release
are read in English and Korean; each ranked poll's BLT download recounts with the `moim tally`
command it states; `moim audit verify` passes and the back office's audit log lists the acts.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.e2e import steps
from tests.e2e.conftest import PASSWORD, Registry
from tests.e2e.steps import Delegate, Run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DELEGATES = 60
ONLINE = 20
# Terms begin with the Assembly (its first day), as the secretariat sets them in the back office.
TERMS_START = "2027-10-18"
PRESIDENT = ["City 061", "City 062", "City 063"]
EXECUTIVE = [f"City {n:03d}" for n in range(71, 89)]
VICE_PRESIDENTS = [f"City {n:03d}" for n in range(101, 107)]
HOSTS = ["City 091", "City 092"]
TITLES_EN = [
    "Amendment of the Charter, article 12",
    "Election of the President",
    "Election of the Executive Committee",
    "Appointment of the Vice-Presidents",
    "Host of the 7th General Assembly",
]
TITLES_KO = [
    "헌장 제12조 개정",
    "회장 선출",
    "집행위원회 선출",
    "부회장 임명",
    "제7차 총회 개최도시",
]


def delegates_of(registry: Registry) -> list[Delegate]:
    """60 mayors of cities 1-60 register; every third joins online (20 of them)."""
    chosen = []
    for n, mayor in enumerate(registry.mayors[:DELEGATES]):
        chosen.append(
            Delegate(
                name=mayor.name_en,
                email=mayor.email,
                city=registry.cities[n].name_en,
                online=n % 3 == 2,
            )
        )
    return chosen


def test_the_6th_general_assembly_through_the_interface(
    live_server: Any,
    contexts: Any,
    registry: Registry,
    mailoutbox: list[Any],
    tmp_path: Path,
) -> None:
    secretariat = steps.log_in(contexts().new_page(), live_server.url, "sofia", PASSWORD)
    run = Run(url=live_server.url, secretariat=secretariat, delegates=delegates_of(registry))
    public = contexts().new_page()

    # Preparing the assembly in the back office.
    steps.create_assembly(run)
    steps.add_programme(run)
    steps.open_registration(run)
    public.goto(run.assembly_url)
    programme = public.locator(".programme").inner_text()
    assert "Plenary session" in programme
    # Times typed in the back office are the venue's: 10:00 in Mexico City reads 10:00.
    plenary = public.locator(".programme li").filter(has_text="Plenary session")
    assert "10 a.m.–1 p.m." in plenary.inner_text(), plenary.inner_text()
    starts = plenary.locator("time").first.get_attribute("datetime") or ""
    assert starts.startswith("2027-10-19T10:00:00-06:00"), starts

    # Sixty delegates register on the public form, none with an account.
    said = steps.register_delegates(run, public)
    assert all("You are registered" in s for s in said), said
    steps.read_mail(run, mailoutbox)
    assert sum(1 for d in run.delegates if d.online) == ONLINE

    # Credentials: registering granted no vote. An impostor claims City 001 too; before the
    # sitting the secretariat accredits the 59 uncontested delegates in one step from the
    # registrations page, then settles City 001 on the credentials page.
    impostor = Delegate(
        name="I. Postor", email="impostor@example.org", city="City 001", online=True
    )
    steps.register_by_form(public.context.request, run, impostor)
    shown = steps.credentials_page(run)
    assert "To resolve (1)" in shown, shown
    assert "2 people claim to represent City 001." in shown, shown
    assert "Uncontested (59)" in shown, shown
    said = steps.accredit_uncontested(run)
    assert f"{DELEGATES - 1} voting delegates accredited." in said, said
    said = steps.choose_claimant(
        run, "City 001", run.delegates[0].email, "The mayor represents us."
    )
    assert "Mayor of City 001 (City 001): Voting delegate." in said, said
    shown = steps.credentials_page(run)
    assert "To resolve (0)" in shown, shown
    assert f"Accredited ({DELEGATES})" in shown, shown

    # The day comes: the assembly is in session. The desk checks in the forty in the room;
    # the twenty online open their join links.
    steps.put_in_session(run)
    checked = steps.check_in(run)
    assert "Mayor of City 001 (City 001) is checked in." in checked[0]
    steps.join_online(run, public)
    assert steps.figures(public, run)["present"] == str(DELEGATES)

    # Accounts, issued in bulk from the registrations; each delegate sets a password from the
    # link in the mail, then logs in.
    said = steps.issue_accounts(run)
    assert f"{DELEGATES} accounts issued" in said, said
    steps.read_account_mail(run, mailoutbox)
    assert run.delegates[0].username == run.delegates[0].email
    steps.set_password_and_log_in(run, contexts)
    run.chair = steps.log_in(contexts().new_page(), live_server.url, "charles", PASSWORD)

    # The agenda, prepared in the back office; the candidates come from the console.
    steps.create_rules(
        run, kind="motion", name="Charter amendment", quorum="0.35", majority="two_thirds"
    )
    steps.create_rules(run, kind="election", name="Elections", quorum="0.35", secret=True)
    steps.create_rules(run, kind="host_selection", name="Host selection", quorum="0.35")
    steps.add_decision(
        run,
        "charter",
        kind="motion",
        title_en="Amendment of the Charter, article 12",
        title_ko="헌장 제12조 개정",
        rules="Charter amendment",
        position=1,
        previous_text_en="The General Assembly meets every three years.",
        text_en="The General Assembly meets every two years, in person and online.",
    )
    steps.add_decision(
        run,
        "president",
        kind="election",
        title_en="Election of the President",
        title_ko="회장 선출",
        rules="Elections",
        position=2,
        office="President",
        term_starts=TERMS_START,
        method="irv",
    )
    steps.add_decision(
        run,
        "executive",
        kind="election",
        title_en="Election of the Executive Committee",
        title_ko="집행위원회 선출",
        rules="Elections",
        position=3,
        office="Executive Committee member",
        term_starts=TERMS_START,
        seats=17,
        method="stv-scottish",
    )
    steps.add_decision(
        run,
        "vice_presidents",
        kind="appointment",
        title_en="Appointment of the Vice-Presidents",
        title_ko="부회장 임명",
        position=4,
        office="Vice-President",
        term_starts=TERMS_START,
        seats=6,
    )
    steps.add_decision(
        run,
        "host",
        kind="host_selection",
        title_en="Host of the 7th General Assembly",
        title_ko="제7차 총회 개최도시",
        rules="Host selection",
        position=5,
        office="Host of the next General Assembly",
        term_starts=TERMS_START,
        ex_officio_office="Executive Vice-President",
        method="plurality",
    )
    said = steps.add_slate(run, "president", picked=PRESIDENT)
    assert "3 candidates added" in said, said
    said = steps.add_slate(run, "executive", pasted=EXECUTIVE)
    assert "18 candidates added" in said, said
    said = steps.add_slate(run, "host", picked=HOSTS)
    assert "2 candidates added" in said, said

    # The projector, opened once, follows every step by itself.
    projector = contexts().new_page()
    projector.goto(f"{live_server.url}/en/projector/{steps.EDITION}/")
    screen = projector.locator("[data-projector-state]")
    steps.expect(screen).to_contain_text("6th General Assembly")

    # The Charter amendment: two-thirds, quorum reached by those checked in (60 of 150 > 35 %).
    # The first delegate has the assembly page open: the notice appears by itself.
    steps.delegate_page(run.delegates[0]).goto(run.assembly_url)
    poll = steps.chair_opens_poll(run, "charter")
    steps.expect(screen).to_contain_text("Voting is open")
    steps.expect(screen).to_contain_text("Amendment of the Charter, article 12")
    votes = ["Yes"] * 45 + ["No"] * 10 + ["Abstain"] * 5
    receipts = [steps.vote_in_browser(run, run.delegates[0], [votes[0]], waiting=True)]
    receipts += [
        steps.cast(run, d, poll, [v]) for d, v in zip(run.delegates[1:], votes[1:], strict=True)
    ]
    assert len(set(receipts)) == DELEGATES
    steps.expect(screen).to_contain_text(f"{DELEGATES} of 150 members have voted")
    steps.chair_closes(run, poll)
    steps.expect(screen).to_contain_text("Voting is closed")
    steps.chair_counts(run, poll)
    console = steps.chair_publishes(run, poll)
    assert "Adopted" in console
    steps.expect(screen.locator("[data-verdict]")).to_have_text("Adopted")

    # The President, by instant-runoff: no majority in the first round; City 063's voters
    # prefer City 062 next, which elects it over the first-round leader.
    poll = steps.chair_opens_poll(run, "president", shape="ranked")
    steps.expect(screen).to_contain_text("Election of the President")
    steps.expect(screen).to_contain_text("Voting is open")
    rankings = ([["City 061", "City 063"]] * 25 + [["City 062", "City 061"]] * 20) + [
        ["City 063", "City 062"]
    ] * 15
    steps.vote_in_browser(run, run.delegates[0], rankings[0], ranked=True)
    for delegate, ranking in zip(run.delegates[1:], rankings[1:], strict=True):
        steps.cast(run, delegate, poll, ranking, ranked=True)
    steps.chair_closes(run, poll)
    steps.expect(screen).to_contain_text("Voting is closed")
    steps.chair_counts(run, poll)
    steps.chair_publishes(run, poll)
    steps.expect(screen.locator(".elected")).to_contain_text("City 062")

    # The Executive Committee, 17 seats by Scottish STV (quota 4): eight reach the quota,
    # eight stand at 3, and the last two tie at 2 with nothing earlier to tell them apart, so
    # the count stops for the chair, who draws by lot which of them is excluded.
    poll = steps.chair_opens_poll(run, "executive", shape="ranked")
    steps.expect(screen).to_contain_text("Election of the Executive Committee")
    firsts = [
        n
        for n, votes_for in zip(EXECUTIVE, [4] * 8 + [3] * 8 + [2, 2], strict=True)
        for _ in range(votes_for)
    ]
    assert len(firsts) == DELEGATES
    steps.vote_in_browser(run, run.delegates[0], [firsts[0]], ranked=True)
    for delegate, first in zip(run.delegates[1:], firsts[1:], strict=True):
        steps.cast(run, delegate, poll, [first], ranked=True)
    steps.chair_closes(run, poll)
    counted = steps.chair_counts(run, poll)
    assert "A tie for the chair" in counted, counted
    assert "City 087" in counted
    assert "City 088" in counted
    drawn = steps.chair_draws_by_lot(run, poll)
    assert "A tie for the chair" not in drawn, drawn
    steps.chair_publishes(run, poll)
    steps.expect(screen).to_contain_text("Election of the Executive Committee")
    steps.expect(screen.locator(".elected")).to_contain_text("City 071")

    # Six Vice-Presidents, appointed from the console by the secretariat.
    said = steps.record_appointment(run, "vice_presidents", VICE_PRESIDENTS)
    assert "Appointment recorded and published." in said, said

    # The next host, by plurality.
    poll = steps.chair_opens_poll(run, "host", shape="choose")
    steps.expect(screen).to_contain_text("Host of the 7th General Assembly")
    steps.expect(screen).to_contain_text("Voting is open")
    hosts = [HOSTS[0]] * 40 + [HOSTS[1]] * 20
    steps.vote_in_browser(run, run.delegates[0], [hosts[0]])
    for delegate, host in zip(run.delegates[1:], hosts[1:], strict=True):
        steps.cast(run, delegate, poll, [host])
    steps.chair_closes(run, poll)
    steps.chair_counts(run, poll)
    steps.chair_publishes(run, poll)
    steps.expect(screen.locator(".elected")).to_contain_text(HOSTS[0])

    # Published: results, report and press release, in English and Korean.
    public.goto(f"{live_server.url}/en/results/{steps.EDITION}/")
    results = public.locator("main").inner_text()
    for title in TITLES_EN:
        assert title in results, (title, results)
    public.goto(f"{live_server.url}/ko/results/{steps.EDITION}/")
    results = public.locator("main").inner_text()
    for title in TITLES_KO:
        assert title in results, (title, results)
    for language, titles in (("en", TITLES_EN), ("ko", TITLES_KO)):
        public.goto(f"{live_server.url}/{language}/report/{steps.EDITION}/")
        report = public.locator("main").inner_text()
        assert all(t in report for t in titles), report
        assert "City 062" in report or "도시 062" in report, report
    said = steps.publish_press_release(run)
    assert "Published." in said, said
    public.goto(f"{live_server.url}/en/press/{steps.EDITION}/")
    press = public.locator("main").inner_text()
    assert "6th General Assembly" in press, press
    assert "City 062" in press, press
    public.goto(f"{live_server.url}/ko/press/{steps.EDITION}/")
    press = public.locator("main").inner_text()
    assert "제6차 총회" in press, press
    assert "도시 062" in press, press

    # Each ranked poll's download recounts, with the command it states, to the published result.
    request = public.context.request
    elected, page = steps.recount(run, request, "president", tmp_path)
    assert elected == "City 062"
    assert "City 062" in page
    elected, page = steps.recount(run, request, "executive", tmp_path)
    names = elected.split(", ")
    assert len(names) == 17, names
    assert set(EXECUTIVE[:16]) <= set(names), names
    assert all(name in page for name in names)

    # The audit log: its chain verifies, and the back office's acts are listed.
    assert "audit log intact" in verify_audit_log()
    run.secretariat.goto(f"{live_server.url}/en/admin/governance/auditentry/?all=")
    log = run.secretariat.locator("#result_list").inner_text()
    for act in (
        "Rules changed",
        "Decision created",
        "Candidates added",
        "Tie settled by the chair",
        "Terms of office changed",
        "Poll published",
    ):
        assert act in log, act


def verify_audit_log() -> str:
    """`moim audit verify` against the database the live server uses."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        done = subprocess.run(
            [sys.executable, "-m", "moim.cli", "audit", "verify"],
            env={
                **os.environ,
                "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
                "DATABASE_URL": f"sqlite:///{database['NAME']}",
                "MOIM_DEVELOPMENT": "1",
                # The chain is keyed: the command needs the vault key the server wrote it with.
                "MOIM_VAULT_KEY": settings.MOIM_VAULT_KEY,
            },
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()

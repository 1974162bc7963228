"""The steps of running a General Assembly through the interface, one small function each.

Each step drives the pages (Playwright) or, where a browser would repeat itself dozens of times,
posts the pages' own forms over plain HTTP (tests/e2e/forms.py). No step writes to a model.
Steps marked EXPECTED INTERFACE are written against the page the feature should have; the test
does not call them yet (see the TODO list in test_next_assembly.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.forms import options_of, submit

EDITION = 6
ZONE = "America/Mexico_City"
DELEGATE_PASSWORD = "plenary horse battery"


@dataclass
class Delegate:
    name: str
    email: str
    city: str
    online: bool
    code: str = ""
    join_url: str = ""
    username: str = ""
    set_password_url: str = ""
    context: Any = None


@dataclass
class Run:
    """What the test carries from step to step: the site, the personas' browser pages."""

    url: str
    secretariat: Any  # a logged-in Playwright page
    chair: Any = None
    delegates: list[Delegate] = field(default_factory=list)
    city_ids: dict[str, str] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)

    def at(self, path: str) -> str:
        return f"{self.url}{path}"

    @property
    def assembly_url(self) -> str:
        return self.at(f"/en/assemblies/{EDITION}/")


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def messages_of(page: Any) -> str:
    box = page.locator(".messages, .messagelist, .errorlist, .errornote")
    return " ".join(box.all_inner_texts())


# --- logging in ----------------------------------------------------------------------------


def log_in(page: Any, url: str, username: str, password: str) -> Any:
    page.goto(f"{url}/en/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not log in: {messages_of(page)}"
    return page


# --- preparing the assembly (back office) --------------------------------------------------


def admin_save(page: Any, *, stay: bool = True) -> None:
    page.locator("input[name=_continue]" if stay else "input[name=_save]").click()
    page.wait_for_load_state()
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, " | ".join(errors.all_inner_texts())


def create_assembly(run: Run) -> None:
    """The secretariat creates the 6th General Assembly in the back office, in Mexico City's
    time zone, typing the venue's local times."""
    page = run.secretariat
    page.goto(run.at("/en/admin/assemblies/assembly/add/"))
    page.locator("#id_organization").select_option(index=1)
    page.locator("#id_edition").fill(str(EDITION))
    page.locator("#id_mode").select_option("hybrid")
    page.locator("#id_title_en").fill("6th General Assembly")
    page.locator("#id_title_ko").fill("제6차 총회")
    page.locator("#id_theme_en").fill("Cities that govern together")
    page.locator("#id_theme_ko").fill("함께 다스리는 도시")
    page.locator("#id_starts_at_0").fill("2027-10-18")
    page.locator("#id_starts_at_1").fill("09:00:00")
    page.locator("#id_ends_at_0").fill("2027-10-20")
    page.locator("#id_ends_at_1").fill("18:00:00")
    page.locator("#id_time_zone").fill(ZONE)
    page.locator("#id_venue_en").fill("Palacio de Minería")
    page.locator("#id_city_en").fill("Mexico City")
    page.locator("#id_city_ko").fill("멕시코시티")
    page.locator("#id_country").select_option("MX")
    admin_save(page)


PROGRAMME = [
    ("opening_address", "Opening of the General Assembly", "총회 개회", "09:00:00", "00:30:00"),
    ("keynote", "Keynote: Governing together", "기조연설", "09:30:00", "00:30:00"),
    ("plenary_session", "Plenary session", "본회의", "10:00:00", "03:00:00"),
    ("closing_remarks", "Closing remarks", "폐회사", "13:00:00", "00:15:00"),
]


def add_programme(run: Run) -> None:
    """The programme, item by item, in the assembly's change form."""
    page = run.secretariat
    for i, (kind, title_en, title_ko, start, duration) in enumerate(PROGRAMME):
        page.get_by_text("Add another Programme item").click()
        page.locator(f"#id_items-{i}-position").fill(str(i + 1))
        page.locator(f"#id_items-{i}-kind").select_option(kind)
        page.locator(f"#id_items-{i}-title_en").fill(title_en)
        page.locator(f"#id_items-{i}-title_ko").fill(title_ko)
        page.locator(f"#id_items-{i}-starts_at_0").fill("2027-10-19")
        page.locator(f"#id_items-{i}-starts_at_1").fill(start)
        page.locator(f"#id_items-{i}-duration").fill(duration)
    admin_save(page)


def open_registration(run: Run) -> None:
    page = run.secretariat
    page.locator("#id_status").select_option("registration_open")
    admin_save(page)


def put_in_session(run: Run) -> None:
    page = run.secretariat
    page.goto(run.at("/en/admin/assemblies/assembly/"))
    page.get_by_role("link", name="6th General Assembly").click()
    page.locator("#id_status").select_option("in_session")
    admin_save(page)


# --- registration, check-in, joining online --------------------------------------------------


def register_in_browser(page: Any, run: Run, delegate: Delegate) -> str:
    page.goto(run.assembly_url)
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Full name").fill(delegate.name)
    page.get_by_label("E-mail").fill(delegate.email)
    page.get_by_label("Role").select_option("mayor")
    page.get_by_label("Online" if delegate.online else "In person").check()
    page.get_by_label("Delegation").select_option(label=delegate.city)
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state()
    return page.locator(".messages").inner_text()


def register_by_form(request: Any, run: Run, delegate: Delegate) -> str:
    url = f"{run.assembly_url}register/"
    if not run.city_ids:
        run.city_ids = options_of(request, url, "member")
    response = submit(
        request,
        url,
        {
            "full_name": delegate.name,
            "email": delegate.email,
            "role": "mayor",
            "attendance_mode": "online" if delegate.online else "in_person",
            "member": run.city_ids[delegate.city],
        },
    )
    assert response.ok, f"registration of {delegate.name}: {response.status}"
    assert response.url.rstrip("/").endswith(f"assemblies/{EDITION}"), delegate.name
    return response.text()


def register_delegates(run: Run, public_page: Any, *, in_browser: int = 3) -> list[str]:
    """Each delegate registers on the public form, none with an account. The first few through
    the browser, the rest by posting the same form."""
    said = []
    for i, delegate in enumerate(run.delegates):
        if i < in_browser:
            said.append(register_in_browser(public_page, run, delegate))
        else:
            register_by_form(public_page.context.request, run, delegate)
    return said


def read_mail(run: Run, outbox: list[Any]) -> None:
    """Each delegate reads the confirmation: the check-in code, and for online the join link."""
    by_address = {d.email: d for d in run.delegates}
    for message in outbox:
        for address in message.to:
            delegate = by_address.get(address)
            if delegate is None:
                continue
            code = re.search(r"check-in code: *([A-Z0-9]{8})", message.body)
            if code:
                delegate.code = code.group(1)
            link = re.search(r"https?://\S+/assemblies/join/\S+/", message.body)
            if link:
                delegate.join_url = link.group(0)


def check_in(run: Run, *, in_browser: int = 3) -> list[str]:
    """The desk scans each in-person delegate's code (typed, then Enter)."""
    page = run.secretariat
    page.goto(f"{run.assembly_url}desk/")
    said = []
    for i, delegate in enumerate(d for d in run.delegates if not d.online):
        assert delegate.code, f"{delegate.name} received no check-in code"
        if i < in_browser:
            page.get_by_label("Name, organization or check-in code").fill(delegate.code)
            page.keyboard.press("Enter")
            expect(page.locator(".messages")).to_contain_text(delegate.name)
            said.append(page.locator(".messages").inner_text())
        else:
            response = submit(
                page.context.request,
                f"{run.assembly_url}desk/",
                {"q": delegate.code},
                action="desk",
            )
            assert "is checked in" in response.text(), delegate.name
    return said


def join_online(run: Run, page: Any, *, in_browser: int = 2) -> None:
    """Each online delegate opens the join link from the e-mail and presses the button."""
    for i, delegate in enumerate(d for d in run.delegates if d.online):
        assert delegate.join_url, f"{delegate.name} received no join link"
        if i < in_browser:
            page.goto(delegate.join_url)
            page.get_by_role("button", name="Join the session").click()
            expect(page.locator("main")).to_contain_text("Your attendance is recorded.")
        else:
            response = submit(page.context.request, delegate.join_url, {})
            assert "Your attendance is recorded." in response.text(), delegate.name


def figures(page: Any, run: Run) -> dict[str, str]:
    page.goto(run.assembly_url)
    return {
        key: page.locator(f"#figure-{key}").inner_text()
        for key in ("present", "mayors")
        if page.locator(f"#figure-{key}").count()
    }


# --- credentials ---------------------------------------------------------------------------


def accredit_uncontested(run: Run) -> str:
    """Registering for a city is only a claim: the secretariat accredits, in one step from the
    registrations page, each city's only claimant whom the registry knows as one of its people."""
    page = run.secretariat
    page.goto(f"{run.assembly_url}registrations/")
    page.get_by_role("button", name="Accredit the uncontested delegates").click()
    page.wait_for_load_state()
    return messages_of(page)


def choose_claimant(run: Run, city: str, email: str, reason: str) -> str:
    """On the credentials page, in the city's card: this claimant becomes the voting delegate
    and the others are refused with the reason."""
    page = run.secretariat
    page.goto(f"{run.assembly_url}credentials/")
    row = (
        page.locator("article[data-member]")
        .filter(has_text=city)
        .locator("tr")
        .filter(has_text=email)
    )
    row.locator("select[name=act]").select_option("choose")
    row.locator("input[name=reason]").fill(reason)
    row.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    return messages_of(page)


def credentials_page(run: Run) -> str:
    page = run.secretariat
    page.goto(f"{run.assembly_url}credentials/")
    return page.locator("main").inner_text()


# --- accounts ------------------------------------------------------------------------------


def issue_accounts(run: Run) -> str:
    """The secretariat issues logins to every registered delegate at once, from the
    registrations page; each delegate is mailed a link to set a password."""
    page = run.secretariat
    page.goto(f"{run.assembly_url}registrations/")
    page.get_by_role("button", name="Issue accounts to delegates").click()
    page.wait_for_load_state()
    return messages_of(page)


def read_account_mail(run: Run, outbox: list[Any]) -> None:
    """Each delegate reads the account e-mail: the username and the set-password link."""
    by_address = {d.email: d for d in run.delegates}
    for message in outbox:
        for address in message.to:
            delegate = by_address.get(address)
            if delegate is None:
                continue
            link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body)
            username = re.search(r"username: *(\S+)", message.body)
            if link and username:
                delegate.set_password_url = link.group(0)
                delegate.username = username.group(1)


def set_password_and_log_in(run: Run, new_context: Any, *, in_browser: int = 2) -> None:
    """Each delegate follows the link in the mail, chooses a password, then logs in: a few in
    the browser, the rest by posting the same forms; each keeps its own cookies."""
    for i, delegate in enumerate(run.delegates):
        assert delegate.set_password_url, f"{delegate.name} received no account e-mail"
        delegate.context = new_context()
        if i < in_browser:
            page = delegate.context.new_page()
            page.goto(delegate.set_password_url)
            page.locator("#id_new_password1").fill(DELEGATE_PASSWORD)
            page.locator("#id_new_password2").fill(DELEGATE_PASSWORD)
            page.get_by_role("button", name="Set my password").click()
            page.wait_for_load_state()
            assert "/accounts/reset/done/" in page.url, messages_of(page)
            log_in(page, run.url, delegate.username, DELEGATE_PASSWORD)
            continue
        request = delegate.context.request
        done = submit(
            request,
            delegate.set_password_url,
            {"new_password1": DELEGATE_PASSWORD, "new_password2": DELEGATE_PASSWORD},
        )
        assert "/accounts/reset/done/" in done.url, f"{delegate.name} could not set a password"
        response = submit(
            request,
            run.at("/en/accounts/login/"),
            {"username": delegate.username, "password": DELEGATE_PASSWORD},
        )
        assert "/accounts/login/" not in response.url, f"{delegate.name} could not log in"


# --- the plenary: rules and decisions in the back office ------------------------------------


def create_rules(
    run: Run, *, kind: str, name: str, quorum: str, majority: str = "simple", secret: bool = False
) -> None:
    """Decision rules in the back office (empty categories: every category with a vote; ties
    left at the default, which stops the count for the chair)."""
    page = run.secretariat
    page.goto(run.at("/en/admin/governance/decisionrules/add/"))
    page.locator("#id_organization").select_option(index=1)
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_name").fill(name)
    page.locator("#id_quorum_share").fill(quorum)
    page.locator("#id_majority").select_option(majority)
    page.locator("#id_secret").set_checked(secret)
    page.locator("#id_assumed").set_checked(False)
    assert page.locator("#id_tie_policy").input_value() == "chair"
    admin_save(page, stay=False)


def add_decision(
    run: Run,
    key: str,
    *,
    kind: str,
    title_en: str,
    title_ko: str,
    rules: str = "",
    position: int,
    text_en: str = "",
    previous_text_en: str = "",
    office: str = "",
    ex_officio_office: str = "",
    term_starts: str = "",
    seats: int = 1,
    method: str = "",
) -> None:
    """A decision on the agenda in the back office (its candidates come from the console)."""
    page = run.secretariat
    page.goto(run.at("/en/admin/governance/decision/add/"))
    page.locator("#id_assembly").select_option(label="6th General Assembly")
    page.locator("#id_position").fill(str(position))
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_title_en").fill(title_en)
    page.locator("#id_title_ko").fill(title_ko)
    if rules:
        page.locator("#id_rules").select_option(label=rules)
    if text_en:
        page.locator("#id_text_en").fill(text_en)
    if previous_text_en:
        page.locator("#id_previous_text_en").fill(previous_text_en)
    if office:
        page.locator("#id_office").select_option(label=office)
    if ex_officio_office:
        page.locator("#id_ex_officio_office").select_option(label=ex_officio_office)
    if term_starts:
        page.locator("#id_term_starts").fill(term_starts)
    page.locator("#id_seats").fill(str(seats))
    if method:
        page.locator("#id_method").select_option(method)
    admin_save(page)
    found = re.search(r"/decision/(\d+)/change/", page.url)
    assert found, page.url
    run.decisions[key] = int(found.group(1))


def _console_card(page: Any, run: Run, key: str) -> Any:
    page.goto(run.at(f"/en/governance/{EDITION}/console/"))
    return page.locator("li.card").filter(
        has=page.locator(f"a[href$='/governance/decision/{run.decisions[key]}/']")
    )


def add_slate(run: Run, key: str, *, picked: list[str] = (), pasted: list[str] = ()) -> str:  # type: ignore[assignment]
    """The secretariat adds the candidates in one step from the console: picked from the list
    of members, or pasted one name per line."""
    page = run.secretariat
    card = _console_card(page, run, key)
    card.get_by_text("Add candidates").click()
    if picked:
        card.locator("select[name=members]").select_option(label=list(picked))
    if pasted:
        card.locator("textarea[name=names]").fill("\n".join(pasted))
    card.get_by_role("button", name="Add the candidates").click()
    page.wait_for_load_state()
    return messages_of(page)


def record_appointment(run: Run, key: str, appointees: list[str]) -> str:
    """The secretariat records an appointment from the console; it is published at once."""
    page = run.secretariat
    card = _console_card(page, run, key)
    card.get_by_text("Record the appointment").click()
    card.locator("select[name=members]").select_option(label=appointees)
    card.get_by_role("button", name="Record and publish the appointment").click()
    page.wait_for_load_state()
    return messages_of(page)


# --- the plenary: the chair's console and the ballots ----------------------------------------


def chair_opens_poll(run: Run, key: str, *, shape: str = "") -> int:
    """From the console: a new poll on the decision, then open it. Returns the poll's id."""
    page = run.chair
    card = _console_card(page, run, key)
    if shape:
        card.locator("select[name=shape]").select_option(shape)
    card.get_by_role("button", name="New poll").click()
    page.wait_for_url("**/poll/*/console/")
    poll = int(re.search(r"/poll/(\d+)/console/", page.url).group(1))  # type: ignore[union-attr]
    page.get_by_role("button", name="Open the poll").click()
    page.wait_for_load_state()
    assert "State: Open" in page.locator("main").inner_text(), messages_of(page)
    return poll


def chair_closes(run: Run, poll: int) -> None:
    """Closing asks for confirmation first."""
    page = run.chair
    page.goto(run.at(f"/en/governance/poll/{poll}/console/"))
    page.get_by_role("button", name="Close the poll", exact=True).click()
    page.get_by_role("button", name="Yes, close the poll").click()
    page.wait_for_load_state()
    assert "State: Closed" in page.locator("main").inner_text(), messages_of(page)


def chair_counts(run: Run, poll: int) -> str:
    page = run.chair
    page.goto(run.at(f"/en/governance/poll/{poll}/console/"))
    page.get_by_role("button", name="Count").click()
    page.wait_for_load_state()
    return page.locator("main").inner_text()


def chair_draws_by_lot(run: Run, poll: int) -> str:
    """The count stopped on a tie: the chair draws by lot from the tie panel."""
    page = run.chair
    page.goto(run.at(f"/en/governance/poll/{poll}/console/"))
    page.locator("#tie").get_by_role("button", name="Draw by lot").click()
    page.wait_for_load_state()
    return page.locator("main").inner_text()


def chair_publishes(run: Run, poll: int) -> str:
    """Publishing asks for confirmation first."""
    page = run.chair
    page.goto(run.at(f"/en/governance/poll/{poll}/console/"))
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_role("button", name="Yes, publish the result").click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "State: Published" in text, messages_of(page)
    return text


def ballot_options(html: str) -> dict[str, str]:
    """label → option id on a ballot (check boxes and radios, or rank inputs)."""
    found = {
        label.strip(): pk
        for pk, label in re.findall(
            r'name="choice" value="(\d+)">\s*<label for="choice-[\d-]+">([^<]+)</label>', html
        )
    }
    for pk, label in re.findall(r'<label for="rank-(?:\d+-)+(\d+)">([^<]+)</label>', html):
        found[label.strip()] = pk
    return found


def ballot_link(request: Any, run: Run) -> str:
    """The delegate opens the assembly page and follows its "Go to your ballot" notice."""
    html = request.get(run.assembly_url).text()
    link = re.search(r'href="([^"]*/sitting/)#ballot"[^>]*>Go to your ballot<', html)
    assert link, "no ballot notice on the assembly page"
    return run.at(link.group(1))


def cast(
    run: Run, delegate: Delegate, poll: int, choice: list[str], *, ranked: bool = False
) -> str:
    """The delegate follows the ballot notice from the assembly page to its ballot and casts
    it by posting the page's own form. Returns the receipt."""
    request = delegate.context.request
    url = ballot_link(request, run)

    def marks(page: str) -> dict[str, str | list[str]]:
        assert f'name="poll" value="{poll}"' in page, f"{delegate.name} holds no ballot in {poll}"
        options = ballot_options(page)
        if ranked:
            return {f"rank-{options[label]}": str(rank) for rank, label in enumerate(choice, 1)}
        return {"choice": [options[label] for label in choice]}

    response = submit(request, url, marks, action="/sitting/ballot/")
    receipt = re.search(r'class="receipt-code">([^<]+)<', response.text())
    assert receipt, f"{delegate.name}: {re.findall(r'role=.alert.>([^<]+)<', response.text())}"
    return receipt.group(1)


def delegate_page(delegate: Delegate) -> Any:
    return delegate.context.pages[0] if delegate.context.pages else delegate.context.new_page()


def vote_in_browser(
    run: Run, delegate: Delegate, choice: list[str], *, ranked: bool = False, waiting: bool = False
) -> str:
    """One delegate votes through the pages: the assembly page's notice, then the ballot.
    `waiting`: the page is already open and the notice must appear by itself."""
    page = delegate_page(delegate)
    if not waiting:
        page.goto(run.assembly_url)
    page.get_by_role("link", name="Go to your ballot").click()
    ballot = page.locator("#ballot")
    for rank, label in enumerate(choice, start=1):
        if ranked:
            ballot.get_by_label(label, exact=True).fill(str(rank))
        else:
            ballot.get_by_label(label, exact=True).check()
    ballot.get_by_role("button", name="Cast the ballot").click()
    expect(page.locator(".receipt-code")).to_be_visible()
    return page.locator(".receipt-code").inner_text()


# --- publication --------------------------------------------------------------------------


def recount(run: Run, request: Any, key: str, workdir: Any) -> tuple[str, str]:
    """Download round-1.blt from the decision's results page and run the command it states.
    Returns (the command's "Elected:" line, the results page's text)."""
    import os
    import shlex
    import subprocess
    import sys
    from pathlib import Path

    page_url = run.at(f"/en/results/{EDITION}/{run.decisions[key]}/")
    html = request.get(page_url).text()
    link = re.search(r'href="([^"]*/round-1\.blt)"', html)
    assert link, f"no BLT download on {page_url}"
    blt = request.get(run.at(link.group(1))).text()
    command = re.search(r"Recount: (.+)", blt)
    assert command, "the BLT file states no recount command"
    args = shlex.split(command.group(1).strip().strip('"'))
    assert args[:3] == ["moim", "tally", "round-1.blt"], args
    Path(workdir, "round-1.blt").write_text(blt, encoding="utf-8")
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run(
        [sys.executable, "-m", "moim.cli", *args[1:]],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    elected = re.search(r"^Elected: (.*)$", done.stdout, re.MULTILINE)
    assert elected, done.stdout
    text = re.sub(r"<[^>]+>", " ", html)
    return elected.group(1), text


def publish_press_release(run: Run) -> str:
    """The secretariat drafts the press release in both languages from the records in the back
    office, then publishes both with the list's action."""
    page = run.secretariat
    for language in ("en", "ko"):
        page.goto(run.at("/en/admin/moim_site/pressrelease/add/"))
        page.locator("#id_assembly").select_option(index=1)
        page.locator("#id_language").select_option(language)
        admin_save(page, stay=False)
    page.goto(run.at("/en/admin/moim_site/pressrelease/"))
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Publish")
    page.locator(".actions button[name=index]").click()
    page.wait_for_load_state()
    return messages_of(page)

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
    ("keynote", "Keynote: Governing together", "기조연설", "09:30:00", "00:45:00"),
    ("plenary_session", "Plenary session", "본회의", "10:30:00", "03:00:00"),
    ("closing_remarks", "Closing remarks", "폐회사", "13:30:00", "00:15:00"),
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


# --- accounts ------------------------------------------------------------------------------


def issue_accounts_one_by_one(run: Run) -> None:
    """TODAY'S PATH (no bulk issuance yet): for each registrant the secretariat adds a login in
    the user admin (username, e-mail, password, the Delegate role), then opens the person's
    record and links that login. Posted through the admin's own forms."""
    request = run.secretariat.context.request
    for delegate in run.delegates:
        delegate.username = delegate.email.split("@")[1].split(".")[0]
        added = submit(
            request,
            run.at("/en/admin/auth/user/add/"),
            {
                "username": delegate.username,
                "email": delegate.email,
                "usable_password": "true",
                "password1": DELEGATE_PASSWORD,
                "password2": DELEGATE_PASSWORD,
                "groups": [group_id(request, run, "Member delegate")],
            },
        )
        user_id = re.search(r"/auth/user/(\d+)/change/", added.url)
        assert user_id, f"no login for {delegate.name}: {added.url}"
        listing = request.get(run.at(f"/en/admin/members/person/?q={delegate.email}")).text()
        person = re.search(r"/admin/members/person/(\d+)/change/", listing)
        assert person, f"no registry record found for {delegate.email}"
        linked = submit(
            request,
            run.at(f"/en/admin/members/person/{person.group(1)}/change/"),
            {"user": user_id.group(1)},
        )
        assert linked.url.endswith("/admin/members/person/"), f"link refused for {delegate.name}"


_GROUPS: dict[str, str] = {}


def group_id(request: Any, run: Run, label: str) -> str:
    """The value of a role's check box on the user form."""
    if not _GROUPS:
        html = request.get(run.at("/en/admin/auth/user/add/")).text()
        for value, text in re.findall(
            r'name="groups" value="(\d+)"[^>]*>\s*([^<]+?)\s*</label>', html
        ):
            _GROUPS[text] = value
    return _GROUPS[label]


def issue_accounts_from_registrations(run: Run) -> None:
    """EXPECTED INTERFACE (bulk issuance, being built): the registrations list in the back office
    has an action that gives every selected registrant a login with the Delegate role, linked to
    the registry's person, and mails each a link to set a password."""
    page = run.secretariat
    page.goto(run.at("/en/admin/assemblies/registration/?assembly__id__exact=&status=confirmed"))
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Issue accounts")
    page.get_by_role("button", name="Go").click()
    expect(page.locator(".messagelist")).to_contain_text("accounts issued")


def delegate_logs_in(run: Run, new_context: Any, delegate: Delegate) -> None:
    delegate.context = new_context()
    page = delegate.context.new_page()
    log_in(page, run.url, delegate.username, DELEGATE_PASSWORD)


def delegates_log_in(run: Run, new_context: Any, *, in_browser: int = 2) -> None:
    """Each delegate logs in with the login the secretariat gave: a few in the browser, the rest
    by posting the login form; each keeps its own cookies (one context per delegate)."""
    for i, delegate in enumerate(run.delegates):
        delegate.context = new_context()
        if i < in_browser:
            log_in(delegate.context.new_page(), run.url, delegate.username, DELEGATE_PASSWORD)
            continue
        response = submit(
            delegate.context.request,
            run.at("/en/accounts/login/"),
            {"username": delegate.username, "password": DELEGATE_PASSWORD},
        )
        assert "/accounts/login/" not in response.url, f"{delegate.name} could not log in"


# --- the plenary: rules and decisions in the back office ------------------------------------


def create_rules(
    run: Run, *, kind: str, name: str, quorum: str, majority: str = "simple", secret: bool = False
) -> None:
    """Decision rules in the back office (empty categories: every category with a vote)."""
    page = run.secretariat
    page.goto(run.at("/en/admin/governance/decisionrules/add/"))
    page.locator("#id_organization").select_option(index=1)
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_name").fill(name)
    page.locator("#id_quorum_share").fill(quorum)
    page.locator("#id_majority").select_option(majority)
    page.locator("#id_secret").set_checked(secret)
    page.locator("#id_assumed").set_checked(False)
    admin_save(page, stay=False)


def add_decision(
    run: Run,
    key: str,
    *,
    kind: str,
    title_en: str,
    title_ko: str,
    rules: str,
    position: int,
    text_en: str = "",
    previous_text_en: str = "",
    office: str = "",
    seats: int = 1,
    method: str = "",
    candidates: list[str] = (),  # type: ignore[assignment]
) -> None:
    """A decision on the agenda, with its candidates, in the back office."""
    page = run.secretariat
    page.goto(run.at("/en/admin/governance/decision/add/"))
    page.locator("#id_assembly").select_option(label="6th General Assembly")
    page.locator("#id_position").fill(str(position))
    page.locator("#id_kind").select_option(kind)
    page.locator("#id_status").select_option("on_agenda")
    page.locator("#id_title_en").fill(title_en)
    page.locator("#id_title_ko").fill(title_ko)
    page.locator("#id_rules").select_option(label=rules)
    if text_en:
        page.locator("#id_text_en").fill(text_en)
    if previous_text_en:
        page.locator("#id_previous_text_en").fill(previous_text_en)
    if office:
        page.locator("#id_office").select_option(label=office)
    page.locator("#id_seats").fill(str(seats))
    if method:
        page.locator("#id_method").fill(method)
    for i, city in enumerate(candidates):
        page.get_by_text("Add another Candidate").click()
        page.locator(f"#id_candidates-{i}-member").fill(run.city_ids[city])
        page.locator(f"#id_candidates-{i}-position").fill(str(i + 1))
    admin_save(page)
    found = re.search(r"/decision/(\d+)/change/", page.url)
    assert found, page.url
    run.decisions[key] = int(found.group(1))


# --- the plenary: the chair's console and the ballots ----------------------------------------


def chair_opens_poll(run: Run, key: str, *, shape: str = "") -> int:
    """From the console: a new poll on the decision, then open it. Returns the poll's id."""
    page = run.chair
    page.goto(run.at(f"/en/governance/{EDITION}/console/"))
    card = page.locator("li.card").filter(
        has=page.locator(f"a[href$='/governance/decision/{run.decisions[key]}/']")
    )
    if shape:
        card.locator("select[name=shape]").select_option(shape)
    card.get_by_role("button", name="New poll").click()
    page.wait_for_url("**/poll/*/console/")
    poll = int(re.search(r"/poll/(\d+)/console/", page.url).group(1))  # type: ignore[union-attr]
    page.get_by_role("button", name="Open the poll").click()
    page.wait_for_load_state()
    assert "State: Open" in page.locator("main").inner_text(), messages_of(page)
    return poll


def chair_closes_counts_publishes(run: Run, poll: int) -> str:
    page = run.chair
    page.goto(run.at(f"/en/governance/poll/{poll}/console/"))
    for button in ("Close the poll", "Count", "Publish"):
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "State: Published" in text, messages_of(page)
    return text


def ballot_options(html: str) -> dict[str, str]:
    """label → option id on a voting page (check boxes and radios, or rank inputs)."""
    found = {
        label.strip(): pk
        for pk, label in re.findall(
            r'name="choice" value="(\d+)">\s*<label for="choice-\d+-\d+">([^<]+)</label>', html
        )
    }
    for pk, label in re.findall(r'<label for="rank-\d+-(\d+)">([^<]+)</label>', html):
        found[label.strip()] = pk
    return found


def cast(
    run: Run, delegate: Delegate, poll: int, choice: list[str], *, ranked: bool = False
) -> str:
    """The delegate opens the open polls, then the ballot, and casts it. Returns the receipt."""
    request = delegate.context.request
    listing = request.get(run.at(f"/en/governance/{EDITION}/vote/")).text()
    assert f"/governance/poll/{poll}/vote/" in listing, f"{delegate.name} sees no open poll"
    url = run.at(f"/en/governance/poll/{poll}/vote/")
    options = ballot_options(request.get(url).text())
    if ranked:
        changes: dict[str, str | list[str]] = {
            f"rank-{options[label]}": str(rank) for rank, label in enumerate(choice, start=1)
        }
    else:
        changes = {"choice": [options[label] for label in choice]}
    response = submit(request, url, changes, action="/vote/")
    receipt = re.search(r'class="receipt-code">([^<]+)<', response.text())
    assert receipt, f"{delegate.name}: {re.findall(r'role=.alert.>([^<]+)<', response.text())}"
    return receipt.group(1)


def vote_in_browser(run: Run, delegate: Delegate, poll: int, choice: str) -> str:
    """One delegate votes through the page itself."""
    page = delegate.context.pages[0] if delegate.context.pages else delegate.context.new_page()
    page.goto(run.at(f"/en/governance/{EDITION}/vote/"))
    page.locator(f"a[href$='/governance/poll/{poll}/vote/']").click()
    page.get_by_label(choice, exact=True).check()
    page.get_by_role("button", name="Cast the ballot").click()
    expect(page.locator(".receipt-code")).to_be_visible()
    return page.locator(".receipt-code").inner_text()

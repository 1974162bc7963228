"""The 6th General Assembly, run from a blank assembly through the pages and the back office.

Only the registry comes from factories (tests/e2e/conftest.py). The test body drives the browser,
or posts the pages' own forms where a browser would repeat one step sixty times; it reads the
mail the site sends (check-in codes, join links) as the delegates would, and never writes a model.

TODO — the test passes up to the published Charter amendment; switch these on as features land:
  1. issue_accounts_from_registrations (steps.py, EXPECTED INTERFACE) replaces
     issue_accounts_one_by_one (today: a user form and a person form per delegate, ~2 min).
  2. delegates reach their ballot from the assembly page (today: /governance/6/vote/ typed).
  3. the projector shows each step: assert its text after each open/close/publish.
  4. president_election: IRV, ranked ballots (steps.cast(..., ranked=True)), recount the .blt
     download with `moim tally --method irv`.
  5. executive_committee: 17 seats, Scottish STV, ballots that tie; the count stops for the
     chair, who draws by lot from the console.
  6. vice_presidents_appointed: six, recorded from the console.
  7. next_host_chosen (host selection, Executive Vice-President ex officio).
  8. results, report and press release published in English and Korean (press release from
     the back office, then /en/press/6/ and /ko/press/6/).
  9. `moim audit verify` passes and the audit log lists the back-office acts.
 10. times typed in the admin are read in the venue's zone (America/Mexico_City).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e import steps
from tests.e2e.conftest import PASSWORD, Registry
from tests.e2e.steps import Delegate, Run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DELEGATES = 60
ONLINE = 20


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
    live_server: Any, contexts: Any, registry: Registry, mailoutbox: list[Any]
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

    # Sixty delegates register on the public form, none with an account.
    said = steps.register_delegates(run, public)
    assert all("You are registered" in s for s in said), said
    steps.read_mail(run, mailoutbox)
    assert sum(1 for d in run.delegates if d.online) == ONLINE

    # The day comes: the assembly is in session. The desk checks in the forty in the room;
    # the twenty online open their join links.
    steps.put_in_session(run)
    checked = steps.check_in(run)
    assert "Mayor of City 001 (City 001) is checked in." in checked[0]
    steps.join_online(run, public)
    assert steps.figures(public, run)["present"] == str(DELEGATES)

    # Accounts: today one by one in the user admin (TODO 1: bulk issuance from registrations).
    steps.issue_accounts_one_by_one(run)
    steps.delegates_log_in(run, contexts)
    run.chair = steps.log_in(contexts().new_page(), live_server.url, "charles", PASSWORD)

    # The Charter amendment: two-thirds, quorum reached by those present (60 of 150 > 35 %).
    steps.create_rules(
        run, kind="motion", name="Charter amendment", quorum="0.35", majority="two_thirds"
    )
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
    poll = steps.chair_opens_poll(run, "charter")
    projector = contexts().new_page()
    projector.goto(f"{live_server.url}/en/projector/{steps.EDITION}/")
    votes = ["Yes"] * 45 + ["No"] * 10 + ["Abstain"] * 5
    receipts = [steps.vote_in_browser(run, run.delegates[0], poll, votes[0])]
    receipts += [
        steps.cast(run, d, poll, [v]) for d, v in zip(run.delegates[1:], votes[1:], strict=True)
    ]
    assert len(set(receipts)) == DELEGATES
    console = steps.chair_closes_counts_publishes(run, poll)
    assert "Adopted" in console
    public.goto(f"{live_server.url}/en/results/{steps.EDITION}/")
    assert "Amendment of the Charter, article 12" in public.locator("main").inner_text()

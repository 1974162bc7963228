"""A sitting of the 6th General Assembly, run through the pages at a small scale.

Only the registry comes from factories (tests/e2e/conftest.py). The secretariat creates the
Assembly (October 2027) in the back office and sends the convocation from its page, months ahead
of the notice the rules ask for; the mail worker sends it, the mail server reports one bounce, and
the convocation's page shows what was sent and what came back.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from tests.e2e import sitting_steps, steps
from tests.e2e.conftest import PASSWORD, Registry
from tests.e2e.steps import Run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOUNCE_SECRET = "bounce-secret-for-the-sitting"


def test_a_sitting_of_the_general_assembly_through_the_pages(
    live_server: Any,
    contexts: Any,
    registry: Registry,
    mailoutbox: list[Any],
    settings: Any,
) -> None:
    settings.MOIM_BOUNCE_SECRET = BOUNCE_SECRET
    secretariat = steps.log_in(contexts().new_page(), live_server.url, "sofia", PASSWORD)
    run = Run(url=live_server.url, secretariat=secretariat)
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

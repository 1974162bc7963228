"""Each published result shows the audit log entry that published it, whose hash a member, the
press or an observer can keep: `moim audit verify --anchor` with that copy fails once the log
is rewritten or cut after it."""

from __future__ import annotations

import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from moim.governance.enums import AuditAction
from moim.governance.models import AuditEntry, Decision, Poll
from moim.members.models import Organization
from tests.site.publication_plenary import Published, publish_plenary

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(organization: Organization, chair: Any) -> Published:
    return publish_plenary(organization, chair)


def poll_entry(poll: Poll) -> AuditEntry:
    return AuditEntry.objects.get(action=AuditAction.POLL_PUBLISHED, subject=f"poll:{poll.pk}")


def decision_entry(decision: Decision) -> AuditEntry:
    return AuditEntry.objects.get(
        action=AuditAction.DECISION_PUBLISHED, subject=f"decision:{decision.pk}"
    )


def anchors_on(page: str) -> list[str]:
    return re.findall(r"moim audit verify --anchor ([0-9a-f]{64})", page)


def verify(anchor: str) -> str:
    out = StringIO()
    call_command("audit", "verify", anchor=anchor, stdout=out)
    return out.getvalue()


def test_the_public_results_page_shows_the_entries_that_published_it(
    client: Client, published: Published
) -> None:
    edition = published.plenary.assembly.edition
    page = client.get(f"/en/results/{edition}/{published.motion.pk}/").content.decode()

    poll, decision = poll_entry(published.motion_poll), decision_entry(published.motion)
    assert anchors_on(page) == [decision.hash, poll.hash]
    assert f"Recorded in the audit log as entry #{poll.sequence}, whose hash is:" in page
    assert "fails if this entry, or anything recorded before it" in page


def test_the_decision_page_shows_the_entries_that_published_it(
    client: Client, published: Published
) -> None:
    page = client.get(reverse("governance:decision", args=[published.election.pk])).text

    assert "Election of the President" in page

    assert anchors_on(page) == [
        decision_entry(published.election).hash,
        poll_entry(published.election_poll).hash,
    ]


def test_the_downloads_carry_the_publication_entry(client: Client, published: Published) -> None:
    edition = published.plenary.assembly.edition
    base = f"/en/results/{edition}/{published.election.pk}/round-1"
    entry = poll_entry(published.election_poll)

    record = json.loads(client.get(f"{base}.json").content)
    blt = client.get(f"{base}.blt").content.decode()

    assert record["audit"] == {
        "entry": entry.sequence,
        "hash": entry.hash,
        "verify": f"moim audit verify --anchor {entry.hash}",
    }
    assert f"Audit log entry #{entry.sequence}: moim audit verify --anchor {entry.hash}" in blt


def test_an_anchor_copied_from_the_page_catches_a_later_cut_and_a_rewrite(
    client: Client, published: Published
) -> None:
    edition = published.plenary.assembly.edition
    page = client.get(f"/en/results/{edition}/{published.motion.pk}/").content.decode()
    kept = anchors_on(page)[-1]  # what an observer copied on the day
    assert verify(kept).startswith("audit log intact:")

    entry = AuditEntry.objects.get(hash=kept)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_auditentry WHERE sequence >= %s", [entry.sequence])

    with pytest.raises(CommandError) as refused:
        verify(kept)
    assert f"the anchored entry {kept[:16]}… is not in the log" in str(refused.value)


def test_an_unpublished_decision_shows_no_anchor(
    client: Client, organization: Organization, chair: Any
) -> None:
    from tests.governance.conftest import build_plenary
    from tests.site.publication_plenary import open_motion

    plenary = build_plenary(organization, 4)
    poll = open_motion(organization, plenary, chair, "Still open")

    page = client.get(reverse("governance:decision", args=[poll.decision_id])).text

    assert "Voting is open." in page
    assert anchors_on(page) == []
    assert "Recorded in the audit log" not in page

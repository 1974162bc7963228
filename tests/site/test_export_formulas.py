"""The published ballot list as CSV: option names go out as text, weights as figures."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client

from moim.members.models import Organization
from tests.site.publication_plenary import publish_plenary

PAYLOAD = "=cmd|' /C calc'!A0"


def test_ballots_csv_sends_option_names_as_text(
    client: Client, organization: Organization, chair: Any
) -> None:
    published = publish_plenary(organization, chair)
    poll = published.election_poll
    result = dict(poll.result)
    result["options"] = [
        {**option, "label": PAYLOAD} if int(option["position"]) == 1 else option
        for option in result["options"]
    ]
    poll.result = result
    poll.save(update_fields=["result"])
    edition = published.plenary.assembly.edition

    response = client.get(f"/en/results/{edition}/{published.election.pk}/round-1.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    firsts = [row[2] for row in rows[1:]]
    assert firsts.count("'" + PAYLOAD) == 5
    assert not any(cell.startswith("=") for row in rows for cell in row)
    assert {row[1] for row in rows[1:]} == {"1"}  # weights stay figures

"""Downloads of a published result: the result as JSON, the ballots as CSV, and ranked ballots
as a BLT file that `moim tally` counts to the same result.

Read from the stored result record (`Poll.result`), never counted again here; the pages show it
through the one presenter, `moim.governance.results`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from moim.governance.enums import BallotShape
from moim.governance.models import Poll
from moim.governance.queries import publication_entries, published_ballots
from moim.governance.results import anchor_command, count_names, reproduce_command
from moim.spreadsheets import safe_row
from moim.tally.ballots import Candidate, Election, group_raw
from moim.tally.formats.blt import dumps_blt


def _audit_record(poll: Poll) -> dict[str, Any] | None:
    """The audit entry that published the poll, for the downloads: a copy of its hash proves a
    later rewrite of the log (or of what it recorded) with `moim audit verify --anchor`."""
    entry = publication_entries([poll]).get(poll.pk)
    if entry is None:
        return None
    return {"entry": entry.sequence, "hash": entry.hash, "verify": anchor_command(entry)}


def result_json(poll: Poll) -> str:
    record = {
        "audit": _audit_record(poll),
        "decision": poll.decision.title_en,
        "round": poll.round,
        "verdict": poll.verdict,
        "published_at": poll.published_at.isoformat() if poll.published_at else None,
        "result": poll.result,
        "ballots": [
            {"receipt_hash": b.receipt_hash, "weight": b.weight, "choices": b.choices}
            for b in published_ballots(poll)
        ],
    }
    return json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def ballots_csv(poll: Poll) -> str:
    """One row per published ballot: its receipt hash, weight and choices in order."""
    names = count_names(poll)
    ballots = list(published_ballots(poll))
    width = max((len(b.choices) for b in ballots), default=0)
    heading = "rank" if poll.shape == BallotShape.RANKED else "choice"
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["receipt_hash", "weight", *[f"{heading} {i + 1}" for i in range(width)]])
    for ballot in ballots:
        # Option names are typed by people: a spreadsheet must show them, never run them.
        writer.writerow(
            safe_row([ballot.receipt_hash, ballot.weight, *[names[p - 1] for p in ballot.choices]])
        )
    return out.getvalue()


def _blt_comments(poll: Poll) -> tuple[str, ...]:
    comments: list[str] = []
    if command := reproduce_command(poll):
        comments.append(f"Recount: {command}")
    if audit := _audit_record(poll):
        comments.append(f"Audit log entry #{audit['entry']}: {audit['verify']}")
    return tuple(comments)


def ballots_blt(poll: Poll) -> str:
    """The published ranked ballots as a BLT file (candidates named as the count named them),
    with the command that recounts them to the published result, ties included."""
    names = count_names(poll)
    raw = group_raw(
        (tuple((p - 1,) for p in ballot.choices), ballot.weight)
        for ballot in published_ballots(poll)
    )
    election = Election(
        title=poll.name_en,
        candidates=tuple(Candidate(n) for n in names),
        seats=poll.seats,
        ballots=raw,
        comments=_blt_comments(poll),
    )
    return dumps_blt(election)

"""Digests that pin what was voted and decided in the audit log.

Each is sha256 over a canonical JSON (sorted keys, no spaces, UTF-8) of the records in an order
that does not depend on storage: the services write them into the entries that close, count and
publish a poll, and `moim audit verify` recomputes them from the database
(`moim.governance.evidence`). A digest is not secret: anyone holding the published ballot list
can recompute the ballot digest.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from moim.governance.audit import canonical
from moim.governance.models import Ballot, Poll, VoteRecord


def normalized(value: Any) -> Any:
    """`value` as it reads back from a JSON column (string keys, lists for tuples)."""
    return json.loads(canonical(value))


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical(normalized(value))).hexdigest()


def ballot_rows(poll: Poll) -> list[list[Any]]:
    """The poll's ballots as [receipt hash, weight, choices], sorted: the published list's
    content, whatever order the rows are stored in."""
    return sorted(
        [b.receipt_hash, b.weight, list(b.choices)] for b in Ballot.objects.filter(poll=poll)
    )


def ballot_digest(poll: Poll) -> str:
    """sha256 over the sorted ballots, so the audit log pins what was counted."""
    return hashlib.sha256(canonical({"ballots": ballot_rows(poll)})).hexdigest()


def roll_call_rows(poll: Poll) -> list[list[Any]]:
    """Who voted, member by member (by id), with how in a named poll (None in a secret one)."""
    return sorted(
        [member_id, choices]
        for member_id, choices in VoteRecord.objects.filter(poll=poll).values_list(
            "member_id", "choices"
        )
    )


def roll_call_digest(poll: Poll) -> str:
    """sha256 over the poll's vote records: who voted and, in a named poll, how."""
    return _sha256({"roll_call": roll_call_rows(poll)})


def result_digest(result: Any) -> str:
    """sha256 over a stored result record, as it reads back from the database."""
    return _sha256(result)


def result_summary(result: Any) -> dict[str, Any]:
    """The figures people read in a result, for the audit entry a reader of the log sees."""
    result = result or {}
    return normalized(
        {
            "verdict": result.get("verdict"),
            "ballots": result.get("ballots"),
            "cast_weight": result.get("cast_weight"),
            "options": [[o.get("position"), o.get("weight")] for o in result.get("options", [])],
            "elected": list(result.get("elected", [])),
        }
    )

"""Helpers shared by the awards models."""

from __future__ import annotations

import secrets

from moim.awards.enums import EntryStatus

# Entries that have left the applicant's hands and count against the per-city limit.
COUNTED_STATUSES = (
    EntryStatus.AWAITING_APPROVAL,
    EntryStatus.SUBMITTED,
    EntryStatus.ELIGIBLE,
    EntryStatus.INELIGIBLE,
    EntryStatus.FINALIST,
)


def new_token() -> str:
    return secrets.token_urlsafe(32)

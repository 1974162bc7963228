"""Records the minutes read from parts of Moim that a deployment may not include.

Each is looked up by name when this module is first imported; where the part is missing the
name is None and its section says that no record exists. The shapes they answer:

- `moim.mailings.records.convocation_record(assembly)` -> a record with `sent_at`,
  `notice_days_required`, `days_before`, `on_time`, `recipients`, `sent`, `bounced`, `failed`,
  `pending`, or None when no convocation was sent;
- `moim.floor.queries.speeches_for_minutes(assembly_id)` -> items, each with `agenda_item_id`,
  `agenda_title_en`, `agenda_title_ko` and `speeches` (`speaker`, `member_en`, `member_ko`,
  `kind`, `online`, `started_at`, `ended_at`);
- `moim.governance.amendments.amendments_in_voting_order(decision)` -> the amendments (themselves
  decisions, with `amends`, `amends_paragraph`, `amendment_action`) in the order they were voted,
  and `final_text(decision, language)` -> the paragraphs of the text as amended.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def optional(module: str, name: str) -> Callable[..., Any] | None:
    """`module.name` if that part of Moim is installed, else None."""
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None
    return found if callable(found) else None


convocation_record = optional("moim.mailings.records", "convocation_record")
speeches_for_minutes = optional("moim.floor.queries", "speeches_for_minutes")
amendments_in_voting_order = optional("moim.governance.amendments", "amendments_in_voting_order")
final_text = optional("moim.governance.amendments", "final_text")

"""What was voted and decided, checked against what the audit log recorded when it happened.

The keyed chain (`moim.governance.audit`) shows that the log itself is intact; this module shows
that the database still holds what the log recorded. For every poll that closed (from its
entries, and from the polls table) it recomputes:

- the ballot digest, over the ballots in canonical order, against the entries that closed and
  published the poll (a ballot changed, added or removed);
- the roll call digest, over who voted and, in a named poll, how, against the same entries;
- the result: the stored record against the digest its count (or the chair's tie settlement)
  and its publication recorded, and a recount of the stored ballots with the poll's method and
  the recorded tie settlements against the stored record;
- the analog figures against the last entry that entered them, the secrecy against the entry
  that opened the poll, and each published decision's verdict and outcome against the entry
  that published it.

`moim audit verify` reports every difference, each naming the poll or decision and the entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from moim.governance import counting, digests
from moim.governance.enums import AuditAction, PollState
from moim.governance.models import AnalogResult, AuditEntry, Ballot, Decision, Poll

_POLL_ACTIONS = (
    AuditAction.POLL_OPENED,
    AuditAction.POLL_CLOSED,
    AuditAction.POLL_COUNTED,
    AuditAction.TIE_SETTLED,
    AuditAction.POLL_PUBLISHED,
    AuditAction.ANALOG_ENTERED,
)
_COUNTS = (AuditAction.POLL_COUNTED, AuditAction.TIE_SETTLED)


@dataclass(frozen=True)
class Discrepancy:
    """One record that no longer matches the audit log."""

    subject: str  # "poll 12 (Motion on the budget)" or "decision 4 (...)"
    what: str
    entry: int | None = None  # the audit entry that recorded it as it was

    def __str__(self) -> str:
        where = f" (audit entry #{self.entry})" if self.entry is not None else ""
        return f"{self.subject}: {self.what}{where}"


@dataclass
class _PollEntries:
    opened: AuditEntry | None = None
    closed: AuditEntry | None = None
    counted: AuditEntry | None = None
    published: AuditEntry | None = None
    analog: AuditEntry | None = None


def _subject_id(subject: str, kind: str) -> int | None:
    prefix = f"{kind}:"
    if not subject.startswith(prefix):
        return None
    try:
        return int(subject.removeprefix(prefix))
    except ValueError:
        return None


def _poll_entries(entries: Iterable[AuditEntry]) -> dict[int, _PollEntries]:
    """The latest entry of each kind per poll (entries come in sequence order)."""
    found: dict[int, _PollEntries] = defaultdict(_PollEntries)
    for entry in entries:
        poll_id = _subject_id(entry.subject, "poll")
        if poll_id is None:
            continue
        slot = found[poll_id]
        if entry.action == AuditAction.POLL_OPENED:
            slot.opened = entry
        elif entry.action == AuditAction.POLL_CLOSED:
            slot.closed = entry
        elif entry.action in _COUNTS:
            slot.counted = entry
        elif entry.action == AuditAction.POLL_PUBLISHED:
            slot.published = entry
        elif entry.action == AuditAction.ANALOG_ENTERED:
            slot.analog = entry
    return found


def _name(poll: Poll) -> str:
    return f"poll {poll.pk} ({poll.name_en})"


class _PollCheck:
    """The checks of one poll, collecting what differs."""

    def __init__(self, poll: Poll, entries: _PollEntries) -> None:
        self.poll = poll
        self.entries = entries
        self.found: list[Discrepancy] = []
        self.subject = _name(poll)

    def differs(self, what: str, entry: AuditEntry | None = None) -> None:
        self.found.append(
            Discrepancy(self.subject, what, entry.sequence if entry is not None else None)
        )

    def recorded(self, entry: AuditEntry, key: str, what: str) -> Any:
        """The value `entry` recorded under `key`; a discrepancy when it recorded none."""
        if key not in entry.data:
            self.differs(f"the entry that recorded it holds no {what}", entry)
            return None
        return entry.data[key]

    def run(self) -> list[Discrepancy]:
        poll, entries = self.poll, self.entries
        closed = poll.state in (PollState.CLOSED, PollState.PUBLISHED)
        if entries.closed is None:
            self.differs(f"it is {poll.state} but the log holds no entry closing it")
        elif not closed:
            self.differs(f"the log recorded its close but it is now {poll.state}", entries.closed)
        if entries.published is not None and poll.state != PollState.PUBLISHED:
            self.differs(
                f"the log recorded its publication but it is now {poll.state}",
                entries.published,
            )
        if poll.state == PollState.PUBLISHED and entries.published is None:
            self.differs("it is published but the log holds no entry publishing it")
        self._secrecy()
        self._ballots()
        self._roll_call()
        self._analog()
        self._result()
        return self.found

    def _secrecy(self) -> None:
        opened = self.entries.opened
        if opened is None or "secret" not in opened.data:
            return
        if bool(opened.data["secret"]) != self.poll.secret:
            said = "secret" if opened.data["secret"] else "named"
            self.differs(f"it opened {said} but is now stored otherwise", opened)

    def _ballots(self) -> None:
        digest = digests.ballot_digest(self.poll)
        for entry, when in (
            (self.entries.closed, "close"),
            (self.entries.published, "publication"),
        ):
            if entry is None:
                continue
            recorded = self.recorded(entry, "ballot_digest", "ballot digest")
            if recorded is not None and recorded != digest:
                self.differs(
                    f"its ballots differ from those recorded at its {when} "
                    "(a ballot was changed, added or removed)",
                    entry,
                )

    def _roll_call(self) -> None:
        digest = digests.roll_call_digest(self.poll)
        kind = "who voted" if self.poll.secret else "its roll call (who voted what)"
        for entry, when in (
            (self.entries.closed, "close"),
            (self.entries.published, "publication"),
        ):
            if entry is None:
                continue
            recorded = self.recorded(entry, "roll_call_digest", "roll call digest")
            if recorded is not None and recorded != digest:
                self.differs(f"{kind} differs from what was recorded at its {when}", entry)

    def _analog(self) -> None:
        stored = AnalogResult.objects.filter(poll=self.poll).first()
        entry = self.entries.analog
        if stored is None and entry is None:
            return
        if stored is None:
            self.differs("its analog figures were recorded but are gone", entry)
            return
        if entry is None:
            self.differs("it holds analog figures that no entry recorded")
            return
        now = digests.normalized({"method": stored.method, "counts": stored.counts})
        then = digests.normalized(
            {"method": entry.data.get("method"), "counts": entry.data.get("counts")}
        )
        if now != then:
            self.differs("its analog figures differ from those recorded when entered", entry)

    def _result(self) -> None:
        poll, counted = self.poll, self.entries.counted
        if counted is None:
            if poll.counted_at is not None:
                self.differs("it holds a count that no entry recorded")
            return
        if poll.counted_at is None:
            self.differs("the log recorded its count but it is now uncounted", counted)
            return
        stored = digests.result_digest(poll.result)
        recorded = self.recorded(counted, "result_sha256", "result digest")
        if recorded is not None and recorded != stored:
            self.differs("its stored result differs from the one its count recorded", counted)
        if counted.data.get("verdict") != poll.verdict:
            self.differs(
                f"its verdict is {poll.verdict or 'empty'} but its count recorded "
                f"{counted.data.get('verdict') or 'none'}",
                counted,
            )
        published = self.entries.published
        if published is not None:
            recorded = self.recorded(published, "result_sha256", "result digest")
            if recorded is not None and recorded != stored:
                self.differs(
                    "its stored result differs from the one its publication recorded", published
                )
            if published.data.get("verdict") != poll.verdict:
                self.differs(
                    f"its verdict is {poll.verdict or 'empty'} but its publication recorded "
                    f"{published.data.get('verdict') or 'none'}",
                    published,
                )
        self._recount(counted, stored)

    def _recount(self, counted: AuditEntry, stored: str) -> None:
        """Count the stored ballots again, with the tie settlements the log recorded."""
        poll = self.poll
        breaks = counted.data.get("tie_breaks")
        if breaks is not None and digests.normalized(breaks) != digests.normalized(
            poll.tie_breaks or {}
        ):
            self.differs("its tie settlements differ from those its count recorded", counted)
        if breaks is not None:
            poll.tie_breaks = breaks
        analog = AnalogResult.objects.filter(poll=poll).first()
        try:
            with transaction.atomic():
                outcome = counting.stored_result(
                    poll=poll, ballots=list(Ballot.objects.filter(poll=poll)), analog=analog
                )
        except Exception as error:  # a recount that fails is a difference, said in words
            self.differs(f"its stored ballots cannot be counted again: {error}", counted)
            return
        if digests.result_digest(outcome.result) != stored:
            self.differs(
                f"counting its stored ballots again ({poll.method}) gives another result "
                f"({outcome.verdict}) than the stored one ({poll.verdict})",
                counted,
            )


def _decisions(entries: Iterable[AuditEntry]) -> list[Discrepancy]:
    published: dict[int, AuditEntry] = {}
    for published_entry in entries:
        decision_id = _subject_id(published_entry.subject, "decision")
        if decision_id is not None:
            published[decision_id] = published_entry
    found: list[Discrepancy] = []
    ids = set(published) | set(
        Decision.objects.filter(published_at__isnull=False).values_list("pk", flat=True)
    )
    decisions = Decision.objects.in_bulk(ids)
    for decision_id in sorted(ids):
        entry = published.get(decision_id)
        decision = decisions.get(decision_id)
        if decision is None:
            subject = f"decision {decision_id}"
            sequence = entry.sequence if entry is not None else None
            found.append(Discrepancy(subject, "it was published but is gone", sequence))
            continue
        subject = f"decision {decision.pk} ({decision.title_en})"
        if entry is None:
            found.append(Discrepancy(subject, "it is published but no entry published it"))
            continue
        if decision.published_at is None:
            found.append(
                Discrepancy(
                    subject,
                    "the log recorded its publication but it is now unpublished",
                    entry.sequence,
                )
            )
        if entry.data.get("verdict") != decision.verdict:
            found.append(
                Discrepancy(
                    subject,
                    f"its verdict is {decision.verdict or 'empty'} but its publication recorded "
                    f"{entry.data.get('verdict') or 'none'}",
                    entry.sequence,
                )
            )
        if "outcome" not in entry.data:
            found.append(
                Discrepancy(subject, "its publication recorded no outcome", entry.sequence)
            )
        elif digests.normalized(entry.data["outcome"]) != digests.normalized(decision.outcome):
            found.append(
                Discrepancy(
                    subject,
                    "its outcome (the winners) differs from the one its publication recorded",
                    entry.sequence,
                )
            )
    return found


def verify_records() -> list[Discrepancy]:
    """Every difference between the polls and decisions stored and what the log recorded."""
    poll_entries = _poll_entries(
        AuditEntry.objects.filter(action__in=_POLL_ACTIONS).order_by("sequence")
    )
    closed_ids = {pid for pid, e in poll_entries.items() if e.closed is not None}
    stored_ids = set(
        Poll.objects.filter(state__in=(PollState.CLOSED, PollState.PUBLISHED)).values_list(
            "pk", flat=True
        )
    )
    polls = Poll.objects.select_related("decision").in_bulk(closed_ids | stored_ids)
    found: list[Discrepancy] = []
    for poll_id in sorted(closed_ids | stored_ids):
        poll = polls.get(poll_id)
        entries = poll_entries.get(poll_id, _PollEntries())
        if poll is None:
            sequence = entries.closed.sequence if entries.closed is not None else None
            found.append(Discrepancy(f"poll {poll_id}", "it was closed but is gone", sequence))
            continue
        found += _PollCheck(poll, entries).run()
    found += _decisions(
        AuditEntry.objects.filter(action=AuditAction.DECISION_PUBLISHED).order_by("sequence")
    )
    return found

"""The reads of a delegate's ballot request, written as SQL (see moim/rows.py for why).

The voting page and the ballot API read the same few rows on every request: the poll with its
decision and options, the person behind the login with its member, and the votes that person
holds. The delegate's sitting page reads its assembly and the open polls in which the person
holds votes: 2,000 sitting pages ask for their ballot part within two seconds of a poll's
opening or closing, and every page's notice "voting is open" asks what is open. Each function
here gives exactly what its ORM form gave (the same instances, related rows attached, the same
order); `tests/governance/test_ballot_reads.py` compares them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404

from moim.assemblies.models import Assembly
from moim.governance.enums import PollState
from moim.governance.models import Decision, Poll, PollOption, RegisterEntry, VoteRecord
from moim.members.models import Member, Organization, Person
from moim.rows import attach, columns, fetch, instance, prefetched, quoted, table, width

# The votes a person holds in a poll, each with whether its member has voted.
Held = list[tuple[RegisterEntry, bool]]


def _served_organization_sql() -> str:
    """The served organization's id (members.queries.served_organization), as a subquery with
    one parameter: MOIM_ORGANIZATION_SLUG."""
    return (
        f"(SELECT o.{quoted('id')} FROM {table(Organization)} o "
        f"ORDER BY CASE WHEN o.{quoted('slug')} = %s THEN 0 ELSE 1 END, o.{quoted('id')} "
        "LIMIT 1)"
    )


@cache
def _poll_sql(vendor: str) -> str:
    """The SQL of `poll_for_ballot`, built once per process (and database vendor): the poll and
    its decision on each row, one row per option."""
    q = quoted
    return (
        f"SELECT {columns(Poll, 'p')}, {columns(Decision, 'd')}, {columns(PollOption, 'o')} "
        f"FROM {table(Poll)} p "
        f"JOIN {table(Decision)} d ON d.{q('id')} = p.{q('decision_id')} "
        f"JOIN {table(Assembly)} a ON a.{q('id')} = d.{q('assembly_id')} "
        f"LEFT JOIN {table(PollOption)} o ON o.{q('poll_id')} = p.{q('id')} "
        f"WHERE p.{q('id')} = %s AND a.{q('organization_id')} = {_served_organization_sql()} "
        f"ORDER BY o.{q('position')}"
    )


def poll_for_ballot(pk: int) -> Poll:
    """The served organization's poll with its decision and its options in ballot order (one
    query), else 404: what the voting page and the ballot API show and check against."""
    rows = fetch(_poll_sql(connection.vendor), [pk, settings.MOIM_ORGANIZATION_SLUG])
    if not rows:
        raise Http404("No poll matches the given query.")
    poll = instance(Poll, rows[0])
    assert poll is not None
    attach(poll, "decision", instance(Decision, rows[0], width(Poll)))
    start = width(Poll) + width(Decision)
    options = [option for row in rows if (option := instance(PollOption, row, start))]
    prefetched(poll, "options", options)
    return poll


@cache
def _person_sql(vendor: str) -> str:
    q = quoted
    return (
        f"SELECT {columns(Person, 'pe')}, {columns(Member, 'm')} FROM {table(Person)} pe "
        f"LEFT JOIN {table(Member)} m ON m.{q('id')} = pe.{q('member_id')} "
        f"WHERE pe.{q('user_id')} = %s ORDER BY pe.{q('id')} LIMIT 1"
    )


def person_of_login(user_id: int | None) -> Person | None:
    """The person whose login this is, with its member (None if it has none): one query."""
    if user_id is None:
        return None
    rows = fetch(_person_sql(connection.vendor), [user_id])
    if not rows:
        return None
    return _person_from(rows[0])


def _person_from(row: tuple[Any, ...]) -> Person:
    """The person at the start of `row`, with its member (or none) from the columns after."""
    person = instance(Person, row)
    assert person is not None
    attach(person, "member", instance(Member, row, width(Person)))
    return person


def _held_select() -> str:
    """The register entry, its member and whether that member has voted: the columns of a
    vote held, as `_held_from` reads them."""
    q = quoted
    return (
        f"{columns(RegisterEntry, 'e')}, {columns(Member, 'm')}, "
        f"EXISTS (SELECT 1 FROM {table(VoteRecord)} v "
        f"WHERE v.{q('poll_id')} = e.{q('poll_id')} AND v.{q('member_id')} = e.{q('member_id')})"
    )


def _held_from(rows: list[tuple[Any, ...]], start: int, person: Person) -> Held:
    """The votes `person` may cast among the rows' entries (`_held_select` from `start`); a row
    without an entry (the empty side of a LEFT JOIN) is skipped."""
    held: Held = []
    for row in rows:
        entry = instance(RegisterEntry, row, start)
        if entry is None:
            continue
        attach(entry, "member", instance(Member, row, start + width(RegisterEntry)))
        if person.pk in entry.voters():
            held.append((entry, bool(row[-1])))
    return held


@cache
def _held_sql(vendor: str) -> str:
    q = quoted
    return (
        f"SELECT {_held_select()} FROM {table(RegisterEntry)} e "
        f"JOIN {table(Member)} m ON m.{q('id')} = e.{q('member_id')} "
        f"WHERE e.{q('poll_id')} = %s AND (e.{q('proxy_holder_id')} = %s "
        f"OR e.{q('delegate_id')} = %s) "
        f"ORDER BY m.{q('name_en')}, e.{q('id')}"
    )


@cache
def _person_held_sql(vendor: str) -> str:
    q = quoted
    return (
        f"SELECT {columns(Person, 'pe')}, {columns(Member, 'pm')}, {_held_select()} "
        f"FROM {table(Person)} pe "
        f"LEFT JOIN {table(Member)} pm ON pm.{q('id')} = pe.{q('member_id')} "
        f"LEFT JOIN {table(RegisterEntry)} e ON e.{q('poll_id')} = %s "
        f"AND (e.{q('proxy_holder_id')} = pe.{q('id')} OR e.{q('delegate_id')} = pe.{q('id')}) "
        f"LEFT JOIN {table(Member)} m ON m.{q('id')} = e.{q('member_id')} "
        f"WHERE pe.{q('user_id')} = %s "
        f"ORDER BY m.{q('name_en')}, e.{q('id')}"
    )


def person_with_ballots(user_id: int | None, poll: Poll) -> tuple[Person | None, Held]:
    """`person_of_login` and `ballots_held` together, in one query: the voting page's reads."""
    if user_id is None:
        return None, []
    rows = fetch(_person_held_sql(connection.vendor), [poll.pk, user_id])
    if not rows:
        return None, []
    person = _person_from(rows[0])
    return person, _held_from(rows, width(Person) + width(Member), person)


def ballots_held(poll: Poll, person: Person) -> Held:
    """`services.ballots_held_by`: the register entries whose ballot `person` may cast in
    `poll`, each with its member and whether that member has voted, by member name: one query."""
    rows = fetch(_held_sql(connection.vendor), [poll.pk, person.pk, person.pk])
    return _held_from(rows, 0, person)


@cache
def _assembly_sql(vendor: str) -> str:
    q = quoted
    return (
        f"SELECT {columns(Assembly, 'a')}, {columns(Organization, 'o')}, {columns(Member, 'h')} "
        f"FROM {table(Assembly)} a "
        f"JOIN {table(Organization)} o ON o.{q('id')} = a.{q('organization_id')} "
        f"LEFT JOIN {table(Member)} h ON h.{q('id')} = a.{q('host_id')} "
        f"WHERE a.{q('edition')} = %s AND a.{q('organization_id')} = {_served_organization_sql()}"
    )


def assembly_by_edition(edition: int) -> Assembly:
    """`assemblies.access.assembly_by_edition`: the served organization's assembly with this
    edition, with its organization and host (one query), else 404."""
    rows = fetch(_assembly_sql(connection.vendor), [edition, settings.MOIM_ORGANIZATION_SLUG])
    if not rows:
        raise Http404("No assembly matches the given query.")
    assembly = instance(Assembly, rows[0])
    assert assembly is not None
    attach(assembly, "organization", instance(Organization, rows[0], width(Assembly)))
    attach(assembly, "host", instance(Member, rows[0], width(Assembly) + width(Organization)))
    return assembly


@cache
def _open_sql(vendor: str, one_assembly: bool) -> str:
    q = quoted
    return (
        f"SELECT {columns(Poll, 'p')}, {columns(Decision, 'd')}, {columns(Assembly, 'a')}, "
        f"{_held_select()} FROM {table(RegisterEntry)} e "
        f"JOIN {table(Member)} m ON m.{q('id')} = e.{q('member_id')} "
        f"JOIN {table(Poll)} p ON p.{q('id')} = e.{q('poll_id')} "
        f"JOIN {table(Decision)} d ON d.{q('id')} = p.{q('decision_id')} "
        f"JOIN {table(Assembly)} a ON a.{q('id')} = d.{q('assembly_id')} "
        f"WHERE p.{q('state')} = %s "
        f"AND (e.{q('proxy_holder_id')} = %s OR e.{q('delegate_id')} = %s) "
        + (f"AND d.{q('assembly_id')} = %s " if one_assembly else "")
        + f"ORDER BY d.{q('position')}, p.{q('id')}, m.{q('name_en')}, e.{q('id')}"
    )


def open_ballots(person: Person, assembly_id: int | None = None) -> list[tuple[Poll, Held]]:
    """The open polls (of one assembly, or any) in which `person` may cast a vote, each with
    its decision and assembly, and the votes held there as `ballots_held` gives them, in the
    order of the agenda: one query."""
    params: list[Any] = [PollState.OPEN, person.pk, person.pk]
    if assembly_id is not None:
        params.append(assembly_id)
    rows = fetch(_open_sql(connection.vendor, assembly_id is not None), params)
    start = width(Poll) + width(Decision) + width(Assembly)
    polls: dict[int, tuple[Poll, list[tuple[Any, ...]]]] = {}
    for row in rows:
        poll = instance(Poll, row)
        assert poll is not None
        if poll.pk not in polls:
            decision = instance(Decision, row, width(Poll))
            assert decision is not None
            attach(decision, "assembly", instance(Assembly, row, width(Poll) + width(Decision)))
            attach(poll, "decision", decision)
            polls[poll.pk] = (poll, [])
        polls[poll.pk][1].append(row)
    found = [(poll, _held_from(held, start, person)) for poll, held in polls.values()]
    return [(poll, held) for poll, held in found if held]


def attach_options(polls: list[Poll]) -> None:
    """Each poll's options in ballot order, as `prefetch_related(queries.options_in_order())`
    attaches them: one query for all."""
    if not polls:
        return
    q = quoted
    marks = ", ".join(["%s"] * len(polls))
    rows = fetch(
        f"SELECT {columns(PollOption, 'o')} FROM {table(PollOption)} o "
        f"WHERE o.{q('poll_id')} IN ({marks}) ORDER BY o.{q('poll_id')}, o.{q('position')}",
        [poll.pk for poll in polls],
    )
    by_poll: dict[int, list[PollOption]] = {poll.pk: [] for poll in polls}
    for row in rows:
        option = instance(PollOption, row)
        assert option is not None
        by_poll[option.poll_id].append(option)
    for poll in polls:
        prefetched(poll, "options", by_poll[poll.pk])

"""Each section of the minutes written from the records, in the active language.

`section_text(assembly, key, language)` writes one section as plain text with no trailing line
break: paragraphs separated by a blank line, list lines starting with "– ". Nothing is typed
in: the assembly, the programme, the plenary's agenda, polls and terms, the awards and (where
those parts are installed) the convocation and the speeches on the floor
(`moim.minutes.records`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _

from moim.assemblies.enums import ItemKind
from moim.assemblies.models import Assembly, ProgrammeItem
from moim.assemblies.queries import attendance_figures
from moim.awards.enums import AcceptanceMode
from moim.awards.queries import awards_for_edition
from moim.bilingual import in_language, sentence_list
from moim.governance.agenda_tree import AgendaNode, agenda_tree
from moim.governance.enums import AgendaKind, DecisionKind, PollState
from moim.governance.models import Decision, Poll, RegisterEntry
from moim.governance.queries import decision_terms
from moim.governance.results import PollView, poll_view
from moim.minutes import records
from moim.minutes.enums import SectionKey

ITEM = "– "
ELECTORAL = (DecisionKind.ELECTION, DecisionKind.HOST_SELECTION)


def _day(moment: dt.datetime, assembly: Assembly) -> str:
    return formats.date_format(moment.astimezone(assembly.zone), "DATE_FORMAT")


def _time(moment: dt.datetime, assembly: Assembly) -> str:
    return formats.time_format(moment.astimezone(assembly.zone), "H:i")


def _paragraphs(*parts: str | list[str]) -> str:
    blocks = ["\n".join(p) if isinstance(p, list) else p for p in parts]
    return "\n\n".join(b.strip() for b in blocks if b and b.strip())


def _plenary_item(assembly: Assembly) -> ProgrammeItem | None:
    return (
        ProgrammeItem.objects.filter(assembly=assembly, kind=ItemKind.PLENARY_SESSION)
        .select_related("chair", "chair__member")
        .order_by("position", "starts_at", "pk")
        .first()
    )


def _person(name: str, title: str, affiliation: str) -> str:
    details = ", ".join(d for d in (title, affiliation) if d)
    return f"{name} ({details})" if details else name


def _nodes(assembly: Assembly) -> list[AgendaNode]:
    return [node for root in agenda_tree(assembly.pk, public=True) for node in root.walk()]


def _is_amendment(decision: Decision) -> bool:
    return getattr(decision, "amends_id", None) is not None


def _decisions(assembly: Assembly) -> list[tuple[str, Decision]]:
    """(agenda number, decision) in agenda order, amendments left to their motion."""
    return [
        (node.number, node.decision)
        for node in _nodes(assembly)
        if node.decision is not None and not _is_amendment(node.decision)
    ]


def _published_polls(decision: Decision) -> list[Poll]:
    return list(decision.polls.filter(state=PollState.PUBLISHED).order_by("round"))


def _counts(view: PollView) -> str:
    return sentence_list(f"{o['label']} {o['weight']}" for o in view.options)


def _poll_line(poll: Poll) -> str:
    view = poll_view(poll)
    text = _("Round %(n)s: %(counts)s (%(ballots)s ballots).") % {
        "n": poll.round,
        "counts": _counts(view) or _("no votes"),
        "ballots": view.result.get("ballots", 0),
    }
    if view.motion and view.majority:
        text += " " + _("Majority required: %(rule)s.") % {"rule": view.majority}
    if poll.verdict:
        text += " " + _("Result: %(verdict)s.") % {"verdict": poll.get_verdict_display()}
    return text


# --- 1. opening --------------------------------------------------------------------------------


def _convocation(assembly: Assembly) -> str:
    reader = records.convocation_record
    record = reader(assembly) if reader is not None else None
    if record is None:
        return _("No record of the convocation is available.")
    text = _(
        "The convocation was sent on %(day)s, %(days)s days before the opening "
        "(%(required)s days' notice required)."
    ) % {
        "day": _day(record.sent_at, assembly),
        "days": record.days_before,
        "required": record.notice_days_required,
    }
    text += " " + (_("It was sent in time.") if record.on_time else _("It was not sent in time."))
    text += " " + _(
        "Recipients: %(recipients)s; delivered %(sent)s, bounced %(bounced)s, "
        "failed %(failed)s, pending %(pending)s."
    ) % {
        "recipients": record.recipients,
        "sent": record.sent,
        "bounced": record.bounced,
        "failed": record.failed,
        "pending": record.pending,
    }
    return text


def write_opening(assembly: Assembly) -> str:
    starts, ends = assembly.starts_at, assembly.ends_at
    when = _day(starts, assembly)
    if when != _day(ends, assembly):
        when = f"{when} – {_day(ends, assembly)}"
    place = f"{assembly.venue}, {assembly.city}" if assembly.venue else assembly.city
    facts = [
        _("Assembly: %(assembly)s, %(organization)s")
        % {"assembly": assembly.title, "organization": assembly.organization.name},
        _("Date: %(when)s") % {"when": when},
        _("Place: %(place)s") % {"place": place},
        _("Format: %(mode)s") % {"mode": assembly.get_mode_display()},
    ]
    if assembly.theme:
        facts.append(_("Theme: %(theme)s") % {"theme": assembly.theme})
    plenary = _plenary_item(assembly)
    if plenary is not None and plenary.chair is not None:
        chair = plenary.chair
        facts.append(
            _("Chair: %(chair)s") % {"chair": _person(chair.name, chair.title, chair.affiliation)}
        )
        opened = _("The chair opened the plenary session at %(time)s.") % {
            "time": _time(plenary.starts_at, assembly)
        }
    else:
        opened = _("No chair of the plenary session is recorded.")
    return _paragraphs(facts, opened, _convocation(assembly))


# --- 2. attendance and quorum -----------------------------------------------------------------


def _quorum_weight(poll: Poll) -> int | None:
    share = (poll.rules_snapshot or {}).get("quorum_share")
    if share in (None, ""):
        return None
    fraction = Fraction(str(share))
    return -(-fraction.numerator * poll.entitled_weight // fraction.denominator)


def _presence(poll: Poll) -> dict[str, int]:
    """Members of the frozen register by how they were there when the poll opened."""
    found = {"in_person": 0, "online": 0, "proxy": 0, "assumed": 0}
    entries = RegisterEntry.objects.filter(poll=poll).values_list(
        "attendance", "delegate_id", "proxy_holder_id"
    )
    for attendance, delegate, holder in entries:
        if delegate is not None and attendance in ("in_person", "online"):
            found[attendance] += 1
        elif holder is not None:
            found["proxy"] += 1
        elif attendance == "illustrative":
            found["assumed"] += 1
        elif delegate is not None:
            found["in_person"] += 1
    return found


def _attendance_line(number: str, poll: Poll) -> str:
    presence = _presence(poll)
    line = _(
        "%(number)s %(poll)s: %(entitled)s members entitled; in the room %(room)s, online "
        "%(online)s, by proxy %(proxy)s."
    ) % {
        "number": number,
        "poll": str(poll),
        "entitled": poll.entitled_count,
        "room": presence["in_person"],
        "online": presence["online"],
        "proxy": presence["proxy"],
    }
    if presence["assumed"]:
        line += " " + _("%(n)s counted present for the demonstration.") % {"n": presence["assumed"]}
    required = _quorum_weight(poll)
    if required is not None:
        line += " " + _(
            "Quorum: %(present)s of %(entitled)s present or represented, %(required)s required; "
        ) % {
            "present": poll.present_weight,
            "entitled": poll.entitled_weight,
            "required": required,
        }
        line += _("met.") if poll.quorum_met else _("not met.")
    return ITEM + line


def write_attendance(assembly: Assembly) -> str:
    figures = attendance_figures(assembly)
    overall = _(
        "Participants present: %(present)s (in person %(in_person)s, online %(online)s); "
        "members represented: %(members)s."
    ) % {
        "present": figures.present,
        "in_person": figures.in_person,
        "online": figures.online,
        "members": figures.members_represented,
    }
    # Every vote, amendments' included, in the order of the agenda.
    ordered = records.amendments_in_voting_order
    lines = [
        _attendance_line(node.number, poll)
        for node in _nodes(assembly)
        if node.decision is not None
        for voted in [*(ordered(node.decision) if ordered else []), node.decision]
        for poll in _published_polls(voted)
    ]
    if not lines:
        lines = [_("No vote was taken.")]
    return _paragraphs(overall, _("At each vote, when the poll opened:"), lines)


# --- 3. decisions in agenda order -------------------------------------------------------------


def _amendments(decision: Decision, language: str) -> list[str]:
    ordered, final = records.amendments_in_voting_order, records.final_text
    if ordered is None or not hasattr(Decision, "amends"):
        return []
    lines: list[str] = []
    for amendment in ordered(decision):
        lines.append(
            ITEM
            + _("Amendment: %(title)s. %(text)s")
            % {"title": amendment.title, "text": amendment.text}
        )
        lines.extend("  " + _poll_line(poll) for poll in _published_polls(amendment))
        if amendment.verdict:
            lines.append("  " + _("Verdict: %(v)s.") % {"v": amendment.get_verdict_display()})
    if lines and final is not None:
        paragraphs = [p for p in final(decision, language) if p]
        if paragraphs:
            lines.append(_("Text as amended:"))
            lines.extend(paragraphs)
    return lines


def _decision_block(number: str, decision: Decision, language: str) -> list[str]:
    lines = [f"{number}. {decision.title} ({decision.get_kind_display()})"]
    if decision.kind == DecisionKind.MOTION:
        if decision.previous_text:
            lines.append(_("Text in force: %(text)s") % {"text": decision.previous_text})
        if decision.text:
            lines.append(_("Text proposed: %(text)s") % {"text": decision.text})
        lines.extend(_amendments(decision, language))
        lines.extend(ITEM + _poll_line(poll) for poll in _published_polls(decision))
    elif decision.kind in ELECTORAL:
        lines.append(_("The vote is set out under Elections."))
    elif decision.kind == DecisionKind.APPOINTMENT:
        lines.append(_("The appointments are set out under Appointments."))
    if decision.published_at is not None and decision.verdict:
        lines.append(_("Verdict: %(v)s.") % {"v": decision.get_verdict_display()})
    else:
        lines.append(_("No result has been published."))
    return lines


def write_decisions(assembly: Assembly) -> str:
    language = translation.get_language() or "en"
    blocks: list[str | list[str]] = []
    for node in _nodes(assembly):
        if node.decision is None:
            if node.kind != AgendaKind.BREAK:
                blocks.append(f"{node.number}. {node.title}")
            continue
        if not _is_amendment(node.decision):
            blocks.append(_decision_block(node.number, node.decision, language))
    if not blocks:
        return _("No decision was on the agenda.")
    return _paragraphs(*blocks)


# --- 4. elections round by round --------------------------------------------------------------


def _election_poll(poll: Poll) -> list[str]:
    view = poll_view(poll)
    lines = [
        ITEM
        + _("Round %(n)s (%(method)s, %(seats)s seat(s)): %(ballots)s ballots.")
        % {
            "n": poll.round,
            "method": poll.method_label,
            "seats": poll.seats,
            "ballots": view.result.get("ballots", 0),
        }
    ]
    if view.ranked and view.rounds:
        for count in view.rounds:
            votes = sentence_list(f"{bar.name} {bar.votes}" for bar in count.bars)
            line = _("Count %(n)s (%(action)s): %(votes)s.") % {
                "n": count.number,
                "action": count.action,
                "votes": votes,
            }
            if count.threshold:
                line += " " + _("Quota: %(q)s.") % {"q": count.threshold}
            if count.elected:
                line += " " + _("Elected: %(names)s.") % {"names": sentence_list(count.elected)}
            if count.excluded:
                line += " " + _("Excluded: %(names)s.") % {"names": sentence_list(count.excluded)}
            lines.append("  " + line)
    else:
        lines.append("  " + (_counts(view) or _("no votes")))
    for tie in view.ties:
        lines.append(
            "  "
            + _("Tie between %(tied)s, settled: %(chosen)s.")
            % {"tied": sentence_list(tie.get("tied", [])), "chosen": tie.get("chosen", "")}
        )
    if view.elected:
        lines.append("  " + _("Elected: %(names)s.") % {"names": sentence_list(view.elected)})
    return lines


def write_elections(assembly: Assembly) -> str:
    blocks: list[str | list[str]] = []
    for number, decision in _decisions(assembly):
        if decision.kind not in ELECTORAL:
            continue
        candidates = [
            c.member.name
            for c in decision.candidates.select_related("member").order_by("position", "pk")
            if not c.withdrawn
        ]
        lines = [f"{number}. {decision.title}"]
        if candidates:
            lines.append(_("Candidates: %(names)s.") % {"names": sentence_list(candidates)})
        for poll in _published_polls(decision):
            lines.extend(_election_poll(poll))
        if decision.published_at is not None and decision.verdict:
            lines.append(_("Verdict: %(v)s.") % {"v": decision.get_verdict_display()})
        blocks.append(lines)
    if not blocks:
        return _("No election was held.")
    return _paragraphs(*blocks)


# --- 5. speakers per item ---------------------------------------------------------------------


def _floor_speeches(assembly: Assembly, reader: Callable[..., Any]) -> str:
    blocks: list[str | list[str]] = []
    for item in reader(assembly.pk):
        lines = [in_language(item.agenda_title_en, item.agenda_title_ko)]
        for speech in item.speeches:
            member = in_language(speech.member_en, speech.member_ko)
            where = _("online") if speech.online else _("in the room")
            times = ""
            if speech.started_at is not None:
                times = _time(speech.started_at, assembly)
                if speech.ended_at is not None:
                    times += "–" + _time(speech.ended_at, assembly)
            details = ", ".join(d for d in (member, _speech_kind(speech.kind), where, times) if d)
            lines.append(f"{ITEM}{speech.speaker} ({details})")
        blocks.append(lines)
    return _paragraphs(*blocks) if blocks else _("Nobody took the floor.")


def _speech_kind(kind: str) -> str:
    """A stored kind of speech as the minutes read it."""
    names = {
        "speech": _("speech"),
        "reply": _("reply"),
        "point_of_order": _("point of order"),
    }
    return names.get(str(kind), str(kind).replace("_", " "))


def write_speakers(assembly: Assembly) -> str:
    reader = records.speeches_for_minutes
    if reader is not None:
        return _floor_speeches(assembly, reader)
    items = (
        ProgrammeItem.objects.filter(assembly=assembly)
        .prefetch_related("speaker_links__person__member")
        .order_by("position", "starts_at", "pk")
    )
    blocks: list[str | list[str]] = []
    for item in items:
        links = list(item.speaker_links.all())
        if not links:
            continue
        lines = [f"{_time(item.starts_at, assembly)} {item.title}"]
        for link in links:
            person = link.person
            line = ITEM + _person(person.name, person.title, person.affiliation)
            if link.online:
                line += " — " + _("online")
            lines.append(line)
        blocks.append(lines)
    if not blocks:
        return _("No speaker is recorded.")
    return _paragraphs(_("Speakers as the programme records them:"), *blocks)


# --- 6. appointments --------------------------------------------------------------------------


def write_appointments(assembly: Assembly) -> str:
    blocks: list[str | list[str]] = []
    for number, decision in _decisions(assembly):
        terms = decision_terms(decision)
        if decision.kind == DecisionKind.APPOINTMENT:
            lines = [f"{number}. {decision.title}"]
            if decision.appointed_by is not None:
                lines.append(_("Appointed by %(member)s.") % {"member": decision.appointed_by.name})
            if decision.text:
                lines.append(decision.text)
            holders = [f"{ITEM}{t.holder.name}: {t.office.name}" for t in terms]
            if not holders:
                holders = [
                    ITEM + c.member.name
                    for c in decision.candidates.select_related("member").order_by("position")
                ]
            lines.extend(holders)
            blocks.append(lines)
        elif decision.ex_officio_office_id is not None:
            ex_officio = [t for t in terms if t.office_id == decision.ex_officio_office_id]
            for term in ex_officio:
                blocks.append(
                    _("%(member)s holds the office of %(office)s ex officio (%(decision)s).")
                    % {
                        "member": term.holder.name,
                        "office": term.office.name,
                        "decision": decision.title,
                    }
                )
    if not blocks:
        return _("No appointment was made.")
    return _paragraphs(*blocks)


# --- 7. awards ---------------------------------------------------------------------------------


def _acceptance(mode: str, by: str) -> str:
    if mode == AcceptanceMode.IN_PERSON:
        return _("accepted in person")
    if mode == AcceptanceMode.ONLINE:
        return _("accepted online")
    if mode == AcceptanceMode.REPRESENTATIVE:
        return _("accepted by %(by)s") % {"by": by} if by else _("accepted by a representative")
    return ""


def write_awards(assembly: Assembly) -> str:
    edition = assembly.award_editions.order_by("-number").first()
    if edition is None:
        return _("No awards were presented at this assembly.")
    awards = list(awards_for_edition(edition))
    if not awards:
        return _("No award of %(edition)s is recorded.") % {"edition": edition.title}
    lines = []
    for award in awards:
        line = f"{ITEM}{award.level.name} — {award.category.name}: {award.entry.beneficiary.name}"
        accepted = _acceptance(award.acceptance_mode, award.accepted_by_title)
        lines.append(f"{line} ({accepted})" if accepted else line)
    heading = _("%(edition)s were presented:") % {"edition": edition.title}
    return _paragraphs(heading, lines)


# --- 8. closing --------------------------------------------------------------------------------


def write_closing(assembly: Assembly) -> str:
    closed = _("The General Assembly closed on %(day)s at %(time)s.") % {
        "day": _day(assembly.ends_at, assembly),
        "time": _time(assembly.ends_at, assembly),
    }
    hosts = [
        d
        for _number, d in _decisions(assembly)
        if d.kind == DecisionKind.HOST_SELECTION and d.published_at is not None
    ]
    following = ""
    for decision in hosts:
        elected = [
            t.holder.name for t in decision_terms(decision) if t.office_id == decision.office_id
        ]
        if elected:
            following = _("The next General Assembly will be hosted by %(host)s.") % {
                "host": sentence_list(elected)
            }
    return _paragraphs(closed, following)


WRITERS: dict[str, Callable[[Assembly], str]] = {
    SectionKey.OPENING: write_opening,
    SectionKey.ATTENDANCE: write_attendance,
    SectionKey.DECISIONS: write_decisions,
    SectionKey.ELECTIONS: write_elections,
    SectionKey.SPEAKERS: write_speakers,
    SectionKey.APPOINTMENTS: write_appointments,
    SectionKey.AWARDS: write_awards,
    SectionKey.CLOSING: write_closing,
}


def section_text(assembly: Assembly, key: str, language: str) -> str:
    """One section written from the records in `language` ("en" or "ko")."""
    with translation.override(language):
        return WRITERS[key](assembly).strip()

"""A message template written out for one recipient, in the recipient's language.

Templates are typed by the secretariat: they are never Django templates. Only the names below,
in braces, are replaced ({member}, {assembly}...); anything else in braces stays as typed.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from moim.assemblies.enums import MaterialKind
from moim.assemblies.models import Assembly
from moim.mailings.models import MessageTemplate
from moim.mailings.recipients import Recipient

PLACEHOLDERS = ("member", "name", "assembly", "date", "venue", "agenda", "documents", "url")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def _pick(language: str, english: str, korean: str) -> str:
    return korean if language == "ko" and korean else english


def assembly_facts(assembly: Assembly, language: str) -> dict[str, str]:
    """What every message of the assembly may name, in one language (computed once per
    language, not per recipient)."""
    with translation.override(language):
        starts = assembly.starts_at.astimezone(assembly.zone)
        date = formats.date_format(starts, "DATETIME_FORMAT")
        agenda = [
            f"{number}. {_pick(language, d.title_en, d.title_ko)}"
            for number, d in enumerate(assembly.decisions.order_by("position", "pk"), start=1)
        ]
        documents = [
            f"- {_pick(language, m.title_en, m.title_ko)}: "
            + (m.url or f"{settings.MOIM_SITE_URL}{m.file.url}")
            for m in assembly.materials.filter(kind=MaterialKind.DOCUMENT)
        ]
        url = settings.MOIM_SITE_URL + reverse(
            "assemblies:detail", kwargs={"edition": assembly.edition}
        )
    venue = ", ".join(
        part
        for part in (
            _pick(language, assembly.venue_en, assembly.venue_ko),
            _pick(language, assembly.city_en, assembly.city_ko),
        )
        if part
    )
    return {
        "assembly": _pick(language, assembly.title_en, assembly.title_ko),
        "date": date,
        "venue": venue,
        "agenda": "\n".join(agenda) or "-",
        "documents": "\n".join(documents) or "-",
        "url": url,
    }


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each known {placeholder} replaced; nothing else is interpreted."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def written_for(
    template: MessageTemplate, recipient: Recipient, facts: dict[str, str]
) -> tuple[str, str]:
    """The subject and body of `template` for `recipient`, in the recipient's language."""
    language = recipient.language
    values = {
        **facts,
        "member": recipient.member_name or recipient.name,
        "name": recipient.name,
    }
    subject = fill(_pick(language, template.subject_en, template.subject_ko), values)
    body = fill(_pick(language, template.body_en, template.body_ko), values)
    # A subject is one line: a newline typed into it would start new mail headers.
    return " ".join(subject.split())[:200], body


CONVOCATION_DEFAULT = {
    "name_en": "Convocation of the General Assembly",
    "name_ko": "총회 소집 통지",
    "subject_en": "Convocation: {assembly}, {date}",
    "subject_ko": "소집 통지: {assembly}, {date}",
    "body_en": (
        "Dear {member},\n\n"
        "You are hereby convened to the {assembly}, to be held on {date} ({venue}).\n\n"
        "Agenda:\n{agenda}\n\n"
        "Documents:\n{documents}\n\n"
        "Registration and programme: {url}\n\n"
        "The Secretariat"
    ),
    "body_ko": (
        "{member} 귀하\n\n"
        "{date}에 개최되는 {assembly}({venue})에 귀 회원을 소집합니다.\n\n"
        "안건:\n{agenda}\n\n"
        "회의 자료:\n{documents}\n\n"
        "등록 및 프로그램: {url}\n\n"
        "사무국 드림"
    ),
}

REMINDER_DEFAULT = {
    "name_en": "Reminder",
    "name_ko": "알림",
    "subject_en": "Reminder: {assembly}",
    "subject_ko": "알림: {assembly}",
    "body_en": (
        "Dear {name},\n\nA reminder about the {assembly} on {date} ({venue}).\n\n{url}\n\n"
        "The Secretariat"
    ),
    "body_ko": (
        "{name} 님께\n\n{date}에 열리는 {assembly}({venue}) 관련 알림입니다.\n\n{url}\n\n"
        "사무국 드림"
    ),
}

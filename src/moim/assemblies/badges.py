"""Printable name badges: one page per registration, A6 or A7, with the name, the member (or
organization) represented, the role in English and Korean, and the check-in QR code the desk
scans (the same code as in the confirmation e-mail).

All the badges of an assembly come out as one PDF, which a print shop or an office printer
takes at once. The QR code is drawn as vector squares, so it prints sharp at any size.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import segno
from django.utils import translation

from moim.assemblies.enums import BadgeSize, ParticipantRole
from moim.assemblies.models import Registration
from moim.pdf import latin, pdf_available, use_cjk_font

if TYPE_CHECKING:
    from fpdf import FPDF

# Page sizes in millimetres (portrait).
PAGE_SIZES = {BadgeSize.A6: (105.0, 148.0), BadgeSize.A7: (74.0, 105.0)}
# The band at the top is coloured by role, so that the desk and the doors tell roles apart.
ROLE_COLOURS = {
    ParticipantRole.MAYOR: (0, 75, 135),
    ParticipantRole.VICE_MAYOR: (0, 75, 135),
    ParticipantRole.AMBASSADOR: (90, 40, 120),
    ParticipantRole.DELEGATE: (0, 120, 90),
    ParticipantRole.PARTNER: (200, 110, 0),
    ParticipantRole.SPEAKER: (170, 30, 50),
    ParticipantRole.STAFF: (70, 70, 70),
    ParticipantRole.PRESS: (20, 20, 20),
}
NO_FONT_NOTE = "Korean text needs a CJK font on the server (fonts-noto-cjk)."


@dataclass(frozen=True)
class Badge:
    """What one badge prints."""

    name: str
    title: str
    represents_en: str
    represents_ko: str
    role_en: str
    role_ko: str
    role: str
    code: str
    event: str


def badge_for(registration: Registration) -> Badge:
    member = registration.member
    if member is not None:
        represents_en, represents_ko = member.name_en, member.name_ko
    else:
        represents_en = registration.represents
        represents_ko = ""
    role = ParticipantRole(registration.role)
    with translation.override("en"):
        role_en = str(role.label)
    with translation.override("ko"):
        role_ko = str(role.label)
    assembly = registration.assembly
    return Badge(
        name=registration.full_name,
        title=registration.title,
        represents_en=represents_en,
        represents_ko=represents_ko if represents_ko != represents_en else "",
        role_en=role_en,
        role_ko=role_ko,
        role=registration.role,
        code=registration.check_in_code,
        event=assembly.title_en,
    )


def badges_pdf(registrations: Iterable[Registration], *, size: str = BadgeSize.A6) -> bytes | None:
    """One PDF with a badge (a page) for each registration, or None without PDF support.

    Give registrations with `assembly` and `member` selected: nothing else is read."""
    if not pdf_available():
        return None
    from fpdf import FPDF

    width, height = PAGE_SIZES[BadgeSize(size)]
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_compression(True)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(0, 0, 0)
    has_font = use_cjk_font(pdf, "badge")
    family = "badge" if has_font else "Helvetica"
    clean: Callable[[str], str] = str if has_font else latin
    for registration in registrations:
        _draw(pdf, badge_for(registration), width, height, family, clean, not has_font)
    return bytes(pdf.output())


def _fit(pdf: FPDF, text: str, largest: float, smallest: float, room: float) -> float:
    """The largest font size (points) at which the text fits in `room` millimetres."""
    size = largest
    while size > smallest:
        pdf.set_font_size(size)
        if pdf.get_string_width(text) <= room:
            return size
        size -= 1
    return smallest


def _draw(
    pdf: FPDF,
    badge: Badge,
    width: float,
    height: float,
    family: str,
    clean: Callable[[str], str],
    no_font: bool,
) -> None:
    scale = width / 105.0
    margin = 6 * scale
    room = width - 2 * margin
    pdf.add_page()
    colour = ROLE_COLOURS.get(ParticipantRole(badge.role), (0, 75, 135))
    # Top band: the event.
    pdf.set_fill_color(*colour)
    pdf.rect(0, 0, width, 16 * scale, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(family, size=9 * scale)
    pdf.set_xy(margin, 4 * scale)
    pdf.multi_cell(room, 4 * scale, clean(badge.event), align="C")
    # The name, as large as fits on one line (two lines when even the smallest does not).
    pdf.set_text_color(0, 0, 0)
    name = clean(badge.name)
    size = _fit(pdf, name, 26 * scale, 12 * scale, room)
    pdf.set_font_size(size)
    pdf.set_xy(margin, 24 * scale)
    pdf.multi_cell(room, size * 0.45, name, align="C", max_line_height=size * 0.45)
    y = pdf.get_y() + 2 * scale
    if badge.title:
        pdf.set_font_size(9 * scale)
        pdf.set_xy(margin, y)
        pdf.multi_cell(room, 4.5 * scale, clean(badge.title), align="C")
        y = pdf.get_y() + 1 * scale
    for line, points in ((badge.represents_en, 13), (badge.represents_ko, 11)):
        if line:
            pdf.set_font_size(_fit(pdf, clean(line), points * scale, 7 * scale, room))
            pdf.set_xy(margin, y)
            pdf.multi_cell(room, 5.5 * scale, clean(line), align="C")
            y = pdf.get_y()
    # The check-in QR code, with its code under it for the desk to type.
    qr_side = 38 * scale
    qr_top = height - 30 * scale - qr_side
    _draw_qr(pdf, badge.code, (width - qr_side) / 2, qr_top, qr_side)
    pdf.set_font_size(8 * scale)
    pdf.set_xy(margin, qr_top + qr_side + 0.5 * scale)
    pdf.cell(room, 4 * scale, f"{badge.code[:4]}-{badge.code[4:]}", align="C")
    # Bottom band: the role, in both languages.
    pdf.set_fill_color(*colour)
    pdf.rect(0, height - 20 * scale, width, 20 * scale, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font_size(14 * scale)
    role = badge.role_en if no_font else f"{badge.role_en} · {badge.role_ko}"
    pdf.set_xy(margin, height - 15 * scale)
    pdf.cell(room, 8 * scale, clean(role.upper()), align="C")
    if no_font:
        pdf.set_font_size(5)
        pdf.set_xy(margin, height - 6 * scale)
        pdf.cell(room, 3, NO_FONT_NOTE, align="C")


def _draw_qr(pdf: FPDF, code: str, left: float, top: float, side: float) -> None:
    """The QR code as filled squares, a run of dark modules at a time."""
    matrix = segno.make(code, error="m").matrix
    module = side / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            pdf.rect(
                left + start * module, top + row_index * module, (x - start) * module, module, "F"
            )

"""The assembly report: figures, programme, decisions, offices that changed, award winners and
sponsors, as a page and as a PDF to send to members.

The PDF needs the optional `pdf` extra (fpdf2) and, for Korean, a CJK font: Noto Sans CJK from
Debian's fonts-noto-cjk, or any font named by MOIM_PDF_FONT. Without the extra the page still
works and the PDF link says why there is none; without a CJK font the PDF says so on its first
page and prints what a Latin font can.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import gettext as _

from moim.assemblies.enums import SponsorTier
from moim.assemblies.models import Assembly, ProgrammeItem, Sponsor
from moim.assemblies.queries import AttendanceFigures, attendance_figures, programme_for
from moim.awards.models import Award, Edition
from moim.awards.queries import awards_for_edition
from moim.governance.models import Decision
from moim.governance.queries import agenda_for_public
from moim.members.models import Term
from moim.members.queries import terms_begun_on
from moim.pdf import cjk_font, latin
from moim.site.press import awards_edition

# (path, index in a font collection): Noto Sans CJK's collection holds the Korean face at 1.


NO_FONT_NOTICE = (
    "No CJK font was found on this server (install fonts-noto-cjk or set MOIM_PDF_FONT): "
    "Korean text is not shown in this PDF. The report page shows it."
)


@dataclass(frozen=True)
class AssemblyReport:
    assembly: Assembly
    figures: AttendanceFigures
    programme: list[ProgrammeItem]
    decisions: list[Decision]
    offices: list[Term]
    edition: Edition | None
    awards: list[Award]
    sponsors: list[Sponsor]

    @property
    def media_partners(self) -> list[Sponsor]:
        return [s for s in self.sponsors if s.tier == SponsorTier.MEDIA_PARTNER]


def assembly_report(assembly: Assembly) -> AssemblyReport:
    starts = assembly.starts_at.astimezone(assembly.zone).date()
    edition = awards_edition(assembly)
    return AssemblyReport(
        assembly=assembly,
        figures=attendance_figures(assembly),
        programme=list(programme_for(assembly)),
        decisions=[d for d in agenda_for_public(assembly.pk) if d.published_at is not None],
        offices=list(terms_begun_on(assembly.organization, starts, assembly_id=assembly.pk)),
        edition=edition,
        awards=list(awards_for_edition(edition)) if edition is not None else [],
        sponsors=list(assembly.sponsors.order_by("tier", "position", "name")),
    )


def pdf_unavailable_reason() -> str:
    return _(
        "The PDF needs the optional PDF support (pip install 'moim[pdf]'); "
        "this page has the same content."
    )


def report_lines(report: AssemblyReport) -> list[tuple[str, str]]:
    """The report as (style, text) lines, style one of title, heading, line: what the PDF
    prints, and what its cache key is computed from."""
    a = report.assembly
    starts = a.starts_at.astimezone(a.zone)
    f = report.figures
    lines = [("title", a.title)]
    if a.theme:
        lines.append(("line", a.theme))
    lines.append(
        (
            "line",
            f"{starts:%Y-%m-%d %H:%M} ({a.time_zone}) · {a.city}"
            f"{' · ' + a.venue if a.venue else ''}",
        )
    )
    lines.append(("heading", _("Figures")))
    lines.append(
        (
            "line",
            _("Participants: %(n)d (in person %(p)d, online %(o)d)")
            % {"n": f.present, "p": f.in_person, "o": f.online},
        )
    )
    lines.append(
        (
            "line",
            _("Mayors and vice-mayors: %(n)d from %(c)d countries; ambassadors: %(a)d")
            % {"n": f.mayors_and_vice_mayors, "c": f.mayoral_countries, "a": f.ambassadors},
        )
    )
    lines.append(("line", _("Members represented: %(n)d") % {"n": f.members_represented}))
    lines.append(("heading", _("Programme")))
    for item in report.programme:
        speakers = ", ".join(link.person.name for link in item.speaker_links.all())
        text = f"{item.starts_at.astimezone(a.zone):%H:%M}  {item.title}"
        lines.append(("line", text + (f" — {speakers}" if speakers else "")))
    if report.decisions:
        lines.append(("heading", _("Decisions")))
        lines += [("line", f"{d.title}: {d.get_verdict_display()}") for d in report.decisions]
    if report.offices:
        lines.append(("heading", _("Offices that changed")))
        lines += [("line", f"{t.office.name}: {t.holder.name}") for t in report.offices]
    if report.awards:
        lines.append(("heading", report.edition.title if report.edition else _("Awards")))
        lines += [
            ("line", f"{w.level.name} — {w.category.name}: {w.entry.beneficiary.name}")
            for w in report.awards
        ]
    if report.sponsors:
        lines.append(("heading", _("Sponsors")))
        lines += [("line", f"{s.get_tier_display()}: {s.name}") for s in report.sponsors]
    return lines


def report_pdf(report: AssemblyReport, *, compress: bool = True) -> bytes | None:
    """The report as PDF bytes, or None when the PDF library is not installed.

    Embedding a CJK font takes seconds, so the bytes are cached under a digest of the lines and
    the font: a changed record gives a new digest, hence a new PDF."""
    if importlib.util.find_spec("fpdf") is None:
        return None
    lines = report_lines(report)
    font = cjk_font()
    digest = hashlib.sha256(repr((lines, font, compress)).encode()).hexdigest()
    key = f"moim:report-pdf:{digest}"
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    document = _render_pdf(lines, font, compress)
    cache.set(key, document, timeout=24 * 3600)
    return document


def _render_pdf(
    lines: list[tuple[str, str]], font: tuple[str, int] | None, compress: bool
) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    clean: Callable[[str], str] = str
    if font is not None:
        pdf.add_font("report", fname=font[0], collection_font_number=font[1])
        pdf.set_font("report", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
        clean = latin
        pdf.set_text_color(160, 0, 0)
        pdf.multi_cell(0, 6, clean(NO_FONT_NOTICE), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)
    sizes = {"title": (18, 10), "heading": (14, 8), "line": (11, 6)}
    for style, text in lines:
        size, height = sizes[style]
        if style == "heading":
            pdf.ln(3)
        pdf.set_font_size(size)
        pdf.multi_cell(0, height, clean(text), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

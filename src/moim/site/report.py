"""The assembly report: figures, programme, decisions, offices that changed, award winners and
sponsors, as a page and as a PDF to send to members.

The PDF needs the optional `pdf` extra (fpdf2) and, for Korean, a CJK font: Noto Sans CJK from
Debian's fonts-noto-cjk, or any font named by MOIM_PDF_FONT. Without the extra the page still
works and the PDF link says why there is none; without a CJK font the PDF says so on its first
page and prints what a Latin font can.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
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
from moim.site.press import awards_edition

# (path, index in a font collection): Noto Sans CJK's collection holds the Korean face at 1.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 1),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 1),
    ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", 0),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 1),
)


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
    def official_sponsors(self) -> list[Sponsor]:
        return [s for s in self.sponsors if s.tier == SponsorTier.OFFICIAL_SPONSOR]

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
        offices=list(terms_begun_on(assembly.organization, starts)),
        edition=edition,
        awards=list(awards_for_edition(edition)) if edition is not None else [],
        sponsors=list(assembly.sponsors.order_by("tier", "position", "name")),
    )


def cjk_font() -> tuple[str, int] | None:
    configured = getattr(settings, "MOIM_PDF_FONT", "") or os.environ.get("MOIM_PDF_FONT", "")
    if configured:
        return (configured, 0) if Path(configured).is_file() else None
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    return None


def pdf_unavailable_reason() -> str:
    return _(
        "The PDF needs the optional PDF support (pip install 'moim[pdf]'); "
        "this page has the same content."
    )


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def report_pdf(report: AssemblyReport, *, compress: bool = True) -> bytes | None:
    """The report as PDF bytes, or None when the PDF library is not installed."""
    if importlib.util.find_spec("fpdf") is None:
        return None
    from fpdf import FPDF

    font = cjk_font()
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
        clean = _latin
        pdf.set_text_color(160, 0, 0)
        pdf.multi_cell(0, 6, clean(NO_FONT_NOTICE), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(2)

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font_size(14)
        pdf.multi_cell(0, 8, clean(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font_size(11)

    def line(text: str) -> None:
        pdf.multi_cell(0, 6, clean(text), new_x="LMARGIN", new_y="NEXT")

    a = report.assembly
    starts = a.starts_at.astimezone(a.zone)
    pdf.set_font_size(18)
    pdf.multi_cell(0, 10, clean(a.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(11)
    if a.theme:
        line(a.theme)
    line(f"{starts:%Y-%m-%d %H:%M} · {a.city}{' · ' + a.venue if a.venue else ''}")
    f = report.figures
    heading(_("Figures"))
    line(
        _("Participants: %(n)d (in person %(p)d, online %(o)d)")
        % {"n": f.present, "p": f.in_person, "o": f.online}
    )
    line(
        _("Mayors and vice-mayors: %(n)d from %(c)d countries; ambassadors: %(a)d")
        % {"n": f.mayors_and_vice_mayors, "c": f.mayoral_countries, "a": f.ambassadors}
    )
    line(_("Members represented: %(n)d") % {"n": f.members_represented})
    heading(_("Programme"))
    for item in report.programme:
        speakers = ", ".join(link.person.name for link in item.speaker_links.all())
        line(
            f"{item.starts_at.astimezone(a.zone):%H:%M}  {item.title}"
            + (f" — {speakers}" if speakers else "")
        )
    if report.decisions:
        heading(_("Decisions"))
        for decision in report.decisions:
            line(f"{decision.title}: {decision.get_verdict_display()}")
    if report.offices:
        heading(_("Offices that changed"))
        for term in report.offices:
            line(f"{term.office.name}: {term.holder.name}")
    if report.awards:
        heading(report.edition.title if report.edition else _("Awards"))
        for award in report.awards:
            line(f"{award.level.name} — {award.category.name}: {award.entry.beneficiary.name}")
    if report.sponsors:
        heading(_("Sponsors"))
        for sponsor in report.sponsors:
            line(f"{sponsor.get_tier_display()}: {sponsor.name}")
    return bytes(pdf.output())

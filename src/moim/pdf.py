"""What every PDF Moim makes needs: the optional library (the `pdf` extra, fpdf2) and a CJK font
for Korean (Noto Sans CJK from Debian's fonts-noto-cjk, or the font named by MOIM_PDF_FONT).

Without the library a page offers no PDF and says why; without a CJK font a PDF prints what a
Latin font can and says that Korean text is missing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# (path, index in a font collection): Noto Sans CJK's collection holds the Korean face at 1.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 1),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 1),
    ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", 0),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 1),
)


def pdf_available() -> bool:
    return importlib.util.find_spec("fpdf") is not None


def cjk_font() -> tuple[str, int] | None:
    """The CJK font file and its index in a collection, or None when there is none."""
    configured: str = settings.MOIM_PDF_FONT
    if configured:
        return (configured, 0) if Path(configured).is_file() else None
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    return None


# Latin letters a CJK font lacks (Turkish ı and ğ, Vietnamese marks): taken from this font.
LATIN_FALLBACK = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def use_cjk_font(pdf: Any, family: str) -> bool:
    """Register the CJK font (and a Latin fallback when installed) as `family` on an fpdf2
    document; False when there is no CJK font."""
    font = cjk_font()
    if font is None:
        return False
    pdf.add_font(family, fname=font[0], collection_font_number=font[1])
    if Path(LATIN_FALLBACK).is_file():
        pdf.add_font(f"{family}-latin", fname=LATIN_FALLBACK)
        pdf.set_fallback_fonts([f"{family}-latin"])
    return True


def latin(text: str) -> str:
    """What a Latin-1 font can print of the text (anything else becomes "?")."""
    return text.encode("latin-1", "replace").decode("latin-1")


def no_pdf_reason() -> str:
    return _("PDF support is not installed on this server (pip install 'moim[pdf]').")

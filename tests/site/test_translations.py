"""The Korean catalogue: complete, and its committed compiled file matches the source."""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.PACKAGE_DIR) / "locale" / "ko" / "LC_MESSAGES"


def catalog(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def test_every_message_has_a_korean_translation() -> None:
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]

    untranslated = [
        entry
        for entry in entries
        if not entry.lstrip().startswith("#~")
        and (re.search(r'\nmsgstr(\[0\])? ""\n?$', entry) or "#, fuzzy" in entry)
    ]

    assert untranslated == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) is not installed")
def test_committed_mo_file_is_compiled_from_the_po_file(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(LOCALE / "django.po")], check=True)

    assert catalog(LOCALE / "django.mo") == catalog(fresh)


def test_key_interface_strings_read_in_korean() -> None:
    translations = catalog(LOCALE / "django.mo")

    assert translations["Member directory"] == "회원 명부"
    assert translations["Skip to main content"] == "본문으로 건너뛰기"
    assert translations["Not in good standing"] == "자격 미충족"

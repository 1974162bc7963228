"""The assembly report of a plenary built with factories: decisions, and the PDF without a font."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from django.test import Client

from moim import pdf
from moim.members.models import Organization
from moim.site import report
from tests.site.publication_plenary import Published, publish_plenary


@pytest.mark.skipif(importlib.util.find_spec("fpdf") is None, reason="the pdf extra is absent")
def test_report_pdf_says_so_when_no_cjk_font_is_found(
    organization: Organization, chair: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    published = publish_plenary(organization, chair)
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
    settings.MOIM_PDF_FONT = ""

    body = report.report_pdf(report.assembly_report(published.plenary.assembly), compress=False)

    assert report.cjk_font() is None
    assert body is not None
    assert body.startswith(b"%PDF-")
    assert b"/FontFile2" not in body  # no embedded font: Helvetica only
    assert b"(No CJK font was found on this server" in body
    assert b"Adopt the 2030 Master Plan: Adopted" in body


def test_report_lists_published_decisions_with_their_verdicts(
    client: Client, organization: Organization, chair: Any
) -> None:
    published: Published = publish_plenary(organization, chair)

    page = client.get(f"/en/report/{published.plenary.assembly.edition}/").content.decode()

    assert f'/results/5/{published.motion.pk}/">Adopt the 2030 Master Plan</a>: Adopted' in page
    assert f'/results/5/{published.election.pk}/">Election of the President</a>: Elected' in page


@pytest.mark.skipif(importlib.util.find_spec("fpdf") is None, reason="the pdf extra is absent")
def test_report_pdf_is_cached_until_a_record_changes(
    organization: Organization, chair: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())  # Latin text stays readable in the file
    settings.MOIM_PDF_FONT = ""
    published = publish_plenary(organization, chair)
    assembly = published.plenary.assembly

    first = report.report_pdf(report.assembly_report(assembly), compress=False)
    again = report.report_pdf(report.assembly_report(assembly), compress=False)
    published.motion.title_en = "Adopt the 2030 Master Plan as amended"
    published.motion.save()
    changed = report.report_pdf(report.assembly_report(assembly), compress=False)

    assert first == again  # the same bytes, from the cache (a new rendering has a new date)
    assert changed is not None
    assert b"Adopt the 2030 Master Plan as amended: Adopted" in changed

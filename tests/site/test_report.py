"""The assembly report, as a page and as a PDF, for every assembly of the demo."""

from __future__ import annotations

import importlib.util

import pytest
from django.test import Client

from moim.assemblies.models import Assembly
from moim.governance.models import Decision
from moim.members.models import Organization
from moim.site import report
from tests.site import publication_demo

# The demo is loaded once for this module (see publication_demo.wego_for_module).
wego_for_module = publication_demo.wego_for_module


@pytest.fixture
def wego(wego_for_module: Organization, db: None) -> Organization:
    return wego_for_module


def test_report_and_results_render_for_every_demo_assembly_and_decision(
    client: Client, wego: Organization
) -> None:
    for assembly in Assembly.objects.filter(organization=wego):
        page = client.get(f"/en/report/{assembly.edition}/").content.decode()
        assert f"<h1>{assembly.title_en}</h1>" in page
        results = client.get(f"/en/results/{assembly.edition}/").content.decode()
        assert assembly.title_en in results
    published = Decision.objects.filter(assembly__organization=wego, published_at__isnull=False)
    assert set(published.values_list("kind", flat=True)) == {
        "motion",
        "election",
        "appointment",
        "host_selection",
    }
    for decision in published.select_related("assembly"):
        edition = decision.assembly.edition
        page = client.get(f"/en/results/{edition}/{decision.pk}/").content.decode()
        assert decision.title_en in page
        assert decision.get_verdict_display() in page
        report = client.get(f"/en/report/{edition}/").content.decode()
        link = f'/results/{edition}/{decision.pk}/">{decision.title_en}</a>'
        # An amendment has its own results page; the report lists the text it amended.
        assert (link in report) == (decision.amends_id is None)


def test_report_of_the_fifth_assembly_holds_figures_offices_winners_and_sponsors(
    client: Client, wego: Organization
) -> None:
    page = client.get("/en/report/5/").content.decode()

    assert '<dd data-figure="present">230</dd>' in page
    assert "Smart Solutions for All in the New Normal Era" in page
    assert "Executive Committee member</th><td>" in page
    assert page.count("Executive Committee member</th>") == 17
    assert "Host of the next General Assembly</th><td>Mexico City</td>" in page
    assert "4th WeGO Awards" in page
    assert "Goyang" in page
    assert "Media partner: Smart Cities World" in page
    assert "Oh Se-hoon" in page


def test_report_in_korean_names_members_in_korean(client: Client, wego: Organization) -> None:
    page = client.get("/ko/report/5/").content.decode()

    assert "제5회 WeGO 총회" in page
    assert "멕시코시티" in page


@pytest.mark.skipif(importlib.util.find_spec("fpdf") is None, reason="the pdf extra is absent")
def test_report_pdf_embeds_a_cjk_font_when_one_is_installed(
    client: Client, wego: Organization
) -> None:
    response = client.get("/ko/report/5/report.pdf")
    body = b"".join(response.streaming_content) if response.streaming else response.content

    assert body.startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    if report.cjk_font() is not None:
        assert b"/FontFile2" in body or b"/FontFile3" in body
        assert b"No CJK font" not in body


def test_report_page_works_and_pdf_explains_itself_without_the_pdf_extra(
    client: Client, wego: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "fpdf" else real(name, *a)
    )

    page = client.get("/en/report/5/")
    pdf = client.get("/en/report/5/report.pdf")

    assert "Download the report as PDF" in page.content.decode()
    assert pdf.status_code == 503
    assert "pip install &#x27;moim[pdf]&#x27;" in pdf.content.decode()

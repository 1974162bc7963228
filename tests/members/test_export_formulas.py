"""Member exports never carry a live formula, and an exported file imports back unchanged."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from django.test import Client

from moim.members.models import Member, Organization
from moim.members.services import export_members, import_members
from tests.conftest import Persona
from tests.factories import CategoryFactory, MemberFactory, RegionFactory

EXPORT = "/en/admin/members/member/export/"


@pytest.fixture
def registry(organization: Organization) -> Organization:
    region = RegionFactory(organization=organization, code="asia-pacific")
    category = CategoryFactory(organization=organization, code="full")
    MemberFactory(
        organization=organization,
        slug="evil",
        name_en='=HYPERLINK("http://evil.example","Click")',
        name_ko="-부산",
        region=region,
        category=category,
    )
    MemberFactory(
        organization=organization,
        slug="dash",
        name_en="-Ville",
        name_ko="'=따옴표",
        region=region,
        category=category,
    )
    return organization


def csv_rows(data: bytes) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    return {row["slug"]: row for row in rows}


def xlsx_rows(data: bytes) -> dict[str, dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = list(sheet.values)
    header = [str(name) for name in values[0]]
    return {str(row[0]): dict(zip(header, row, strict=True)) for row in values[1:]}


def test_member_csv_export_sends_no_formula(registry: Organization) -> None:
    rows = csv_rows(export_members(organization=registry, file_format="csv"))

    assert rows["evil"]["name_en"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows["evil"]["name_ko"] == "'-부산"
    assert rows["dash"]["name_en"] == "'-Ville"
    assert rows["dash"]["name_ko"] == "''=따옴표"


def test_member_xlsx_export_holds_text_not_formulas(registry: Organization) -> None:
    data = export_members(organization=registry, file_format="xlsx")

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert xlsx_rows(data)["evil"]["name_en"] == '\'=HYPERLINK("http://evil.example","Click")'


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_member_export_imports_back_unchanged(registry: Organization, file_format: str) -> None:
    before = {m.slug: (m.name_en, m.name_ko) for m in Member.objects.all()}
    data = export_members(organization=registry, file_format=file_format)
    Member.objects.all().delete()

    report = import_members(organization=registry, data=data, file_format=file_format)

    assert report.problems == []
    assert report.file_problems == []
    assert report.created == 2
    assert {m.slug: (m.name_en, m.name_ko) for m in Member.objects.all()} == before


def test_admin_export_neutralises_formulas(
    client: Client, registry: Organization, secretariat: Persona
) -> None:
    client.force_login(secretariat)
    form = client.get(EXPORT).content.decode()
    fields = dict.fromkeys(re.findall(r'name="(memberresource_\w+)"', form), "on")

    response = client.post(EXPORT, {"format": "0", "resource": "0", **fields})

    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = csv_rows(body)
    assert rows["evil"]["name_en"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows["dash"]["name_en"] == "'-Ville"


def test_admin_xlsx_export_holds_no_formula(
    client: Client, registry: Organization, secretariat: Persona
) -> None:
    client.force_login(secretariat)
    form = client.get(EXPORT).content.decode()
    fields = dict.fromkeys(re.findall(r'name="(memberresource_\w+)"', form), "on")

    response = client.post(EXPORT, {"format": "1", "resource": "0", **fields})

    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = xlsx_rows(body)
    assert rows["evil"]["name_en"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert rows["dash"]["name_ko"] == "''=따옴표"

"""Importing members through the back office: a preview first, and nothing if any row is bad."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from moim.members.models import Member, Organization
from tests.conftest import Persona
from tests.factories import CategoryFactory, MemberFactory, RegionFactory

IMPORT = "/en/admin/members/member/import/"
PROCESS = "/en/admin/members/member/process_import/"
EXPORT = "/en/admin/members/member/export/"
HEADER = "slug,name_en,name_ko,kind,country,region,category,status,joined,fees_paid_through\n"
GOOD = (
    "seoul,Seoul,서울,local_government,KR,asia-pacific,full,active,2010-09-07,2025\n"
    "busan,Busan,부산,local_government,KR,asia-pacific,full,active,,2024\n"
)


@pytest.fixture
def staff_client(client: Client, secretariat: Persona, organization: Organization) -> Client:
    RegionFactory(organization=organization, code="asia-pacific")
    CategoryFactory(organization=organization, code="full")
    client.force_login(secretariat)
    return client


def upload(client: Client, text: str) -> str:
    csv_file = SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")
    response = client.post(IMPORT, {"format": "0", "import_file": csv_file})
    return str(response.content.decode())


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def test_admin_preview_of_bad_row_names_line_and_reason_and_imports_nothing(
    staff_client: Client,
) -> None:
    bad = "mars,Mars,,local_government,KR,red-planet,full,,,\n"

    html = upload(staff_client, HEADER + GOOD + bad)

    text = plain(html)
    assert "1 row is wrong: nothing was imported" in text
    # The bad row is line 4 of the file (the header is line 1).
    assert "4 region unknown region code 'red-planet' (known: asia-pacific)" in text
    assert "Confirm import" not in text
    assert Member.objects.count() == 0


def test_admin_preview_lists_every_bad_row_with_its_line(staff_client: Client) -> None:
    rows = (
        "a,,,local_government,KR,asia-pacific,full,,,\n"
        "b,B,,local_government,KR,asia-pacific,full,,,\n"
        "c,C,,local_government,ZZ,asia-pacific,full,,,\n"
    )

    text = plain(upload(staff_client, HEADER + rows))

    assert "2 rows are wrong: nothing was imported" in text
    assert "2 name_en the English name is missing" in text
    assert "4 country 'ZZ' is not an ISO 3166 country code (such as KR or MX)" in text
    assert Member.objects.count() == 0


def test_admin_preview_then_confirm_imports_every_row(staff_client: Client) -> None:
    html = upload(staff_client, HEADER + GOOD)
    assert Member.objects.count() == 0  # the preview stores nothing
    assert "Confirm import" in html
    hidden = dict(re.findall(r'name="(\w+)" value="([^"]*)"', html))

    response = staff_client.post(
        PROCESS,
        {
            "import_file_name": hidden["import_file_name"],
            "original_file_name": hidden["original_file_name"],
            "format": hidden["format"],
            "resource": hidden.get("resource", "0"),
        },
    )

    assert response.status_code == 302
    assert sorted(Member.objects.values_list("slug", flat=True)) == ["busan", "seoul"]


def test_admin_import_offers_only_csv_and_xlsx(staff_client: Client) -> None:
    html = staff_client.get(IMPORT).content.decode()

    formats = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', html)
    assert formats == ["csv", "xlsx"]


def test_admin_export_gives_the_import_columns(
    staff_client: Client, organization: Organization
) -> None:
    MemberFactory(organization=organization, slug="seoul", name_en="Seoul", name_ko="서울")
    form = staff_client.get(EXPORT).content.decode()
    fields = dict.fromkeys(re.findall(r'name="(memberresource_\w+)"', form), "on")

    response = staff_client.post(EXPORT, {"format": "0", "resource": "0", **fields})

    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())  # so that Excel reads the Korean names right
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "slug,name_en,name_ko,kind,country,region,category,status,joined,"
        "fees_paid_through,website,illustrative"
    )
    assert lines[1].startswith("seoul,Seoul,서울,local_government,KR,asia-pacific,full,active")


def test_admin_preview_of_xlsx_with_a_bad_row_imports_nothing(staff_client: Client) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in (HEADER + GOOD).splitlines():
        sheet.append(line.split(","))
    sheet.append(["x", "X", "", "planet", "KR", "asia-pacific", "full", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload_file = SimpleUploadedFile("members.xlsx", buffer.getvalue())

    response = staff_client.post(IMPORT, {"format": "1", "import_file": upload_file})

    text = plain(response.content.decode())
    assert "1 row is wrong: nothing was imported" in text
    assert "4 kind 'planet' is not a kind" in text
    assert Member.objects.count() == 0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp949"])
def test_admin_reads_csv_saved_by_excel(staff_client: Client, encoding: str) -> None:
    data = (HEADER + GOOD).encode(encoding)

    response = staff_client.post(
        IMPORT, {"format": "0", "import_file": SimpleUploadedFile("members.csv", data)}
    )

    html = response.content.decode()
    assert "Confirm import" in html
    assert "서울" in html  # the preview shows the Korean name read correctly


def test_admin_says_why_a_csv_cannot_be_read(staff_client: Client) -> None:
    data = b"slug\n\xff\xff\xff\n"

    response = staff_client.post(
        IMPORT, {"format": "0", "import_file": SimpleUploadedFile("members.csv", data)}
    )

    assert "neither UTF-8 nor CP949 text: save it as CSV UTF-8" in response.content.decode()
    assert Member.objects.count() == 0

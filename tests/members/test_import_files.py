"""Member imports judge a file by its content: no image as CSV, no zip bomb as XLSX."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from moim.members.models import Member, Organization
from moim.members.services import import_members
from tests.conftest import Persona
from tests.factories import MemberFactory
from tests.test_uploads import PNG, hollowed, zip_bomb

IMPORT = "/en/admin/members/member/import/"


def test_png_renamed_csv_is_refused_by_content(organization: Organization) -> None:
    MemberFactory(organization=organization, slug="kept")

    report = import_members(organization=organization, data=PNG, file_format="csv")

    assert report.file_problems == ["The file is not CSV text: its content is image/png (.png)."]
    assert list(Member.objects.values_list("slug", flat=True)) == ["kept"]


def test_xlsx_zip_bomb_is_refused_before_openpyxl_opens_it(organization: Organization) -> None:
    # Its sheet cannot be inflated (openpyxl would fail on it): the refusal is the directory's.
    bomb = hollowed(zip_bomb(64))

    report = import_members(organization=organization, data=bomb, file_format="xlsx")

    assert report.file_problems == ["The workbook would unpack to 64.0 MB; the limit is 50 MB."]
    assert Member.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "fmt", "reason"),
    [
        ("members.csv", PNG, "0", "The file is not CSV text: its content is image/png"),
        ("members.xlsx", None, "1", "would unpack to 64.0 MB; the limit is 50 MB"),
        ("members.xlsx", b"slug,name_en\n", "1", "not an Excel workbook (XLSX)"),
    ],
)
def test_admin_import_says_why_a_file_is_refused(
    client: Client,
    secretariat: Persona,
    organization: Organization,
    name: str,
    data: bytes | None,
    fmt: str,
    reason: str,
) -> None:
    client.force_login(secretariat)

    response = client.post(
        IMPORT, {"format": fmt, "import_file": SimpleUploadedFile(name, data or zip_bomb(64))}
    )

    assert reason in response.content.decode()
    assert Member.objects.count() == 0

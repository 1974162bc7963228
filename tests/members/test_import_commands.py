"""The import-members and export-members commands call the same service as the admin."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from moim.members.models import Member, Organization
from tests.factories import CategoryFactory, MemberFactory, RegionFactory

HEADER = "slug,name_en,name_ko,kind,country,region,category,status,joined,fees_paid_through\n"
GOOD = (
    "seoul,Seoul,서울,local_government,KR,asia-pacific,full,active,2010-09-07,2025\n"
    "busan,Busan,부산,local_government,KR,asia-pacific,full,active,,2024\n"
)


@pytest.fixture
def registry(organization: Organization) -> Organization:
    RegionFactory(organization=organization, code="asia-pacific")
    CategoryFactory(organization=organization, code="full")
    return organization


def write(tmp_path: Path, text: str, name: str = "members.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_command_imports_every_good_row(registry: Organization, tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import-members", str(write(tmp_path, HEADER + GOOD)), stdout=out)

    assert sorted(Member.objects.values_list("slug", flat=True)) == ["busan", "seoul"]
    assert "imported 2 row(s): 2 new, 0 updated, 0 unchanged" in out.getvalue()


def test_import_command_bad_row_imports_nothing_and_names_it(
    registry: Organization, tmp_path: Path
) -> None:
    bad = "mars,Mars,,local_government,KR,asia-pacific,full,,,20x5\n"
    path = write(tmp_path, HEADER + GOOD + bad)
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing imported: 1 bad row"):
        call_command("import-members", str(path), stderr=err)

    assert Member.objects.count() == 0
    assert err.getvalue() == (
        f"{path}: line 4: fees_paid_through: '20x5' is not a year between 1900 and 2999\n"
    )


def test_import_command_dry_run_stores_nothing(registry: Organization, tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import-members", str(write(tmp_path, HEADER + GOOD)), "--dry-run", stdout=out)

    assert Member.objects.count() == 0
    assert "would import 2 row(s): 2 new" in out.getvalue()


def test_import_command_rejects_unknown_format(registry: Organization, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="unsupported file format 'txt'"):
        call_command("import-members", str(write(tmp_path, GOOD, name="members.txt")))


def test_import_command_missing_file(registry: Organization, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import-members", str(tmp_path / "absent.csv"))


def test_export_command_csv_to_stdout(registry: Organization) -> None:
    MemberFactory(organization=registry, slug="seoul", name_en="Seoul", name_ko="서울")
    out = io.StringIO()

    call_command("export-members", "--format", "csv", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("slug,name_en,name_ko,kind,country,region,category")
    assert lines[1].startswith("seoul,Seoul,서울,local_government,KR,asia-pacific,full,active")


def test_export_command_xlsx_round_trip(registry: Organization, tmp_path: Path) -> None:
    MemberFactory(organization=registry, slug="seoul", name_en="Seoul", fees_paid_through=2024)
    MemberFactory(organization=registry, slug="busan", name_en="Busan", fees_paid_through=None)
    target = tmp_path / "members.xlsx"
    call_command("export-members", "--format", "xlsx", "--output", str(target))
    Member.objects.all().delete()

    call_command("import-members", str(target), stdout=io.StringIO())

    assert dict(Member.objects.values_list("slug", "fees_paid_through")) == {
        "seoul": 2024,
        "busan": None,
    }

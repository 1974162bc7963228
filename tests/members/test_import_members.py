"""Importing and exporting members: all rows or none, each bad row named with its line."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moim.members.enums import MemberKind, MemberStatus
from moim.members.models import Member, MemberCategory, Organization, Region
from moim.members.services import export_members, import_members
from tests.factories import CategoryFactory, MemberFactory, RegionFactory

HEADER = "slug,name_en,name_ko,kind,country,region,category,status,joined,fees_paid_through\n"
GOOD_ROWS = (
    "seoul,Seoul,서울,local_government,KR,asia-pacific,full,active,2010-09-07,2025\n"
    "mexico-city,Mexico City,멕시코시티,local_government,MX,latin-america,full,active,,2024\n"
    "kaist,KAIST,카이스트,institution,KR,asia-pacific,associate,,,\n"
)


@pytest.fixture
def registry(organization: Organization) -> Organization:
    RegionFactory(organization=organization, code="asia-pacific")
    RegionFactory(organization=organization, code="latin-america", name_en="Latin America")
    CategoryFactory(organization=organization, code="full")
    CategoryFactory(
        organization=organization, code="associate", name_en="Associate", has_vote=False
    )
    return organization


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(rows)).encode()


def test_import_good_csv_creates_every_row(registry: Organization) -> None:
    report = import_members(organization=registry, data=csv_bytes(GOOD_ROWS), file_format="csv")

    assert report.problems == []
    assert report.created == 3
    seoul = Member.objects.get(slug="seoul")
    assert (seoul.name_ko, seoul.country.code, seoul.region.code) == ("서울", "KR", "asia-pacific")
    assert seoul.fees_paid_through == 2025
    assert str(seoul.joined) == "2010-09-07"
    kaist = Member.objects.get(slug="kaist")
    assert kaist.kind == MemberKind.INSTITUTION
    assert kaist.status == MemberStatus.ACTIVE
    assert kaist.category.code == "associate"
    assert kaist.fees_paid_through is None


@pytest.mark.parametrize(
    ("bad_row", "reason"),
    [
        ("mars,Mars,,local_government,KR,mars-region,full,,,", "unknown region code 'mars-region'"),
        (
            "mars,Mars,,local_government,KR,asia-pacific,gold,,,",
            "unknown member category code 'gold'",
        ),
        (
            "mars,Mars,,local_government,XX,asia-pacific,full,,,",
            "'XX' is not an ISO 3166 country code",
        ),
        ("mars,Mars,,local_government,KR,asia-pacific,full,,,20x5", "'20x5' is not a year"),
        ("mars,Mars,,local_government,KR,asia-pacific,full,,,1066", "'1066' is not a year"),
        ("mars,,화성,local_government,KR,asia-pacific,full,,,", "the English name is missing"),
        ("seoul,Seoul again,,local_government,KR,asia-pacific,full,,,", "duplicate slug 'seoul'"),
        ("mars,Mars,,planet,KR,asia-pacific,full,,,", "'planet' is not a kind"),
        ("mars,Mars,,local_government,KR,asia-pacific,full,dormant,,", "'dormant' is not a status"),
        ("mars,Mars,,local_government,KR,asia-pacific,full,,1 May 2020,", "is not a date"),
        ("mars planet,Mars,,local_government,KR,asia-pacific,full,,,", "is not a slug"),
    ],
)
def test_import_one_bad_row_imports_nothing_and_names_it(
    registry: Organization, bad_row: str, reason: str
) -> None:
    # The bad row is the fourth data row, so line 5 of the file (the header is line 1).
    report = import_members(
        organization=registry, data=csv_bytes(GOOD_ROWS, bad_row + "\n"), file_format="csv"
    )

    assert Member.objects.count() == 0
    assert [problem.line for problem in report.problems] == [5]
    assert reason in str(report.problems[0])
    assert not report.ok


def test_import_reports_every_bad_row(registry: Organization) -> None:
    rows = (
        "a,A,,local_government,KR,nowhere,full,,,\n"
        "b,B,,local_government,KR,asia-pacific,full,,,\n"
        "c,C,,local_government,ZZ,asia-pacific,full,,,\n"
    )
    report = import_members(organization=registry, data=csv_bytes(rows), file_format="csv")

    assert [problem.line for problem in report.problems] == [2, 4]
    assert Member.objects.count() == 0


def test_import_bad_row_leaves_existing_members_untouched(registry: Organization) -> None:
    MemberFactory(organization=registry, slug="seoul", name_en="Seoul", fees_paid_through=2020)
    rows = (
        "seoul,Seoul,서울,local_government,KR,asia-pacific,full,active,,2026\n"
        "x,X,,local_government,KR,asia-pacific,nope,,,\n"
    )
    report = import_members(organization=registry, data=csv_bytes(rows), file_format="csv")

    assert report.problems[0].line == 3
    assert Member.objects.get(slug="seoul").fees_paid_through == 2020


def test_import_updates_members_matched_by_slug(registry: Organization) -> None:
    MemberFactory(organization=registry, slug="seoul", name_en="Seoul", fees_paid_through=2020)
    row = "seoul,Seoul,서울,local_government,KR,asia-pacific,full,suspended,,2026\n"

    report = import_members(organization=registry, data=csv_bytes(row), file_format="csv")

    assert (report.created, report.updated) == (0, 1)
    seoul = Member.objects.get(slug="seoul")
    assert (seoul.fees_paid_through, seoul.status) == (2026, MemberStatus.SUSPENDED)


def test_import_dry_run_stores_nothing(registry: Organization) -> None:
    report = import_members(
        organization=registry, data=csv_bytes(GOOD_ROWS), file_format="csv", dry_run=True
    )

    assert report.ok
    assert report.created == 3
    assert Member.objects.count() == 0


def test_import_missing_column_is_a_file_problem(registry: Organization) -> None:
    data = b"slug,name_en,kind,country\nseoul,Seoul,local_government,KR\n"

    report = import_members(organization=registry, data=data, file_format="csv")

    assert "region, category" in report.file_problems[0]
    assert Member.objects.count() == 0


def test_import_unreadable_file_is_a_file_problem(registry: Organization) -> None:
    report = import_members(organization=registry, data=b"\xff\xfe\x00garbage", file_format="xlsx")

    assert "is not an Excel workbook (XLSX)" in report.file_problems[0]
    assert Member.objects.count() == 0


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX_HEADER = [
    "slug",
    "name_en",
    "name_ko",
    "kind",
    "country",
    "region",
    "category",
    "status",
    "joined",
    "fees_paid_through",
]


def test_import_good_xlsx_with_number_and_date_cells(registry: Organization) -> None:
    data = xlsx_bytes(
        [
            XLSX_HEADER,
            [
                "seoul",
                "Seoul",
                "서울",
                "local_government",
                "KR",
                "asia-pacific",
                "full",
                "active",
                dt.datetime(2010, 9, 7),
                2025,
            ],
            [
                "kaist",
                "KAIST",
                None,
                "institution",
                "kr",
                "asia-pacific",
                "associate",
                None,
                None,
                None,
            ],
        ]
    )

    report = import_members(organization=registry, data=data, file_format="xlsx")

    assert report.problems == []
    seoul = Member.objects.get(slug="seoul")
    assert (str(seoul.joined), seoul.fees_paid_through) == ("2010-09-07", 2025)
    assert Member.objects.get(slug="kaist").country.code == "KR"


def test_import_xlsx_bad_row_imports_nothing(registry: Organization) -> None:
    data = xlsx_bytes(
        [
            XLSX_HEADER,
            [
                "seoul",
                "Seoul",
                "서울",
                "local_government",
                "KR",
                "asia-pacific",
                "full",
                None,
                None,
                2025,
            ],
            [
                "mars",
                "Mars",
                None,
                "local_government",
                "KR",
                "asia-pacific",
                "full",
                None,
                None,
                "soon",
            ],
        ]
    )

    report = import_members(organization=registry, data=data, file_format="xlsx")

    assert [str(problem) for problem in report.problems] == [
        "line 3: fees_paid_through: 'soon' is not a year between 1900 and 2999"
    ]
    assert Member.objects.count() == 0


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_reimports_cleanly(registry: Organization, file_format: str) -> None:
    import_members(organization=registry, data=csv_bytes(GOOD_ROWS), file_format="csv")
    before = list(Member.objects.values().order_by("slug"))
    exported = export_members(organization=registry, file_format=file_format)

    # The same file into the same registry changes nothing...
    again = import_members(organization=registry, data=exported, file_format=file_format)
    assert (again.problems, again.created, again.updated, again.unchanged) == ([], 0, 0, 3)
    # ...and into an emptied registry recreates the same members.
    Member.objects.all().delete()
    fresh = import_members(organization=registry, data=exported, file_format=file_format)
    assert fresh.created == 3
    after = list(Member.objects.values().order_by("slug"))
    assert [{k: v for k, v in m.items() if k != "id"} for m in after] == [
        {k: v for k, v in m.items() if k != "id"} for m in before
    ]


def test_export_csv_has_human_friendly_columns(registry: Organization) -> None:
    import_members(organization=registry, data=csv_bytes(GOOD_ROWS), file_format="csv")

    text = export_members(organization=registry, file_format="csv").decode()

    lines = text.splitlines()
    assert lines[0] == (
        "slug,name_en,name_ko,kind,country,region,category,status,joined,"
        "fees_paid_through,website,illustrative"
    )
    assert (
        "seoul,Seoul,서울,local_government,KR,asia-pacific,full,active,2010-09-07,2025,,no" in lines
    )


def test_import_only_sees_its_own_organization(registry: Organization) -> None:
    other = Organization.objects.create(slug="other", name_en="Other", secretariat_city_en="X")
    Region.objects.create(organization=other, code="mars", name_en="Mars")
    MemberCategory.objects.create(organization=other, code="full", name_en="Full")
    row = "x,X,,local_government,KR,mars,full,,,\n"

    report = import_members(organization=registry, data=csv_bytes(row), file_format="csv")

    assert "unknown region code 'mars'" in str(report.problems[0])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp949"])
def test_import_csv_saved_by_excel(registry: Organization, encoding: str) -> None:
    # Excel writes a byte-order mark with "CSV UTF-8", and CP949 with Korean "CSV".
    data = (HEADER + GOOD_ROWS).encode(encoding)

    report = import_members(organization=registry, data=data, file_format="csv")

    assert report.problems == []
    assert Member.objects.get(slug="seoul").name_ko == "서울"


def test_import_csv_in_no_known_encoding_is_a_file_problem(registry: Organization) -> None:
    report = import_members(organization=registry, data=b"slug\n\xff\xff\xff\n", file_format="csv")

    assert report.file_problems == [
        "the CSV file is neither UTF-8 nor CP949 text: save it as CSV UTF-8"
    ]


NAME = (
    st.text(alphabet=st.sampled_from(list("abcXYZ 서울부산,;'\"-()&é")), min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            NAME,
            st.one_of(st.just(""), NAME),
            st.sampled_from(list(MemberKind)),
            st.sampled_from(list(MemberStatus)),
            st.sampled_from(["KR", "MX", "TR", "NG"]),
            st.one_of(st.none(), st.integers(min_value=1900, max_value=2999)),
            st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1))),
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    ),
    file_format=st.sampled_from(["csv", "xlsx"]),
)
def test_any_registry_exports_and_reimports_unchanged(
    registry: Organization, rows: list[tuple[object, ...]], file_format: str
) -> None:
    Member.objects.all().delete()
    for number, (name_en, name_ko, kind, status, country, fees, joined, illustrative) in enumerate(
        rows
    ):
        MemberFactory(
            organization=registry,
            slug=f"m-{number}",
            name_en=name_en,
            name_ko=name_ko,
            kind=kind,
            status=status,
            country=country,
            fees_paid_through=fees,
            joined=joined,
            illustrative=illustrative,
        )
    before = sorted(Member.objects.values_list(*COMPARED))

    exported = export_members(organization=registry, file_format=file_format)
    Member.objects.all().delete()
    report = import_members(organization=registry, data=exported, file_format=file_format)

    assert report.problems == []
    assert sorted(Member.objects.values_list(*COMPARED)) == before


COMPARED = (
    "slug",
    "name_en",
    "name_ko",
    "kind",
    "status",
    "country",
    "region__code",
    "category__code",
    "fees_paid_through",
    "joined",
    "illustrative",
)

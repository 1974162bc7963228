"""Every CSV and XLSX export neutralises text that a spreadsheet would run, the same way
(`moim.spreadsheets.safe_cell`), while figures stay figures."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from moim.assemblies.models import RegistrationAnswer, RegistrationQuestion
from moim.awards import judging
from moim.awards.models import Edition
from moim.governance.models import Ballot
from moim.members.models import Member, Organization
from moim.members.services import export_members
from tests.assemblies.factories import AssemblyFactory, RegistrationFactory

# The awards' fixtures, for the two award exports (asked for by name below).
from tests.awards.conftest import edition, make_entry, scoring_round  # noqa: F401
from tests.factories import MemberFactory
from tests.site.publication_plenary import publish_plenary

# What a spreadsheet reads as a formula (OWASP's list), each typed by someone into a form.
PAYLOADS = ["=cmd", "+1", "-1+1", "@x", "\tcmd", "\rcmd"]
NEUTRALISED = ["'" + payload for payload in PAYLOADS]
STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv(data: bytes) -> list[dict[str, str]]:
    # newline="" keeps a carriage return inside a quoted cell as the cell's own character.
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def registrations(organization: Organization, secretariat: Any, **_: Any) -> list[Any]:
    assembly = AssemblyFactory(organization=organization)
    for payload in PAYLOADS:
        RegistrationFactory(assembly=assembly, full_name=payload)
    url = f"/en/assemblies/{assembly.edition}/registrations/?format=csv"
    stored = dict(assembly.registrations.values_list("email", "full_name"))
    rows = _csv(_logged_in(secretariat).get(url).content)
    return [(stored[row["email"]], row["name"]) for row in rows]


def registration_answers(organization: Organization, secretariat: Any, **_: Any) -> list[Any]:
    assembly = AssemblyFactory(organization=organization)
    question = RegistrationQuestion.objects.create(assembly=assembly, label_en="Diet")
    for payload in PAYLOADS:
        registration = RegistrationFactory(assembly=assembly)
        RegistrationAnswer.objects.create(
            registration=registration, question=question, value=payload
        )
    url = f"/en/assemblies/{assembly.edition}/registrations/?format=csv"
    stored = dict(question.answers.values_list("registration__email", "value"))
    rows = _csv(_logged_in(secretariat).get(url).content)
    return [(stored[row["email"]], row["Diet"]) for row in rows]


def award_entries(
    organization: Organization, secretariat: Any, award_edition: Edition, **_: Any
) -> list[Any]:
    for number, payload in enumerate(PAYLOADS):
        beneficiary = MemberFactory(organization=organization, slug=f"c{number}")
        make_entry(award_edition, beneficiary, title=payload)
    url = reverse("awards:export_entries", kwargs={"number": award_edition.number})
    rows = _csv(_logged_in(secretariat).get(url).content)
    assert all(row["id"].isdigit() for row in rows)  # ids stay figures
    stored = dict(award_edition.entries.values_list("pk", "title"))
    return [(stored[int(row["id"])], row["title"]) for row in rows]


def award_scores(
    organization: Organization, secretariat: Any, award_round: dict[str, Any], **_: Any
) -> list[Any]:
    judging.score_entry(
        round_=award_round["round"],
        juror=award_round["other"],
        entry=award_round["busan"],
        values={"impact": 8, "design": 4},
        comments={"impact": "-1+1", "design": "@x"},
        submit=True,
    )
    url = reverse("awards:export_scores", kwargs={"number": award_round["round"].edition.number})
    rows = _csv(_logged_in(secretariat).get(url).content)
    assert [row["score"] for row in rows] == ["8", "4"]  # scores stay figures
    return [("-1+1", rows[0]["comment"]), ("@x", rows[1]["comment"])]


def ballots(organization: Organization, chair: Any, **_: Any) -> list[Any]:
    published = publish_plenary(organization, chair)
    poll = published.election_poll
    result = dict(poll.result)
    result["options"] = [{**o, "label": PAYLOADS[i]} for i, o in enumerate(result["options"])]
    poll.result = result
    poll.save(update_fields=["result"])
    number = published.plenary.assembly.edition
    url = f"/en/results/{number}/{published.election.pk}/round-1.csv"
    rows = _csv(Client().get(url).content)
    assert {row["weight"] for row in rows} == {"1"}  # weights stay figures
    labels = {int(o["position"]): o["label"] for o in result["options"]}
    first = {b.receipt_hash: labels[b.choices[0]] for b in Ballot.objects.filter(poll=poll)}
    return [(first[row["receipt_hash"]], row["rank 1"]) for row in rows]


def _members(organization: Organization) -> None:
    for number, payload in enumerate(PAYLOADS):
        MemberFactory(organization=organization, slug=f"m{number}", name_en=payload)


def members_csv(organization: Organization, **_: Any) -> list[Any]:
    _members(organization)
    rows = _csv(export_members(organization=organization, file_format="csv"))
    return _member_pairs(organization, rows)


def members_xlsx(organization: Organization, **_: Any) -> list[Any]:
    _members(organization)
    sheet = openpyxl.load_workbook(
        io.BytesIO(export_members(organization=organization, file_format="xlsx"))
    ).active
    assert sheet is not None
    values = list(sheet.values)
    header = [str(name) for name in values[0]]
    rows = [dict(zip(header, row, strict=True)) for row in values[1:]]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return _member_pairs(organization, rows)


def _member_pairs(organization: Organization, rows: list[Any]) -> list[tuple[str, Any]]:
    stored = dict(Member.objects.filter(organization=organization).values_list("slug", "name_en"))
    return [(stored[str(row["slug"])], row["name_en"]) for row in rows if row["slug"] in stored]


EXPORTS: dict[str, Callable[..., list[Any]]] = {
    "registrations": registrations,
    "registration answers": registration_answers,
    "award entries": award_entries,
    "award scores": award_scores,
    "ballots": ballots,
    "members csv": members_csv,
    "members xlsx": members_xlsx,
}


@pytest.mark.parametrize("export", list(EXPORTS))
def test_every_export_neutralises_formula_starts_alike(
    export: str,
    organization: Organization,
    secretariat: Any,
    chair: Any,
    request: pytest.FixtureRequest,
) -> None:
    extra: dict[str, Any] = {}
    if export == "award entries":
        extra["award_edition"] = request.getfixturevalue("edition")
    if export == "award scores":
        extra["award_round"] = request.getfixturevalue("scoring_round")

    cells = EXPORTS[export](
        organization=organization, secretariat=secretariat, chair=chair, **extra
    )

    # Text a spreadsheet would run goes out behind one apostrophe; other text goes out as typed.
    assert cells
    for stored, exported in cells:
        assert exported == ("'" + stored if stored.startswith(STARTS) else stored), export
    # The four that no form trims reach the export as typed, and each is neutralised.
    typed = {stored for stored, _exported in cells}
    assert typed >= (set(PAYLOADS[:4]) if export not in ("award scores", "ballots") else set())

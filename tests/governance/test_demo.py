from __future__ import annotations

import pytest

from moim.assemblies import demo as assemblies_demo
from moim.governance import audit, evidence
from moim.governance import demo as governance_demo
from moim.governance.enums import Verdict
from moim.governance.models import Ballot, Decision, VoteRecord
from moim.members import demo as members_demo
from moim.members.enums import OfficeKind
from moim.members.models import Term

pytestmark = pytest.mark.django_db


def current(kind: OfficeKind) -> list[str]:
    return sorted(
        Term.objects.current(governance_demo.ASSEMBLY_DAY)
        .filter(office__kind=kind)
        .values_list("member__slug", flat=True)
    )


def test_demo_plenary_tells_the_press_release_and_reconciles_the_registry() -> None:
    organization = members_demo.load()
    assemblies_demo.load(organization)
    terms_before = Term.objects.count()
    governance_demo.load(organization)
    governance_demo.load(organization)  # idempotent

    decisions = {d.position: d for d in Decision.objects.filter(assembly__edition=5)}
    assert [decisions[i].verdict for i in range(1, 7)] == [
        Verdict.ADOPTED,
        Verdict.ADOPTED,
        Verdict.ELECTED,
        Verdict.RECORDED,
        Verdict.ELECTED,
        Verdict.ELECTED,
    ]
    assert all(d.illustrative for d in decisions.values())
    assert Term.objects.count() == terms_before
    assert current(OfficeKind.PRESIDENT) == ["seoul"]
    assert len(current(OfficeKind.EXECUTIVE_COMMITTEE)) == 17
    assert (
        len(current(OfficeKind.VICE_PRESIDENT)) + len(current(OfficeKind.EXECUTIVE_VICE_PRESIDENT))
        == 6
    )
    assert current(OfficeKind.EXECUTIVE_VICE_PRESIDENT) == ["mexico-city"]
    assert current(OfficeKind.HOST_CITY) == ["mexico-city"]
    committee = decisions[5].polls.get()
    assert len(committee.result["elected"]) == 17
    assert (
        Ballot.objects.filter(poll=committee).count()
        == VoteRecord.objects.filter(poll=committee).count()
    )
    assert decisions[3].terms.get().member.slug == "seoul"
    assert audit.verify_log().ok
    # What the demo voted and decided is what its log recorded, recounted poll by poll.
    assert [str(d) for d in evidence.verify_records()] == []


def test_moim_demo_command_leaves_one_president_17_committee_members_6_vice_presidents() -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())

    assert current(OfficeKind.PRESIDENT) == ["seoul"]
    assert len(current(OfficeKind.EXECUTIVE_COMMITTEE)) == 17
    vice = current(OfficeKind.VICE_PRESIDENT) + current(OfficeKind.EXECUTIVE_VICE_PRESIDENT)
    assert len(vice) == 6
    # Six items decided, Seoul's admitted motion, and the two amendments to Article 12.
    assert Decision.objects.filter(assembly__edition=5, amends__isnull=True).count() == 7
    assert Decision.objects.filter(assembly__edition=5, amends__isnull=False).count() == 2


def test_the_demo_verifies_intact_with_moim_audit_verify() -> None:
    from io import StringIO

    from django.core.management import call_command

    from moim.governance.models import AuditEntry

    call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("audit", "verify", stdout=out)

    head = AuditEntry.objects.order_by("sequence").last()
    assert head is not None
    assert out.getvalue().splitlines() == [
        f"audit log intact: {head.sequence} entries verified",
        "records match the log: 7 closed or published polls (ballots, result, roll call, "
        "analog figures) and 8 published decisions recomputed",
        f"head: {head.hash}",
    ]

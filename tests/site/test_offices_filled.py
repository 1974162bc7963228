"""The report and the press release list every office the assembly filled, whichever day of the
sitting (or after it) the decision was published, not only terms that began on its first day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from moim.governance import services
from moim.governance.enums import DecisionKind
from moim.governance.models import Decision
from moim.members.enums import OfficeKind
from moim.members.models import Office, Organization, Term
from moim.site.press import press_facts
from moim.site.report import assembly_report
from tests.assemblies.factories import AssemblyFactory
from tests.governance.conftest import build_plenary


def appoint_vice_presidents(
    organization: Organization, assembly: Any, appointees: Any, by: Any, **fields: Any
) -> Decision:
    """An appointment of Vice-Presidents in `assembly`, recorded and published by `by`."""
    office = Office.objects.create(
        organization=organization, kind=OfficeKind.VICE_PRESIDENT, name_en="Vice-President"
    )
    decision = Decision.objects.create(
        assembly=assembly,
        kind=DecisionKind.APPOINTMENT,
        title_en="Appointment of the Vice-Presidents",
        office=office,
        **fields,
    )
    services.record_appointment(decision=decision, by=by, appointees=appointees)
    return decision


def test_appointment_published_on_the_second_day_is_in_the_report_and_press_release(
    organization: Organization, secretariat: Any
) -> None:
    plenary = build_plenary(organization, 8, prefix="vp")
    assembly = plenary.assembly
    second_day = assembly.starts_at.astimezone(assembly.zone).date() + dt.timedelta(days=1)

    appoint_vice_presidents(
        organization, assembly, plenary.members[:2], secretariat, term_starts=second_day
    )

    appointed = {m.name_en for m in plenary.members[:2]}
    assert (
        set(Term.objects.filter(starts=second_day).values_list("member__name_en", flat=True))
        == appointed
    )
    assert {t.member.name_en for t in assembly_report(assembly).offices} == appointed
    assert press_facts(assembly, "en").vice_presidents == 2


def test_terms_of_another_assemblys_decision_are_not_listed(
    organization: Organization, secretariat: Any
) -> None:
    plenary = build_plenary(organization, 4, prefix="x")
    other = build_plenary(
        organization, 2, prefix="y", assembly=AssemblyFactory(organization=organization, edition=6)
    )
    appoint_vice_presidents(
        organization,
        other.assembly,
        other.members[:1],
        secretariat,
        term_starts=dt.date(2030, 1, 1),
    )

    assert assembly_report(plenary.assembly).offices == []


def test_terms_without_a_set_date_begin_on_the_registrys_today(
    organization: Organization, secretariat: Any, settings: Any
) -> None:
    # The demo and the tests fix the registry's today (MOIM_TODAY): a term published without a
    # date of its own begins that day, as the pages counting current offices see it.
    settings.MOIM_TODAY = dt.date(2021, 10, 19)
    plenary = build_plenary(organization, 4, prefix="t")

    decision = appoint_vice_presidents(
        organization, plenary.assembly, plenary.members[:1], secretariat
    )

    assert list(Term.objects.filter(office=decision.office).values_list("starts", flat=True)) == [
        dt.date(2021, 10, 19)
    ]

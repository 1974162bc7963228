"""The delegate's page for the sitting, and the ballot notice shown around the site.

The sitting page gathers what an online delegate needs on one page: the programme item now, the
livestream and conference links, and the ballots this person may cast (own member and proxies).
Its ballot part redraws itself when a poll opens or closes: the assembly's live stream, which the
page's floor part holds, names each change of a poll's state, and the part then asks for itself
again (governance/sitting.js); the answer is 204 while nothing the delegate sees changed, so a
half-filled ballot is never wiped. A slow poll stays as a net for a stream that cannot open:
2,000 delegates asking every 5 s were 400 requests a second before anyone voted.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from moim.assemblies.access import served_assemblies
from moim.assemblies.models import Assembly, Registration
from moim.assemblies.queries import current_item
from moim.errors import NotAllowed
from moim.governance import ballot_reads, queries, services
from moim.governance.enums import PollState
from moim.governance.forms import PollChoiceForm
from moim.governance.models import Poll
from moim.governance.rules import can_cast_ballot
from moim.governance.views import _person, answer_after_cast, cast_from_form
from moim.members.models import Person
from moim.permissions import guard

# How often (seconds) an open sitting page asks whether its ballot part changed while its live
# stream is not open (governance/sitting.js); and how often the notice 'voting is open' on
# other pages asks.
REFRESH_SECONDS = 60
NOTICE_REFRESH_SECONDS = 10


def _ballot_context(assembly: Assembly, person: Person | None, **extra: Any) -> dict[str, Any]:
    open_polls = queries.open_polls_for_person(person, assembly.pk)
    # Each ballot still to cast shows its poll's options: read for all those polls at once.
    ballot_reads.attach_options([p.poll for p in open_polls if not all(h.voted for h in p.held)])
    return {
        "assembly": assembly,
        "open_polls": open_polls,
        "version": queries.ballot_version(open_polls),
        "refresh": REFRESH_SECONDS,
        "receipt": None,
        "error": "",
        "submission": services.new_submission_token(),
        **extra,
    }


def _sitting_context(request: HttpRequest, assembly: Assembly, **extra: Any) -> dict[str, Any]:
    person = _person(request)
    registration = (
        Registration.objects.filter(assembly=assembly, person=person).first()
        if person is not None
        else None
    )
    open_polls_exist = Poll.objects.filter(
        decision__assembly=assembly, state=PollState.OPEN
    ).exists()
    return {
        **_ballot_context(assembly, person, **extra),
        "person": person,
        "registration": registration,
        "item": current_item(assembly, voting=open_polls_exist),
    }


def sitting(request: HttpRequest, edition: int) -> HttpResponse:
    """One page for the sitting: the item now, the links to follow it, the ballot when open."""
    guard(request, can_cast_ballot)
    assembly = ballot_reads.assembly_by_edition(edition)
    return render(request, "governance/sitting.html", _sitting_context(request, assembly))


def sitting_ballot(request: HttpRequest, edition: int) -> HttpResponse:
    """GET: the ballot part, or 204 when it is the version the page already shows.
    POST: cast one held ballot, then the ballot part with its receipt."""
    guard(request, can_cast_ballot)
    assembly = ballot_reads.assembly_by_edition(edition)
    person = _person(request)
    if request.method == "POST":
        receipt = None
        error = ""
        picked = PollChoiceForm(request.POST, assembly_id=assembly.pk)
        if person is None:
            raise NotAllowed(_("You may not do this."))
        if not picked.is_valid():
            error = _("This poll is not open.")
        else:
            receipt, error = cast_from_form(request, picked.cleaned_data["poll"], person)

        def draw() -> HttpResponse:
            if not request.htmx:  # type: ignore[attr-defined]
                context = _sitting_context(request, assembly, receipt=receipt, error=error)
                return render(
                    request, "governance/sitting.html", context, status=400 if error else 200
                )
            context = _ballot_context(assembly, person, receipt=receipt, error=error)
            return render(request, "governance/sitting.html#ballot", context)

        return answer_after_cast(request, receipt, draw)
    context = _ballot_context(assembly, person)
    if request.GET.get("v") == context["version"]:
        return HttpResponse(status=204)
    return render(request, "governance/sitting.html#ballot", context)


def ballot_notice(request: HttpRequest) -> HttpResponse:
    """The notice 'voting is open' for the pages around the site; empty when nothing is open."""
    edition = request.GET.get("edition", "")
    assembly = served_assemblies().filter(edition=edition).first() if edition.isdigit() else None
    return render(
        request,
        "governance/_ballot_notice.html",
        notice_context(request, assembly),
    )


def notice_context(request: HttpRequest, assembly: Assembly | None) -> dict[str, Any]:
    """Which assemblies have a poll open in which the visitor holds a vote."""
    person = None
    if request.user.is_authenticated and can_cast_ballot.test(request.user):
        person = _person(request)
    open_polls = queries.open_polls_for_person(person, assembly.pk if assembly else None)
    assemblies: dict[int, Assembly] = {}
    for item in open_polls:
        found = item.poll.decision.assembly
        assemblies.setdefault(found.pk, found)
    return {
        "notice_person": person is not None,
        "notice_edition": assembly.edition if assembly else "",
        "notice_polls": open_polls,
        "notice_assemblies": list(assemblies.values()),
        "notice_refresh": NOTICE_REFRESH_SECONDS,
    }

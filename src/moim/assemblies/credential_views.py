"""Credentials pages: the secretariat's credentials page and the member contact's link."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moim.assemblies import credentials, queries
from moim.assemblies.access import registration_in
from moim.assemblies.enums import Credential
from moim.assemblies.forms import ContactDecisionForm, CredentialActForm
from moim.assemblies.rules import can_accredit
from moim.assemblies.views import _staff_assembly
from moim.errors import Refused


def credential_list(request: HttpRequest, edition: int) -> HttpResponse:
    """Every member with a standing claim: the contested ones first, to resolve before the
    sitting; the uncontested ones, to accredit together; the accredited."""
    assembly = _staff_assembly(request, edition, can_accredit)
    claims = queries.credential_claims(assembly)
    return render(
        request,
        "assemblies/credentials.html",
        {
            "assembly": assembly,
            "contested": [c for c in claims if c.contested],
            "uncontested": [c for c in claims if c.uncontested],
            "settled": [c for c in claims if not c.awaiting],
        },
    )


@require_POST
def credential_act(request: HttpRequest, edition: int) -> HttpResponse:
    assembly = _staff_assembly(request, edition, can_accredit)
    form = CredentialActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the claim."))
        return redirect("assemblies:credentials", edition=edition)
    data = form.cleaned_data
    registration = registration_in(assembly, data["registration"])
    act, reason, by = data["act"], data["reason"], request.user
    try:
        if act in (form.VOTING, form.REPLACE, form.ALTERNATE):
            credentials.accredit(
                registration=registration,
                by=by,
                credential=Credential.ALTERNATE if act == form.ALTERNATE else Credential.VOTING,
                replace=act == form.REPLACE,
            )
        elif act == form.CHOOSE:
            credentials.resolve_claims(chosen=registration, by=by, reason=reason)
        elif act == form.REFUSE:
            credentials.refuse_claim(registration=registration, by=by, reason=reason)
        else:
            credentials.withdraw_accreditation(registration=registration, by=by, reason=reason)
    except Refused as error:
        messages.error(request, error.message)
    else:
        registration.refresh_from_db()
        messages.success(
            request,
            _("%(name)s (%(member)s): %(credential)s.")
            % {
                "name": registration.full_name,
                "member": registration.represents,
                "credential": registration.get_credential_display(),
            },
        )
    return _back(request, edition)


def _back(request: HttpRequest, edition: int) -> HttpResponse:
    """To the page the form was on: the registrations page or the credentials page."""
    if request.POST.get("next") == "registrations":
        return redirect("assemblies:registrations", edition=edition)
    return redirect("assemblies:credentials", edition=edition)


@require_POST
def credential_accredit_uncontested(request: HttpRequest, edition: int) -> HttpResponse:
    """Accredit every uncontested claimant as its member's voting delegate, in one step."""
    assembly = _staff_assembly(request, edition, can_accredit)
    report = credentials.accredit_uncontested(assembly=assembly, by=request.user)
    for line in report.messages():
        messages.warning(request, line)
    messages.success(
        request,
        _("%(n)d voting delegates accredited.") % {"n": len(report.accredited)},
    )
    return _back(request, edition)


def credential_contact(request: HttpRequest, token: str) -> HttpResponse:
    """The page the member's contact reaches from the e-mail (no login needed).

    Opening it shows the claim; only pressing a button acts, so mail scanners that open links
    decide nothing."""
    try:
        registration = credentials.registration_for_contact(token)
    except credentials.InvalidContactLink as error:
        return render(
            request, "assemblies/credential_contact.html", {"error": error.message}, status=404
        )
    form = ContactDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if "decline" in request.POST:
                credentials.decline_by_contact(token=token, reason=form.cleaned_data["reason"])
            else:
                credentials.confirm_by_contact(
                    token=token,
                    credential=Credential.ALTERNATE
                    if "alternate" in request.POST
                    else Credential.VOTING,
                )
        except (Refused, credentials.InvalidContactLink) as error:
            form.add_error(None, error.message)
        else:
            registration.refresh_from_db()
            return render(
                request,
                "assemblies/credential_contact.html",
                {"registration": registration, "assembly": registration.assembly, "done": True},
            )
    return render(
        request,
        "assemblies/credential_contact.html",
        {"registration": registration, "assembly": registration.assembly, "form": form},
    )

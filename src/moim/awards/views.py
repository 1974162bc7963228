"""Public pages and the entry form: editions, winners, certificates, entries and approval."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moim.awards import answers, services
from moim.awards.access import (
    attachment_for,
    edition_by_number,
    entry_for_editing,
    served_editions,
)
from moim.awards.enums import EditionStatus, EntryStatus
from moim.awards.forms import ApprovalForm, AttachmentForm, EntryForm, add_entry_questions
from moim.awards.models import Award, Entry
from moim.awards.queries import (
    awards_for_edition,
    edition_facts,
    editions_with_facts,
    entries_for_user,
)
from moim.awards.rules import can_manage_awards, can_submit_entries, juror_for
from moim.errors import Refused
from moim.members.models import Member, Person
from moim.permissions import guard
from moim.questions import answers_from

PUBLISHED = (EditionStatus.ANNOUNCED, EditionStatus.CLOSED)


def editions(request: HttpRequest) -> HttpResponse:
    items = served_editions().select_related("programme")
    return render(request, "awards/editions.html", {"editions": editions_with_facts(items)})


def edition_detail(request: HttpRequest, number: int) -> HttpResponse:
    edition = edition_by_number(number)
    return render(
        request,
        "awards/edition.html",
        {
            "edition": edition,
            "facts": edition_facts(edition),
            "categories": edition.categories.all(),
            "levels": edition.levels.all(),
            "published": edition.status in PUBLISHED,
            "my_entries": entries_for_user(edition, request.user),
            "can_manage": can_manage_awards(request.user),
            "is_juror": juror_for(request.user, edition) is not None,
        },
    )


def winners(request: HttpRequest, number: int, category: str | None = None) -> HttpResponse:
    edition = edition_by_number(number)
    if edition.status not in PUBLISHED:
        raise Http404("The winners of this edition are not announced yet.")
    awards = awards_for_edition(edition)
    chosen = None
    if category is not None:
        chosen = get_object_or_404(edition.categories, slug=category)
        awards = awards.filter(category=chosen)
    groups: dict[Any, list[Any]] = {}
    for award in awards:
        groups.setdefault(award.category, []).append(award)
    return render(
        request,
        "awards/winners.html",
        {"edition": edition, "groups": groups, "category": chosen},
    )


def certificate(request: HttpRequest, code: str) -> HttpResponse:
    award = get_object_or_404(
        Award.objects.select_related(
            "edition__programme", "category", "level", "entry__beneficiary"
        ),
        certificate_code=code,
        edition__status__in=PUBLISHED,
        edition__in=served_editions(),
    )
    return render(request, "awards/certificate.html", {"award": award, "edition": award.edition})


# ---------------------------------------------------------------------------------------------
# The entry form


def applicant_member(user: Any) -> Member | None:
    person = Person.objects.filter(user=user).select_related("member").first()
    return person.member if person else None


def entry_new(request: HttpRequest, number: int) -> HttpResponse:
    guard(request, can_submit_entries)
    edition = edition_by_number(number)
    if not edition.is_open_for_entries():
        messages.error(request, _("This edition is not open for entries."))
        return redirect(edition)
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        edition=edition,
        applicant=applicant_member(request.user),
        instance=Entry(edition=edition),
    )
    questions = answers.questions_for(edition)
    add_entry_questions(form, questions)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                entry = services.save_entry(entry=form.instance, by=request.user)
                services.save_entry_answers(
                    entry=entry,
                    answers=answers_from(form.cleaned_data, questions),
                    by=request.user,
                )
        except (Refused, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Draft saved. It is saved as you type from now on."))
            return redirect("awards:entry", pk=entry.pk)
    return render(request, "awards/entry_form.html", {"edition": edition, "form": form})


def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_editing(request.user, pk)
    edition = entry.edition
    form = EntryForm(
        request.POST or None,
        request.FILES or None,
        edition=edition,
        applicant=entry.applicant_member or applicant_member(request.user),
        instance=entry,
    )
    questions = answers.questions_for(edition)
    add_entry_questions(form, questions)
    form.initial.update(answers.initial_answers(entry, questions))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_entry(entry=form.instance, by=request.user, fields=form.changed_data)
            services.save_entry_answers(
                entry=entry, answers=answers_from(form.cleaned_data, questions), by=request.user
            )
            if "submit" in request.POST:
                services.submit_entry(entry=form.instance, by=request.user)
                if form.instance.status == EntryStatus.AWAITING_APPROVAL:
                    messages.success(
                        request, _("Submitted. The city has been asked to approve the entry.")
                    )
                else:
                    messages.success(request, _("Your entry has been submitted."))
            else:
                messages.success(request, _("Saved."))
        except (Refused, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            return redirect("awards:entry", pk=entry.pk)
    entry.refresh_from_db()
    return render(
        request,
        "awards/entry_form.html",
        {
            "edition": edition,
            "entry": entry,
            "form": form,
            "attachment_form": AttachmentForm(),
            "locked": edition.deadline_passed(),
            "answered": answers.answered(entry, questions),
        },
    )


@require_POST
def entry_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_editing(request.user, pk)
    form = EntryForm(
        request.POST,
        edition=entry.edition,
        applicant=entry.applicant_member or applicant_member(request.user),
        instance=entry,
    )
    status = ""
    if form.is_valid():
        try:
            services.save_entry(entry=form.instance, by=request.user, fields=form.changed_data)
            status = _("Saved at %s") % timezone.localtime().strftime("%H:%M:%S")
        except (Refused, PermissionDenied) as error:
            status = _("Not saved: %s") % str(error)
    else:
        problems = "; ".join(
            " ".join(str(message) for message in errors) for errors in form.errors.values()
        )
        status = _("Not saved: %s") % problems
    return render(request, "awards/entry_form.html#autosave", {"autosave_status": status})


@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_for_editing(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            services.add_attachment(entry=entry, upload=form.cleaned_data["file"], by=request.user)
        except (Refused, PermissionDenied) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Attachment added."))
    return redirect("awards:entry", pk=entry.pk)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = attachment_for(request.user, pk)
    # Always a download, never shown inline, under the type we checked at upload.
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def approval(request: HttpRequest, token: str) -> HttpResponse:
    """The page the city's contact reaches from the approval e-mail (no login needed)."""
    entry = get_object_or_404(
        Entry.objects.select_related("edition", "beneficiary", "category"), approval_token=token
    )
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if "decline" in request.POST:
                services.decline_on_behalf(
                    entry=entry, name=form.cleaned_data["name"], reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("You have declined the entry. Thank you."))
            else:
                services.approve_on_behalf(entry=entry, name=form.cleaned_data["name"])
                messages.success(request, _("You have approved the entry. Thank you."))
        except Refused as error:
            form.add_error(None, str(error))
        else:
            return redirect("awards:approval", token=token)
    return render(request, "awards/approval.html", {"entry": entry, "form": form})

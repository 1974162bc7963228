"""The secretariat's back office for the awards: editions with their parts, entries, juries."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from moim.awards import judging, results, services
from moim.awards.enums import ConflictStatus, RoundKind
from moim.awards.models import (
    Attachment,
    Award,
    AwardLevel,
    AwardProgramme,
    Category,
    Conflict,
    Criterion,
    Edition,
    Entry,
    EntryQuestion,
    Juror,
    JuryDecision,
    LogEntry,
    ResultSnapshot,
    Round,
    Sheet,
)
from moim.awards.rules import can_manage_awards
from moim.errors import Refused
from moim.permissions import require


def run_each(request: HttpRequest, objects: QuerySet[Any], act: Any, done: str) -> None:
    """Apply a service to each selected object; report what was done and every refusal."""
    count = 0
    for obj in objects:
        try:
            act(obj)
        except (Refused, PermissionDenied) as error:
            messages.error(request, f"{obj}: {error}")
        else:
            count += 1
    if count:
        messages.success(request, f"{done}: {count}")


class CategoryInline(admin.StackedInline):
    model = Category
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class LevelInline(admin.TabularInline):
    model = AwardLevel
    extra = 0


@admin.register(AwardProgramme)
class AwardProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name_en", "organization"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["number", "title_en", "year", "status", "deadline", "assembly"]
    list_filter = ["status"]
    inlines = [CategoryInline, CriterionInline, LevelInline]
    actions = ["detect_conflicts", "announce"]
    readonly_fields = ["original_deadline"]

    def save_model(self, request: HttpRequest, obj: Edition, form: Any, change: bool) -> None:
        previous = Edition.objects.filter(pk=obj.pk).values_list("deadline", flat=True).first()
        new_deadline = obj.deadline
        if not change or previous is None or new_deadline is None or new_deadline <= previous:
            super().save_model(request, obj, form, change)
            return
        # A later deadline is an extension: the first deadline is kept and the act logged. The
        # form has checked the whole new timeline; the extension (deadline only) is saved first,
        # then the other dates, so no step in between breaks the order the database enforces.
        with transaction.atomic():
            obj.deadline = previous
            services.extend_deadline(edition=obj, deadline=new_deadline, by=request.user)
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Detect conflicts of interest from the member registry"))
    def detect_conflicts(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        run_each(
            request,
            queryset,
            lambda e: judging.detect_conflicts(edition=e, by=request.user),
            str(_("Conflicts detected in editions")),
        )

    @admin.action(description=_("Announce the jury's decisions (freezes the results)"))
    def announce(self, request: HttpRequest, queryset: QuerySet[Edition]) -> None:
        run_each(
            request,
            queryset,
            lambda e: results.announce(edition=e, by=request.user),
            str(_("Editions announced")),
        )


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "beneficiary", "category", "status", "submitted_at"]
    list_filter = ["edition", "category", "status"]
    search_fields = ["title", "beneficiary__name_en", "applicant_name"]
    raw_id_fields = ["beneficiary", "applicant_member"]
    readonly_fields = ["approval_decided_at", "approval_decided_by", "submitted_at", "created_at"]
    inlines = [AttachmentInline]
    actions = ["mark_eligible"]

    @admin.action(description=_("Screening: mark eligible"))
    def mark_eligible(self, request: HttpRequest, queryset: QuerySet[Entry]) -> None:
        run_each(
            request,
            queryset,
            lambda e: services.screen_entry(entry=e, eligible=True, reason="", by=request.user),
            str(_("Entries marked eligible")),
        )

    def save_model(self, request: HttpRequest, obj: Entry, form: Any, change: bool) -> None:
        # Through the service, so that a change after the deadline is logged.
        services.save_entry(entry=obj, by=request.user, fields=list(form.changed_data))


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["edition", "kind", "status", "due", "method"]
    readonly_fields = ["status", "opened_at", "closed_at"]
    actions = [
        "assign_per_category",
        "assign_three_per_entry",
        "open_scoring",
        "add_late_entries",
        "close_scoring",
        "select_finalists",
        "delete_rounds",
    ]

    def get_actions(
        self, request: HttpRequest, action_location: Any = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        # Django's bulk delete would skip the service's refusal; `delete_rounds` replaces it.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        round_ = self.get_object(request, object_id)
        if round_ is not None:
            try:
                judging.check_round_deletable(round_)
            except Refused as error:
                messages.error(request, str(error))
                return redirect("admin:awards_round_change", round_.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: Round) -> None:
        judging.delete_round(round_=obj, by=request.user)

    @admin.action(
        description=_("Delete the selected rounds (never an open one, nor one with scores)")
    )
    def delete_rounds(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        run_each(
            request,
            queryset,
            lambda r: judging.delete_round(round_=r, by=request.user),
            str(_("Rounds deleted")),
        )

    @admin.action(description=_("Add the entries screened late to the open round"))
    def add_late_entries(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        run_each(
            request,
            queryset,
            lambda r: judging.add_late_entries(round_=r, by=request.user),
            str(_("Rounds given their late entries")),
        )

    @admin.action(description=_("Select the finalists from the ranking"))
    def select_finalists(
        self, request: HttpRequest, queryset: QuerySet[Round]
    ) -> HttpResponse | None:
        first = queryset.filter(kind=RoundKind.FIRST).select_related("edition").first()
        if first is None:
            messages.error(request, _("Finalists come from the first evaluation round."))
            return None
        return redirect("awards:finalists", number=first.edition.number)

    @admin.action(description=_("Assign jurors by category"))
    def assign_per_category(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        run_each(
            request,
            queryset,
            lambda r: judging.assign_jurors(round_=r, by=request.user),
            str(_("Rounds assigned")),
        )

    @admin.action(description=_("Assign three jurors per entry, spread evenly"))
    def assign_three_per_entry(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        run_each(
            request,
            queryset,
            lambda r: judging.assign_jurors(round_=r, by=request.user, per_entry=3),
            str(_("Rounds assigned")),
        )

    @admin.action(description=_("Open scoring (freezes the conflicts)"))
    def open_scoring(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        run_each(
            request,
            queryset,
            lambda r: judging.open_scoring(round_=r, by=request.user),
            str(_("Rounds opened")),
        )

    @admin.action(description=_("Close scoring"))
    def close_scoring(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        run_each(
            request,
            queryset,
            lambda r: judging.close_round(round_=r, by=request.user),
            str(_("Rounds closed")),
        )


@admin.register(Juror)
class JurorAdmin(admin.ModelAdmin):
    list_display = ["person", "edition", "is_chair"]
    list_filter = ["edition"]
    filter_horizontal = ["categories"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["juror", "entry", "source", "reason", "status"]
    list_filter = ["source", "status"]
    readonly_fields = ["source", "status", "reviewed_by", "reviewed_at", "created_at"]
    actions = ["confirm", "waive"]

    def save_model(self, request: HttpRequest, obj: Conflict, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A conflict set in the back office is the chair's: recorded, logged, assignment removed.
        saved = judging.declare_conflict(
            juror=obj.juror, entry=obj.entry, reason=obj.reason, by=request.user
        )
        obj.pk = saved.pk

    @admin.action(description=_("Confirm the conflict"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[Conflict]) -> None:
        run_each(
            request,
            queryset,
            lambda c: judging.review_conflict(
                conflict=c, status=ConflictStatus.CONFIRMED, by=request.user
            ),
            str(_("Conflicts confirmed")),
        )

    @admin.action(description=_("Waive the conflict"))
    def waive(self, request: HttpRequest, queryset: QuerySet[Conflict]) -> None:
        run_each(
            request,
            queryset,
            lambda c: judging.review_conflict(
                conflict=c, status=ConflictStatus.WAIVED, by=request.user
            ),
            str(_("Conflicts waived")),
        )


@admin.register(Sheet)
class SheetAdmin(admin.ModelAdmin):
    list_display = ["round", "juror", "entry", "submitted_at"]
    list_filter = ["round"]


@admin.register(JuryDecision)
class JuryDecisionAdmin(admin.ModelAdmin):
    """Read here; decisions are recorded on the ranking page, where the ranking is in view."""

    list_display = ["category", "level", "entry", "follows_ranking", "decided_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["entry", "category", "level", "acceptance_mode", "accepted_by"]
    list_filter = ["edition", "level"]


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(admin.ModelAdmin):
    list_display = ["edition", "announced_at", "announced_by"]
    readonly_fields = ["edition", "announced_at", "announced_by", "data"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "edition", "entry", "action", "actor"]
    list_filter = ["action"]
    readonly_fields = ["edition", "entry", "action", "actor", "detail", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(EntryQuestion)
class EntryQuestionAdmin(admin.ModelAdmin):
    """Questions of an edition's entry form, beyond the entry's own fields."""

    list_display = ["label_en", "label_ko", "edition", "kind", "required", "position"]
    list_filter = ["edition", "kind"]
    search_fields = ["label_en", "label_ko"]

    def save_model(self, request: HttpRequest, obj: EntryQuestion, form: Any, change: bool) -> None:
        require(can_manage_awards, request.user)
        obj.save()

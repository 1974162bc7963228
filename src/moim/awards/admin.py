"""The secretariat's back office for the awards: editions with their parts, entries, juries."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from moim.awards import services
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
    Juror,
    JuryDecision,
    LogEntry,
    ResultSnapshot,
    Round,
    Sheet,
)


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

    def save_model(self, request: HttpRequest, obj: Entry, form: Any, change: bool) -> None:
        # Through the service, so that a change after the deadline is logged.
        services.save_entry(entry=obj, by=request.user, fields=list(form.changed_data))


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["edition", "kind", "status", "due", "method"]
    readonly_fields = ["opened_at", "closed_at"]


@admin.register(Juror)
class JurorAdmin(admin.ModelAdmin):
    list_display = ["person", "edition", "is_chair"]
    list_filter = ["edition"]
    filter_horizontal = ["categories"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["juror", "entry", "source", "reason", "status"]
    list_filter = ["source", "status"]
    readonly_fields = ["reviewed_by", "reviewed_at", "created_at"]


@admin.register(Sheet)
class SheetAdmin(admin.ModelAdmin):
    list_display = ["round", "juror", "entry", "submitted_at"]
    list_filter = ["round"]


@admin.register(JuryDecision)
class JuryDecisionAdmin(admin.ModelAdmin):
    list_display = ["category", "level", "entry", "follows_ranking", "decided_at"]


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

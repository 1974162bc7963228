"""The back office's record of the lists of speakers: read-only, since every change goes
through the chair's console (and its services), which keeps the queue and the clock."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from moim.floor.models import SpeakersList, Speech


class SpeechInline(admin.TabularInline):
    model = Speech
    fields = ["kind", "name_en", "member", "online", "state", "started_at", "ended_at"]
    readonly_fields = ["kind", "name_en", "member", "online", "state", "started_at", "ended_at"]
    ordering = ["position", "pk"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SpeakersList)
class SpeakersListAdmin(admin.ModelAdmin):
    list_display = ["__str__", "assembly", "speaking_seconds", "closed", "changed_at"]
    list_filter = ["assembly", "closed"]
    list_select_related = ["assembly", "agenda_item__decision"]
    fields = ["assembly", "agenda_item", "speaking_seconds", "closed", "opened_at"]
    readonly_fields = ["assembly", "agenda_item", "speaking_seconds", "closed", "opened_at"]
    inlines = [SpeechInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

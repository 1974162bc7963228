"""The secretariat's back office for the plenary.

Decisions, rules, candidates and proxies are edited here. Polls, registers, vote records, ballots
and the audit log are read-only: they change only through the services (the chair's console).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from moim.governance.enums import PollState
from moim.governance.models import (
    AuditEntry,
    Ballot,
    Candidate,
    Decision,
    DecisionRules,
    Poll,
    PollOption,
    Proxy,
    RegisterEntry,
    VoteRecord,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DecisionRules)
class DecisionRulesAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "quorum_share", "majority", "base", "abstentions_counted"]
    list_filter = ["kind", "organization"]
    filter_horizontal = ["entitled_categories"]


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["title_en", "assembly", "position", "kind", "status", "verdict"]
    list_filter = ["assembly", "kind", "status"]
    search_fields = ["title_en", "title_ko"]
    inlines = [CandidateInline]
    readonly_fields = ["verdict", "outcome", "published_at", "terms"]


@admin.register(Proxy)
class ProxyAdmin(admin.ModelAdmin):
    list_display = ["principal", "holder", "assembly"]
    list_filter = ["assembly"]


class OptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    can_delete = False
    readonly_fields = ["position", "value", "candidate", "label_en", "label_ko"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Poll)
class PollAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "state", "shape", "secret", "verdict"]
    list_filter = ["state", "shape"]
    inlines = [OptionInline]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ReadOnlyAdmin):
    list_display = ["member", "poll", "weight", "delegate", "proxy_holder", "attendance"]
    list_filter = ["poll"]


@admin.register(VoteRecord)
class VoteRecordAdmin(ReadOnlyAdmin):
    list_display = ["member", "poll"]
    list_filter = ["poll"]
    # A named poll's choices are part of its published result, not of the back office.
    exclude = ["choices"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["receipt_hash", "poll", "weight"]
    list_filter = ["poll"]

    def get_queryset(self, request: HttpRequest) -> Any:
        # Ballots become readable with the published list, never while they could be counted.
        return super().get_queryset(request).filter(poll__state=PollState.PUBLISHED)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "at", "actor", "action", "subject"]
    list_filter = ["action"]

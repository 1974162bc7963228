"""The secretariat's back office for the plenary.

Decisions, rules, candidates and proxies are edited here, and saved through the services, so
the admin gets the same refusals as every other door and each change its audit entry (what it
was, what it became). Fields only a service changes (status, verdict, outcome, publication)
are read-only. Polls, registers, vote records, ballots and the audit log are read-only: they
change only through the services (the chair's console).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from moim.errors import Refused
from moim.governance import services
from moim.governance.enums import PollState
from moim.governance.models import (
    AgendaItem,
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


class WithoutBulkDelete(admin.ModelAdmin):
    """Deleting goes one by one through the change page (and, for proxies, the service)."""

    def get_actions(
        self, request: HttpRequest, action_location: Any = ActionLocation.CHANGE_LIST
    ) -> dict[str, Any]:
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _say_snapshot_stands(request: HttpRequest, keeping: list[Poll]) -> None:
    if keeping:
        messages.warning(
            request,
            _(
                "Open now and keeping the rules they opened with: %(polls)s. "
                "The change applies to polls opened from now on."
            )
            % {"polls": ", ".join(str(p) for p in keeping)},
        )


@admin.register(DecisionRules)
class DecisionRulesAdmin(WithoutBulkDelete):
    list_display = ["name", "kind", "quorum_share", "majority", "base", "abstentions_counted"]
    list_filter = ["kind", "organization"]
    filter_horizontal = ["entitled_categories"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        keeping = services.save_rules(
            rules=obj, by=request.user, categories=form.cleaned_data.get("entitled_categories")
        )
        _say_snapshot_stands(request, keeping)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The categories were set, and audited, by save_rules.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    raw_id_fields = ["member"]


class DecisionAdminForm(forms.ModelForm):
    class Meta:
        model = Decision
        # Everything but the fields only a service changes (status, verdict, outcome, ...).
        fields = [
            "assembly",
            "position",
            "kind",
            "title_en",
            "title_ko",
            "rules",
            "text_en",
            "text_ko",
            "previous_text_en",
            "previous_text_ko",
            "office",
            "seats",
            "method",
            "appointed_by",
            "ex_officio_office",
            "term_starts",
            "term_ends",
            "illustrative",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is not None:
            changes = {name: cleaned.get(name) for name in self.changed_data}
            try:
                services.check_decision_change(decision=self.instance, changes=changes)
            except Refused as error:
                raise ValidationError(error.message) from error
        return cleaned


@admin.register(Decision)
class DecisionAdmin(WithoutBulkDelete):
    form = DecisionAdminForm
    list_display = ["title_en", "assembly", "position", "kind", "status", "verdict"]
    list_filter = ["assembly", "kind", "status"]
    search_fields = ["title_en", "title_ko"]
    inlines = [CandidateInline]
    readonly_fields = [*services.DECISION_SERVICE_FIELDS, "terms"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        _say_snapshot_stands(request, services.save_decision(decision=obj, by=request.user))


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    """The agenda's tree: topics, decision items and the items the hall sits through."""

    list_display = ["__str__", "assembly", "parent", "position", "kind", "programme_item"]
    list_filter = ["assembly", "kind"]
    search_fields = ["title_en", "title_ko", "decision__title_en"]
    list_select_related = ["assembly", "parent__decision", "decision", "programme_item"]
    raw_id_fields = ["parent", "decision", "programme_item"]


class ProxyAdminForm(forms.ModelForm):
    class Meta:
        model = Proxy
        fields = ["assembly", "principal", "holder"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        assembly, principal, holder = (
            cleaned.get("assembly"),
            cleaned.get("principal"),
            cleaned.get("holder"),
        )
        if assembly is not None and principal is not None and holder is not None:
            try:
                services.check_proxy(
                    assembly=assembly,
                    principal=principal,
                    holder=holder,
                    replacing=self.instance if self.instance.pk is not None else None,
                )
            except Refused as error:
                raise ValidationError(error.message) from error
        return cleaned

    def validate_unique(self) -> None:
        # check_proxy says it in words ("has already given its proxy; withdraw it first").
        return None


@admin.register(Proxy)
class ProxyAdmin(WithoutBulkDelete):
    form = ProxyAdminForm
    list_display = ["principal", "holder", "assembly"]
    list_filter = ["assembly"]
    raw_id_fields = ["principal", "holder"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        replacing = Proxy.objects.get(pk=obj.pk) if change else None
        proxy = services.give_proxy(
            assembly=obj.assembly,
            principal=obj.principal,
            holder=obj.holder,
            by=request.user,
            replacing=replacing,
        )
        obj.pk = proxy.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.withdraw_proxy(proxy=obj, by=request.user)

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        proxy = Proxy.objects.filter(pk=object_id).select_related("assembly").first()
        if request.method == "POST" and proxy is not None:
            try:
                services.withdraw_proxy(proxy=proxy, by=request.user)
            except Refused as error:
                messages.error(request, error.message)
                return redirect("admin:governance_proxy_change", proxy.pk)
            messages.success(
                request, _("The proxy of %(member)s is withdrawn.") % {"member": proxy.principal}
            )
            return redirect("admin:governance_proxy_changelist")
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Proxy]) -> None:
        for proxy in queryset:
            services.withdraw_proxy(proxy=proxy, by=request.user)


class OptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    can_delete = False
    readonly_fields = ["position", "value", "candidate", "label_en", "label_ko"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PollFilter(admin.SimpleListFilter):
    """Filter by poll; each is named by its decision, read with it rather than one by one."""

    title = Poll._meta.verbose_name
    parameter_name = "poll__id__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(poll.pk), str(poll)) for poll in Poll.objects.select_related("decision")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(poll_id=self.value()) if self.value() else queryset


@admin.register(Poll)
class PollAdmin(ReadOnlyAdmin):
    """Read-only: a poll's settings, state and result change through the chair's console."""

    list_display = ["__str__", "state", "shape", "secret", "verdict"]
    list_select_related = ["decision"]
    list_filter = ["state", "shape"]
    inlines = [OptionInline]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ReadOnlyAdmin):
    list_display = ["member", "poll", "weight", "delegate", "proxy_holder", "attendance"]
    list_select_related = ["member", "poll__decision", "delegate", "proxy_holder"]
    list_filter = [PollFilter]


@admin.register(VoteRecord)
class VoteRecordAdmin(ReadOnlyAdmin):
    list_display = ["member", "poll"]
    list_select_related = ["member", "poll__decision"]
    list_filter = [PollFilter]
    # A named poll's choices are part of its published result, not of the back office.
    exclude = ["choices"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["receipt_hash", "poll", "weight"]
    list_select_related = ["poll__decision"]
    list_filter = [PollFilter]

    def get_queryset(self, request: HttpRequest) -> Any:
        # Ballots become readable with the published list, never while they could be counted.
        return super().get_queryset(request).filter(poll__state=PollState.PUBLISHED)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "at", "actor", "action", "subject"]
    list_filter = ["action"]

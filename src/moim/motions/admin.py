"""The secretariat's back office for motions: rules, workflows (states and allowed moves) and
motions, with admit as an action that goes through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from moim.errors import Refused
from moim.motions import services
from moim.motions.models import (
    Motion,
    MotionRules,
    StateChange,
    Support,
    Workflow,
    WorkflowState,
    WorkflowTransition,
)


@admin.register(MotionRules)
class MotionRulesAdmin(admin.ModelAdmin):
    list_display = ["organization", "deadline_days", "supporters_required", "decision_rules"]


class StateInline(admin.TabularInline):
    model = WorkflowState
    extra = 1


class TransitionInline(admin.TabularInline):
    model = WorkflowTransition
    extra = 1

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Only the states of the workflow being edited.
        if db_field.name in ("source", "target"):
            match = request.resolver_match
            workflow_id = match.kwargs.get("object_id") if match else None
            kwargs["queryset"] = WorkflowState.objects.filter(workflow_id=workflow_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ["kind", "organization"]
    inlines = [StateInline, TransitionInline]


class SupportInline(admin.TabularInline):
    model = Support
    extra = 0
    readonly_fields = ["member", "by", "at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StateChangeInline(admin.TabularInline):
    model = StateChange
    extra = 0
    readonly_fields = ["source", "target", "by", "at", "reason"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Motion)
class MotionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "mover", "state", "assembly", "submitted_at"]
    list_filter = ["kind", "assembly"]
    # Moves go through the services (with who, when, why); the admin shows them.
    readonly_fields = ["state", "decision", "submitted_at", "mover", "kind", "amends"]
    inlines = [SupportInline, StateChangeInline]
    actions = ["admit"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Admit the selected motions onto the agenda"))
    def admit(self, request: HttpRequest, queryset: QuerySet[Motion]) -> None:
        for motion in queryset:
            try:
                services.admit_motion(motion=motion, by=request.user)
            except Refused as error:
                self.message_user(request, f"{motion}: {error.message}", messages.ERROR)

"""Motions and amendments as members table them, their supporters, and the workflow they move
through (states and transitions the secretariat configures, each move recorded).

A motion admitted by the secretariat becomes a governance `Decision` on the agenda; an
amendment admitted becomes an amendment decision (`Decision.amends`). Until then, and for the
record afterwards, the member's text and its history stay here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moim.bilingual import InLanguage, in_language
from moim.governance.enums import AmendmentAction
from moim.governance.models import Decision, DecisionRules
from moim.members.models import Member, Organization, Person
from moim.motions.enums import MotionKind, StateMeaning


class MotionRules(models.Model):
    """When and how members table motions, set by the secretariat per organization. The order
    in which amendments are voted belongs to the decision rules the motion is voted under."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="motion_rules"
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (days before the Assembly opens)"),
        default=30,
        help_text=_("A motion is submitted at the latest this many days before the first day."),
    )
    supporters_required = models.PositiveSmallIntegerField(
        _("supporters required"),
        default=1,
        help_text=_("Other members that must support a motion before it can be admitted."),
    )
    amendment_supporters_required = models.PositiveSmallIntegerField(
        _("supporters required for an amendment"), default=0
    )
    decision_rules = models.ForeignKey(
        DecisionRules,
        verbose_name=_("voted under"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The decision rules of an admitted motion (majority, quorum, the order its "
            "amendments are voted in). Empty: the organization's rules for motions."
        ),
    )

    class Meta:
        verbose_name = _("motion rules")
        verbose_name_plural = _("motion rules")

    def __str__(self) -> str:
        return str(self.organization)


class Workflow(models.Model):
    """The states a kind of motion moves through, and the moves allowed between them."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="motion_workflows"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MotionKind.choices)

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="one_workflow_per_kind")
        ]

    def __str__(self) -> str:
        return str(MotionKind(self.kind).label)


class WorkflowState(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="states")
    key = models.SlugField(_("key"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ko = models.CharField(_("name (Korean)"), max_length=100, blank=True)
    meaning = models.CharField(
        _("meaning"), max_length=20, choices=StateMeaning.choices, default=StateMeaning.OTHER
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("workflow state")
        verbose_name_plural = _("workflow states")
        ordering = ["workflow", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "key"], name="unique_workflow_state_key")
        ]

    def __str__(self) -> str:
        return self.name

    name = InLanguage()


class WorkflowTransition(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    source = models.ForeignKey(
        WorkflowState, verbose_name=_("from"), on_delete=models.CASCADE, related_name="+"
    )
    target = models.ForeignKey(
        WorkflowState, verbose_name=_("to"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("allowed transition")
        verbose_name_plural = _("allowed transitions")
        ordering = ["workflow", "source__position", "target__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "source", "target"], name="unique_workflow_transition"
            ),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="transition_changes_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class Motion(models.Model):
    """A motion, or an amendment to a paragraph of a decision's text, tabled by a member."""

    assembly = models.ForeignKey(
        "assemblies.Assembly",
        verbose_name=_("assembly"),
        on_delete=models.PROTECT,
        related_name="motions",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=MotionKind.choices, default=MotionKind.MOTION
    )
    mover = models.ForeignKey(
        Member, verbose_name=_("moved by"), on_delete=models.PROTECT, related_name="motions"
    )
    tabled_by = models.ForeignKey(
        Person,
        verbose_name=_("tabled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ko = models.TextField(_("text (Korean)"), blank=True)
    reason = models.TextField(_("reason"))
    # An amendment: the decision whose text it amends, the paragraph and what it does there.
    amends = models.ForeignKey(
        Decision,
        verbose_name=_("amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), null=True, blank=True)
    action = models.CharField(
        _("amendment"), max_length=20, choices=AmendmentAction.choices, blank=True
    )
    state = models.ForeignKey(
        WorkflowState, verbose_name=_("state"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="motion",
        help_text=_("The decision on the agenda it became when admitted."),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["assembly", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=MotionKind.MOTION, amends__isnull=True)
                | Q(kind=MotionKind.AMENDMENT, amends__isnull=False, paragraph__isnull=False),
                name="motion_amendment_names_its_text",
            ),
        ]

    def __str__(self) -> str:
        return self.title_en or self.title_ko

    @property
    def title(self) -> str:
        return in_language(self.title_en or self.title_ko, self.title_ko)

    text = InLanguage()


class Support(models.Model):
    """One member supports a motion it did not move; once."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        Person, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        ordering = ["motion", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["motion", "member"], name="one_support_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.motion}"


class StateChange(models.Model):
    """A motion moved from one state to another: who, when, why. Never edited."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="changes")
    source = models.ForeignKey(
        WorkflowState, verbose_name=_("from"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    target = models.ForeignKey(
        WorkflowState, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["motion", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.motion}: {self.source} → {self.target}"

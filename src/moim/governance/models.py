"""The plenary's agenda of decisions, their polls, voting registers, ballots and the audit log.

Trust lives in the schema: one `VoteRecord` per member and poll (a unique constraint), and a
`Ballot` table that holds only the poll, the choices, the weight and a receipt hash — no link to
a member, person or user, no time, and a random primary key — so who voted and what was voted
are stored apart. While a secret poll is open its ballots are not even there: they wait in
`SealedBallot`, sealed with a key kept outside the database, and are written out in random
order when the poll closes.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moim.bilingual import InLanguage, in_language
from moim.governance.enums import (
    AgendaKind,
    AmendmentAction,
    AmendmentOrder,
    AnalogMethod,
    AuditAction,
    BallotShape,
    DecisionKind,
    DecisionStatus,
    MajorityBase,
    MajorityRule,
    OptionValue,
    PollState,
    QuorumFailure,
    TiePolicy,
    Verdict,
)
from moim.members.models import MemberCategory, Office, Organization, Person, Term
from moim.tally import registry as tally_methods


def counting_method_choices() -> list[tuple[str, str]]:
    """The counting methods of the engine's registry, read when a form or check needs them.

    A callable, so that migrations name it instead of copying the list: a method added to the
    registry needs no migration here."""
    return [(m.name, m.label) for m in tally_methods.METHODS.values()]


class DecisionRules(models.Model):
    """How one kind of decision is voted, set by the secretariat per organization."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="decision_rules"
    )
    kind = models.CharField(_("decision kind"), max_length=20, choices=DecisionKind.choices)
    name = models.CharField(
        _("name"), max_length=100, help_text=_("e.g. 'Ordinary motion' or 'Statute amendment'.")
    )
    entitled_categories = models.ManyToManyField(
        MemberCategory,
        verbose_name=_("entitled categories"),
        blank=True,
        help_text=_("Empty: every category that carries a vote."),
    )
    good_standing_required = models.BooleanField(_("good standing required"), default=True)
    quorum_share = models.DecimalField(
        _("quorum (share of entitled weight present or represented)"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    quorum_failure = models.CharField(
        _("without quorum"),
        max_length=20,
        choices=QuorumFailure.choices,
        default=QuorumFailure.REFUSE_OPEN,
    )
    majority = models.CharField(
        _("majority"), max_length=20, choices=MajorityRule.choices, default=MajorityRule.SIMPLE
    )
    base = models.CharField(
        _("majority base"), max_length=20, choices=MajorityBase.choices, default=MajorityBase.CAST
    )
    abstentions_counted = models.BooleanField(_("abstentions count in the base"), default=False)
    max_proxies_per_delegate = models.PositiveSmallIntegerField(
        _("maximum proxies per delegate"), default=2
    )
    principal_may_vote = models.BooleanField(
        _("a member that gave a proxy may still vote itself"),
        default=False,
        help_text=_("When set, whichever of the two votes first is the member's one ballot."),
    )
    secret = models.BooleanField(_("secret ballot"), default=False)
    tie_policy = models.CharField(
        _("ties"),
        max_length=20,
        choices=TiePolicy.choices,
        default=TiePolicy.CHAIR,
        help_text=_(
            "How a tie that decides an exclusion or a seat is settled, after looking back at "
            "earlier rounds. Shown on the ballot and the results page."
        ),
    )
    assumed = models.BooleanField(
        _("assumed"),
        default=True,
        help_text=_("The organization's rule is not public; this default is an assumption."),
    )
    amendment_order = models.CharField(
        _("amendments are voted"),
        max_length=20,
        choices=AmendmentOrder.choices,
        default=AmendmentOrder.FURTHEST_FIRST,
        help_text=_(
            "Every amendment to a text is decided before the text itself is put to the vote."
        ),
    )

    class Meta:
        verbose_name = _("decision rules")
        verbose_name_plural = _("decision rules")
        ordering = ["organization", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="unique_decision_rules_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """One item of the plenary's agenda."""

    assembly = models.ForeignKey(
        "assemblies.Assembly",
        verbose_name=_("assembly"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    position = models.PositiveSmallIntegerField(_("position on the agenda"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    rules = models.ForeignKey(
        DecisionRules,
        verbose_name=_("rules"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    # Motion: its text, and for an amendment the text it replaces (shown as a change).
    text_en = models.TextField(_("text (English)"), blank=True)
    text_ko = models.TextField(_("text (Korean)"), blank=True)
    previous_text_en = models.TextField(_("previous text (English)"), blank=True)
    previous_text_ko = models.TextField(_("previous text (Korean)"), blank=True)
    # Election, appointment, host selection: the office filled.
    office = models.ForeignKey(
        Office,
        verbose_name=_("office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    method = models.CharField(
        _("counting method"),
        max_length=30,
        blank=True,
        choices=counting_method_choices,
        help_text=_("Empty: the usual method for the ballot and the number of seats."),
    )
    appointed_by = models.ForeignKey(
        "members.Member",
        verbose_name=_("appointed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments_decided",
    )
    ex_officio_office = models.ForeignKey(
        Office,
        verbose_name=_("office held ex officio by the chosen member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("e.g. the next host city becomes Executive Vice-President."),
    )
    term_starts = models.DateField(_("terms start"), null=True, blank=True)
    term_ends = models.DateField(_("terms end"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    terms = models.ManyToManyField(
        Term, verbose_name=_("terms resting on this decision"), blank=True, related_name="decisions"
    )
    illustrative = models.BooleanField(_("illustrative"), default=False)
    # An amendment is a decision of its own, voted before the decision it amends; its text
    # (text_en/text_ko) is the new paragraph, empty for a deletion. See governance/amendments.py.
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    amends_paragraph = models.PositiveSmallIntegerField(
        _("paragraph amended"),
        null=True,
        blank=True,
        help_text=_("Counted from 1; 0 with 'insert after' puts the new paragraph first."),
    )
    amendment_action = models.CharField(
        _("amendment"), max_length=20, choices=AmendmentAction.choices, blank=True
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["assembly", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(amends__isnull=True, amends_paragraph__isnull=True, amendment_action="")
                    | (
                        Q(amends__isnull=False, amends_paragraph__isnull=False)
                        & ~Q(amendment_action="")
                    )
                ),
                name="decision_amendment_fields_together",
            ),
        ]

    def __str__(self) -> str:
        return self.title_en

    def clean(self) -> None:
        super().clean()
        if self.method:
            shapes = (
                [BallotShape.YES_NO_ABSTAIN]
                if self.kind == DecisionKind.MOTION
                else [s for s in BallotShape if s != BallotShape.YES_NO_ABSTAIN]
            )
            valid = [m.name for s in shapes for m in tally_methods.methods_for(s, self.seats)]
            if self.method not in valid:
                raise ValidationError(
                    {
                        "method": _(
                            "%(method)s cannot count this decision (%(seats)d seat(s)); "
                            "choose one of: %(valid)s."
                        )
                        % {
                            "method": self.method,
                            "seats": self.seats,
                            "valid": ", ".join(dict.fromkeys(valid)),
                        }
                    }
                )

    title = InLanguage()

    text = InLanguage()

    previous_text = InLanguage()


class AgendaItem(models.Model):
    """One item of the plenary's agenda, as a tree: a topic holds sub-items; a decision item
    carries one decision; speeches, the ceremony and breaks are items the hall sits through.
    An item may point at the programme slot it runs in. Items are numbered by their place in
    the tree ("7", "7.1"), never by a stored number."""

    assembly = models.ForeignKey(
        "assemblies.Assembly",
        verbose_name=_("assembly"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=AgendaKind.choices)
    title_en = models.CharField(
        _("title (English)"),
        max_length=200,
        blank=True,
        help_text=_("Empty for a decision item: the decision's title is shown."),
    )
    title_ko = models.CharField(_("title (Korean)"), max_length=200, blank=True)
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="agenda_item",
    )
    programme_item = models.ForeignKey(
        "assemblies.ProgrammeItem",
        verbose_name=_("programme slot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["assembly", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AgendaKind.DECISION, decision__isnull=False)
                | (~Q(kind=AgendaKind.DECISION) & Q(decision__isnull=True)),
                name="agenda_item_decision_iff_decision_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title_en or (self.decision.title_en if self.decision else "")

    def clean(self) -> None:
        super().clean()
        if self.kind == AgendaKind.DECISION and self.decision is None:
            raise ValidationError({"decision": _("A decision item needs its decision.")})
        if self.kind != AgendaKind.DECISION and self.decision is not None:
            raise ValidationError({"decision": _("Only a decision item carries a decision.")})
        if self.kind != AgendaKind.DECISION and not self.title_en:
            raise ValidationError({"title_en": _("This item needs a title.")})
        if self.decision is not None and self.decision.assembly_id != self.assembly_id:
            raise ValidationError({"decision": _("The decision belongs to another assembly.")})
        if self.parent is not None:
            if self.parent.assembly_id != self.assembly_id:
                raise ValidationError({"parent": _("That item is on another assembly's agenda.")})
            ancestor: AgendaItem | None = self.parent
            while ancestor is not None:
                if self.pk is not None and ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("An item cannot sit under itself.")})
                ancestor = ancestor.parent
        if self.programme_item is not None and self.programme_item.assembly_id != self.assembly_id:
            raise ValidationError(
                {"programme_item": _("That programme slot belongs to another assembly.")}
            )

    @property
    def title(self) -> str:
        if self.title_en or self.decision is None:
            return in_language(self.title_en, self.title_ko)
        return self.decision.title


class Candidate(models.Model):
    """A member standing in an election or bidding to host; for an appointment, the appointee."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    statement_en = models.TextField(_("statement or bid (English)"), blank=True)
    statement_ko = models.TextField(_("statement or bid (Korean)"), blank=True)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["decision", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "member"], name="unique_candidate")
        ]

    def __str__(self) -> str:
        return str(self.member)


class Proxy(models.Model):
    """A member gives its vote at one assembly to another member's delegate."""

    assembly = models.ForeignKey(
        "assemblies.Assembly", on_delete=models.CASCADE, related_name="proxies"
    )
    principal = models.ForeignKey(
        "members.Member",
        verbose_name=_("member giving its vote"),
        on_delete=models.PROTECT,
        related_name="proxies_given",
    )
    holder = models.ForeignKey(
        Person,
        verbose_name=_("delegate holding the vote"),
        on_delete=models.PROTECT,
        related_name="proxies_held",
    )

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "principal"], name="one_proxy_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.principal} → {self.holder}"


def max_choices_limit(*, shape: str, seats: int, options: int) -> int:
    """The most options one ballot may mark: one answer to a motion; for a choice ballot one
    mark per seat (plurality counts one mark, a block vote one per seat); every option for an
    approval or ranked ballot. Never more than there are options, never less than one."""
    if shape == BallotShape.YES_NO_ABSTAIN:
        return 1
    if shape == BallotShape.CHOOSE:
        return max(1, min(seats, options))
    return max(1, options)


class Poll(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="polls")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    state = models.CharField(
        _("state"), max_length=20, choices=PollState.choices, default=PollState.DRAFT
    )
    shape = models.CharField(_("ballot"), max_length=20, choices=BallotShape.choices)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many choices"), default=1, validators=[MinValueValidator(1)]
    )
    method = models.CharField(
        _("counting method"), max_length=30, blank=True, choices=counting_method_choices
    )
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    secret = models.BooleanField(_("secret"), default=False)
    # How ties were settled: the seed of a draw by lot under the rules' "lot" policy, and the
    # chair's decisions ("lot:SEED" or a candidate's label) in the order the ties arose.
    tie_breaks = models.JSONField(_("tie breaks"), default=dict, blank=True)
    # Frozen at opening: the rules as they stood, and the quorum they gave.
    rules_snapshot = models.JSONField(_("rules at opening"), default=dict, blank=True)
    entitled_weight = models.PositiveIntegerField(_("entitled weight"), default=0)
    entitled_count = models.PositiveIntegerField(_("entitled members"), default=0)
    present_weight = models.PositiveIntegerField(_("weight present or represented"), default=0)
    quorum_met = models.BooleanField(_("quorum met"), null=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["decision", "round"]
        permissions = [("run_poll", _("Can open, close, count and publish polls"))]
        constraints = [
            models.UniqueConstraint(fields=["decision", "round"], name="unique_poll_round"),
            models.CheckConstraint(
                condition=Q(max_choices__gte=1), name="poll_max_choices_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        """The decision's title in the active language, with the round after the first."""
        if self.round == 1:
            return self.decision.title
        return gettext("%(title)s (round %(n)s)") % {"title": self.decision.title, "n": self.round}

    @property
    def name_en(self) -> str:
        """The poll's name in English, as the stored result and the downloads carry it."""
        with translation.override("en"):
            return str(self)

    @property
    def tie_policy(self) -> TiePolicy:
        """The tie policy frozen at opening; before that, the one the rules name now."""
        value = str((self.rules_snapshot or {}).get("tie_policy", ""))
        if not value and self.decision_id is not None and self.decision.rules is not None:
            value = self.decision.rules.tie_policy
        return TiePolicy(value) if value in TiePolicy.values else TiePolicy.CHAIR

    @property
    def method_label(self) -> str:
        method = tally_methods.METHODS.get(self.method)
        return method.label if method is not None else self.method

    def method_choices(self) -> list[tuple[str, str]]:
        """The counting methods this poll's ballots and seats allow."""
        return [(m.name, m.label) for m in tally_methods.methods_for(self.shape, self.seats)]

    def clean(self) -> None:
        super().clean()
        if self.method and self.shape:
            try:
                tally_methods.check(self.method, self.shape, self.seats)
            except tally_methods.MethodError as error:
                raise ValidationError({"method": str(error)}) from None
        if self.pk is not None and self.shape:
            options = self.options.count()
            limit = max_choices_limit(shape=self.shape, seats=self.seats, options=options)
            if not 1 <= (self.max_choices or 0) <= limit:
                raise ValidationError(
                    {
                        "max_choices": _(
                            "From 1 to %(limit)d for this ballot (%(n)d option(s), "
                            "%(seats)d seat(s))."
                        )
                        % {"limit": limit, "n": options, "seats": self.seats}
                    }
                )


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"))
    value = models.CharField(_("value"), max_length=20, choices=OptionValue.choices)
    candidate = models.ForeignKey(
        Candidate, on_delete=models.PROTECT, null=True, blank=True, related_name="options"
    )
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_ko = models.CharField(_("label (Korean)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="unique_option_position")
        ]

    def __str__(self) -> str:
        return self.label_en

    label = InLanguage()


class RegisterEntry(models.Model):
    """One entitled member in a poll's voting register, frozen when the poll opens."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="register")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveIntegerField(_("weight"), default=1)
    delegate = models.ForeignKey(
        Person,
        verbose_name=_("the member's own delegate"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    attendance = models.CharField(_("attendance"), max_length=20, blank=True)
    proxy_holder = models.ForeignKey(
        Person,
        verbose_name=_("proxy holder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    principal_may_vote = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("voting register")
        ordering = ["poll", "member__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="unique_register_member")
        ]

    def __str__(self) -> str:
        return str(self.member)

    @property
    def represented(self) -> bool:
        # "illustrative": a demonstration register where every member counts as present.
        return (
            self.delegate_id is not None
            or self.proxy_holder_id is not None
            or self.attendance == "illustrative"
        )

    def voters(self) -> list[int]:
        """Ids of the people who may cast this member's ballot."""
        people: list[int] = []
        if self.proxy_holder_id is not None:
            people.append(self.proxy_holder_id)
            if self.principal_may_vote and self.delegate_id is not None:
                people.append(self.delegate_id)
        elif self.delegate_id is not None:
            people.append(self.delegate_id)
        return people


class VoteRecord(models.Model):
    """That a member has voted in a poll (and, in a named poll, how). One per member and poll."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="vote_records")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    choices = models.JSONField(_("choices (named polls only)"), null=True, blank=True)
    # An HMAC (keyed by the vault key) of the submission's token and choices: a retry of the
    # same submission is recognised and answered with the same receipt; nothing to link.
    submission = models.CharField(_("submission digest"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("vote record")
        verbose_name_plural = _("vote records")
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="one_ballot_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.poll}"


def new_ballot_id() -> uuid.UUID:
    return uuid.uuid4()


class Ballot(models.Model):
    """What was voted. Deliberately unlinked: no member, person, user or time, a random key."""

    id = models.UUIDField(primary_key=True, default=new_ballot_id, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="ballots")
    choices = models.JSONField(_("choices (option positions, in rank order when ranked)"))
    weight = models.PositiveIntegerField(_("weight"), default=1)
    receipt_hash = models.CharField(_("receipt hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        # Published in key order: random keys make it an order unrelated to casting.
        ordering = ["poll", "id"]

    def __str__(self) -> str:
        return self.receipt_hash[:12]


class SealedBallot(models.Model):
    """An open secret poll's ballot, sealed with a key kept outside the database.

    Only the poll is in clear; the choices, weight and receipt hash are inside the seal, padded
    to one length per poll. Closing the poll opens the seals, writes plain `Ballot` rows in
    random order in one transaction and deletes these rows (see `moim.governance.seal`).
    """

    id = models.UUIDField(primary_key=True, default=new_ballot_id, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="+")
    sealed = models.BinaryField(_("sealed ballot"))

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self) -> str:
        return f"sealed ballot @ {self.poll_id}"


class AnalogResult(models.Model):
    """Votes taken on paper or by show of hands, or a motion carried by acclamation."""

    poll = models.OneToOneField(Poll, on_delete=models.CASCADE, related_name="analog")
    method = models.CharField(_("method"), max_length=20, choices=AnalogMethod.choices)
    counts = models.JSONField(_("weight per option position"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("analog result")
        verbose_name_plural = _("analog results")

    def __str__(self) -> str:
        return f"{self.get_method_display()}: {self.poll}"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """One line of the append-only audit log, chained by hash to the line before it."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("at"))
    actor = models.CharField(_("by"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    subject = models.CharField(_("subject"), max_length=100, blank=True)
    data = models.JSONField(_("data"), default=dict)
    previous_hash = models.CharField(_("previous entry's hash"), max_length=64, unique=True)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["sequence"]
        constraints = [
            models.CheckConstraint(condition=Q(sequence__gte=1), name="audit_sequence_positive")
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

"""Lists of speakers: one per agenda item, and the requests for the floor that become speeches.

A request waits in the queue (points of order ahead of everything else, then by position),
becomes the speech under way when the chair starts it, may be interrupted by a point of order
(its clock stops), and ends. The clock is kept on the server: a speech's time left is its
list's speaking time less what has run since `started_at`, leaving out the time it stood
interrupted (`paused_seconds`, and since `paused_at` while it stands interrupted now).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from moim.bilingual import InLanguage
from moim.floor.enums import DEFAULT_SPEAKING_SECONDS, SpeechKind, SpeechState

MIN_SPEAKING_SECONDS = 15
MAX_SPEAKING_SECONDS = 3600


class SpeakersList(models.Model):
    """The list of speakers of one agenda item, opened by the chair."""

    assembly = models.ForeignKey(
        "assemblies.Assembly",
        verbose_name=_("assembly"),
        on_delete=models.CASCADE,
        related_name="speakers_lists",
    )
    agenda_item = models.OneToOneField(
        "governance.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        related_name="speakers_list",
    )
    speaking_seconds = models.PositiveIntegerField(
        _("speaking time (seconds)"),
        default=DEFAULT_SPEAKING_SECONDS,
        validators=[
            MinValueValidator(MIN_SPEAKING_SECONDS),
            MaxValueValidator(MAX_SPEAKING_SECONDS),
        ],
    )
    closed = models.BooleanField(_("closed to new speakers"), default=False)
    opened_at = models.DateTimeField(_("opened"))
    # Bumped by every change: the projector shows the list the chair acted on last.
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("list of speakers")
        verbose_name_plural = _("lists of speakers")
        ordering = ["assembly", "opened_at", "pk"]

    def __str__(self) -> str:
        return str(self.agenda_item)


class Speech(models.Model):
    """A request for the floor: waiting, then spoken (or withdrawn). Who asked is kept by name
    as well, so that the minutes read the same if the person's record changes later."""

    speakers_list = models.ForeignKey(
        SpeakersList,
        verbose_name=_("list of speakers"),
        on_delete=models.CASCADE,
        related_name="speeches",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=SpeechKind.choices, default=SpeechKind.SPEECH
    )
    state = models.CharField(
        _("state"), max_length=20, choices=SpeechState.choices, default=SpeechState.WAITING
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    person = models.ForeignKey(
        "members.Person",
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    name_en = models.CharField(_("speaker (English)"), max_length=200)
    name_ko = models.CharField(_("speaker (Korean)"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    requested_at = models.DateTimeField(_("asked"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    paused_at = models.DateTimeField(_("interrupted at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("seconds interrupted"), default=0)

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["speakers_list", "position", "pk"]
        constraints = [
            # A person waits on a list once: asking twice is refused by the database too.
            models.UniqueConstraint(
                fields=["speakers_list", "person"],
                condition=Q(state=SpeechState.WAITING, person__isnull=False),
                name="floor_one_waiting_request_per_person",
            ),
            # One speech runs at a time; a point of order stops the one it interrupts.
            models.UniqueConstraint(
                fields=["speakers_list"],
                condition=Q(state=SpeechState.SPEAKING),
                name="floor_one_speech_at_a_time",
            ),
            models.UniqueConstraint(
                fields=["speakers_list"],
                condition=Q(state=SpeechState.INTERRUPTED),
                name="floor_one_interrupted_speech",
            ),
        ]

    def __str__(self) -> str:
        return self.name_en

    name = InLanguage()

    @property
    def priority(self) -> int:
        """Points of order come before everything else in the queue."""
        return 0 if self.kind == SpeechKind.POINT_OF_ORDER else 1

    def elapsed_seconds(self, now: dt.datetime) -> int:
        """Seconds spoken so far, leaving out the time the speech stood interrupted."""
        if self.started_at is None:
            return 0
        until = self.ended_at or self.paused_at or now
        return max(0, int((until - self.started_at).total_seconds()) - self.paused_seconds)

    def seconds_left(self, now: dt.datetime) -> int:
        """The time left on the speaker's clock (never below nought)."""
        return max(0, self.speakers_list.speaking_seconds - self.elapsed_seconds(now))

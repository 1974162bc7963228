"""Questions the secretariat adds to an edition's entry form, and the answers to them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from moim.awards.models.editions import Edition
from moim.awards.models.entries import Entry
from moim.questions import Answer, Question


class EntryQuestion(Question):
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="questions"
    )

    class Meta:
        verbose_name = _("entry question")
        verbose_name_plural = _("entry questions")
        ordering = ["edition", "position", "pk"]


class EntryAnswer(Answer):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(EntryQuestion, on_delete=models.CASCADE, related_name="answers")

    class Meta:
        verbose_name = _("entry answer")
        verbose_name_plural = _("entry answers")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "question"], name="one_answer_per_entry_question"
            )
        ]

    def __str__(self) -> str:
        return self.shown(self.question)

"""The juried competition: programmes, editions, entries, rounds, jurors, scores and awards."""

from moim.awards.models.base import COUNTED_STATUSES, new_token
from moim.awards.models.editions import AwardLevel, AwardProgramme, Category, Criterion, Edition
from moim.awards.models.entries import Attachment, Entry
from moim.awards.models.jury import (
    Assignment,
    Conflict,
    ConflictQuerySet,
    Juror,
    Round,
    Score,
    Sheet,
)
from moim.awards.models.questions import EntryAnswer, EntryQuestion
from moim.awards.models.results import Award, JuryDecision, LogEntry, ResultSnapshot

__all__ = [
    "COUNTED_STATUSES",
    "Assignment",
    "Attachment",
    "Award",
    "AwardLevel",
    "AwardProgramme",
    "Category",
    "Conflict",
    "ConflictQuerySet",
    "Criterion",
    "Edition",
    "Entry",
    "EntryAnswer",
    "EntryQuestion",
    "Juror",
    "JuryDecision",
    "LogEntry",
    "ResultSnapshot",
    "Round",
    "Score",
    "Sheet",
    "new_token",
]

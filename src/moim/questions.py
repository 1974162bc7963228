"""Questions a secretariat adds to a form without code: the registration form of an assembly,
the entry form of an awards edition.

Each app keeps its own concrete models (`assemblies.RegistrationQuestion` and its answers,
`awards.EntryQuestion` and its answers), built on the abstract `Question` and `Answer` here;
this module turns a question into a form field, checks what came in against the question, and
shows or exports a stored answer. A choice is stored as its English option, shown in the
reader's language from the Korean option on the same line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moim.bilingual import InLanguage, in_language
from moim.errors import Invalid
from moim.text import validate_multiline, validate_one_line
from moim.uploads import kind_of

# What a file answer may be: its extension and the content type its bytes must show.
ANSWER_FILE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ANSWER_FILE_MAX_MB = 10
TEXT_MAX_LENGTH = 300
LONG_TEXT_MAX_LENGTH = 4000
# The prefix of an answer's field in a form, followed by the question's id.
FIELD_PREFIX = "question_"


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text (one line)")
    LONG_TEXT = "long_text", _("Long text")
    CHOICE = "choice", _("Choice (one option)")
    MULTIPLE = "multiple", _("Multiple choice")
    YES_NO = "yes_no", _("Yes or no")
    FILE = "file", _("File")


CHOICE_KINDS = frozenset({QuestionKind.CHOICE, QuestionKind.MULTIPLE})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class Question(models.Model):
    """One question of a form, in English and Korean, in `position` order."""

    label_en = models.CharField(_("question (English)"), max_length=200)
    label_ko = models.CharField(_("question (Korean)"), max_length=200, blank=True)
    help_en = models.CharField(_("help (English)"), max_length=300, blank=True)
    help_ko = models.CharField(_("help (Korean)"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    required = models.BooleanField(_("required"), default=False)
    options_en = models.TextField(
        _("options (English)"),
        blank=True,
        help_text=_("For a choice: one option a line."),
    )
    options_ko = models.TextField(
        _("options (Korean)"),
        blank=True,
        help_text=_("The same options in Korean, one a line, in the same order."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    label = InLanguage()

    help = InLanguage()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label_en

    @property
    def field_name(self) -> str:
        return f"{FIELD_PREFIX}{self.pk}"

    def options(self) -> list[tuple[str, str]]:
        """(stored value, label in the active language) for each option."""
        english = _lines(self.options_en)
        korean = _lines(self.options_ko)
        korean += [""] * (len(english) - len(korean))
        return [(en, in_language(en, ko)) for en, ko in zip(english, korean, strict=False)]

    def clean(self) -> None:
        super().clean()
        problem = question_problem(self.kind, self.options_en, self.options_ko)
        if problem:
            raise ValidationError({"options_en": problem})

    def form_field(self) -> forms.Field:
        """The form field that asks this question, with its label and help in the language."""
        common: dict[str, Any] = {
            "label": self.label,
            "help_text": self.help,
            "required": self.required,
        }
        kind = self.kind
        if kind == QuestionKind.TEXT:
            return forms.CharField(
                max_length=TEXT_MAX_LENGTH, validators=[validate_one_line], **common
            )
        if kind == QuestionKind.LONG_TEXT:
            return forms.CharField(
                max_length=LONG_TEXT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                validators=[validate_multiline],
                **common,
            )
        if kind == QuestionKind.CHOICE:
            return forms.ChoiceField(choices=[("", "—"), *self.options()], **common)
        if kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=self.options(), widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == QuestionKind.YES_NO:
            return forms.TypedChoiceField(
                choices=[("", "—"), ("yes", gettext("Yes")), ("no", gettext("No"))],
                coerce=lambda value: value == "yes",
                empty_value=None,
                **common,
            )
        return forms.FileField(validators=[validate_answer_file], **common)

    def display(self, value: Any) -> str:
        """A stored (non-file) answer as the reader reads it, in the active language."""
        if value is None or value == "" or value == []:
            return ""
        if self.kind == QuestionKind.YES_NO:
            return gettext("Yes") if value else gettext("No")
        if self.kind in CHOICE_KINDS:
            labels = dict(self.options())
            chosen = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(str(v), str(v)) for v in chosen)
        return str(value)


class Answer(models.Model):
    """One answer to one question: `value` for what was typed or chosen (text, the English
    option, a list of them, true or false), `file` for a file."""

    value = models.JSONField(_("answer"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="answers/%Y/", blank=True)

    class Meta:
        abstract = True

    def shown(self, question: Question) -> str:
        if question.kind == QuestionKind.FILE:
            return PurePath(self.file.name or "").name if self.file else ""
        return question.display(self.value)


def question_problem(kind: str, options_en: str, options_ko: str) -> str:
    """Why these options do not fit this kind of question, or ""."""
    english, korean = _lines(options_en), _lines(options_ko)
    if kind in CHOICE_KINDS:
        if len(english) < 2:
            return gettext("A choice needs at least two options, one a line.")
        if len(set(english)) != len(english):
            return gettext("Each option must be different.")
        if korean and len(korean) != len(english):
            return gettext(
                "Give as many Korean options as English ones (%(en)d), in the same order."
            ) % {"en": len(english)}
    elif english or korean:
        return gettext("Only a choice has options; leave them empty for this kind.")
    return ""


def validate_answer_file(upload: UploadedFile) -> None:
    """A file answer: an accepted type whose bytes say what its name says, and not too large."""
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ANSWER_FILE_TYPES:
        raise ValidationError(
            gettext("“%(name)s” is not an accepted file type. Accepted: %(types)s.")
            % {"name": name, "types": "PDF, JPEG, PNG"}
        )
    size = upload.size or 0
    if size > ANSWER_FILE_MAX_MB * 1024 * 1024:
        raise ValidationError(
            gettext("“%(name)s” is %(size).1f MB; the limit is %(limit)d MB.")
            % {"name": name, "size": size / 1024 / 1024, "limit": ANSWER_FILE_MAX_MB}
        )
    upload.seek(0)
    kind = kind_of(upload.read(8192))
    upload.seek(0)
    if kind is None or kind.mime != ANSWER_FILE_TYPES[suffix]:
        raise ValidationError(
            gettext("“%(name)s” does not contain what its name says (%(suffix)s). It was refused.")
            % {"name": name, "suffix": suffix}
        )


def add_question_fields(form: forms.BaseForm, questions: Iterable[Question]) -> None:
    """Append a field for each question to the form (named `question_<id>`)."""
    for question in questions:
        form.fields[question.field_name] = question.form_field()


def answers_from(cleaned_data: Mapping[str, Any], questions: Sequence[Question]) -> dict[int, Any]:
    """The answers a form's cleaned data holds, by question id (empty answers left out)."""
    answers: dict[int, Any] = {}
    for question in questions:
        value = cleaned_data.get(question.field_name)
        if value is None or value == "" or value == []:
            continue
        answers[question.pk] = value
    return answers


def checked_value(question: Question, value: Any) -> Any:
    """The answer as stored, or a `ValueError` saying why it does not answer the question: the
    services call this, so an answer that did not come through a form is held to the same
    rules."""
    kind = question.kind
    if kind in (QuestionKind.TEXT, QuestionKind.LONG_TEXT):
        text = str(value).strip()
        limit = TEXT_MAX_LENGTH if kind == QuestionKind.TEXT else LONG_TEXT_MAX_LENGTH
        if len(text) > limit:
            raise ValueError(gettext("The answer is too long."))
        try:
            (validate_one_line if kind == QuestionKind.TEXT else validate_multiline)(text)
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None
        return text
    allowed = {value for value, _label in question.options()}
    if kind == QuestionKind.CHOICE:
        if str(value) not in allowed:
            raise ValueError(gettext("“%(value)s” is not one of the options.") % {"value": value})
        return str(value)
    if kind == QuestionKind.MULTIPLE:
        chosen = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
        wrong = [v for v in chosen if v not in allowed]
        if wrong:
            raise ValueError(
                gettext("“%(value)s” is not one of the options.") % {"value": wrong[0]}
            )
        return chosen
    if kind == QuestionKind.YES_NO:
        if not isinstance(value, bool):
            raise ValueError(gettext("Answer yes or no."))
        return value
    raise ValueError(gettext("A file answer must be uploaded."))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@transaction.atomic
def store_answers(
    *,
    answer_model: type[Answer],
    owner: Mapping[str, Any],
    questions: Sequence[Question],
    answers: Mapping[int, Any],
    enforce_required: bool,
    file_stem: str,
) -> None:
    """Check every answer against its question, then store it on the owner (`{"entry": e}`).

    An empty answer removes the one stored, except for a file: a form sent without a new file
    keeps the file already given. Raises `Invalid` for an answer that does not fit, for an
    answer to a question not asked, and (with `enforce_required`) for a required question left
    unanswered; nothing is stored then."""
    known = {question.pk: question for question in questions}
    if set(answers) - set(known):
        raise Invalid(gettext("An answer was given to a question this form does not ask."))
    # The concrete answer models add `question` (and their owner) to the abstract `Answer`.
    manager: Any = answer_model._default_manager
    existing = {
        answer.question_id: answer for answer in manager.filter(**owner, question__in=questions)
    }
    to_save: list[tuple[Question, Any]] = []
    for question in questions:
        value = answers.get(question.pk)
        if _empty(value):
            if question.required and enforce_required and question.pk not in existing:
                raise Invalid(
                    gettext("“%(question)s” must be answered.") % {"question": question.label}
                )
            continue
        if question.kind == QuestionKind.FILE:
            if not isinstance(value, UploadedFile):
                raise Invalid(
                    gettext("“%(question)s” takes a file.") % {"question": question.label}
                )
            try:
                validate_answer_file(value)
            except ValidationError as error:
                raise Invalid(" ".join(error.messages)) from None
        else:
            try:
                value = checked_value(question, value)
            except ValueError as error:
                raise Invalid(f"{question.label}: {error}") from None
        to_save.append((question, value))
    for question in questions:
        answer = existing.get(question.pk)
        cleared = _empty(answers.get(question.pk)) and question.kind != QuestionKind.FILE
        if answer is not None and cleared:
            answer.delete()
    for question, value in to_save:
        answer = existing.get(question.pk) or manager.model(**owner, question=question)
        if question.kind == QuestionKind.FILE:
            if answer.file:
                answer.file.delete(save=False)
            suffix = PurePath(value.name or "").suffix.lower()
            # The stored name is ours, never the uploader's: it keeps the checked extension.
            answer.file.save(f"{file_stem}-{question.pk}{suffix}", value, save=False)
        else:
            answer.value = value
        answer.save()

"""Members as a table (CSV, XLSX) for django-import-export: human-friendly columns both ways.

Region and category travel by code, country by ISO 3166 code, kind and status by value, so an
export imports back cleanly. An import keeps all rows or none: any bad row rolls back the lot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_slug
from django.db import models
from django_countries import countries
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import Result

from moim.errors import Invalid
from moim.members.enums import MemberKind, MemberStatus
from moim.members.models import Member, MemberCategory, Organization, Region
from moim.members.queries import current_organization
from moim.spreadsheets import FormulaSafeFormat, restore_cell
from moim.uploads import UnacceptableFile, check_text, check_xlsx

FIRST_YEAR, LAST_YEAR = 1900, 2999
REQUIRED_COLUMNS = ("slug", "name_en", "kind", "country", "region", "category")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class ImportFileError(Invalid):
    """The file cannot be read at all (wrong format, not a table, bad encoding)."""


def decode_csv(data: bytes) -> str:
    """CSV text: UTF-8 (with or without the byte-order mark Excel writes), else CP949, the
    encoding Korean Excel saves CSV in by default. Bytes that are not text (an image renamed
    .csv, NUL bytes) are refused before any decoding."""
    try:
        check_text(data, label="CSV")
    except UnacceptableFile as error:
        raise ImportFileError(str(error)) from None
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("the CSV file is neither UTF-8 nor CP949 text: save it as CSV UTF-8")


class ExcelFriendlyCSV(FormulaSafeFormat, CSV):
    """CSV read as bytes and decoded by `decode_csv`, in the admin as in the command; written
    with formulas neutralised (`moim.spreadsheets`)."""

    def get_read_mode(self) -> str:
        return "rb"

    def is_binary(self) -> bool:
        return True

    byte_order_mark = False

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        if isinstance(in_stream, bytes):
            in_stream = decode_csv(in_stream)
        return super().create_dataset(in_stream, **kwargs)

    def export_data(self, dataset: Any, **kwargs: Any) -> str:
        text = str(super().export_data(dataset, **kwargs))
        return "\ufeff" + text if self.byte_order_mark else text


class ExcelCSVDownload(ExcelFriendlyCSV):
    """CSV for download: the byte-order mark tells Excel it is UTF-8, so Korean reads right."""

    byte_order_mark = True


class SafeXLSX(FormulaSafeFormat, XLSX):
    """XLSX checked before openpyxl opens it (a workbook, not a zip bomb), written with
    formulas neutralised."""

    def create_dataset(self, in_stream: Any, **kwargs: Any) -> Any:
        try:
            check_xlsx(bytes(in_stream))
        except UnacceptableFile as error:
            raise ImportFileError(str(error)) from None
        return super().create_dataset(in_stream, **kwargs)


class LineNumberedResult(Result):
    """Numbers bad rows by their line in the file (the header is line 1), as people count."""

    def append_invalid_row(self, number: int, row: Any, validation_error: Any) -> None:
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number: int, row: Any, errors: Any) -> None:
        super().append_error_row(number + 1, row, errors)


class CodeWidget(widgets.ForeignKeyWidget):
    """A region or category of the importing organization, by its code."""

    def __init__(
        self, model: type[Region | MemberCategory], organization: Organization | None
    ) -> None:
        super().__init__(model, field="code")
        self.organization = organization
        self._by_code: dict[str, Any] | None = None

    def by_code(self) -> dict[str, Any]:
        if self._by_code is None:
            queryset = self.model.objects.filter(organization=self.organization)
            self._by_code = {obj.code: obj for obj in queryset}
        return self._by_code

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        label = self.model._meta.verbose_name
        code = _text(value)
        if not code:
            raise ValueError(f"the {label} code is missing")
        try:
            return self.by_code()[code]
        except KeyError:
            known = ", ".join(sorted(self.by_code())) or "none defined"
            raise ValueError(f"unknown {label} code {code!r} (known: {known})") from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value is not None else ""


class CountryWidget(widgets.Widget):
    """An ISO 3166-1 country code (alpha-2 such as KR; alpha-3 and numeric are accepted)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        code = _text(value).upper()
        if not code:
            raise ValueError("the country is missing (use an ISO 3166 code such as KR)")
        alpha2 = countries.alpha2(code)
        if not alpha2:
            raise ValueError(f"{code!r} is not an ISO 3166 country code (such as KR or MX)")
        return str(alpha2)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(getattr(value, "code", value) or "")


class ChoiceWidget(widgets.Widget):
    """One of a TextChoices' values; empty means the default when there is one."""

    def __init__(self, choices: type[models.TextChoices], label: str, default: str = "") -> None:
        super().__init__()
        self.choices, self.label, self.default = choices, label, default

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _text(value)
        if not text and self.default:
            return self.default
        if text not in self.choices.values:
            allowed = ", ".join(self.choices.values)
            if not text:
                raise ValueError(f"the {self.label} is missing (one of: {allowed})")
            raise ValueError(f"{text!r} is not a {self.label} (one of: {allowed})")
        return text

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value or "")


class YearWidget(widgets.Widget):
    """A calendar year such as 2025, or empty."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        text = _text(value)
        if not text:
            return None
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
            raise ValueError(f"{text!r} is not a year between {FIRST_YEAR} and {LAST_YEAR}")
        return int(text)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class IsoDateWidget(widgets.Widget):
    """A date written YYYY-MM-DD (or a date cell in a spreadsheet), or empty."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _text(value)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a date written YYYY-MM-DD") from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class TextWidget(widgets.Widget):
    """Text as typed; the apostrophe an export put before a formula character is taken off."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return _text(restore_cell(value))

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value or "")


class YesNoWidget(widgets.BooleanWidget):
    """Empty means no; yes/no, true/false and 1/0 are understood."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        text = _text(value).lower()
        if text in ("", "0", "no", "false", "n"):
            return False
        if text in ("1", "yes", "true", "y"):
            return True
        raise ValueError(f"{text!r} is not yes or no")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "yes" if value else "no"


class MemberResource(resources.ModelResource):
    """The members of one organization, matched by slug."""

    def __init__(self, *, organization: Organization | None = None, **kwargs: Any) -> None:
        # The admin's export form builds a resource without arguments, only to list columns.
        self.organization = organization or current_organization()
        super().__init__(**kwargs)
        text = TextWidget()
        self.fields = {
            "slug": fields.Field("slug", "slug", text),
            "name_en": fields.Field("name_en", "name_en", text),
            "name_ko": fields.Field("name_ko", "name_ko", text),
            "kind": fields.Field("kind", "kind", ChoiceWidget(MemberKind, "kind")),
            "country": fields.Field("country", "country", CountryWidget()),
            "region": fields.Field("region", "region", CodeWidget(Region, organization)),
            "category": fields.Field(
                "category", "category", CodeWidget(MemberCategory, organization)
            ),
            "status": fields.Field(
                "status", "status", ChoiceWidget(MemberStatus, "status", MemberStatus.ACTIVE)
            ),
            "joined": fields.Field("joined", "joined", IsoDateWidget()),
            "fees_paid_through": fields.Field(
                "fees_paid_through", "fees_paid_through", YearWidget()
            ),
            "website": fields.Field("website", "website", text),
            "illustrative": fields.Field("illustrative", "illustrative", YesNoWidget()),
        }
        self._first_line_of_slug: dict[str, int] = {}

    class Meta:
        model = Member
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def get_queryset(self) -> models.QuerySet[Member]:
        return (
            Member.objects.filter(organization=self.organization)
            .select_related("region", "category")
            .order_by("name_en")
        )

    def get_import_id_fields(self) -> tuple[str, ...]:
        return ("slug",)

    def get_export_order(self) -> tuple[str, ...]:
        return tuple(self.fields)

    def get_import_order(self) -> tuple[str, ...]:
        return tuple(self.fields)

    def get_result_class(self) -> type[Result]:
        return LineNumberedResult

    def import_data(self, dataset: Any, *args: Any, **kwargs: Any) -> Any:
        # All or nothing, whoever calls: a validation error anywhere rolls back every row.
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, *args, **kwargs)

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        if self.organization is None:
            raise ValueError("there is no organization to import members into yet")
        headers = [_text(header) for header in dataset.headers or []]
        dataset.headers = headers
        missing = [column for column in REQUIRED_COLUMNS if column not in headers]
        if missing:
            raise ValueError(
                f"the file lacks the column(s) {', '.join(missing)}; "
                f"the columns are: {', '.join(self.fields)}"
            )
        # Lines of the file where each slug first appears, to name duplicates precisely.
        self._first_line_of_slug = {}
        slug_index = headers.index("slug")
        for number, row in enumerate(dataset, start=2):
            self._first_line_of_slug.setdefault(_text(row[slug_index]), number)

    def get_or_init_instance(self, instance_loader: Any, row: Any) -> tuple[Member, bool]:
        instance, new = super().get_or_init_instance(instance_loader, row)
        if new:
            instance.organization = self.organization
        return instance, new

    def import_instance(self, instance: Member, row: Any, **kwargs: Any) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        line = int(kwargs.get("row_number", 0)) + 1
        slug = _text(row.get("slug"))
        if not slug:
            errors.setdefault("slug", []).append(ValidationError("the slug is missing"))
        else:
            try:
                validate_slug(slug)
            except ValidationError:
                errors.setdefault("slug", []).append(
                    ValidationError(
                        f"{slug!r} is not a slug (letters, digits, hyphens, underscores)"
                    )
                )
            first = self._first_line_of_slug.get(slug, line)
            if first < line:
                errors.setdefault("slug", []).append(
                    ValidationError(f"duplicate slug {slug!r}: line {first} already has it")
                )
        if not _text(row.get("name_en")):
            errors.setdefault("name_en", []).append(ValidationError("the English name is missing"))
        if errors:
            raise ValidationError(errors)

    def validate_instance(
        self, instance: Member, import_validation_errors: Any = None, validate_unique: bool = True
    ) -> None:
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            # full_clean reports model-wide problems under NON_FIELD_ERRORS; keep them readable.
            messages = error.message_dict
            if NON_FIELD_ERRORS in messages:
                messages["row"] = messages.pop(NON_FIELD_ERRORS)
            raise ValidationError(messages) from None

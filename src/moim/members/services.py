"""State changes in the member registry: accounts and roles, imports and exports, standing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from import_export.formats.base_formats import Format

from moim.members.enums import Role
from moim.members.models import Member, Organization, good_standing_q
from moim.members.queries import registry_today
from moim.members.resources import ExcelFriendlyCSV, ImportFileError, MemberResource, SafeXLSX
from moim.members.roles import STAFF_ROLES, ensure_role_groups
from moim.members.rules import forget_roles

# ---------------------------------------------------------------------------------------------
# Good standing over members of any organization


def good_standing_any_q(*, on: dt.date | None = None) -> Q:
    """Members in good standing under their own organization's rule, on `on` (the registry's
    today, which MOIM_TODAY may fix for a demonstration)."""
    day = on or registry_today()
    combined = Q(pk__in=[])
    for organization in Organization.objects.all():
        combined |= Q(organization=organization) & good_standing_q(organization, day)
    return combined


def with_good_standing(
    queryset: QuerySet[Member], *, on: dt.date | None = None
) -> QuerySet[Member]:
    """Annotate `good_standing` (a boolean) in the same query, for lists and columns."""
    return queryset.annotate(
        good_standing=Case(
            When(good_standing_any_q(on=on), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


@transaction.atomic
def record_fees_paid(*, members: QuerySet[Member], through: int) -> int:
    """Record that `members` have paid their fees through the year `through`.

    A later year already recorded stays: this never lowers what a member has paid.
    Returns how many members changed.
    """
    return (
        members.filter(Q(fees_paid_through__isnull=True) | Q(fees_paid_through__lt=through))
        .order_by()
        .update(fees_paid_through=through)
    )


# ---------------------------------------------------------------------------------------------
# Accounts and roles


def sync_staff_flag(*, user: AbstractUser) -> None:
    """Back-office roles open the admin: keep `is_staff` equal to holding one of them."""
    if user.is_superuser:
        return
    holds_staff_role = user.groups.filter(name__in=[role.value for role in STAFF_ROLES]).exists()
    if user.is_staff != holds_staff_role:
        user.is_staff = holds_staff_role
        user.save(update_fields=["is_staff"])


@transaction.atomic
def assign_role(*, user: AbstractUser, role: Role) -> None:
    """Give `user` the role's group (created if missing), and the back office if it needs it."""
    group = Group.objects.filter(name=role.value).first()
    if group is None:
        ensure_role_groups()
        group = Group.objects.get(name=role.value)
    user.groups.add(group)
    forget_roles(user)
    sync_staff_flag(user=user)


@transaction.atomic
def remove_role(*, user: AbstractUser, role: Role) -> None:
    """Take the role's group away from `user`; the back office closes with its last staff role."""
    user.groups.remove(*Group.objects.filter(name=role.value))
    forget_roles(user)
    sync_staff_flag(user=user)


@transaction.atomic
def create_secretariat_account(
    *, username: str, email: str, password: str | None = None
) -> tuple[AbstractUser, bool]:
    """Create or update a secretariat login (staff, secretariat role). Safe to run again.

    A new account without a password gets an unusable one: its owner sets it through the
    password reset e-mail. An existing account keeps its password unless one is given.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"email": email, "is_staff": True}
    )
    assert isinstance(user, AbstractUser)
    user.email = email
    user.is_active = True
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    assign_role(user=user, role=Role.SECRETARIAT)
    return user, created


# ---------------------------------------------------------------------------------------------
# Import and export of members

FILE_FORMATS: dict[str, type[Format]] = {"csv": ExcelFriendlyCSV, "xlsx": SafeXLSX}


@dataclass(frozen=True)
class RowProblem:
    """One bad row: its line in the file (the header is line 1) and what is wrong with it."""

    line: int
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line}: " + "; ".join(self.reasons)


@dataclass
class ImportReport:
    """What an import did, or, with problems, why it did nothing."""

    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problems


def file_format_for(name: str, explicit: str | None = None) -> str:
    """The format name ("csv" or "xlsx") from an explicit choice or the file's extension."""
    chosen = (explicit or name.rsplit(".", 1)[-1]).lower()
    if chosen not in FILE_FORMATS:
        raise ImportFileError(
            f"unsupported file format {chosen!r}: use one of {', '.join(FILE_FORMATS)}"
        )
    return chosen


def read_dataset(*, data: bytes, file_format: str) -> Any:
    """Read bytes into a tablib Dataset, or raise ImportFileError saying why not."""
    fmt = FILE_FORMATS[file_format_for("", file_format)]()
    try:
        return fmt.create_dataset(data)
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(
            f"the file cannot be read as {file_format.upper()}: {error}"
        ) from error


def report_from_result(result: Any, *, dry_run: bool) -> ImportReport:
    """Turn an import-export Result into an ImportReport with one entry per bad row."""
    report = ImportReport(dry_run=dry_run)
    for base_error in result.base_errors:
        report.file_problems.append(str(base_error.error))
    for invalid in result.invalid_rows:
        reasons = tuple(
            f"{name}: {message}" if name != "__all__" else str(message)
            for name, messages in invalid.error_dict.items()
            for message in messages
        )
        report.problems.append(RowProblem(line=invalid.number, reasons=reasons))
    for error_row in result.error_rows:
        report.problems.append(
            RowProblem(line=error_row.number, reasons=tuple(str(e.error) for e in error_row.errors))
        )
    report.problems.sort(key=lambda problem: problem.line)
    totals = result.totals
    report.created = totals.get("new", 0)
    report.updated = totals.get("update", 0)
    report.unchanged = totals.get("skip", 0)
    return report


def import_members(
    *, organization: Organization, data: bytes, file_format: str, dry_run: bool = False
) -> ImportReport:
    """Create or update members (matched by slug) from a CSV or XLSX file: all rows or none.

    Every row is checked first; if any row is bad, nothing is stored and the report lists
    each bad row with its line and reasons.
    """
    try:
        dataset = read_dataset(data=data, file_format=file_format)
    except ImportFileError as error:
        report = ImportReport(dry_run=dry_run)
        report.file_problems.append(str(error))
        return report
    resource = MemberResource(organization=organization)
    result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False)
    return report_from_result(result, dry_run=dry_run)


def export_members(
    *, organization: Organization, file_format: str, byte_order_mark: bool = False
) -> bytes:
    """Every member of `organization` in the import columns, so the file imports back cleanly.

    `byte_order_mark` starts a CSV with the mark Excel needs to read it as UTF-8 (downloads).
    """
    fmt = FILE_FORMATS[file_format_for("", file_format)]()
    if isinstance(fmt, ExcelFriendlyCSV):
        fmt.byte_order_mark = byte_order_mark
    resource = MemberResource(organization=organization)
    dataset = resource.export(resource.get_queryset())
    exported = fmt.export_data(dataset)
    return exported.encode("utf-8") if isinstance(exported, str) else bytes(exported)

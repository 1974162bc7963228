"""One error body for the whole API, and the handlers that map every refusal to it.

Every answer that is not a success has the same shape (`ErrorOut`): the HTTP status, a short
machine-readable `code`, a `detail` in the reader's language (Accept-Language) and, for input
that does not match the schema, one entry per field in `errors`. The statuses mean:

- 400 `refused`: the rules refused the request's content (a ballot, a score, a registration);
- 401 `unauthenticated`: the operation needs a logged-in session;
- 403 `forbidden`: the session may not do this (or the CSRF token is missing);
- 404 `not_found`: nothing here for this reader (also what an outsider gets for a hidden record);
- 409 `conflict`: the request is fine but the record's state forbids it now;
- 422 `invalid`: the request does not match the schema; nothing ran.

The services refuse with the kinds of `moim.errors`, and each kind has one status here
(`KIND_STATUS`), whichever router called the service: no operation translates a refusal itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from moim.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound


class FieldError(Schema):
    field: str = Field(description="Where the problem is: `body.full_name`, `query.tz`, …")
    detail: str = Field(description="What is wrong with it, in the reader's language.")


class ErrorOut(Schema):
    status: int = Field(description="The HTTP status, repeated.")
    code: str = Field(
        description="refused, unauthenticated, forbidden, not_found, conflict, invalid, throttled"
    )
    detail: str = Field(description="What is wrong, in the reader's language.")
    errors: list[FieldError] = Field(
        default_factory=list,
        description="One entry per field at fault: for `invalid`, and for a refusal naming one.",
    )


CODES = {
    400: "refused",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    409: "conflict",
    422: "invalid",
    429: "throttled",
}

# Each kind of refusal the services raise, and the one status it answers with.
KIND_STATUS: dict[type[DomainError], int] = {
    Invalid: 400,
    NotAllowed: 403,
    NotFound: 404,
    Conflict: 409,
}

# What an operation that calls a service declares it may answer, besides its own statuses.
REFUSALS = (400, 409)


def kind_status(error: DomainError) -> int:
    """The status of `error`'s kind (the nearest in its class's ancestry)."""
    kinds = (KIND_STATUS[kind] for kind in type(error).__mro__ if kind in KIND_STATUS)
    return next(kinds, 400)


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses an operation declares, each with the one error body."""
    return dict.fromkeys(statuses, ErrorOut)


def error_body(status: int, detail: str, problems: Iterable[FieldError] = ()) -> dict[str, Any]:
    return ErrorOut(
        status=status, code=CODES[status], detail=detail, errors=list(problems)
    ).model_dump()


def _field(loc: Iterable[Any]) -> str:
    # ninja puts the parameter's own name second ("body", "payload", "email"); readers know the
    # body as a whole, so that name is left out.
    parts = [str(part) for part in loc]
    if len(parts) >= 2 and parts[0] == "body" and parts[1] == "payload":
        parts = [parts[0], *parts[2:]]
    return ".".join(parts)


def _problem(error: Mapping[str, Any]) -> str:
    """A pydantic error in the reader's language; unknown kinds keep a generic sentence."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("At least %(n)s characters.") % {"n": ctx.get("min_length")}
    if kind == "too_long":
        return _("At most %(n)s items.") % {"n": ctx.get("max_length")}
    if kind == "too_short":
        return _("At least %(n)s items.") % {"n": ctx.get("min_length")}
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return _("Must be at least %(n)s.") % {"n": bound}
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return _("Must be at most %(n)s.") % {"n": bound}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Must be a whole number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Must be true or false.")
    if kind in ("string_type", "string_unicode"):
        return _("Must be text.")
    if kind in ("enum", "literal_error"):
        return _("Must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "string_pattern_mismatch":
        return _("Does not have the expected form.")
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    if kind in ("dict_type", "list_type", "model_type", "model_attributes_type"):
        return _("Has the wrong type.")
    if kind == "value_error":
        # Raised by Moim's own validators, whose messages are already translated.
        return str(ctx.get("error", error.get("msg", "")))
    return _("Is not valid.")


def field_errors(raw: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    return [FieldError(field=_field(e.get("loc", ())), detail=_problem(e)) for e in raw]


def invalid(field: str, detail: str) -> ValidationError:
    """A 422 for one parameter that the schema cannot check (a time zone the server knows)."""
    loc = field.split(".")
    return ValidationError([{"loc": loc, "type": "value_error", "ctx": {"error": detail}}])


def install(api: NinjaAPI) -> None:
    """Map every refusal the API can meet to the one error body.

    The handlers take `Any` for the exception: ninja's stubs type a handler per class it is
    registered for, which one function serving several classes cannot satisfy.
    """

    def respond(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, error_body(status, detail, **extra), status=status)

    def on_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        problems = field_errors(exc.errors)
        summary = "; ".join(f"{p.field}: {p.detail}" for p in problems)
        return respond(
            request,
            422,
            _("The request does not match the schema: %(problems)s") % {"problems": summary},
            problems=problems,
        )

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        status = exc.status_code if exc.status_code in CODES else 400
        if isinstance(exc, AuthenticationError):
            return respond(request, 401, _("Log in to do this."))
        if isinstance(exc, Throttled):
            return respond(request, 429, _("Too many requests; try again in a moment."))
        # ninja's own refusals carry fixed English words; they are named here instead.
        if status == 403 and str(exc) == "CSRF check Failed":
            return respond(request, 403, _("The CSRF token is missing or wrong."))
        if status == 400 and str(exc).startswith("Cannot parse request body"):
            problem = FieldError(field="body", detail=_("The body is not valid JSON."))
            return respond(
                request,
                422,
                _("The request does not match the schema: %(problems)s")
                % {"problems": f"body: {problem.detail}"},
                problems=[problem],
            )
        return respond(request, status, str(exc))

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        # Always the same words: a hidden record and a missing one must not be told apart.
        return respond(request, 404, _("Nothing was found here."))

    def on_forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return respond(request, 403, str(exc) or _("You may not do this."))

    def on_domain(request: HttpRequest, exc: Any) -> HttpResponse:
        status = kind_status(exc)
        if status == 404:
            return on_not_found(request, exc)
        field = [FieldError(field=exc.field, detail=exc.message)] if exc.field else []
        return respond(request, status, exc.message, problems=field)

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_forbidden)
    api.add_exception_handler(DomainError, on_domain)

"""Files that come in: refused early when too large, and judged by what they contain.

- A request body over `MOIM_MAX_UPLOAD_MB` is refused from its declared length before it is
  read (`UploadLimitMiddleware`, and `limit_request_body` in front of the ASGI application for
  bodies sent without a length); `LimitedUploadHandler` stops a multipart upload that grows past
  the limit while it streams in.
- A spreadsheet is checked before a parser sees it: CSV must be text (no binary signature, no
  NUL or other control bytes), XLSX must be a zip holding the OOXML parts whose declared
  uncompressed sizes stay under `MOIM_MAX_UNPACKED_MB` and a sane compression ratio, so that a
  zip bomb is refused before openpyxl unpacks anything. Python's zipfile never inflates an entry
  past its declared size, so the declared sizes bound what openpyxl can be made to read.
- Other files (award attachments) are typed by their magic bytes with `filetype`, never by name.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

MB = 1024 * 1024
# A compressed entry that inflates more than this many times is a bomb, not a spreadsheet
# (real XLSX parts inflate 5 to 30 times); small entries cannot hurt and are not judged.
MAX_COMPRESSION_RATIO = 200
RATIO_JUDGED_FROM = 1 * MB
MAX_ZIP_ENTRIES = 10_000
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# Bytes that never occur in a text file (C0 controls other than tab, newline, carriage return).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnacceptableFile(ValueError):
    """The file is refused; the message says why, for the person who sent it."""


def max_upload_bytes() -> int:
    return int(settings.MOIM_MAX_UPLOAD_MB) * MB


def max_unpacked_bytes() -> int:
    return int(settings.MOIM_MAX_UNPACKED_MB) * MB


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}"


def too_large_message(size: int) -> str:
    return _("The upload is %(size)s MB; the limit is %(limit)d MB.") % {
        "size": _megabytes(size),
        "limit": settings.MOIM_MAX_UPLOAD_MB,
    }


# ---------------------------------------------------------------------------------------------
# Size of a request


def _too_large_response(path: str, size: int) -> HttpResponse:
    message = too_large_message(size)
    if path.startswith("/api/"):
        return HttpResponse(
            json.dumps({"message": message}), status=413, content_type="application/json"
        )
    return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


class UploadLimitMiddleware:
    """413 for a request whose declared length is over the limit, before its body is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_upload_bytes():
            return _too_large_response(request.path, length)
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """First of the upload handlers: stops a multipart body that streams past the limit."""

    received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.received = 0
        if content_length > max_upload_bytes():
            raise RequestDataTooBig(too_large_message(content_length))

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            raise RequestDataTooBig(too_large_message(self.received))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


type Scope = dict[str, Any]
type Message = Mapping[str, Any]
type Receive = Callable[[], Awaitable[Message]]
type Send = Callable[[Message], Awaitable[None]]
type ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def limit_request_body(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI application: Django's ASGI handler reads a whole body to a temporary file
    before any middleware runs, so a body over the limit is refused here, by its declared
    length (413) or, sent without one, by cutting it off as a client disconnect."""

    async def limited(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        limit = max_upload_bytes()
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length" and value.isdigit() and int(value) > limit:
                body = too_large_message(int(value)).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 413,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    return {"type": "http.disconnect"}
            return message

        await app(scope, counted, send)

    return limited


# ---------------------------------------------------------------------------------------------
# What a file holds


def kind_of(data: bytes) -> Any:
    """What the file's first bytes say it is (a `filetype` type), or None."""
    return filetype.guess(data[:8192]) if data else None


def check_text(data: bytes, *, label: str) -> None:
    """Refuse bytes that are not text: a known binary signature, NUL or control bytes."""
    kind = kind_of(data)
    if kind is not None:
        raise UnacceptableFile(
            _("The file is not %(label)s text: its content is %(kind)s (.%(extension)s).")
            % {"label": label, "kind": kind.mime, "extension": kind.extension}
        )
    bad = _CONTROL_BYTES.search(data)
    if bad is not None:
        raise UnacceptableFile(
            _(
                "The file is not %(label)s text: it holds the control byte 0x%(byte)02X "
                "at byte %(position)d of the file."
            )
            % {"label": label, "byte": bad.group()[0], "position": bad.start() + 1}
        )


def check_xlsx(data: bytes) -> None:
    """Refuse anything openpyxl should not open: not a zip, no workbook, or one that unpacks
    to more than the limit (by the zip directory's declared sizes, before unpacking)."""
    if not data.startswith(b"PK\x03\x04"):
        kind = kind_of(data)
        what = f"{kind.mime} (.{kind.extension})" if kind is not None else _("not a zip archive")
        raise UnacceptableFile(
            _("The file is not an Excel workbook (XLSX): its content is %(kind)s.") % {"kind": what}
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise UnacceptableFile(
            _("The file is not a readable Excel workbook (XLSX): %(error)s") % {"error": error}
        ) from error
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnacceptableFile(
            _("The workbook holds %(count)d parts; at most %(limit)d are accepted.")
            % {"count": len(entries), "limit": MAX_ZIP_ENTRIES}
        )
    names = {entry.filename for entry in entries}
    missing = [part for part in XLSX_PARTS if part not in names]
    if missing:
        raise UnacceptableFile(
            _("The file is not an Excel workbook (XLSX): it lacks %(parts)s.")
            % {"parts": ", ".join(missing)}
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_unpacked_bytes():
        raise UnacceptableFile(
            _("The workbook would unpack to %(size)s MB; the limit is %(limit)d MB.")
            % {"size": _megabytes(unpacked), "limit": settings.MOIM_MAX_UNPACKED_MB}
        )
    for entry in entries:
        if entry.file_size < RATIO_JUDGED_FROM:
            continue
        if entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1):
            raise UnacceptableFile(
                _(
                    "The workbook's part %(part)s inflates %(ratio)d times; at most %(limit)d "
                    "is accepted (this looks like a zip bomb)."
                )
                % {
                    "part": entry.filename,
                    "ratio": entry.file_size // max(entry.compress_size, 1),
                    "limit": MAX_COMPRESSION_RATIO,
                }
            )

"""Files in: refused when too large before they are read, and judged by their content."""

from __future__ import annotations

import asyncio
import functools
import io
import struct
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import Client, override_settings

from moim.uploads import (
    LimitedUploadHandler,
    UnacceptableFile,
    check_text,
    check_xlsx,
    limit_request_body,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


SHEET = "xl/worksheets/sheet1.xml"


@functools.cache
def zip_bomb(unpacked_mb: int) -> bytes:
    """An XLSX-shaped zip whose sheet inflates to `unpacked_mb` megabytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(SHEET, "w") as sheet:
            chunk = b"0" * (1024 * 1024)
            for _ in range(unpacked_mb):
                sheet.write(chunk)
    return buffer.getvalue()


def hollowed(archive: bytes, name: str = SHEET) -> bytes:
    """`archive` with the compressed data of `name` overwritten by bytes that inflate to
    nothing: its directory still declares the sizes, but whoever unpacks it gets an error."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        info = opened.getinfo(name)
    header = info.header_offset
    name_length, extra_length = struct.unpack("<HH", data[header + 26 : header + 30])
    start = header + 30 + name_length + extra_length
    data[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(data)


def test_xlsx_zip_bomb_is_refused_from_its_directory_before_unpacking() -> None:
    # Its sheet cannot be inflated: the refusal can only come from the sizes its directory
    # declares, read before anything is unpacked.
    bomb = hollowed(zip_bomb(64))
    assert len(bomb) < 1024 * 1024  # small on the wire
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive, pytest.raises(zlib.error):
        archive.read(SHEET)

    with pytest.raises(UnacceptableFile, match=r"would unpack to 64\.0 MB; the limit is 50 MB"):
        check_xlsx(bomb)


def test_xlsx_part_that_inflates_too_much_is_refused_under_the_size_limit() -> None:
    with pytest.raises(UnacceptableFile, match=r"inflates .* times; at most 200 .*zip bomb"):
        check_xlsx(zip_bomb(20))


def test_xlsx_without_workbook_parts_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")

    with pytest.raises(UnacceptableFile, match=r"lacks \[Content_Types\].xml, xl/workbook.xml"):
        check_xlsx(buffer.getvalue())


def test_png_is_not_an_xlsx() -> None:
    with pytest.raises(UnacceptableFile, match=r"its content is image/png \(\.png\)"):
        check_xlsx(PNG)


def test_png_is_not_csv_text() -> None:
    with pytest.raises(UnacceptableFile, match=r"not CSV text: its content is image/png"):
        check_text(PNG, label="CSV")


def test_nul_bytes_are_not_csv_text() -> None:
    with pytest.raises(UnacceptableFile, match="control byte 0x00 at byte 6 of the file"):
        check_text(b"slug,\x00name\n", label="CSV")


def test_plain_text_passes() -> None:
    check_text("slug,name\nseoul,서울\n".encode(), label="CSV")


@override_settings(MOIM_MAX_UPLOAD_MB=1)
def test_oversized_upload_is_refused_from_its_length_before_it_is_read(
    client: Client, db: None
) -> None:
    body = b"x" * (2 * 1024 * 1024)

    response = client.generic(
        "POST", "/en/assemblies/1/register/", body, content_type="application/octet-stream"
    )

    assert response.status_code == 413
    assert response.content.decode() == "The upload is 2.0 MB; the limit is 1 MB."


@override_settings(MOIM_MAX_UPLOAD_MB=1)
def test_oversized_api_request_gets_a_json_reason(client: Client, db: None) -> None:
    response = client.generic(
        "POST",
        "/api/assemblies/1/registrations",
        b"{" + b" " * (2 * 1024 * 1024) + b"}",
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json() == {"message": "The upload is 2.0 MB; the limit is 1 MB."}


@override_settings(MOIM_MAX_UPLOAD_MB=1)
def test_upload_handler_stops_a_body_that_streams_past_the_limit() -> None:
    handler = LimitedUploadHandler()
    handler.handle_raw_input(None, {}, 0, b"boundary")
    handler.receive_data_chunk(b"x" * (512 * 1024), 0)

    with pytest.raises(RequestDataTooBig, match="the limit is 1 MB"):
        handler.receive_data_chunk(b"x" * (600 * 1024), 512 * 1024)


def run_apart(awaitable: Any) -> None:
    """Run a coroutine to its end on an event loop of its own thread: a test that ran earlier in
    this process may have left its loop set on the main thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, awaitable).result()


class Recorder:
    def __init__(self, messages: list[dict[str, Any]]) -> None:
        self.incoming = messages
        self.sent: list[dict[str, Any]] = []
        self.app_saw: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        return self.incoming.pop(0)

    async def send(self, message: Any) -> None:
        self.sent.append(dict(message))

    async def app(self, scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            self.app_saw.append(message)
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                return


@override_settings(MOIM_MAX_UPLOAD_MB=1)
def test_asgi_refuses_a_declared_oversized_body_without_calling_django() -> None:
    recorder = Recorder([])
    scope = {"type": "http", "headers": [(b"content-length", str(5 * 1024 * 1024).encode())]}

    run_apart(limit_request_body(recorder.app)(scope, recorder.receive, recorder.send))

    assert recorder.app_saw == []
    assert recorder.sent[0]["status"] == 413
    assert recorder.sent[1]["body"] == b"The upload is 5.0 MB; the limit is 1 MB."


@override_settings(MOIM_MAX_UPLOAD_MB=1)
def test_asgi_cuts_off_an_undeclared_body_past_the_limit() -> None:
    chunk = {"type": "http.request", "body": b"x" * (512 * 1024), "more_body": True}
    recorder = Recorder([dict(chunk) for _ in range(10)])
    scope = {"type": "http", "headers": []}

    run_apart(limit_request_body(recorder.app)(scope, recorder.receive, recorder.send))

    assert [m["type"] for m in recorder.app_saw] == ["http.request"] * 2 + ["http.disconnect"]
    assert len(recorder.incoming) == 7  # the rest was never read

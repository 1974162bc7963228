"""Award attachments are typed by their content (magic bytes), never by their name."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from moim.awards import services
from moim.awards.models import Edition
from moim.errors import Invalid
from moim.members.models import Member
from tests.awards.conftest import make_entry
from tests.test_uploads import PNG


def office_file(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


DOCX = office_file("[Content_Types].xml", "_rels/.rels", "word/document.xml")
PPTX = office_file("[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml")
PLAIN_ZIP = office_file("payload.exe", "readme.txt")


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        ("plan.docx", PLAIN_ZIP, "application/zip (.zip)"),
        ("plan.docx", PPTX, "presentationml.presentation (.pptx)"),
        ("photo.jpg", PNG, "image/png (.png)"),
        ("report.pdf", b"<html><script>alert(1)</script></html>", "unknown"),
    ],
)
def test_an_attachment_whose_content_is_another_type_is_refused(
    edition: Edition, city_a: Member, delegate_a: Any, name: str, data: bytes, found: str
) -> None:
    entry = make_entry(edition, city_a, created_by=delegate_a)

    with pytest.raises(Invalid, match=re.escape(found)) as refused:
        services.add_attachment(entry=entry, upload=SimpleUploadedFile(name, data), by=delegate_a)

    assert f"“{name}” does not contain what its name says" in str(refused.value)
    assert entry.attachments.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        (
            "plan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "slides.pptx",
            PPTX,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("photo.png", PNG, "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    ],
)
def test_an_attachment_is_kept_with_the_type_its_content_has(
    edition: Edition,
    city_a: Member,
    delegate_a: Any,
    settings: Any,
    tmp_path: Any,
    name: str,
    data: bytes,
    content_type: str,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    entry = make_entry(edition, city_a, created_by=delegate_a)

    attachment = services.add_attachment(
        entry=entry, upload=SimpleUploadedFile(name, data), by=delegate_a
    )

    assert attachment.content_type == content_type
    assert attachment.file.read() == data

"""Attachments are judged by their content: a file must really be what its name says."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import InvalidInput
from servicedesk import actions
from servicedesk.actions.incidents import validate_upload
from servicedesk.filetypes import CONTENT_CHECKS
from servicedesk.models import Attachment, Incident
from servicedesk.models.incidents import ALLOWED_EXTENSIONS

pytestmark = pytest.mark.django_db

WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def office_file(part: str) -> bytes:
    """A minimal Office Open XML package holding `part`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<xml/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    """A ZIP archive that is not an Office document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "alert(1)")
    return buffer.getvalue()


GOOD = {
    "report.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    "screen.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "photo.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "photo.jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif\x00",
    "anim.gif": b"GIF89a\x01\x00\x01\x00",
    "notes.txt": "Café closed — printer jammed\n".encode(),
    "errors.log": b"2026-11-23 ERROR boom\n",
    "export.csv": b"\xef\xbb\xbfname,count\nEmail,3\n",
    "letter.docx": office_file("word/document.xml"),
    "budget.xlsx": office_file("xl/workbook.xml"),
    "message.eml": b"From: someone@example.gov.uk\r\nSubject: Hi\r\n\r\nBody\r\n",
}

BAD = {
    "invoice.pdf": WINDOWS_EXE,
    "screen.png": b"GIF89a\x01\x00\x01\x00",
    "photo.jpg": b"\x89PNG\r\n\x1a\n\x00\x00",
    "anim.gif": b"<svg onload=alert(1)>",
    "notes.txt": WINDOWS_EXE,
    "latin1.csv": "Café,1\n".encode("latin-1"),
    "utf16.txt": "hello".encode("utf-16"),
    "letter.docx": plain_zip(),
    "budget.xlsx": office_file("word/document.xml"),
    "broken.docx": b"PK\x03\x04 not really a zip",
    "message.eml": b"\x00\x01binary",
}


def test_should_have_a_content_check_for_every_allowed_type():
    assert set(CONTENT_CHECKS) == set(ALLOWED_EXTENSIONS)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_should_accept_files_whose_content_matches_their_name(name):
    assert validate_upload(SimpleUploadedFile(name, GOOD[name]))[0] == name


@pytest.mark.parametrize("name", sorted(BAD))
def test_should_refuse_files_whose_content_is_not_what_their_name_says(name):
    with pytest.raises(InvalidInput, match=r"is not .*as its name says") as refusal:
        validate_upload(SimpleUploadedFile(name, BAD[name]))
    assert refusal.value.field == "attachments" and name in refusal.value.message


def test_should_refuse_an_exe_renamed_pdf_and_keep_nothing(desk, log_call, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    incident = log_call()
    renamed = SimpleUploadedFile("invoice.pdf", WINDOWS_EXE, "application/pdf")
    with pytest.raises(InvalidInput, match="invoice.pdf is not a PDF document"):
        actions.do_add_comment(
            incident.pk, actor=desk.agent, body="see attached", attachments=[renamed]
        )
    assert not incident.comments.exists() and not Attachment.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_should_show_the_refusal_on_the_portal_form(desk, settings, tmp_path):
    from django.test import Client

    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(desk.requester_north)
    response = client.post(
        "/portal/calls/new/",
        {
            "service": desk.email.pk,
            "short_description": "Printer",
            "impact": 3,
            "attachments": [SimpleUploadedFile("scan.png", WINDOWS_EXE, "image/png")],
        },
    )
    assert response.status_code == 200
    assert "scan.png is not a PNG image" in response.content.decode()
    assert not Incident.objects.exists()


def test_should_store_the_whole_file_after_checking_it(desk, log_call, settings, tmp_path):
    """The check reads the file; what is stored must still be every byte of it."""
    settings.MEDIA_ROOT = tmp_path
    content = GOOD["budget.xlsx"]
    incident = log_call(attachments=[SimpleUploadedFile("budget.xlsx", content)])
    with incident.attachments.get().file.open("rb") as stored:
        assert stored.read() == content

"""What an uploaded file really is, judged by its content rather than by its name.

The desk accepts few types, so each has a short, exact check of its own: the magic bytes
of PDF and the image formats, the parts every Word and Excel file contains, and for text a
strict UTF-8 decode without NUL bytes. Generic sniffing libraries were not worth a
dependency: the maintained pure-Python ones still only look at the first bytes, which
cannot tell a .docx from any other ZIP file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

# Files are read whole (uploads are capped at 10 MB before this runs); this much suffices
# for the signature checks.
HEAD_BYTES = 2048

# An RFC 5322 header line: a field name of printable characters but the colon, then ":".
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


def _starts_with(*signatures: bytes) -> Callable[[bytes, object], bool]:
    """A check that the file begins with one of `signatures`."""
    return lambda head, upload: head.startswith(signatures)


def _is_pdf(head: bytes, upload) -> bool:
    """PDF readers accept the %PDF- header anywhere in the first kilobyte."""
    return b"%PDF-" in head[:1024]


def _is_utf8_text(head: bytes, upload) -> bool:
    """Whole file valid UTF-8 (a BOM is fine) with no NUL byte: a binary has NULs."""
    data = _read_all(upload)
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def _is_email(head: bytes, upload) -> bool:
    """A saved message: no NUL byte, and it opens with a header line ("From: …")."""
    data = _read_all(upload)
    return b"\x00" not in data and bool(_HEADER_LINE.match(data.lstrip(b"\xef\xbb\xbf")))


def _office_check(part: str) -> Callable[[bytes, object], bool]:
    """An Office Open XML file: a ZIP whose parts include [Content_Types].xml and `part`."""

    def check(head: bytes, upload) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            # Only the central directory is read: nothing is decompressed.
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and part in names

    return check


def _read_all(upload) -> bytes:
    """The whole upload (already capped in size), from its start."""
    upload.seek(0)
    return upload.read()


# Extension -> (what to call it in a message, check of its content).
CONTENT_CHECKS: dict[str, tuple[str, Callable[[bytes, object], bool]]] = {
    ".pdf": ("a PDF document", _is_pdf),
    ".png": ("a PNG image", _starts_with(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("a JPEG image", _starts_with(b"\xff\xd8\xff")),
    ".jpeg": ("a JPEG image", _starts_with(b"\xff\xd8\xff")),
    ".gif": ("a GIF image", _starts_with(b"GIF87a", b"GIF89a")),
    ".txt": ("UTF-8 text", _is_utf8_text),
    ".log": ("UTF-8 text", _is_utf8_text),
    ".csv": ("UTF-8 text", _is_utf8_text),
    ".docx": ("a Word document", _office_check("word/document.xml")),
    ".xlsx": ("an Excel workbook", _office_check("xl/workbook.xml")),
    ".eml": ("a saved email", _is_email),
}


def content_matches(upload, suffix: str) -> bool:
    """True if the upload's content is what its extension `suffix` says it is."""
    label_and_check = CONTENT_CHECKS.get(suffix)
    if label_and_check is None:
        return False
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    try:
        return label_and_check[1](head, upload)
    finally:
        upload.seek(0)


def expected_kind(suffix: str) -> str:
    """How to name the type a file with this extension should be, for a message."""
    return CONTENT_CHECKS[suffix][0]

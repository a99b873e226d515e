"""Attachments of progress reports: which files are accepted, decided by their content.

A file's name and the browser's content type are whatever the sender says; the first bytes
are what the file is. We accept PDF, PNG/JPEG/GIF images and office files: docx, xlsx,
pptx (zip containers, recognised by their ``[Content_Types].xml``), odt and ods (zip
containers, recognised by their ``mimetype`` entry) and legacy doc and xls (OLE containers,
recognised by their ``WordDocument`` or ``Workbook`` stream). Executables are refused with a
message that says so; so are office files with macros, SVG (scripts) and anything else.

The stored file gets the extension of what it is, not of what it was called.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    mime: str
    extension: str


PDF = FileKind("application/pdf", "pdf")
PNG = FileKind("image/png", "png")
JPEG = FileKind("image/jpeg", "jpg")
GIF = FileKind("image/gif", "gif")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
ODT = FileKind("application/vnd.oasis.opendocument.text", "odt")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", "ods")
DOC = FileKind("application/msword", "doc")
XLS = FileKind("application/vnd.ms-excel", "xls")

ACCEPTED = (PDF, PNG, JPEG, GIF, DOCX, XLSX, PPTX, ODT, ODS, DOC, XLS)

# First bytes of the formats accepted outright.
_SIMPLE_MAGIC = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
# Programs: Windows (MZ), Linux (ELF), macOS (Mach-O, fat binaries; also Java classes),
# scripts with a shebang. Named in the refusal, since a renamed program is the case to catch.
_EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Main parts of the Office Open XML formats in [Content_Types].xml.
_OOXML_MAIN = (
    ("wordprocessingml.document.main+xml", DOCX),
    ("spreadsheetml.sheet.main+xml", XLSX),
    ("presentationml.presentation.main+xml", PPTX),
)
_ODF_MIMETYPES = {ODT.mime: ODT, ODS.mime: ODS}
# Small entries only: a zip bomb must not get us to inflate it.
_MAX_MANIFEST_BYTES = 1024 * 1024


def max_bytes() -> int:
    return settings.MAX_BIJLAGE_MB * 1024 * 1024


def check_upload(upload) -> FileKind:
    """What the uploaded file is, by its content; raises ValidationError (Dutch, naming the
    file) when it is too large, empty or not an accepted kind. Reads the file (at most the
    size limit) and leaves it at its start."""
    name = getattr(upload, "name", "") or _("the file")
    size = upload.size
    if size > max_bytes():
        raise ValidationError(
            _("%(name)s is %(size)s MB; an attachment may be at most %(max)s MB.")
            % {
                "name": name,
                "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
                "max": settings.MAX_BIJLAGE_MB,
            },
            code="too_large",
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    try:
        return _detect(upload, head, name)
    finally:
        upload.seek(0)


def _refuse_unknown(name: str) -> ValidationError:
    return ValidationError(
        _(
            "%(name)s is not a PDF, an image (PNG, JPEG, GIF) or an office file (Word, Excel, "
            "PowerPoint, OpenDocument). Only those can be attached."
        )
        % {"name": name},
        code="type",
    )


def _refuse_macros(name: str) -> ValidationError:
    return ValidationError(
        _(
            "%(name)s contains macros. For safety, attach it without macros (for example "
            "saved as .docx or .xlsx, or as PDF)."
        )
        % {"name": name},
        code="macros",
    )


def _detect(upload, head: bytes, name: str) -> FileKind:
    for magic, kind in _SIMPLE_MAGIC:
        if head.startswith(magic):
            return kind
    if any(head.startswith(magic) for magic in _EXECUTABLE_MAGIC):
        raise ValidationError(
            _(
                "%(name)s is a program, not a document, whatever its name says. For "
                "safety only PDF, image and office files can be attached."
            )
            % {"name": name},
            code="executable",
        )
    if head.startswith(_ZIP_MAGIC):
        return _detect_zip(upload, name)
    if head.startswith(_OLE_MAGIC):
        return _detect_ole(upload, name)
    raise _refuse_unknown(name)


def _read_small(archive: zipfile.ZipFile, entry: str) -> bytes | None:
    try:
        info = archive.getinfo(entry)
    except KeyError:
        return None
    if info.file_size > _MAX_MANIFEST_BYTES:
        return None
    return archive.read(info)


def _detect_zip(upload, name: str) -> FileKind:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            content_types = _read_small(archive, "[Content_Types].xml")
            mimetype = _read_small(archive, "mimetype")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _refuse_unknown(name) from None
    if content_types is not None:
        text = content_types.decode("utf-8", "replace")
        if "macroenabled" in text.lower() or any(
            n.lower().endswith("vbaproject.bin") for n in names
        ):
            raise _refuse_macros(name)
        for marker, kind in _OOXML_MAIN:
            if marker in text:
                return kind
        raise _refuse_unknown(name)
    if mimetype is not None:
        kind = _ODF_MIMETYPES.get(mimetype.decode("ascii", "replace").strip())
        if kind is None:
            raise _refuse_unknown(name)
        if any(n.startswith(("Basic/", "Scripts/")) for n in names):
            raise _refuse_macros(name)
        return kind
    raise _refuse_unknown(name)


def _ole_entry_names(data: bytes) -> set[str]:
    """The names of the storages and streams in an OLE (Compound File Binary) container:
    the directory sectors, followed through the FAT. Raises ValueError when the container
    is malformed."""
    end = 0xFFFFFFFA  # sector numbers from here on are markers (end of chain, free, ...)
    shift = int.from_bytes(data[30:32], "little")
    if shift not in (9, 12):
        raise ValueError("sector size")
    size = 1 << shift

    def sector(number: int) -> bytes:
        start = (number + 1) * size
        if number >= end or start >= len(data):
            raise ValueError("sector out of range")
        return data[start : start + size]

    def ints(block: bytes) -> list[int]:
        return [int.from_bytes(block[i : i + 4], "little") for i in range(0, len(block), 4)]

    fat_count = int.from_bytes(data[44:48], "little")
    fat_sectors = ints(data[76:512])
    difat = int.from_bytes(data[68:72], "little")
    guard = 0
    while difat < end and len(fat_sectors) < fat_count:
        guard += 1
        if guard > 1000:
            raise ValueError("DIFAT loop")
        block = ints(sector(difat))
        fat_sectors += block[:-1]
        difat = block[-1]
    fat: list[int] = []
    for number in fat_sectors[:fat_count]:
        fat += ints(sector(number))

    names: set[str] = set()
    number = int.from_bytes(data[48:52], "little")
    seen: set[int] = set()
    while number < end:
        if number in seen or number >= len(fat):
            raise ValueError("directory chain")
        seen.add(number)
        block = sector(number)
        for offset in range(0, size, 128):
            entry = block[offset : offset + 128]
            length = int.from_bytes(entry[64:66], "little")
            if entry[66:67] in (b"\x01", b"\x02") and 2 <= length <= 64:
                names.add(entry[: length - 2].decode("utf-16-le", "replace"))
        number = fat[number]
    return names


def _detect_ole(upload, name: str) -> FileKind:
    # The file is at most the size limit, so reading it whole is fine.
    try:
        names = _ole_entry_names(upload.read())
    except ValueError:
        raise _refuse_unknown(name) from None
    if names & {"Macros", "_VBA_PROJECT_CUR", "VBA"}:
        raise _refuse_macros(name)
    if "WordDocument" in names:
        return DOC
    if names & {"Workbook", "Book"}:
        return XLS
    raise _refuse_unknown(name)

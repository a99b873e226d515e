"""The attachment checks of acties/uploads.py that the report tests do not reach: an empty
file, an OpenDocument file with macros, an Office Open XML file whose only sign of macros
is its vbaProject.bin (issue 12's mutation check found them untested)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from acties import uploads

DOCX_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def zipped(name: str, entries: dict[str, str]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, text in entries.items():
            archive.writestr(entry, text)
    return SimpleUploadedFile(name, buffer.getvalue())


def refusal(upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        uploads.check_upload(upload)
    return caught.value


def test_an_empty_file_is_refused_as_empty():
    error = refusal(SimpleUploadedFile("verslag.pdf", b""))

    assert error.code == "empty"
    assert "verslag.pdf" in error.message


def test_an_opendocument_text_is_accepted():
    upload = zipped("verslag.odt", {"mimetype": uploads.ODT.mime, "content.xml": "<x/>"})

    assert uploads.check_upload(upload) == uploads.ODT


@pytest.mark.parametrize("folder", ["Basic/Standard/Module1.xml", "Scripts/python/x.py"])
def test_an_opendocument_file_with_macros_is_refused(folder):
    upload = zipped(
        "verslag.ods", {"mimetype": uploads.ODS.mime, "content.xml": "<x/>", folder: "x"}
    )

    error = refusal(upload)

    assert error.code == "macros"


def test_a_docx_is_accepted():
    upload = zipped("verslag.docx", {"[Content_Types].xml": DOCX_TYPES, "word/document.xml": ""})

    assert uploads.check_upload(upload) == uploads.DOCX


def test_a_docx_whose_only_sign_of_macros_is_its_vba_project_is_refused():
    # The content types say an ordinary document (no "macroEnabled"); the macros are there.
    upload = zipped(
        "verslag.docx",
        {"[Content_Types].xml": DOCX_TYPES, "word/document.xml": "", "word/vbaProject.bin": "x"},
    )

    error = refusal(upload)

    assert error.code == "macros"

"""The admin's spreadsheet import at its limits (issue 12): a file above the row limit is
refused before any row is read, with a Dutch message naming the limit, and quickly (gunicorn
stops a request after 30 seconds); a file at the limit imports whole or not at all; a CSV
saved by a Dutch-language Excel on Windows (Windows-1252) is read correctly, é and all, in
the preview and the confirmation.
"""

import csv
import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from acties.models import Actie
from cultuurregio import spreadsheets

from .factories import make_gemeente, make_od, make_plan, make_sd
from .test_admin_import import ACTIE_HEADERS, CSV, actie_row, confirm, preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    """As tests/test_admin_import.py's: the goals and municipalities its rows name."""
    plan = make_plan()
    make_od(make_sd(plan, "Participatie"), "Netwerk")
    make_od(make_sd(plan, "Aanbod"), "Regiobib")
    make_gemeente("Halle")
    make_gemeente("Beersel")
    return plan


def csv_upload(beleidsplan, rows: int, *, encoding="utf-8", **values) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(ACTIE_HEADERS)
    for number in range(rows):
        row = actie_row(beleidsplan, volgorde=number + 1, **values)
        if "omschrijving" not in values:
            row[ACTIE_HEADERS.index("omschrijving")] = f"Actie {number + 1}"
        writer.writerow(row)
    return SimpleUploadedFile(
        "acties.csv", buffer.getvalue().encode(encoding), content_type="text/csv"
    )


def test_a_20000_row_file_is_refused_at_once_with_the_limit_named(coordinator_client, plan):
    upload = csv_upload(plan, 20_000)

    started = time.perf_counter()
    response = preview(coordinator_client, "acties_actie", upload, CSV)
    elapsed = time.perf_counter() - started

    html = response.content.decode()
    assert response.status_code == 200
    limit = spreadsheets.MAX_IMPORT_ROWS
    assert (
        f"Dit bestand heeft 20000 rijen; één import leest er hoogstens {limit}. "
        f"Splits het in bestanden van hoogstens {limit} rijen"
    ) in html
    assert "Er werd niets geïmporteerd." in html
    assert "Traceback" not in html
    assert not response.context.get("confirm_form")
    assert not Actie.objects.exists()
    # Refused before any row is read: far within gunicorn's 30 seconds.
    assert elapsed < 15, elapsed


def test_one_row_over_the_limit_is_refused_and_the_limit_itself_imports_whole(
    coordinator_client, plan, monkeypatch
):
    monkeypatch.setattr(spreadsheets, "MAX_IMPORT_ROWS", 5)

    refused = preview(coordinator_client, "acties_actie", csv_upload(plan, 6), CSV)
    assert "Dit bestand heeft 6 rijen; één import leest er hoogstens 5." in (
        refused.content.decode()
    )
    assert not Actie.objects.exists()

    accepted = preview(coordinator_client, "acties_actie", csv_upload(plan, 5), CSV)
    assert accepted.context["confirm_form"]
    confirm(coordinator_client, "acties_actie", accepted)
    assert Actie.objects.count() == 5


def test_a_windows_1252_csv_is_read_correctly_in_preview_and_confirmation(
    coordinator_client, plan
):
    upload = csv_upload(plan, 2, encoding="cp1252", omschrijving="Café-avond met één gids")

    response = preview(coordinator_client, "acties_actie", upload, CSV)

    assert response.status_code == 200
    assert "Café-avond met één gids" in response.content.decode()
    confirm(coordinator_client, "acties_actie", response)
    assert list(Actie.objects.values_list("omschrijving", flat=True)) == [
        "Café-avond met één gids"
    ] * 2


def test_a_utf8_csv_with_the_excel_byte_order_mark_is_read(coordinator_client, plan):
    upload = csv_upload(plan, 1, encoding="utf-8-sig", omschrijving="Erfgoeddag in Liedekerke")

    response = preview(coordinator_client, "acties_actie", upload, CSV)
    confirm(coordinator_client, "acties_actie", response)

    assert Actie.objects.get().omschrijving == "Erfgoeddag in Liedekerke"


def test_a_csv_in_neither_encoding_names_the_encodings(coordinator_client, plan):
    data = "id;omschrijving\n;Caf\u00e9\n".encode("cp1252") + b"\x81\x8d\n"
    upload = SimpleUploadedFile("acties.csv", data, content_type="text/csv")

    response = preview(coordinator_client, "acties_actie", upload, CSV)

    html = response.content.decode()
    assert "als CSV is het noch UTF-8 noch Windows-1252 (ANSI)." in html
    assert "Traceback" not in html
    assert not Actie.objects.exists()

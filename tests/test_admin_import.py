"""Spreadsheet import (preview, then confirm) and export in the admin.

A file with a bad row shows the row and a Dutch message in the preview and changes
nothing; a good file goes through preview and confirmation; a file that is no spreadsheet
gives a Dutch error.
"""

import csv
import io
import os

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acties.models import Actie
from actoren.models import Actor, Gemeente
from beleidsplan.models import Doelstelling

from .factories import make_actie, make_gemeente, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # positions of the formats in the import form

# The fields' names: what the export form's checkboxes are named after, and the headings
# of files made before the headings were Dutch words, which the import still reads.
ACTIE_HEADERS = [
    "id", "plan", "doelstelling", "volgorde", "omschrijving", "regierol", "actorrol",
    "alle_gemeenten", "gemeenten", "spreiding_toelichting", "van_jaar", "tot_jaar",
    "timing_tekst", "zie_ook",
]
# The headings the export writes and the import reads.
ACTIE_COLUMNS = [
    "id", "Plan", "Doelstelling", "Volgorde", "Omschrijving", "Regierol", "Actorrol",
    "Alle gemeenten", "Gemeenten", "Toelichting bij de spreiding", "Vanaf jaar",
    "Tot en met jaar", "Timing zoals in het plan", "Zie ook", "Actoren",
]


def xlsx_file(headers, rows, name="import.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def preview(client, model, upload, file_format=XLSX):
    return client.post(
        reverse(f"admin:{model}_import"),
        {"resource": "0", "format": file_format, "import_file": upload},
    )


def confirm(client, model, preview_response):
    confirm_form = preview_response.context["confirm_form"]
    return client.post(reverse(f"admin:{model}_process_import"), confirm_form.initial, follow=True)


def invalid_rows(response):
    """{row number: [messages]} of the preview's invalid rows."""
    return {
        row.number: [str(message) for messages in row.error_dict.values() for message in messages]
        for row in response.context["result"].invalid_rows
    }


@pytest.fixture
def plan():
    plan = make_plan()
    participatie = make_sd(plan, "Participatie")
    aanbod = make_sd(plan, "Aanbod")
    make_od(participatie, "Netwerk")
    make_od(aanbod, "Regiobib")
    make_gemeente("Halle")
    make_gemeente("Beersel")
    return plan


def actie_row(beleidsplan, **values):
    row = {
        "id": None, "plan": beleidsplan.pk, "doelstelling": "SD1-OD1", "volgorde": 1,
        "omschrijving": "Boekenstoet", "regierol": "Methodiek", "actorrol": "Uitvoeren",
        "alle_gemeenten": "nee", "gemeenten": "Halle", "spreiding_toelichting": None,
        "van_jaar": 2021, "tot_jaar": 2022, "timing_tekst": "2021 - 2022", "zie_ook": "SD2-OD1",
    }
    row.update(values)
    return [row[header] for header in ACTIE_HEADERS]


def db_state():
    return (
        list(Actie.objects.values_list("pk", "omschrijving", "regierol", "van_jaar", "tot_jaar")),
        list(Actie.gemeenten.through.objects.values_list("actie_id", "gemeente_id")),
        list(Gemeente.objects.values_list("naam", "nis_code")),
    )


# --- Bad rows ---------------------------------------------------------------------------------


def test_actions_file_with_bad_rows_reports_them_in_dutch_and_changes_nothing(
    coordinator_client, plan
):
    existing = make_actie(plan.doelstellingen.get(code="SD1-OD1"), "Bestaande actie")
    before = db_state()
    upload = xlsx_file(ACTIE_HEADERS, [
        actie_row(plan),
        actie_row(plan, doelstelling="SD9-OD9"),
        actie_row(plan, van_jaar=2023, tot_jaar=2021),
        actie_row(plan, id=existing.pk, omschrijving="Bestaande actie, herschreven"),
        actie_row(plan, gemeenten="Halle, Atlantis"),
    ])

    response = preview(coordinator_client, "acties_actie", upload)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sommige rijen bevatten fouten" in html
    assert "De rijnummers zijn die van het rekenblad: rij 1 bevat de kolomkoppen." in html
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    # The rows as Excel numbers them: the headings are row 1.
    assert invalid_rows(response) == {
        3: ['Er is geen doelstelling met code "SD9-OD9" in Beleidsplan cultuurregio (2020-2025).'],
        4: ["Het eindjaar kan niet vóór het beginjaar liggen."],
        6: ["Deze gemeenten bestaan niet: Atlantis."],
    }
    assert "Er is geen doelstelling met code &quot;SD9-OD9&quot;" in html
    assert "Het eindjaar kan niet vóór het beginjaar liggen." in html
    assert db_state() == before


def test_municipalities_file_with_bad_nis_code_changes_nothing(coordinator_client, plan):
    before = db_state()
    upload = xlsx_file(
        ["naam", "nis_code", "faciliteitengemeente", "opgegaan_in", "fusiedatum"],
        [
            ["Halle", "23027", "nee", None, None],
            ["Drogenbos", "12", "ja", None, None],
            ["Gooik", "23023", "nee", "Pajottegem", "2025-01-01"],
        ],
    )

    response = preview(coordinator_client, "actoren_gemeente", upload)

    errors = invalid_rows(response)
    assert sorted(errors) == [3, 4]
    assert errors[3] == ["Een NIS-code heeft precies vijf cijfers, bv. 23027 voor Halle."]
    assert 'Er is geen gemeente met de naam "Pajottegem".' in errors[4]
    assert db_state() == before


def test_spreiding_conflict_and_unreadable_values_are_row_errors(coordinator_client, plan):
    upload = xlsx_file(ACTIE_HEADERS, [
        actie_row(plan, alle_gemeenten="ja", gemeenten="Halle"),
        actie_row(plan, van_jaar="twintig", alle_gemeenten="misschien"),
    ])

    response = preview(coordinator_client, "acties_actie", upload)

    errors = invalid_rows(response)
    assert errors[2] == ['Vink "alle gemeenten" aan of kies gemeenten, niet allebei.']
    assert sorted(errors[3]) == [
        '"misschien" is geen ja of nee; schrijf ja of nee.',
        '"twintig" is geen geheel getal.',
    ]
    assert not Actie.objects.exists()


# --- Good files -------------------------------------------------------------------------------


def test_valid_actions_file_imports_through_preview_and_confirm(
    coordinator_client, coordinator, plan
):
    upload = xlsx_file(ACTIE_HEADERS, [
        actie_row(plan),
        # The seed's spelling of codes, and the plan column left empty (one plan).
        actie_row(plan, plan=None, doelstelling="SD 2 OD 1", omschrijving="Regiobib",
                  alle_gemeenten=None, gemeenten="Beersel, Halle", zie_ook=None),
    ])

    response = preview(coordinator_client, "acties_actie", upload)

    html = response.content.decode()
    assert "Voorbeeldweergave" in html
    assert "Import bevestigen" in html
    assert not Actie.objects.exists()  # the preview saves nothing

    done = confirm(coordinator_client, "acties_actie", response)

    assert done.redirect_chain[-1][0] == reverse("admin:acties_actie_changelist")
    assert "Import klaar: 2 nieuw, 0 bijgewerkt" in done.content.decode()
    boekenstoet = Actie.objects.get(omschrijving="Boekenstoet")
    assert boekenstoet.doelstelling.code == "SD1-OD1"
    assert not boekenstoet.alle_gemeenten
    assert [g.naam for g in boekenstoet.gemeenten.all()] == ["Halle"]
    assert [g.code for g in boekenstoet.zie_ook.all()] == ["SD2-OD1"]
    assert (boekenstoet.van_jaar, boekenstoet.tot_jaar) == (2021, 2022)
    regiobib = Actie.objects.get(omschrijving="Regiobib")
    assert regiobib.doelstelling.code == "SD2-OD1"
    assert sorted(g.naam for g in regiobib.gemeenten.all()) == ["Beersel", "Halle"]
    # Audited with the coordinator.
    assert boekenstoet.history.first().history_user == coordinator


def test_goals_import_adds_and_moves_goals_and_renumbers(coordinator_client, plan):
    netwerk = plan.doelstellingen.get(code="SD1-OD1")
    headers = [
        "id", "plan", "code", "parent", "formulering", "tagline", "transversaal",
        "toelichting", "spreiding",
    ]
    upload = xlsx_file(headers, [
        [None, plan.pk, None, None, "Sterke structuren", "STRUCTUREN", "ja", None, None],
        [None, plan.pk, None, "SD3", "Samenwerken met de buren", None, None, None, None],
        [netwerk.pk, plan.pk, "SD1-OD1", "SD2", "Netwerk", None, "nee", None, None],
    ])

    response = preview(coordinator_client, "beleidsplan_doelstelling", upload)
    assert response.context["result"].has_validation_errors() is False
    assert Doelstelling.objects.filter(plan=plan).count() == 4

    confirm(coordinator_client, "beleidsplan_doelstelling", response)

    assert list(
        Doelstelling.objects.filter(plan=plan)
        .order_by("tree_id", "lft")
        .values_list("code", "formulering")
    ) == [
        ("SD1", "Participatie"),
        ("SD2", "Aanbod"),
        ("SD2-OD1", "Regiobib"),
        ("SD2-OD2", "Netwerk"),
        ("SD3", "Sterke structuren"),
        ("SD3-OD1", "Samenwerken met de buren"),
    ]
    assert Doelstelling.objects.get(code="SD3", plan=plan).transversaal


def test_actors_import_reads_labels_and_names(coordinator_client, plan):
    upload = xlsx_file(
        ["naam", "soort", "niveau", "gemeenten", "email", "telefoon", "website",
         "beschrijving", "actief"],
        [["Regiobib", "Cultuurhuis of -instelling", "bovenlokaal", "Halle, Beersel",
          "info@regiobib.be", None, None, None, "ja"]],
    )

    response = preview(coordinator_client, "actoren_actor", upload)
    confirm(coordinator_client, "actoren_actor", response)

    actor = Actor.objects.get(naam="Regiobib")
    assert (actor.soort, actor.niveau, actor.actief) == ("instelling", "bovenlokaal", True)
    assert sorted(g.naam for g in actor.gemeenten.all()) == ["Beersel", "Halle"]


def test_municipalities_without_nis_code_and_with_number_cells(coordinator_client, plan):
    upload = xlsx_file(
        ["naam", "nis_code", "faciliteitengemeente", "opgegaan_in", "fusiedatum"],
        [
            ["Pajottegem", None, None, None, None],
            ["Gooik", 23023, "nee", "Pajottegem", "1/1/2025"],
            ["Herne", None, "nee", "Pajottegem", "2025-01-01"],
        ],
    )

    response = preview(coordinator_client, "actoren_gemeente", upload)
    assert invalid_rows(response) == {}
    confirm(coordinator_client, "actoren_gemeente", response)

    gooik = Gemeente.objects.get(naam="Gooik")
    assert (gooik.nis_code, gooik.opgegaan_in.naam, str(gooik.fusiedatum)) == (
        "23023", "Pajottegem", "2025-01-01",
    )
    assert Gemeente.objects.get(naam="Herne").nis_code is None


def test_semicolon_csv_from_dutch_excel_is_read(coordinator_client, plan):
    content = "naam;nis_code;faciliteitengemeente\r\nDrogenbos;23098;ja\r\n".encode("utf-8-sig")
    upload = SimpleUploadedFile("gemeenten.csv", content, content_type="text/csv")

    response = preview(coordinator_client, "actoren_gemeente", upload, CSV)
    confirm(coordinator_client, "actoren_gemeente", response)

    drogenbos = Gemeente.objects.get(naam="Drogenbos")
    assert (drogenbos.nis_code, drogenbos.faciliteitengemeente) == ("23098", True)


# --- Not a spreadsheet ------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(64)


@pytest.mark.parametrize(
    ("name", "content", "file_format"),
    [
        ("foto.xlsx", PNG, XLSX),
        ("ruis.xlsx", os.urandom(256), XLSX),
        ("ruis.csv", b"\xff\xfe\x81" + os.urandom(256), CSV),
    ],
)
def test_a_file_that_is_no_spreadsheet_gives_a_dutch_error(
    coordinator_client, plan, name, content, file_format
):
    before = db_state()

    response = preview(
        coordinator_client, "acties_actie",
        SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        file_format,
    )

    assert response.status_code == 200
    assert "Dit bestand kon niet gelezen worden" in response.content.decode()
    assert db_state() == before


def test_file_with_the_wrong_columns_says_so_once(coordinator_client, plan):
    # An actors file offered to the actions import.
    upload = xlsx_file(
        ["naam", "soort"], [["Regiobib", "instelling"], ["Erfgoedcel", "instelling"]]
    )

    response = preview(coordinator_client, "acties_actie", upload)

    html = response.content.decode()
    assert "Onbekende kolom(men): naam, soort. Deze import leest de kolommen: id, Plan," in html
    assert "Traceback" not in html
    assert "Rij 2" not in html
    assert not Actie.objects.exists()


def test_file_without_the_name_column_says_which_column_is_missing(coordinator_client, plan):
    upload = xlsx_file(["nis_code"], [["23027"]])

    response = preview(coordinator_client, "actoren_gemeente", upload)

    html = response.content.decode()
    assert "In het bestand ontbreekt de kolom Naam, die de rijen herkenbaar maakt." in html
    assert Gemeente.objects.count() == 2


# --- Export -----------------------------------------------------------------------------------


def test_csv_export_of_actions(coordinator_client, plan):
    actie = make_actie(
        plan.doelstellingen.get(code="SD1-OD1"), "Boekenstoet", alle_gemeenten=False,
        van_jaar=2021, tot_jaar=2022,
    )
    actie.gemeenten.set(Gemeente.objects.all())
    actie.zie_ook.set([plan.doelstellingen.get(code="SD2-OD1")])
    fields = {f"actieresource_{name}": "on" for name in [*ACTIE_HEADERS, "actoren"]}

    response = coordinator_client.post(
        reverse("admin:acties_actie_export"), {"resource": "0", "format": CSV, **fields}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(ACTIE_COLUMNS)
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row == {
        "id": str(actie.pk), "Plan": "Beleidsplan cultuurregio (2020-2025)",
        "Doelstelling": "SD1-OD1", "Volgorde": "0", "Omschrijving": "Boekenstoet",
        "Regierol": "Partners bovenlokaal bij elkaar brengen",
        "Actorrol": "Activiteiten lokaal uitvoeren", "Alle gemeenten": "nee",
        "Gemeenten": "Beersel, Halle", "Toelichting bij de spreiding": "",
        "Vanaf jaar": "2021", "Tot en met jaar": "2022", "Timing zoals in het plan": "",
        "Zie ook": "SD2-OD1", "Actoren": "",
    }


def test_exported_xlsx_imports_again_unchanged(coordinator_client, plan):
    actie = make_actie(plan.doelstellingen.get(code="SD1-OD1"), "Boekenstoet")
    fields = {f"actieresource_{name}": "on" for name in ACTIE_HEADERS}
    exported = coordinator_client.post(
        reverse("admin:acties_actie_export"), {"resource": "0", "format": XLSX, **fields}
    )
    upload = SimpleUploadedFile("acties.xlsx", exported.content)

    response = preview(coordinator_client, "acties_actie", upload)

    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["skip"]
    assert Actie.objects.get().pk == actie.pk


def test_exported_goals_import_again_unchanged(coordinator_client, plan):
    names = ["id", "plan", "code", "parent", "formulering", "tagline", "transversaal",
             "toelichting", "spreiding"]
    fields = {f"doelstellingresource_{name}": "on" for name in names}
    exported = coordinator_client.post(
        reverse("admin:beleidsplan_doelstelling_export"),
        {"resource": "0", "format": XLSX, **fields},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    assert [[cell.value for cell in row][2:4] for row in sheet.iter_rows(min_row=2)] == [
        ["SD1", None], ["SD1-OD1", "SD1"], ["SD2", None], ["SD2-OD1", "SD2"],
    ]

    response = preview(
        coordinator_client, "beleidsplan_doelstelling",
        SimpleUploadedFile("doelstellingen.xlsx", exported.content),
    )

    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}

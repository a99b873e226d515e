"""The admin's spreadsheet import and export in the coordinator's words (issue 9).

The coordinator exports the seed plan's actions, changes a cell in Excel and imports the
file again: the export has the Dutch headings and values the import reads (ja/nee, the plan
by title, actors by name with their role), an unchanged file changes nothing, the one
changed row leads the preview, every row number is the one Excel shows, a wrong value is
named in Dutch with that row, and the help names the buttons as they read.
"""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from acties.models import Actie, ActieActor
from actoren.models import Actor
from beleidsplan.models import Beleidsplan

from .test_admin_import import ACTIE_COLUMNS, ACTIE_HEADERS, XLSX, confirm, invalid_rows, preview

pytestmark = pytest.mark.django_db

@pytest.fixture
def seed(db):
    """The seed's plan 2020-2025: 79 actions, most with actors."""
    call_command("loaddata", "gemeenten", "actoren", "beleidsplan", verbosity=0)
    return Beleidsplan.objects.get()


@pytest.fixture
def plan_cell(seed) -> str:
    """The plan as the export writes it: its title and period."""
    return f"{seed.titel} ({seed.van_jaar}-{seed.tot_jaar})"


def export_actions(client) -> bytes:
    """The actions as the export page gives them with every column ticked (its default)."""
    fields = {f"actieresource_{name}": "on" for name in [*ACTIE_HEADERS, "actoren"]}
    response = client.post(
        reverse("admin:acties_actie_export"), {"resource": "0", "format": XLSX, **fields}
    )
    assert response.status_code == 200
    return response.content


def open_sheet(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def save_sheet(sheet) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    return SimpleUploadedFile("acties.xlsx", buffer.getvalue())


def column(sheet, heading: str) -> int:
    """The 1-based column of ``heading`` in the first row."""
    return [cell.value for cell in sheet[1]].index(heading) + 1


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def db_state():
    return (
        list(Actie.objects.order_by("pk").values_list("pk", "omschrijving", "alle_gemeenten")),
        list(ActieActor.objects.order_by("pk").values_list("actie_id", "actor_id", "rol")),
    )


# --- The export: the import's headings and values -------------------------------------------


def test_export_of_the_seed_has_the_dutch_headings_and_values_the_import_reads(
    coordinator_client, seed, plan_cell
):
    # An action with two actors, the one later in the alphabet its lead.
    actie = next(a for a in Actie.objects.all() if a.betrokkenen.count() >= 2)
    lead = actie.betrokkenen.order_by("-actor__naam").first()
    lead.rol = ActieActor.Rol.TREKKER
    lead.save()

    sheet = open_sheet(export_actions(coordinator_client))

    assert [cell.value for cell in sheet[1]] == ACTIE_COLUMNS
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 79
    values = {heading: {row[column(sheet, heading) - 1] for row in rows}
              for heading in ("Plan", "Alle gemeenten")}
    assert values["Plan"] == {plan_cell}
    assert values["Alle gemeenten"] <= {"ja", "nee"}
    # Actors by name with their role, the lead first.
    partners = actie.betrokkenen.exclude(pk=lead.pk).order_by("actor__naam")
    expected = "; ".join(
        [f"{lead.actor.naam} (trekker)", *(f"{b.actor.naam} (partner)" for b in partners)]
    )
    (row,) = [row for row in rows if row[0] == actie.pk]
    assert row[column(sheet, "Actoren") - 1] == expected


def test_goals_export_writes_the_plan_by_title_and_transversaal_as_ja_or_nee(
    coordinator_client, seed, plan_cell
):
    sd4 = seed.doelstellingen.get(code="SD4")
    sd4.transversaal = True
    sd4.save()
    names = ["id", "plan", "code", "parent", "formulering", "tagline", "transversaal",
             "toelichting", "spreiding"]
    response = coordinator_client.post(
        reverse("admin:beleidsplan_doelstelling_export"),
        {"resource": "0", "format": XLSX, **{f"doelstellingresource_{n}": "on" for n in names}},
    )

    sheet = open_sheet(response.content)
    assert [cell.value for cell in sheet[1]] == [
        "id", "Plan", "Code", "Strategische doelstelling", "Formulering", "Korte titel",
        "Transversaal", "Toelichting", "Spreiding",
    ]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in rows} == {plan_cell}
    assert [row[2] for row in rows if row[6] == "ja"] == ["SD4"]
    assert {row[6] for row in rows} == {"ja", "nee"}


def test_actors_export_writes_the_dutch_label_of_soort(coordinator_client, seed):
    names = ["naam", "soort", "niveau", "actief"]
    response = coordinator_client.post(
        reverse("admin:actoren_actor_export"),
        {"resource": "0", "format": XLSX, **{f"actorresource_{n}": "on" for n in names}},
    )

    sheet = open_sheet(response.content)
    assert [cell.value for cell in sheet[1]] == ["Naam", "Soort", "Niveau", "Actief"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    actor = Actor.objects.get(naam="Erfgoedcel")
    assert rows["Erfgoedcel"][1:] == (
        actor.get_soort_display(), actor.get_niveau_display(), "ja" if actor.actief else "nee"
    )

    response = preview(
        coordinator_client, "actoren_actor", SimpleUploadedFile("actoren.xlsx", response.content)
    )
    assert response.context["result"].totals["skip"] == Actor.objects.count()


# --- The round trip --------------------------------------------------------------------------


def test_the_seed_exported_and_imported_unchanged_changes_nothing(coordinator_client, seed):
    before = db_state()
    upload = SimpleUploadedFile("acties.xlsx", export_actions(coordinator_client))

    response = preview(coordinator_client, "acties_actie", upload)

    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.changed_rows() == []
    assert [row.number for row in result.unchanged_rows()] == list(range(2, 81))
    page = text(response)
    assert "0 nieuw, 0 gewijzigd, 0 verwijderd, 79 ongewijzigd." in page
    assert "Dit bestand verandert niets." in page
    assert "<summary>79 ongewijzigde rijen</summary>" in page
    assert "Overgeslagen" not in page
    assert db_state() == before


def test_one_changed_cell_is_the_one_changed_row_and_leads_the_preview(
    coordinator_client, seed
):
    sheet = open_sheet(export_actions(coordinator_client))
    # Excel's row 79: the 78th action, near the bottom of the file.
    actie_id = sheet.cell(row=79, column=1).value
    sheet.cell(row=79, column=column(sheet, "Omschrijving")).value = "Herschreven in Excel"

    response = preview(coordinator_client, "acties_actie", save_sheet(sheet))

    result = response.context["result"]
    (changed,) = result.changed_rows()
    assert (changed.number, changed.import_type, changed.object_id) == (79, "update", actie_id)
    assert len(result.unchanged_rows()) == 78
    page = text(response)
    assert "0 nieuw, 1 gewijzigd, 0 verwijderd, 78 ongewijzigd." in page
    # The changed row comes before the folded unchanged ones, with Excel's number.
    changed_table = page[page.index("import-changed"):page.index("<details")]
    assert '<td class="import-row-number">79</td>' in changed_table
    assert "Gewijzigd" in changed_table and "Herschreven in Excel" in changed_table
    assert "<summary>78 ongewijzigde rijen</summary>" in page

    done = confirm(coordinator_client, "acties_actie", response)

    assert "Import klaar: 0 nieuw, 1 bijgewerkt" in done.content.decode()
    assert Actie.objects.get(pk=actie_id).omschrijving == "Herschreven in Excel"


def test_the_actors_column_is_read_back_with_roles(coordinator_client, coordinator, seed):
    sheet = open_sheet(export_actions(coordinator_client))
    actie_id = sheet.cell(row=2, column=1).value
    sheet.cell(row=2, column=column(sheet, "Actoren")).value = (
        "erfgoedcel (Trekker);  vzw 'de Rand' (partner); Regiobib"
    )

    response = preview(coordinator_client, "acties_actie", save_sheet(sheet))
    (changed,) = response.context["result"].changed_rows()
    assert changed.number == 2
    # The preview shows the actors before and after, in the column "Actoren".
    actors_cell = changed.diff[ACTIE_COLUMNS.index("Actoren")]
    assert "Regiobib (partner)" in actors_cell
    confirm(coordinator_client, "acties_actie", response)

    assert sorted(
        ActieActor.objects.filter(actie_id=actie_id).values_list("actor__naam", "rol")
    ) == [("Erfgoedcel", "trekker"), ("Regiobib", "partner"), ("vzw 'de Rand'", "partner")]
    betrokkene = ActieActor.objects.get(actie_id=actie_id, actor__naam="Regiobib")
    assert betrokkene.history.first().history_user == coordinator


def test_a_file_with_the_old_technical_headings_is_still_read(coordinator_client, seed):
    sheet = open_sheet(export_actions(coordinator_client))
    for cell, name in zip(sheet[1], [*ACTIE_HEADERS, "actoren"], strict=True):
        cell.value = name

    response = preview(coordinator_client, "acties_actie", save_sheet(sheet))

    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 79


# --- Bad input: a Dutch message with Excel's row number, nothing saved -----------------------


@pytest.mark.parametrize(
    ("heading", "value", "message"),
    [
        ("Alle gemeenten", "misschien", '"misschien" is geen ja of nee; schrijf ja of nee.'),
        ("Plan", "Beleidsplan 2031",
         'Er is geen beleidsplan "Beleidsplan 2031". Schrijf de titel zoals de export dat '
         'doet, bv. "{plan}".'),
        ("Actoren", "Erfgoedcel (trekker); Atlantis vzw (partner)",
         'Er is geen actor met de naam "Atlantis vzw". Schrijf de naam zoals in de lijst van '
         "actoren, of voeg de actor daar eerst toe."),
        ("Actoren", "Erfgoedcel (baas)",
         '"baas" (bij Erfgoedcel) is geen rol; schrijf trekker of partner.'),
        ("Actoren", "Erfgoedcel; erfgoedcel (trekker)",
         'De actor "Erfgoedcel" staat er twee keer in.'),
    ],
)
def test_a_wrong_value_is_named_in_dutch_with_the_row_excel_shows(
    coordinator_client, seed, heading, value, message
):
    sheet = open_sheet(export_actions(coordinator_client))
    sheet.cell(row=79, column=column(sheet, heading)).value = value
    # A real change elsewhere, so that "nothing saved" means something.
    sheet.cell(row=5, column=column(sheet, "Omschrijving")).value = "Zou gewijzigd worden"
    before = db_state()

    response = preview(coordinator_client, "acties_actie", save_sheet(sheet))

    errors = invalid_rows(response)
    assert list(errors) == [79]
    assert message.format(plan=seed) in errors[79]
    page = text(response)
    assert "De rijnummers zijn die van het rekenblad: rij 1 bevat de kolomkoppen." in page
    assert "<td>79 </td>" in page  # the row's number in the table of errors
    assert not response.context.get("confirm_form")
    assert db_state() == before


def test_a_plan_title_shared_by_two_plans_asks_for_the_period(coordinator_client, seed):
    Beleidsplan.objects.create(titel=seed.titel, van_jaar=2027, tot_jaar=2032)
    sheet = open_sheet(export_actions(coordinator_client))
    sheet.cell(row=3, column=column(sheet, "Plan")).value = seed.titel

    response = preview(coordinator_client, "acties_actie", save_sheet(sheet))

    assert invalid_rows(response)[3] == [
        f'Er zijn meerdere beleidsplannen met de naam "{seed.titel}": schrijf het met zijn '
        f'periode, zoals de export dat doet, bv. "{Beleidsplan.objects.first()}".'
    ]


# --- The help names the buttons as they read --------------------------------------------------


def button(page: str, pattern: str) -> str:
    match = re.search(pattern, page)
    assert match, pattern
    return match.group(1)


def test_the_import_help_names_the_buttons_as_they_read(coordinator_client, seed):
    changelist = text(coordinator_client.get(reverse("admin:acties_actie_changelist")))
    export_link = button(changelist, r'class="export_link">([^<]+)</a>')
    import_link = button(changelist, r'class="import_link">([^<]+)</a>')
    assert (export_link, import_link) == ("Exporteren", "Importeren")

    form = text(coordinator_client.get(reverse("admin:acties_actie_import")))
    submit = button(form, r'<input type="submit" class="default" value="([^"]+)">')
    assert f'klik op "{submit}": u ziet eerst een voorbeeld' in form
    assert f'klik boven de lijst op "{export_link}"' in form

    upload = SimpleUploadedFile("acties.xlsx", export_actions(coordinator_client))
    shown = text(preview(coordinator_client, "acties_actie", upload))
    confirm_button = button(shown, r'<input type="submit" class="default" name="confirm" '
                                   r'value="([^"]+)">')
    assert confirm_button == "Import bevestigen"
    assert f'klik op "{confirm_button}" om het op te slaan' in shown
    assert f'op "{confirm_button}" klikt' in form
    assert "Confirm import" not in shown and "click" not in shown

    export_page = text(coordinator_client.get(reverse("admin:acties_actie_export")))
    export_button = button(export_page, r'<input type="submit" class="default" value="([^"]+)">')
    assert f'klik op "{export_button}"' in export_page
    assert f'met "{import_link}" boven de lijst' in export_page


# --- CSV and errors that are no validation error ---------------------------------------------


def test_a_csv_row_is_numbered_as_its_line(coordinator_client, seed):
    from .test_admin_import import CSV

    content = (
        "Omschrijving;Doelstelling;Alle gemeenten\r\n"
        "Eerste;SD1-OD1;ja\r\n"
        "Tweede;SD1-OD1;jawel\r\n"
    ).encode("utf-8-sig")
    upload = SimpleUploadedFile("acties.csv", content, content_type="text/csv")

    response = preview(coordinator_client, "acties_actie", upload, CSV)

    assert invalid_rows(response) == {3: ['"jawel" is geen ja of nee; schrijf ja of nee.']}
    assert Actie.objects.count() == 79


def test_an_unexpected_error_names_the_row_excel_shows(coordinator_client, seed, monkeypatch):
    from beleidsplan.resources_acties import ActieResource

    save_instance = ActieResource.save_instance

    def failing_save(self, instance, *args, **kwargs):
        if instance.omschrijving == "Kapot":
            raise RuntimeError("De schijf is vol.")
        return save_instance(self, instance, *args, **kwargs)

    monkeypatch.setattr(ActieResource, "save_instance", failing_save)
    sheet = open_sheet(export_actions(coordinator_client))
    sheet.cell(row=4, column=column(sheet, "Omschrijving")).value = "Kapot"
    before = db_state()

    response = preview(coordinator_client, "acties_actie", save_sheet(sheet))

    page = text(response)
    assert "Rij 4: De schijf is vol." in page
    assert "Traceback" not in page
    assert db_state() == before


def test_municipalities_exported_and_imported_unchanged_change_nothing(
    coordinator_client, seed
):
    names = ["naam", "nis_code", "faciliteitengemeente", "opgegaan_in", "fusiedatum"]
    response = coordinator_client.post(
        reverse("admin:actoren_gemeente_export"),
        {"resource": "0", "format": XLSX, **{f"gemeenteresource_{n}": "on" for n in names}},
    )
    sheet = open_sheet(response.content)
    assert [cell.value for cell in sheet[1]] == [
        "Naam", "NIS-code", "Faciliteitengemeente", "Opgegaan in", "Fusiedatum",
    ]
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} <= {"ja", "nee"}

    response = preview(
        coordinator_client, "actoren_gemeente",
        SimpleUploadedFile("gemeenten.xlsx", response.content),
    )

    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.changed_rows() == []

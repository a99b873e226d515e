"""A region's nota from Word (.docx): the reader (beleidsplan/docx_reader.py), the command
importeer_nota with a .docx, and the admin's "Nota importeren" page.

The seed's plan is put into Word in two layouts (tests/docx_nota.py) and must import to the
very plan the text import makes of the seed: 5 SD, 26 OD, 79 actions, every wording and
role, up to the line breaks Word keeps where the paste had a space.
"""

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from docx import Document

from acties.models import Actie, ActieActor
from actoren.models import Actor
from beleidsplan.docx_reader import clean_docx_text
from beleidsplan.importer import NotaImportError, NotaTables, import_nota, load_nota
from beleidsplan.models import Beleidsplan, Doelstelling
from cultuurregio import roles

from .docx_nota import SEED, docx_of, seed_docx
from .factories import make_actor, make_plan, make_sd, make_user

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:beleidsplan_beleidsplan_nota_import"


def counts() -> tuple[int, int, int, int]:
    return (
        Beleidsplan.objects.count(),
        Doelstelling.objects.count(),
        Actie.objects.count(),
        ActieActor.objects.count(),
    )


def flat(text: str) -> str:
    """Whitespace as the text import has it: Word's line breaks were spaces in the paste."""
    return " ".join(text.split())


def plan_rows(plan: Beleidsplan, *, flatten: bool = True) -> list[tuple]:
    """Every goal and action of ``plan`` as comparable tuples."""
    norm = flat if flatten else (lambda text: text)
    rows: list[tuple] = []
    for goal in Doelstelling.objects.filter(plan=plan).order_by("tree_id", "lft"):
        rows.append((
            "goal", goal.code, goal.parent.code if goal.parent_id else None,
            norm(goal.formulering), norm(goal.spreiding), norm(goal.toelichting),
        ))
    acties = (
        Actie.objects.filter(doelstelling__plan=plan)
        .select_related("doelstelling")
        .prefetch_related("zie_ook", "gemeenten", "betrokkenen__actor")
        .order_by("doelstelling__tree_id", "doelstelling__lft", "volgorde")
    )
    for actie in acties:
        rows.append((
            "actie", actie.doelstelling.code, actie.volgorde, norm(actie.omschrijving),
            norm(actie.regierol), norm(actie.actorrol), norm(actie.spreiding_toelichting),
            actie.alle_gemeenten, actie.van_jaar, actie.tot_jaar, actie.timing_tekst,
            sorted(goal.code for goal in actie.zie_ook.all()),
            sorted((link.actor.naam, link.rol) for link in actie.betrokkenen.all()),
        ))
    return rows


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker):
    """The seed imported from text and from both Word layouts, once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        user = make_user("importeur")
        make_actor("vzw 'de Rand'", soort=Actor.Soort.INSTELLING,
                   aliassen="vzw de Rand\nvzw De Rand")
        make_actor("Regiobib", soort=Actor.Soort.SAMENWERKINGSVERBAND)
        make_actor("Cultuur- en gemeenschapscentra", aliassen="cc's\ngc's")
        text = make_plan(titel="Uit tekst")
        text_report = import_nota(path_or_text=SEED, plan=text, user=user)
        docs = {layout: seed_docx(layout) for layout in ("per_sd", "one_table")}
        plans, reports = {}, {}
        for layout, data in docs.items():
            plans[layout] = make_plan(titel=f"Uit Word ({layout})")
            reports[layout] = import_nota(
                path_or_text=load_nota(data, name=f"nota-{layout}.docx"),
                plan=plans[layout], user=user,
            )
        yield SimpleNamespace(
            text=text, text_report=text_report, plans=plans, reports=reports, docs=docs
        )
        transaction.set_rollback(True)


# The seed in Word ------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["per_sd", "one_table"])
def test_seed_from_word_gives_5_sd_26_od_79_actions(imported, layout):
    report = imported.reports[layout]
    assert (report.sd_count, report.od_count, report.actie_count) == (5, 26, 79)
    plan = imported.plans[layout]
    assert Doelstelling.objects.filter(plan=plan, parent=None).count() == 5
    assert Doelstelling.objects.filter(plan=plan, parent__isnull=False).count() == 26
    assert Actie.objects.filter(doelstelling__plan=plan).count() == 79


@pytest.mark.parametrize("layout", ["per_sd", "one_table"])
def test_seed_from_word_equals_the_text_import_row_for_row(imported, layout):
    expected = plan_rows(imported.text)
    got = plan_rows(imported.plans[layout])
    assert len(got) == len(expected) == 5 + 26 + 79
    for want, have in zip(expected, got, strict=True):
        assert have == want
    report, text_report = imported.reports[layout], imported.text_report
    assert report.zie_ook_count == text_report.zie_ook_count
    assert report.actor_link_count == text_report.actor_link_count


def test_word_keeps_line_breaks_and_paragraphs_of_a_cell(imported):
    plan = imported.plans["per_sd"]
    actie = Actie.objects.get(
        doelstelling__plan=plan, omschrijving__startswith="Digitale geletterdheid bevorderen",
        doelstelling__code="SD1-OD2",
    )
    # Shift+Enter between the phrases of the regierol; the "zie ook" is its own paragraph.
    assert actie.regierol.startswith("Draaiboek maken\nPartners bovenlokaal bij elkaar brengen\n")
    assert actie.omschrijving.endswith("regionale digitale week\nzie ook SD 3 OD 4")
    assert sorted(g.code for g in actie.zie_ook.all()) == ["SD3-OD4"]


@pytest.mark.parametrize("layout", ["per_sd", "one_table"])
def test_word_merged_cells_are_read_once(imported, layout):
    plan = imported.plans[layout]
    sd1 = Doelstelling.objects.get(plan=plan, code="SD1")
    assert sd1.formulering == (
        "De cultuurparticipatie van de bewoners in de regio verhogen en meer inclusief maken"
    )
    od = Doelstelling.objects.get(plan=plan, code="SD1-OD1")
    assert od.spreiding == "alle gemeenten"
    # The timing merged down into the continuation row: once, not "2021 2021".
    rand = Actie.objects.get(doelstelling=od, volgorde=2)
    assert rand.timing_tekst == "2021"
    assert (rand.van_jaar, rand.tot_jaar) == (2021, 2021)
    assert flat(rand.omschrijving).endswith(
        "vzw de Rand Opzetten en realisatie van een structurele & projectmatige samenwerking "
        "met vzw De Rand"
    )


def test_word_italic_wordings_are_plain_text(imported):
    plan = imported.plans["per_sd"]
    od = Doelstelling.objects.get(plan=plan, code="SD4-OD1")
    assert od.formulering.startswith("Lokaal en regionaal noden")
    assert "<i>" not in od.formulering


@pytest.mark.parametrize("layout", ["per_sd", "one_table"])
def test_word_revision_note_is_kept_in_the_coordinators_note(imported, layout):
    od = Doelstelling.objects.get(plan=imported.plans[layout], code="SD1-OD2")
    assert od.werknotitie == "➤ SD 2 OD1 > = aanbod"
    assert "➤" not in od.formulering


def test_word_warnings_name_table_and_row(imported):
    warnings = [str(w) for w in imported.reports["per_sd"].warnings]
    assert (
        "tabel 1, rij 17: Het label “SD1 OD3” werd al gebruikt in tabel 1, rij 8." in warnings
    )
    assert any(
        w.startswith("tabel 1, rij 6: Vervolg van de rij in tabel 1, rij 5") for w in warnings
    )
    assert any(w.startswith("tekst na tabel 3: “Actie 6:") for w in warnings)
    assert not any(w.startswith("regel ") for w in warnings)
    # The text import keeps its line numbers.
    assert any(str(w).startswith("regel 214: ") for w in imported.text_report.warnings)


def test_word_repeated_header_rows_are_skipped_silently(imported):
    messages = [w.message for w in imported.reports["one_table"].warnings]
    header_warnings = [m for m in messages if "tabelkop" in m]
    # Only the seed's own "WORDT DOELSTELLING 4" row, as in the text import.
    assert len(header_warnings) == 1 and "WORDT DOELSTELLING 4" in header_warnings[0]
    assert not any("zet geen doelstelling of actie voort" in m for m in messages)
    assert not any(m.startswith("Niet ingelezen: deze regel") for m in messages)


def test_word_text_outside_the_tables_is_ignored(imported):
    messages = [w.message for w in imported.reports["per_sd"].warnings]
    # The revision half is prose in Word: not read, and not one warning per paragraph.
    assert not any("Naar SD2" in m for m in messages)
    # The headings "Doelstelling N" agree with the tables: no warning.
    assert not any("kop van de tabel zegt" in m for m in messages)


# The reader's rules on small documents ---------------------------------------------------------


def read(data: bytes):
    plan = make_plan()
    return import_nota(path_or_text=data, plan=plan, dry_run=True)


def test_vertical_tab_and_word_breaks_become_line_breaks():
    assert clean_docx_text("Draaiboek maken\x0bPartners  bijeen\r\n\nEvaluatie ") == (
        "Draaiboek maken\nPartners bijeen\nEvaluatie"
    )


def test_cell_merged_down_into_a_new_action_is_given_to_it_with_a_warning():
    document = Document()
    table = document.add_table(rows=0, cols=6)
    for cells in (
        ["", "doelstelling 1", "regierol", "actorrol", "spreiding", ""],
        ["SD1", "Participatie verhogen"],
        ["SD1 OD1", "Netwerk verkennen", "", "", "alle gemeenten"],
        ["actie", "Eerste actie", "Partners bijeen brengen", "Lokaal uitvoeren"],
        ["actie", "Tweede actie", "", "Lokaal uitvoeren"],
    ):
        row = table.add_row()
        for column, text in enumerate(cells):
            row.cells[column].text = text
    table.cell(3, 2).merge(table.cell(4, 2))  # one regierol for both actions
    buffer = io.BytesIO()
    document.save(buffer)
    report = read(buffer.getvalue())
    eerste, tweede = report.goals[0].children[0].acties
    assert eerste.regierol == tweede.regierol == "Partners bijeen brengen"
    assert any(
        str(w).startswith("tabel 1, rij 5: Kolom 3 is samengevoegd met de rij erboven")
        for w in report.warnings
    )


def test_revision_note_as_a_paragraph_in_the_wording_cell_goes_to_the_explanation():
    report = read(docx_of(
        ["SD1", "Participatie verhogen"],
        ["SD1 OD1", "Netwerk verkennen\n➤ Naar SD 2", "", "", "alle gemeenten"],
        ["actie", "Een actie", "Partners bijeen brengen", "Lokaal uitvoeren"],
    ))
    od = report.goals[0].children[0]
    assert od.formulering == "Netwerk verkennen"
    assert od.werknotitie == "➤ Naar SD 2"


def test_arrow_bullet_paragraph_is_a_revision_note():
    document = Document()
    table = document.add_table(rows=0, cols=6)
    for cells in (
        ["", "doelstelling 1", "regierol", "actorrol", "spreiding", ""],
        ["SD1", "Participatie verhogen"],
        ["SD1 OD1", "Netwerk verkennen", "", "", "alle gemeenten"],
        ["actie", "Een actie", "Partners bijeen brengen", "Lokaal uitvoeren"],
    ):
        row = table.add_row()
        for column, text in enumerate(cells):
            row.cells[column].text = text
    # A bullet list whose bullet is Wingdings' arrow, as Word makes "➤" notes.
    numbering = document.part.numbering_part.element
    numbering.insert(0, _element(
        '<w:abstractNum w:abstractNumId="90"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/>'
        '<w:lvlText w:val="Ø"/><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/>'
        "</w:rPr></w:lvl></w:abstractNum>"
    ))
    numbering.append(_element('<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    note = table.cell(2, 1).add_paragraph("Naar SD 2: aanbod")
    note._p.get_or_add_pPr().append(_element(
        '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'
    ))
    buffer = io.BytesIO()
    document.save(buffer)
    od = read(buffer.getvalue()).goals[0].children[0]
    assert od.formulering == "Netwerk verkennen"
    assert od.werknotitie == "➤ Naar SD 2: aanbod"


def _element(xml: str):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    tag_end = xml.index(">") if xml.index(">") < xml.index(" ") else xml.index(" ")
    return parse_xml(xml[:tag_end] + f" {nsdecls('w')}" + xml[tag_end:])


def test_nested_table_is_not_read_and_warns():
    document = Document()
    table = document.add_table(rows=0, cols=6)
    for cells in (
        ["", "doelstelling 1", "regierol", "actorrol", "spreiding", ""],
        ["SD1", "Participatie verhogen"],
        ["SD1 OD1", "Netwerk verkennen", "", "", "alle gemeenten"],
        ["actie", "Een actie", "Partners bijeen brengen", "Lokaal uitvoeren"],
    ):
        row = table.add_row()
        for column, text in enumerate(cells):
            row.cells[column].text = text
    inner = table.cell(3, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Budget"
    inner.cell(0, 1).text = "5000"
    buffer = io.BytesIO()
    document.save(buffer)
    report = read(buffer.getvalue())
    assert report.goals[0].children[0].acties[0].omschrijving == "Een actie"
    assert any(
        str(w) == "tabel 1, rij 4: Een tabel in een cel is niet ingelezen: “Budget | 5000”."
        for w in report.warnings
    )


def test_heading_naming_an_sd_checks_the_number_and_warns_about_its_text():
    document = Document()
    document.add_heading("Strategische doelstelling 2: Aanbod afstemmen", level=2)
    table = document.add_table(rows=0, cols=6)
    for cells in (
        ["SD1", "Participatie verhogen"],
        ["SD1 OD1", "Netwerk verkennen", "", "", "alle gemeenten"],
        ["actie", "Een actie", "Partners bijeen brengen", "Lokaal uitvoeren"],
    ):
        row = table.add_row()
        for column, text in enumerate(cells):
            row.cells[column].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    report = read(buffer.getvalue())
    warnings = [str(w) for w in report.warnings]
    assert any(w.startswith("kop voor de eerste tabel: De kop “Strategische doelstelling 2")
               for w in warnings)
    assert any(w.startswith("tabel 1, rij 1: De kop van de tabel zegt “doelstelling 2”")
               for w in warnings)


def test_tables_before_the_plan_are_skipped_with_a_warning():
    document = Document()
    toc = document.add_table(rows=1, cols=2)
    toc.cell(0, 0).text = "Inhoud"
    toc.cell(0, 1).text = "p. 3"
    table = document.add_table(rows=0, cols=6)
    for cells in (
        ["SD1", "Participatie verhogen"],
        ["SD1 OD1", "Netwerk verkennen", "", "", "alle gemeenten"],
        ["actie", "Een actie", "Partners bijeen brengen", "Lokaal uitvoeren"],
    ):
        row = table.add_row()
        for column, text in enumerate(cells):
            row.cells[column].text = text
    buffer = io.BytesIO()
    document.save(buffer)
    report = read(buffer.getvalue())
    assert report.actie_count == 1
    assert str(report.warnings[0]).startswith("tabel 1: Niet ingelezen: deze tabel staat voor")


def test_od_before_any_sd_in_word_is_refused_with_its_place():
    plan = make_plan()
    before = counts()
    with pytest.raises(NotaImportError) as excinfo:
        import_nota(path_or_text=docx_of(["SD1 OD1", "Netwerk verkennen"]), plan=plan)
    assert "tabel 1, rij 2: Een operationele doelstelling (OD)" in str(excinfo.value)
    assert counts() == before


# Bad files -------------------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _ole(*streams: str) -> bytes:
    # An OLE compound file's signature and, in its directory, the streams' UTF-16 names.
    names = b"".join(name.encode("utf-16-le") + b"\x00\x00" for name in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + names + b"\x00" * 512


BAD_FILES = {
    "damaged": (lambda: seed_docx()[:4000], "beschadigd of onvolledig"),
    "excel": (lambda: _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}),
              "zonder word/document.xml"),
    "odt": (lambda: _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}),
            "OpenDocument-tekst (.odt)"),
    "broken_xml": (
        lambda: _zip({
            "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(seed_docx())).read(
                "[Content_Types].xml"),
            "_rels/.rels": zipfile.ZipFile(io.BytesIO(seed_docx())).read("_rels/.rels"),
            "word/document.xml": b"<w:document><w:body><w:tbl>",
        }),
        "beschadigd of onvolledig",
    ),
    "password": (lambda: _ole("Root Entry", "EncryptionInfo", "EncryptedPackage"),
                 "beveiligd met een wachtwoord"),
    "doc": (lambda: _ole("Root Entry", "WordDocument", "1Table"), "oude formaat (.doc)"),
    "other_ole": (lambda: _ole("Root Entry", "Workbook"),
                  "verwijder dan eerst het wachtwoord"),
    "no_plan_table": (
        lambda: docx_of(["Inhoud", "p. 3"], header=["Datum", "Wie", "Wat"]),
        "Geen plantabel gevonden in",
    ),
    "no_tables": (lambda: _docx_without_tables(), "tabellen in het document: 0"),
}


def _docx_without_tables() -> bytes:
    document = Document()
    document.add_paragraph("SD1 De cultuurparticipatie verhogen")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_word_file_gives_a_dutch_message_and_imports_nothing(kind, tmp_path):
    make_data, message = BAD_FILES[kind]
    path = tmp_path / "nota.docx"
    path.write_bytes(make_data())
    before = counts()
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("importeer_nota", str(path))
    assert counts() == before


def test_format_follows_the_content_not_the_name(tmp_path, capsys):
    word = tmp_path / "nota.txt"
    word.write_bytes(docx_of(
        ["SD1", "Participatie verhogen"],
        ["SD1 OD1", "Netwerk verkennen", "", "", "alle gemeenten"],
        ["actie", "Een actie", "Partners bijeen brengen", "Lokaal uitvoeren"],
    ))
    call_command("importeer_nota", str(word), "--titel", "Uit Word")
    plan = Beleidsplan.objects.get(titel="Uit Word")
    assert Actie.objects.filter(doelstelling__plan=plan).count() == 1
    assert plan.history.first().history_change_reason == "Ingelezen uit nota.txt"
    text = tmp_path / "nota.docx"
    text.write_text(
        "\tdoelstelling 1\tregierol\tactorrol\tspreiding\t\nSD1\tUit tekst\t\t\t\t\n",
        encoding="utf-8",
    )
    # (An SD without ODs at the end looks cut off: the command needs the confirmation.)
    call_command(
        "importeer_nota", str(text), "--titel", "Tekst met de naam .docx", "--bevestig-volledig"
    )
    assert Doelstelling.objects.get(
        plan=Beleidsplan.objects.get(titel="Tekst met de naam .docx"), parent=None
    ).formulering == "Uit tekst"


def test_command_imports_the_seed_from_word(tmp_path, capsys):
    path = tmp_path / "beleidsplan.docx"
    path.write_bytes(seed_docx("per_sd"))
    call_command("importeer_nota", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "tabel 1, rij 17: Het label “SD1 OD3” werd al gebruikt in tabel 1, rij 8." in out
    assert "Acties: 79" in out
    assert not Beleidsplan.objects.filter(titel="Beleidsplan 2020-2025").exists()


def test_load_nota_returns_rows_for_word_and_text_for_text():
    nota = load_nota(docx_of(["SD1", "Participatie"]), name="a.docx")
    assert isinstance(nota, NotaTables) and nota.source == "a.docx"
    assert nota.rows[1].place == "tabel 1, rij 2" and nota.rows[1].cells[:2] == [
        "SD1", "Participatie",
    ]


# The admin page --------------------------------------------------------------------------------


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def _preview(client, data: bytes, name: str = "nota.docx", **fields):
    return client.post(reverse(IMPORT_URL), {
        "bestand": _upload(data, name), "plan": "", "titel": "Beleidsplan uit Word",
        "van_jaar": 2020, "tot_jaar": 2025, **fields,
    })


def _confirm(client, response):
    context = response.context
    return client.post(reverse(IMPORT_URL), {
        "plan": "", "titel": context["plan"].titel, "van_jaar": context["plan"].van_jaar,
        "tot_jaar": context["plan"].tot_jaar, "payload": context["payload"], "confirm": "yes",
    })


def test_coordinator_finds_the_import_on_the_plans_list(coordinator_client):
    page = coordinator_client.get(reverse("admin:beleidsplan_beleidsplan_changelist"))
    assert reverse(IMPORT_URL).encode() in page.content
    assert "Nota importeren" in page.content.decode()
    index = coordinator_client.get(reverse("admin:app_list", args=["beleidsplan"]))
    assert reverse(IMPORT_URL).encode() in index.content


def test_coordinator_previews_then_confirms_a_word_nota(coordinator_client, coordinator):
    page = coordinator_client.get(reverse(IMPORT_URL))
    assert page.status_code == 200
    assert "het wordt niet bewaard" in page.content.decode()
    preview = _preview(coordinator_client, seed_docx("per_sd"), "beleidsplan.docx")
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Voorbeeld van beleidsplan.docx: er is nog niets bewaard" in html
    assert "SD5-OD7" in html and "(3 acties)" in html
    assert "tabel 1, rij 17: Het label “SD1 OD3” werd al gebruikt in tabel 1, rij 8." in html
    mine = Beleidsplan.objects.filter(titel="Beleidsplan uit Word")
    assert not mine.exists()  # a preview saves nothing
    done = _confirm(coordinator_client, preview)
    plan = mine.get()
    assert done.status_code == 302
    assert done.url.endswith(f"?plan__id__exact={plan.pk}")
    assert plan.titel == "Beleidsplan uit Word"
    assert Actie.objects.filter(doelstelling__plan=plan).count() == 79
    assert plan.history.first().history_user == coordinator
    # A second click on "Importeren" imports nothing again.
    again = _confirm(coordinator_client, preview)
    assert again.status_code == 302 and mine.count() == 1


def test_coordinator_imports_a_text_nota_into_an_empty_plan(coordinator_client):
    plan = make_plan(titel="Leeg plan")
    preview = _preview(
        coordinator_client, SEED.read_bytes(), "nota.txt", plan=plan.pk, titel="",
    )
    assert "regel 214: " in preview.content.decode()
    context = preview.context
    coordinator_client.post(reverse(IMPORT_URL), {
        "plan": plan.pk, "titel": "", "van_jaar": 2020, "tot_jaar": 2025,
        "payload": context["payload"], "confirm": "yes",
    })
    assert Doelstelling.objects.filter(plan=plan).count() == 31


def test_a_failing_file_shows_the_message_and_creates_nothing(coordinator_client):
    before = counts()
    response = _preview(coordinator_client, _ole("Root Entry", "WordDocument"), "oud.doc")
    html = response.content.decode()
    assert "oud.doc is een Word-document in het oude formaat (.doc)" in html
    assert "Er is niets geïmporteerd." in html
    assert counts() == before


def test_a_plan_with_goals_is_not_offered_and_refused(coordinator_client):
    plan = make_plan(titel="Vol plan")
    make_sd(plan)
    response = _preview(coordinator_client, docx_of(["SD1", "X"]), plan=plan.pk)
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert Doelstelling.objects.filter(plan=plan).count() == 1


def test_a_tampered_preview_is_refused(coordinator_client):
    preview = _preview(coordinator_client, docx_of(["SD1", "X"]))
    context = preview.context
    response = coordinator_client.post(reverse(IMPORT_URL), {
        "plan": "", "titel": "T", "van_jaar": 2020, "tot_jaar": 2025,
        "payload": context["payload"][:-3] + "abc", "confirm": "yes",
    })
    assert "Het voorbeeld is verlopen of ongeldig" in response.content.decode()
    assert not Beleidsplan.objects.filter(titel="T").exists()


@pytest.mark.parametrize("persona", ["stuurgroeplid", "partner_a"])
def test_steering_member_and_partner_cannot_import(client, persona, request):
    user = request.getfixturevalue(persona)
    user.is_staff = True  # even when made staff by mistake
    user.save()
    client.force_login(user)
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302 and "/admin/login/" in response.url
    before = counts()
    response = _preview(client, docx_of(["SD1", "X"]))
    assert response.status_code == 302
    assert counts() == before


def test_anonymous_visitor_cannot_import(client):
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_coordinator_without_the_right_to_add_plans_is_refused(client):
    from django.contrib.auth.models import Group, Permission

    user = make_user("beperkt", group=roles.COORDINATOREN, staff=True)
    # A region whose coordinators may not add plans gets no import either.
    Group.objects.get(name=roles.COORDINATOREN).permissions.remove(
        Permission.objects.get(codename="add_beleidsplan")
    )
    client.force_login(user)
    assert client.get(reverse(IMPORT_URL)).status_code == 403

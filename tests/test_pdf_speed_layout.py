"""The whole plan's PDF and the annual report's PDF, laid out as blocks for speed: what a
reader checks is still there (every goal code, each action's text, regierol and actorrol,
spreiding, timing, actors, the year's reports) and the files stay tagged for screen
readers. No timings here: the speed was measured by hand (see the commit message).

Text is read from WeasyPrint's laid-out pages (neither pypdf nor pdftotext is installed);
tags are read from the PDF's decompressed streams."""

import re
import zlib

import pytest

from acties.models import Voortgangsrapport
from beleidsplan import annual_report as reports
from beleidsplan import downloads
from beleidsplan.export import build_plan_document

from .factories import make_actie, make_actor, make_gemeente, make_od, make_plan, make_sd
from .test_downloads_files import pdf_text

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status


def pdf_objects(data: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, to look for
    the tag tree and the catalog's entries."""
    chunks = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(chunks)


def assert_tagged(data: bytes, *, headings: dict[str, int]) -> None:
    """A tagged PDF in Dutch with a heading element per SD, OD (and action) as counted."""
    assert data.startswith(b"%PDF")
    objects = pdf_objects(data)
    assert b"/StructTreeRoot" in objects
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", objects)
    assert re.search(rb"/Lang\s*\(nl\)", objects)
    for tag, count in headings.items():
        assert len(re.findall(rb"/S\s*/" + tag.encode() + rb"\b", objects)) == count, tag


@pytest.fixture
def plan_document():
    """Two SDs: SD1 with an OD of two actions and an OD without, SD2 with an OD of one
    action for two named municipalities, with its own timing and a note on spreading."""
    halle, gooik = make_gemeente("Halle"), make_gemeente("Gooik")
    trekker, partner = make_actor("Bibliotheek Halle"), make_actor("Academie Gooik")
    plan = make_plan(titel="Beleidsplan Zennevallei")
    sd1 = make_sd(plan, "Cultuurparticipatie verhogen")
    od1 = make_od(sd1, "Het netwerk in kaart brengen")
    make_od(sd1, "Nog zonder acties")
    make_actie(
        od1, "Sterkhouders in kaart brengen", regierol="Contacten leggen met partners",
        actorrol="Partners identificeren", van_jaar=2020, tot_jaar=2021,
        actoren=[(trekker, "trekker"), (partner, "partner")],
    )
    make_actie(
        od1, "Een regionale UiT-kalender", regierol="Kalender beheren",
        actorrol="Activiteiten doorgeven", timing_tekst="jaarlijks",
    )
    sd2 = make_sd(plan, "Aanbod afstemmen en spreiden")
    od3 = make_od(sd2, "Acties spreiden over de regio")
    spread = make_actie(
        od3, "Leesclubs in twee gemeenten", regierol="Draaiboek maken",
        actorrol="Leesclubs lokaal organiseren", alle_gemeenten=False,
        spreiding_toelichting="eerst in het zuiden", van_jaar=2022,
    )
    spread.gemeenten.set([halle, gooik])
    return plan, build_plan_document(plan)


def test_plan_pdf_holds_every_goal_and_every_action(plan_document):
    plan, document = plan_document
    text = pdf_text(downloads.pdf_document(document, plan=plan, versie=None))

    for sd in document["doelstellingen"]:
        assert f"{sd['code']} {sd['formulering']}" in text
        for od in sd["doelstellingen"]:
            assert f"{od['code']} {od['formulering']}" in text
    for row in downloads.action_rows(document):
        assert row.omschrijving in text
        assert f"Regierol: {row.regierol}" in text
        assert f"Actorrol: {row.actorrol}" in text
    assert "Geen acties." in text  # the OD without actions
    assert "Actoren: Bibliotheek Halle (trekker); Academie Gooik (partner)" in text
    assert "Spreiding: alle gemeenten · Timing: 2020 - 2021" in text
    assert "Timing: jaarlijks" in text
    assert "Spreiding: Gooik, Halle (eerst in het zuiden) · Timing: 2022" in text


def test_plan_pdf_shows_an_sds_own_actions_under_their_own_heading(plan_document):
    plan, document = plan_document
    sd2 = document["doelstellingen"][1]
    own = dict(sd2["doelstellingen"][0]["acties"][0], id=999, omschrijving="Een actie van SD2 zelf")
    sd2["acties"] = [own]

    text = pdf_text(downloads.pdf_document(document, plan=plan, versie=None))

    assert "SD2: Acties Een actie van SD2 zelf Regierol: Draaiboek maken" in text


def test_plan_pdf_is_tagged_with_a_heading_per_sd_and_od(plan_document):
    plan, document = plan_document

    data = downloads.render_pdf(document, plan=plan, versie=None)

    # The title page is the one H1; two SDs, three ODs.
    assert_tagged(data, headings={"H1": 1, "H2": 2, "H3": 3})


@pytest.fixture
def annual_report():
    """One SD and OD with an action reported on twice in 2021 (approved) and one action
    without any report."""
    halle, gooik = make_gemeente("Halle"), make_gemeente("Gooik")
    plan = make_plan(titel="Beleidsplan Zennevallei", van_jaar=2020, tot_jaar=2025)
    sd = make_sd(plan, "Participatie verhogen")
    od = make_od(sd, "Netwerk versterken")
    reading = make_actie(od, "Leesclubs in de bibliotheken")
    make_actie(od, "Zonder rapport")
    for halfjaar, wat, activiteiten in ((1, "Vier leesclubs opgestart", 12), (2, "Zes erbij", 18)):
        rapport = Voortgangsrapport.objects.create(
            actie=reading, jaar=2021, halfjaar=halfjaar, status=S.LOPEND, percentage=30,
            fase=Voortgangsrapport.Fase.GOEDGEKEURD, wat_gedaan=wat,
            aantal_activiteiten=activiteiten, aantal_deelnemers=40,
            links="https://example.org/leesclubs" if halfjaar == 2 else "",
        )
        rapport.gemeenten.set([halle, gooik])
    return reports.load_annual_report(plan, 2021)


def test_annual_pdf_holds_each_actions_status_and_the_years_reports(annual_report):
    text = pdf_text(reports.pdf_document(annual_report))

    assert "Jaarverslag 2021" in text
    # Each goal with its progress, in one line.
    progress = "30 % · 2 acties: 1 meegeteld, 1 zonder goedgekeurd rapport."
    assert f"SD1 Participatie verhogen {progress}" in text
    assert f"SD1-OD1 Netwerk versterken {progress}" in text
    assert "SD1-OD1 actie 1: Leesclubs in de bibliotheken" in text
    assert "Status: lopend 30 % (stand op 31 december 2021)" in text
    assert "2021, 1e halfjaar: Vier leesclubs opgestart" in text
    assert "2021, 2e halfjaar: Zes erbij" in text
    assert "Activiteiten: 30 · Deelnemers: 80 · Waar het plaatsvond: Gooik, Halle" in text
    assert "Links: https://example.org/leesclubs" in text
    assert "SD1-OD1 actie 2: Zonder rapport" in text
    assert "Status: nog geen goedgekeurd rapport · Geen goedgekeurd rapport voor 2021." in text
    # The matrix of the year's spreading, planned / realised.
    assert "Spreiding in 2021: gepland / gerealiseerd" in text


def test_annual_pdf_is_tagged_with_a_heading_per_goal_and_action(annual_report):
    data = reports.render_pdf(annual_report)

    # The title, the SD and the matrix of the year's spreading; the OD; one per action.
    assert_tagged(data, headings={"H1": 1, "H2": 2, "H3": 1, "H4": 2})

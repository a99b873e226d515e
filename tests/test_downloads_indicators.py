"""The plan's downloads show its indicators (issue 10): the PDF of a version (and of the
working state) has each indicator under its OD or action with its course chart and the table
of its numbers, the XLSX a sheet "Indicatoren". A plan without indicators downloads as
before: no such sheet, no indicator heading."""

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from acties.models import Indicator, Meting, Voortgangsrapport
from beleidsplan import downloads
from beleidsplan.export import build_plan_document
from beleidsplan.services import publish_version

from .factories import make_actie, make_od, make_plan, make_sd
from .test_downloads_files import served_pdf_pages
from .test_pdf_speed_layout import assert_tagged

pytestmark = pytest.mark.django_db


def add_indicator(*, doelstelling=None, actie=None, values=(), **fields) -> Indicator:
    """A valid indicator (as the admin saves it) with measurements the coordinator entered
    (``values``: (year, value) pairs)."""
    indicator = Indicator(doelstelling=doelstelling, actie=actie, **fields)
    indicator.full_clean()
    indicator.save()
    for jaar, waarde in values:
        Meting.objects.create(indicator=indicator, jaar=jaar, waarde=Decimal(waarde))
    return indicator


@pytest.fixture
def plan(coordinator):
    """An OD with a level indicator (on course), its action with a "less is better"
    indicator (behind; a later value in a report not yet approved does not count) and a
    cumulative one without a base; a second OD without indicators."""
    plan = make_plan(titel="Beleidsplan Zennevallei", van_jaar=2020, tot_jaar=2025)
    sd = make_sd(plan, "Cultuurparticipatie vergroten")
    od = make_od(sd, "Drempels verlagen")
    actie = make_actie(od, "Voorleesweek in de bibliotheken")
    other = make_od(sd, "Het netwerk versterken")
    make_actie(other, "Een regionale UiT-kalender")
    uitpas = add_indicator(
        doelstelling=od, naam="Gemeenten in de UiTPAS", eenheid="gemeenten",
        basiswaarde=Decimal(2), basisjaar=2020, streefwaarde=Decimal(12), streefjaar=2025,
        values=[(2021, "4"), (2022, "7.5")],
    )
    wachttijd = add_indicator(
        actie=actie, naam="Wachttijd voor een leesbegeleider", eenheid="dagen",
        basiswaarde=Decimal(30), basisjaar=2020, streefwaarde=Decimal(10), streefjaar=2024,
        richting=Indicator.Richting.MINDER, volgorde=1, values=[(2022, "25")],
    )
    rapport = Voortgangsrapport.objects.create(
        actie=actie, jaar=2023, halfjaar=0, status=Voortgangsrapport.Status.LOPEND,
        fase=Voortgangsrapport.Fase.INGEDIEND, wat_gedaan="Voorgelezen.",
    )
    Meting.objects.create(indicator=wachttijd, jaar=2023, waarde=Decimal(5), rapport=rapport)
    kinderen = add_indicator(
        actie=actie, naam="Kinderen op de voorleesnamiddagen", eenheid="kinderen",
        streefwaarde=Decimal(600), streefjaar=2025, cumulatief=True, volgorde=2,
        values=[(2021, "120"), (2022, "80.5")],
    )
    od.refresh_from_db()
    versie = publish_version(plan=plan, naam="Met indicatoren", user=coordinator)
    return SimpleNamespace(plan=plan, od=od, actie=actie, versie=versie, uitpas=uitpas,
                           wachttijd=wachttijd, kinderen=kinderen)


def version_url(kind, plan, versie):
    return reverse(f"plan:versie_{kind}", args=[plan.pk, versie.nummer])


def served(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def dutch(value: Decimal) -> str:
    """A number as the PDF writes it: decimal comma, no trailing zeros."""
    return format(value.normalize(), "f").replace(".", ",")


# PDF


def test_version_pdf_shows_each_indicator_with_its_numbers_under_its_goal_and_action(
    coordinator_client, plan
):
    response = coordinator_client.get(version_url("pdf", plan.plan, plan.versie))

    assert response.status_code == 200
    text = " ".join(served_pdf_pages(served(response)))
    uitpas, wachttijd = plan.uitpas, plan.wachttijd
    # Name, unit, base and target as entered, the direction and the status.
    assert uitpas.naam in text
    assert (
        f"Eenheid: {uitpas.eenheid} · Basiswaarde: {dutch(uitpas.basiswaarde)} gemeenten "
        f"({uitpas.basisjaar}) · Streefwaarde: {dutch(uitpas.streefwaarde)} gemeenten "
        f"({uitpas.streefjaar})"
    ) in text
    assert "meer is beter · Status: Op koers naar het doel" in text
    # The table: the base, each measurement, the target; the chart's own target label.
    for meting in uitpas.metingen.all():
        assert f"{meting.jaar} {dutch(meting.waarde)} meting" in text
    assert f"{uitpas.basisjaar} {dutch(uitpas.basiswaarde)} basis" in text
    assert f"{uitpas.streefjaar} {dutch(uitpas.streefwaarde)} doel" in text
    assert f"doel {uitpas.streefjaar}: {dutch(uitpas.streefwaarde)} gemeenten" in text

    # The action's indicators follow the action, under their own heading.
    assert "minder is beter · Status: Achter op de koers naar het doel" in text
    assert "2022 25 meting" in text
    assert "2023 5 meting" not in text, "a value of a report not approved does not count"
    # A cumulative indicator's table holds the running total (120, then 120 + 80,5).
    assert "2021 120 meting 2022 200,5 meting" in text
    assert "de waarden van de periodes tellen op" in text
    order = [
        "Drempels verlagen", "Indicatoren", uitpas.naam, "Voorleesweek in de bibliotheken",
        "Indicatoren van deze actie", wachttijd.naam, plan.kinderen.naam,
        "Het netwerk versterken",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_pdf_tags_an_indicator_heading_per_goal_or_action_and_one_per_indicator(plan):
    document = build_plan_document(plan.plan)

    data = downloads.render_pdf(document, plan=plan.plan, versie=None)

    # The title; the SD; two ODs; the OD's and the action's "Indicatoren"; three names.
    assert_tagged(data, headings={"H1": 1, "H2": 1, "H3": 2, "H4": 2, "H5": 3})


def test_working_state_pdf_shows_a_value_the_coordinator_entered_after_publishing(
    coordinator_client, plan
):
    Meting.objects.create(indicator=plan.uitpas, jaar=2023, waarde=Decimal("11.25"))

    response = coordinator_client.get(reverse("plan:werk_pdf", args=[plan.plan.pk]))

    text = " ".join(served_pdf_pages(served(response)))
    assert "2023 11,25 meting" in text
    version = " ".join(served_pdf_pages(
        served(coordinator_client.get(version_url("pdf", plan.plan, plan.versie)))))
    assert "2023 11,25 meting" not in version, "the published version keeps its numbers"


# XLSX


def test_version_xlsx_has_a_sheet_of_indicators_with_the_numbers_of_the_data(
    coordinator_client, plan
):
    response = coordinator_client.get(version_url("xlsx", plan.plan, plan.versie))

    workbook = load_workbook(io.BytesIO(served(response)))
    assert workbook.sheetnames == ["Acties", "Indicatoren"]
    sheet = workbook["Indicatoren"]
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header == [
        "Code", "Actie", "Indicator", "Eenheid", "Basiswaarde", "Basisjaar", "Streefwaarde",
        "Streefjaar", "Richting", "Laatste waarde", "Periode van de laatste waarde", "Status",
    ]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    code = plan.od.code
    uitpas, wachttijd, kinderen = plan.uitpas, plan.wachttijd, plan.kinderen
    last_uitpas = uitpas.metingen.order_by("jaar").last()
    assert rows == [
        [code, None, uitpas.naam, uitpas.eenheid, float(uitpas.basiswaarde), uitpas.basisjaar,
         float(uitpas.streefwaarde), uitpas.streefjaar, "meer is beter",
         float(last_uitpas.waarde), str(last_uitpas.jaar), "Op koers naar het doel"],
        # The value of the report not approved (2023) does not count.
        [code, f"{code} actie 1", wachttijd.naam, wachttijd.eenheid,
         float(wachttijd.basiswaarde), wachttijd.basisjaar, float(wachttijd.streefwaarde),
         wachttijd.streefjaar, "minder is beter", 25.0, "2022",
         "Achter op de koers naar het doel"],
        # Cumulative: the last value is the running total; no base set.
        [code, f"{code} actie 1", kinderen.naam, kinderen.eenheid, None, None,
         float(kinderen.streefwaarde), kinderen.streefjaar, "meer is beter",
         float(sum(m.waarde for m in kinderen.metingen.all())), "2022",
         "Achter op de koers naar het doel"],
    ]


def test_csv_stays_one_row_per_action(coordinator_client, plan):
    response = coordinator_client.get(version_url("csv", plan.plan, plan.versie))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 2
    assert not any(plan.uitpas.naam in line for line in lines)


# A plan without indicators


def test_plan_without_indicators_has_no_indicator_sheet_and_no_indicator_heading(
    coordinator_client, coordinator
):
    bare = make_plan(titel="Beleidsplan Dijleland")
    make_actie(make_od(make_sd(bare, "Aanbod afstemmen"), "Kalender delen"),
               "Een regionale UiT-kalender")
    versie = publish_version(plan=bare, naam="Eerste", user=coordinator)

    workbook = load_workbook(io.BytesIO(served(
        coordinator_client.get(version_url("xlsx", bare, versie)))))
    pages = served_pdf_pages(served(coordinator_client.get(version_url("pdf", bare, versie))))

    assert workbook.sheetnames == ["Acties"]
    text = " ".join(pages)
    assert "Een regionale UiT-kalender" in text
    assert "Indicatoren" not in text
    html = downloads.plan_html(versie.data(), plan=bare, versie=versie)
    assert "indicator" not in html

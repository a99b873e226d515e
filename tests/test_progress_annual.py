"""The annual report (jaarverslag): the page, the spreadsheet, the PDF, and who may see
them."""

import re
import zlib
from io import BytesIO
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from acties.models import Voortgangsrapport
from beleidsplan.services import publish_version

from .factories import make_actie, make_gemeente, make_od, make_plan, make_sd
from .test_progress_rollup import make_rapport

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status
F = Voortgangsrapport.Fase


@pytest.fixture
def site(coordinator, actor_a):
    halle = make_gemeente("Halle")
    gooik = make_gemeente("Gooik")
    plan = make_plan(titel="Beleidsplan Zennevallei", van_jaar=2020, tot_jaar=2025)
    sd = make_sd(plan, "Participatie verhogen")
    od = make_od(sd, "Netwerk versterken")
    reading = make_actie(od, "Leesclubs in de bibliotheken", actoren=[(actor_a, "trekker")])
    make_rapport(reading, 2021, halfjaar=0, status=S.LOPEND, percentage=30,
                 wat_gedaan="Vier leesclubs opgestart", aantal_activiteiten=12,
                 aantal_deelnemers=80, gemeenten=[halle, gooik])
    make_rapport(reading, 2022, status=S.OP_SCHEMA, percentage=70,
                 wat_gedaan="Tien leesclubs", aantal_activiteiten=30, aantal_deelnemers=200)
    make_rapport(reading, 2023, status=S.VERTRAAGD, percentage=75, fase=F.INGEDIEND,
                 wat_gedaan="Nog niet goedgekeurd")
    finished = make_actie(od, "Regionale kalender")
    make_rapport(finished, 2021, status=S.AFGEROND, wat_gedaan="Kalender online")
    make_actie(od, "Zonder rapport")
    publish_version(plan=plan, naam="Versie 1", user=coordinator)
    return SimpleNamespace(plan=plan, reading=reading, finished=finished, sd=sd, od=od)


def url(site, jaar, suffix="/"):
    if suffix == "/":
        return reverse("plan:jaarverslag", args=[site.plan.pk, jaar])
    return reverse(f"plan:jaarverslag_{suffix}", args=[site.plan.pk, jaar])


def test_annual_report_page(client, site):
    response = client.get(url(site, 2021))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jaarverslag 2021" in html
    assert "Vier leesclubs opgestart" in html and "Tien leesclubs" not in html
    assert "Gooik" in html and "Halle" in html
    assert "Kalender online" in html
    assert "Geen goedgekeurd rapport voor 2021." in html
    report = response.context["report"]
    assert report.totals == {"activiteiten": 12, "deelnemers": 80, "gerapporteerd": 2}
    # The OD at the end of 2021: (30 + 100) / 2.
    assert report.sds[0].children[0].progress.percentage == 65


def test_status_carries_over_but_the_numbers_are_the_years_own(client, site):
    report = client.get(url(site, 2023)).context["report"]
    reading = report.action(site.reading.pk)
    assert reading.row.progress.status == S.OP_SCHEMA  # 2022's, the 2023 one is not approved
    assert reading.reports == []  # nothing approved in 2023
    assert reading.activiteiten is None
    finished = report.action(site.finished.pk)
    assert finished.row.progress.status == S.AFGEROND
    html = client.get(url(site, 2023)).content.decode()
    assert "Nog niet goedgekeurd" not in html


def test_xlsx_has_a_row_per_goal_and_action(client, site):
    response = client.get(url(site, 2021, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="jaarverslag-2021.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Code", "Niveau", "Omschrijving", "Status")
    assert [r[1] for r in rows[1:]] == ["SD", "OD", "actie 1", "actie 2", "actie 3"]
    reading = rows[3]
    assert reading[2] == "Leesclubs in de bibliotheken"
    assert reading[3] == "lopend" and reading[4] == 30
    assert reading[6] == "2021: Vier leesclubs opgestart"
    assert (reading[7], reading[8], reading[9]) == (12, 80, "Gooik, Halle")
    assert rows[5][3] == "geen goedgekeurd rapport"


def pdf_text(data: bytes) -> str:
    """The text of a PDF: with pypdf when installed; else the decompressed streams, where
    WeasyPrint's bookmarks (one per heading, actions included) hold the headings' text."""
    try:
        from pypdf import PdfReader
    except ImportError:
        chunks = []
        for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
            try:
                chunks.append(zlib.decompress(match.group(1)))
            except zlib.error:
                continue
        return b"\n".join(chunks).decode("latin-1")
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_pdf_contains_the_actions(client, site):
    response = client.get(url(site, 2021, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Leesclubs in de bibliotheken" in text
    assert "Jaarverslag 2021" in text


@pytest.mark.parametrize("suffix", ["/", "xlsx", "pdf"])
def test_a_year_outside_the_plan_is_a_clear_404(client, site, suffix):
    response = client.get(url(site, 2019, suffix))
    assert response.status_code == 404
    assert "2019 valt buiten de planperiode 2020-2025" in response.content.decode()


@pytest.mark.parametrize("suffix", ["/", "xlsx", "pdf"])
@pytest.mark.parametrize(
    "who,status", [("anonymous", 302), ("partner_a", 404), ("stuurgroeplid", 200)]
)
def test_annual_report_of_a_non_public_plan(client, site, suffix, who, status, request):
    site.plan.publiek = False
    site.plan.save()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(url(site, 2021, suffix)).status_code == status


def test_annual_report_links_each_year(client, site):
    html = client.get(url(site, 2021)).content.decode()
    for jaar in range(2020, 2026):
        assert url(site, jaar) in html or jaar == 2021
    assert url(site, 2021, "xlsx") in html and url(site, 2021, "pdf") in html

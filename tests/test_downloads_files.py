"""Downloads of the seed's plan (beleidsplan/downloads.py): version 1 as CSV, XLSX and PDF,
checked against its stored document."""

import csv
import io
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from beleidsplan.models import Beleidsplan, Doelstelling, RenderedFile
from beleidsplan.services import publish_version
from cultuurregio import roles

from .factories import make_actie, make_od, make_plan, make_sd, make_user

pytestmark = pytest.mark.django_db

FIXTURES = ["gemeenten", "actoren", "beleidsplan"]


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker):
    """The seed's plan with version 1 published from the fixtures, once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *FIXTURES, verbosity=0)
        Doelstelling.objects.rebuild()
        plan = Beleidsplan.objects.get()
        user = make_user("dl-coordinator", group=roles.COORDINATOREN, staff=True)
        versie = publish_version(plan=plan, naam="De nota hoe ze was", user=user)
        yield SimpleNamespace(plan=plan, versie=versie, document=versie.data())
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def url(name, *args):
    return reverse(f"plan:{name}", args=args)


def seed_actions(document):
    for sd in document["doelstellingen"]:
        for od in sd["doelstellingen"]:
            for actie in od["acties"]:
                yield sd, od, actie


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# CSV


def test_csv_of_version_1_has_the_seeds_79_actions(client, seed):
    response = client.get(url("versie_csv", seed.plan.pk, 1))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{seed.plan.pk}-versie-1-acties.csv"'
    )
    header, *rows = read_csv(response)
    assert header[:6] == [
        "Actie-id", "SD", "Strategische doelstelling", "OD", "Operationele doelstelling", "Actie",
    ]
    assert len(rows) == 79
    expected = list(seed_actions(seed.document))
    assert [int(row[0]) for row in rows] == [actie["id"] for _sd, _od, actie in expected]
    for row, (sd, od, actie) in zip(rows, expected, strict=True):
        fields = dict(zip(header, row, strict=True))
        assert fields["SD"] == sd["code"]
        assert fields["OD"] == od["code"]
        assert fields["Actie"] == actie["omschrijving"]
        assert fields["Regierol"] == (actie["regierol"] or "")
        assert fields["Actorrol"] == (actie["actorrol"] or "")
        assert fields["Zie ook"] == ", ".join(actie["zie_ook"])
        if actie["spreiding"]["alle_gemeenten"]:
            assert fields["Spreiding"] == "alle gemeenten"
        else:
            assert fields["Spreiding"] == ", ".join(actie["spreiding"]["gemeenten"])
        for actor in actie["actoren"]:
            assert f"{actor['naam']} ({actor['rol']})" in fields["Actoren"]


def test_csv_names_actors_with_their_roles(client, seed):
    rows = read_csv(client.get(url("versie_csv", seed.plan.pk, 1)))
    header = rows[0]
    with_actors = [dict(zip(header, row, strict=True)) for row in rows[1:] if row[13]]
    assert with_actors, "the seed has actions with actors"
    assert any("Regiobib (partner)" in row["Actoren"].split("; ") for row in with_actors)
    assert all(re.fullmatch(r"(.+ \((trekker|partner)\))(; .+ \((trekker|partner)\))*",
                            row["Actoren"]) for row in with_actors)


# XLSX


def test_xlsx_of_version_1_opens_with_a_header_row_and_79_actions(client, seed):
    response = client.get(url("versie_xlsx", seed.plan.pk, 1))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{seed.plan.pk}-versie-1-acties.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Acties"
    assert sheet.max_row == 80
    assert sheet["A1"].value == "Actie-id" and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width == 60  # Actie
    first_sd, first_od, first = next(seed_actions(seed.document))
    assert [c.value for c in sheet[2]][:6] == [
        first["id"], first_sd["code"], first_sd["formulering"], first_od["code"],
        first_od["formulering"], first["omschrijving"],
    ]


def test_text_that_looks_like_a_formula_stays_text(client, coordinator):
    plan = make_plan()
    od = make_od(make_sd(plan))
    make_actie(od, "=HYPERLINK(\"http://example.org\")", regierol="+ samenwerken")
    client.force_login(coordinator)

    rows = read_csv(client.get(url("werk_csv", plan.pk)))
    assert rows[1][5] == "'=HYPERLINK(\"http://example.org\")"
    assert rows[1][6] == "'+ samenwerken"

    sheet = load_workbook(io.BytesIO(client.get(url("werk_xlsx", plan.pk)).content)).active
    assert sheet["F2"].value == "=HYPERLINK(\"http://example.org\")"
    assert sheet["F2"].data_type == "s"


# PDF


def pdf_text(document) -> str:
    """The text WeasyPrint laid out on the pages, with whitespace normalised."""
    from weasyprint.formatting_structure import boxes

    parts = []

    def walk(box):
        if isinstance(box, boxes.TextBox):
            parts.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return re.sub(r"\s+", " ", " ".join(parts))


def test_pdf_of_version_1(client, seed):
    response = client.get(url("versie_pdf", seed.plan.pk, 1))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="plan-{seed.plan.pk}-versie-1.pdf"'
    )
    assert response.content.startswith(b"%PDF")

    # The file the view served, read back (not a new rendering, which would pass even if
    # the view served another plan's or an empty PDF).
    served = served_pdf_pages(b"".join(response.streaming_content)
                              if response.streaming else response.content)
    text = " ".join(served)
    assert len(served) > 5
    _sd, _od, actie = next(seed_actions(seed.document))
    assert " ".join(actie["omschrijving"].split()) in text
    # The first page names the version and its date.
    assert "Versie 1: De nota hoe ze was" in served[0]
    assert "gepubliceerd op" in served[0]
    # Page numbers in the margin.
    assert "pagina 2 van" in served[1]


def served_pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF file, whitespace normalised (pypdf)."""
    from pypdf import PdfReader

    return [
        re.sub(r"\s+", " ", page.extract_text() or "")
        for page in PdfReader(io.BytesIO(data)).pages
    ]


# Made at publishing


def test_publishing_makes_the_versions_files_so_no_reader_waits(
    client, coordinator, django_capture_on_commit_callbacks, django_assert_num_queries
):
    plan = make_plan(publiek=True)
    make_actie(make_od(make_sd(plan)), omschrijving="Een zomerbar in elk dorp")
    with django_capture_on_commit_callbacks(execute=True):
        versie = publish_version(plan=plan, naam="Eerste", user=coordinator)

    stored = {row.family.rsplit(":", 1)[1]: row for row in RenderedFile.objects.filter(plan=plan)}
    assert sorted(stored) == ["csv", "pdf", "xlsx"]
    assert "Een zomerbar in elk dorp" in " ".join(served_pdf_pages(bytes(stored["pdf"].body)))

    # A visitor gets the stored bytes: the reading (with the version), the stored file.
    with django_assert_num_queries(2):
        response = client.get(url("versie_pdf", plan.pk, versie.nummer))
    assert response.status_code == 200
    assert response.content == bytes(stored["pdf"].body)


# Made after a deploy (manage.py maak_downloads)


def test_after_a_deploy_the_command_makes_what_is_not_kept_and_nothing_twice(client, coordinator):
    plan = make_plan(publiek=True, titel="Plan A")
    make_actie(make_od(make_sd(plan)), omschrijving="Een zomerbar in elk dorp")
    other = make_plan(publiek=True, titel="Plan B")
    make_actie(make_od(make_sd(other)), omschrijving="Een winterbar")
    # Published without their files (here nothing runs on commit): as after a deploy that
    # changed what renders them, nothing is kept for this release.
    for naam in ("Eerste", "Tweede"):
        publish_version(plan=plan, naam=naam, user=coordinator)
    publish_version(plan=other, naam="Eerste", user=coordinator)

    out = StringIO()
    call_command("maak_downloads", "--plan", str(plan.pk), stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(": ")[0] for line in lines[:2]] == [
        "Plan A (2020-2025), versie 1", "Plan A (2020-2025), versie 2"
    ]
    assert lines[-1] == "Downloads gemaakt voor 2 versies; die van de andere waren al bewaard."
    kept = sorted(RenderedFile.objects.filter(plan=plan).values_list("family", flat=True))
    assert [family.split(":", 1)[1] for family in kept] == sorted(
        f"versie-{v.pk}:{kind}" for v in plan.versies.all() for kind in ("csv", "pdf", "xlsx")
    )
    assert not RenderedFile.objects.filter(plan=other).exists()

    # Again: nothing to make.
    out = StringIO()
    call_command("maak_downloads", "--plan", str(plan.pk), stdout=out)
    assert out.getvalue().splitlines() == [
        "Downloads gemaakt voor 0 versies; die van de andere waren al bewaard."
    ]

    # One version's files gone: said in the singular.
    RenderedFile.objects.filter(family__endswith=":csv", plan=plan).first().delete()
    out = StringIO()
    call_command("maak_downloads", "--plan", str(plan.pk), stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "Downloads gemaakt voor 1 versie; die van de andere waren al bewaard."
    )

    # Version 1's PDF gone (as a deploy leaves it unfound): made again, and served as made.
    first = plan.versies.get(nummer=1)
    RenderedFile.objects.get(plan=plan, family__endswith=f"versie-{first.pk}:pdf").delete()
    out = StringIO()
    call_command("maak_downloads", stdout=out)  # every plan: Plan B's version too
    made = {line.split(": ")[0] for line in out.getvalue().splitlines()[:-1]}
    assert {"Plan A (2020-2025), versie 1", "Plan B (2020-2025), versie 1"} <= made
    assert "Plan A (2020-2025), versie 2" not in made
    stored = RenderedFile.objects.get(plan=plan, family__endswith=f"versie-{first.pk}:pdf")
    response = client.get(url("versie_pdf", plan.pk, 1))
    assert response.content == bytes(stored.body)


def test_the_command_refuses_a_plan_that_does_not_exist():
    with pytest.raises(CommandError, match="Er is geen beleidsplan met id 999"):
        call_command("maak_downloads", "--plan", "999")

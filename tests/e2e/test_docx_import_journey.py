"""Journey: the coordinator imports the region's nota from Word in the admin."""

import re

import pytest
from playwright.sync_api import expect

from acties.models import Actie
from beleidsplan.models import Beleidsplan
from cultuurregio import roles
from tests.docx_nota import seed_docx
from tests.factories import make_user

from .conftest import login

pytestmark = pytest.mark.e2e


def test_coordinator_uploads_a_word_nota_reads_the_preview_and_confirms(
    page, live_server, transactional_db, tmp_path
):
    make_user("regisseur", group=roles.COORDINATOREN, staff=True)
    nota = tmp_path / "beleidsplan-2020-2025.docx"
    nota.write_bytes(seed_docx("one_table"))
    login(page, live_server, "regisseur")

    page.goto(f"{live_server.url}/admin/beleidsplan/beleidsplan/")
    page.get_by_role("link", name="Nota importeren").click()
    expect(page.get_by_role("heading", name="Nota importeren")).to_be_visible()
    expect(page.get_by_text("het wordt niet bewaard")).to_be_visible()

    page.get_by_label("De nota").set_input_files(str(nota))
    page.get_by_label("Titel van het nieuwe plan").fill("Beleidsplan uit Word")
    page.get_by_role("button", name="Volgende: voorbeeld").click()

    # The preview: the tree with counts, and every warning with its table and row.
    expect(page.get_by_role("heading", name=re.compile("er is nog niets bewaard"))).to_be_visible()
    expect(page.get_by_text("SD5-OD7", exact=True)).to_be_visible()
    page.get_by_text("SD1-OD2", exact=True).click()  # open the OD: its actions
    expect(page.get_by_text(re.compile("Boekenstoet")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^tabel 1, rij \d+: Het label “SD1 OD3”"))).to_be_visible()
    assert not Beleidsplan.objects.exists()

    page.get_by_role("button", name="Dit plan importeren").click()
    expect(page.get_by_text(re.compile("De nota is geïmporteerd in “Beleidsplan uit Word"))
           ).to_be_visible()
    # The goal tree of the new plan.
    expect(page.get_by_text("SD5-OD7").first).to_be_visible()
    plan = Beleidsplan.objects.get()
    assert Actie.objects.filter(doelstelling__plan=plan).count() == 79

"""The journeys of the plan online (issue "The plan online"): a steering group member and
an anonymous visitor, on the seed's plan with its two published versions."""

import json
import re

import pytest
from playwright.sync_api import expect

from acties.models import Actie
from beleidsplan.models import Reactie
from cultuurregio import roles
from tests.factories import make_user

from .conftest import site_login

pytestmark = pytest.mark.e2e


def test_steering_group_member_finds_the_way_in_the_plan(page, live_server, seed_versions):
    make_user("lid", group=roles.STUURGROEP)
    site_login(page, live_server, "lid")

    # Home > SD > OD > action.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=re.compile(r"^SD2\b")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SD2")
    page.get_by_role("link", name=re.compile(r"^SD2-OD1\b")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SD2-OD1")
    page.get_by_role("link", name="SD2-OD1 actie 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SD2-OD1 actie 1")
    expect(page.get_by_text("Kwaliteitsvolle opschaling").first).to_be_visible()
    expect(page.get_by_text("Regiobib-overleg").first).to_be_visible()

    # Compare version 1 with version 2: old SD4 is shown as the new SD3.
    page.goto(f"{live_server.url}/plan/{seed_versions.pk}/vergelijk/?van=1&naar=2")
    row = page.locator("tr", has_text="De lokale mogelijkheden voor cultuurbeleving").first
    expect(row).to_contain_text("SD4")
    expect(row).to_contain_text("SD3")
    expect(row).to_contain_text("hernummerd")

    # Search "Boekenstoet" and open the action.
    page.get_by_role("link", name="Zoeken").click()
    page.get_by_role("searchbox").fill("Boekenstoet")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("1 resultaat"))).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^SD\d-OD\d actie \d+$")).first.click()
    boekenstoet = Actie.objects.get(omschrijving__contains="Boekenstoet")
    assert page.url.endswith(f"/acties/{boekenstoet.pk}/")
    expect(page.get_by_text(re.compile("'Boekenstoet' \\(voorlezen")).first).to_be_visible()

    # Comment on an open proposal.
    page.goto(f"{live_server.url}/plan/{seed_versions.pk}/herzieningen/")
    page.get_by_role("link", name=re.compile("Herziening van het beleidsplan")).click()
    proposal = page.locator("article", has_text="moet nog verscherpt worden").first
    proposal.get_by_label("Uw reactie").fill("Voorstel: jeugdwerk en cultuur samen.")
    proposal.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.get_by_text("Uw reactie is geplaatst.")).to_be_visible()
    assert Reactie.objects.filter(auteur__username="lid").count() == 1


def test_anonymous_visitor_reads_filters_downloads_and_is_refused(
    page, live_server, seed_versions
):
    plan = seed_versions
    # Reads the published plan.
    page.goto(f"{live_server.url}/plan/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Boekenstoet").first).to_be_visible()
    all_rows = page.locator("tbody tr").count()

    # Filters the nota table by a municipality: the filter stays in the URL.
    page.get_by_label("Gemeente").select_option(label="Halle")
    page.get_by_role("button", name=re.compile("Toon|Filter")).click()
    assert re.search(r"[?&]gemeente=\d+", page.url)
    expect(page.get_by_label("Gemeente")).to_have_value(re.compile(r"\d+"))
    assert 0 < page.locator("tbody tr").count() <= all_rows

    # Downloads the PDF and the JSON of version 2, through the links on its page.
    page.goto(f"{live_server.url}/plan/{plan.pk}/versies/2/")
    pdf_href = page.get_by_role("link", name="het hele plan als PDF").get_attribute("href")
    pdf = page.request.get(live_server.url + pdf_href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    json_href = page.get_by_role("link", name=re.compile("JSON")).first.get_attribute("href")
    data = json.loads(page.request.get(live_server.url + json_href).text())
    assert data["schema"] == "cultuurregio-plan/1"
    assert data["versie"]["nummer"] == 2

    # Refused the working state and the proposals.
    for path in (f"/plan/{plan.pk}/werkversie/", f"/plan/{plan.pk}/herzieningen/"):
        page.goto(f"{live_server.url}{path}")
        assert "/aanmelden/" in page.url, path

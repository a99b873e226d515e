"""The steering group member's journey through versions and open proposals."""

import re

import pytest
from playwright.sync_api import expect

from beleidsplan.models import Reactie
from cultuurregio import roles
from tests.factories import make_user

from .conftest import site_login

pytestmark = pytest.mark.e2e


def test_steering_group_compares_versions_and_comments(page, live_server, seed_versions):
    make_user("lid", group=roles.STUURGROEP)
    site_login(page, live_server, "lid")

    # From the home page to the versions, and compare 1 with 2.
    page.get_by_role("link", name="Alle versies, en ze vergelijken").click()
    page.get_by_label("Oud").select_option("1")
    page.get_by_label("Nieuw").select_option("2")
    page.get_by_role("button", name="Vergelijken").click()

    # Old SD4 (co-creatie) is shown as the new SD3: one row, renumbered and reworded.
    row = page.locator("tr", has_text="De lokale mogelijkheden voor cultuurbeleving").first
    expect(row).to_contain_text("SD4")
    expect(row).to_contain_text("SD3")
    expect(row).to_contain_text("hernummerd")
    expect(row).to_contain_text("Actieve (cultuur)participatie")
    # A moved OD links from its old place to its new one.
    page.get_by_role("link", name=re.compile(r"nu SD2-OD4")).first.click()
    anchor = re.search(r"#g-\d+$", page.url)
    assert anchor, page.url
    target = page.locator(anchor.group(0))
    expect(target).to_be_in_viewport()
    expect(target).to_contain_text("SD2-OD4")

    # The open proposals of the revision round, and a comment on the merge question.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Herzieningen en voorstellen").click()
    page.get_by_role("link", name=re.compile("Herziening van het beleidsplan")).click()
    proposal = page.locator("article", has_text="samenvoegen ?")
    proposal.get_by_label("Uw reactie").fill("Akkoord om OD 1 en 2 samen te voegen.")
    proposal.get_by_role("button", name="Reactie plaatsen").click()
    expect(page.get_by_text("Uw reactie is geplaatst.")).to_be_visible()
    expect(page.get_by_text("Akkoord om OD 1 en 2 samen te voegen.")).to_be_visible()
    assert Reactie.objects.filter(tekst__startswith="Akkoord", auteur__username="lid").exists()


def test_steering_group_scans_a_comparison_on_a_phone(browser, live_server, seed_versions):
    """On a 390 px wide phone: the summary first, each change a link to its row, old and
    new stacked, and nothing wider than the screen."""
    make_user("lid", group=roles.STUURGROEP)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    site_login(page, live_server, "lid")
    page.goto(f"{live_server.url}/plan/{seed_versions.pk}/vergelijk/?van=1&naar=2")

    expect(page.get_by_role("heading", name="Wat veranderde")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px screen"
    summary = page.locator(".change-summary")
    summary.get_by_role("link").first.click()
    anchor = re.search(r"#([ga]-\d+)$", page.url)
    assert anchor, page.url
    expect(page.locator(f"#{anchor.group(1)}")).to_be_in_viewport()
    context.close()


def test_anonymous_reads_versions_but_not_proposals(page, live_server, seed_versions):
    plan = seed_versions
    page.goto(f"{live_server.url}/plan/{plan.pk}/versies/2/")
    expect(page.get_by_role("heading", name=re.compile("Versie 2: Na herziening"))).to_be_visible()
    page.goto(f"{live_server.url}/plan/{plan.pk}/herzieningen/")
    assert "/aanmelden/" in page.url
    page.goto(f"{live_server.url}/plan/{plan.pk}/werkversie/")
    assert "/aanmelden/" in page.url

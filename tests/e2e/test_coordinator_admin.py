"""Journeys through the coordinator's admin on the real plan of the seed."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from acties.models import Actie
from cultuurregio import roles
from tests.factories import make_user

from .conftest import login

pytestmark = pytest.mark.e2e


def test_coordinator_finds_and_edits_the_plan(page, live_server, seed_plan):
    make_user("regisseur", group=roles.COORDINATOREN, staff=True)
    login(page, live_server, "regisseur")

    # The admin index, in Dutch, names the plan's parts.
    expect(page.get_by_role("link", name="Doelstellingen", exact=True)).to_be_visible()
    page.get_by_role("link", name="Doelstellingen", exact=True).click()
    # The goal tree shows the SDs and ODs with their codes.
    expect(page.get_by_text("SD5-OD7", exact=False).first).to_be_visible()
    expect(
        page.get_by_text("De cultuurparticipatie van de bewoners in de regio verhogen").first
    ).to_be_visible()

    # All 79 actions are there; search finds the Boekenstoet.
    page.goto(f"{live_server.url}/admin/acties/actie/")
    expect(page.get_by_text(re.compile(r"79 acties"))).to_be_visible()
    page.get_by_role("searchbox").fill("Boekenstoet")
    page.keyboard.press("Enter")
    page.get_by_role("link", name=re.compile("Boekenstoet")).first.click()

    # Edit its regierol and save.
    regierol = page.get_by_label("Regierol")
    expect(regierol).to_have_value(re.compile("Methodiek samen met Regiobib"))
    regierol.fill("Methodiek samen met Regiobib op punt stellen en evalueren")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.get_by_text(re.compile("is gewijzigd"))).to_be_visible()

    actie = Actie.objects.get(omschrijving__contains="Boekenstoet")
    assert actie.regierol == "Methodiek samen met Regiobib op punt stellen en evalueren"

    # The history says who changed what.
    page.goto(f"{live_server.url}/admin/acties/actie/{actie.pk}/history/")
    expect(page.get_by_text("regisseur").first).to_be_visible()
    expect(page.get_by_text(re.compile("[Rr]egierol")).first).to_be_visible()


@pytest.mark.parametrize("group", [roles.STUURGROEP, roles.PARTNERS])
def test_steering_group_and_partner_are_refused_the_admin(
    page, live_server, transactional_db, group
):
    # Even a user wrongly marked as staff gets no admin without the coordinators' group.
    make_user("iemand", group=group, staff=True)
    login(page, live_server, "iemand")
    expect(page.get_by_text(re.compile("niet bevoegd om deze pagina te bekijken"))).to_be_visible()
    page.goto(f"{live_server.url}/admin/acties/actie/")
    assert "/admin/login/" in page.url
    assert User.objects.filter(username="iemand").exists()

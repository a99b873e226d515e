"""A partner finds a report of an earlier period that the coordinator sent back on "Mijn
acties" (not only in the e-mail), fixes it and submits it again (issue 9)."""

import datetime
from unittest import mock

import pytest
from playwright.sync_api import expect

from acties import perioden
from acties.models import Voortgangsrapport
from cultuurregio import roles
from tests.factories import make_actie, make_actor, make_od, make_plan, make_sd, make_user

from .conftest import site_login

pytestmark = pytest.mark.e2e

REMARK = "Kunt u de aantallen van de voorleesmomenten aanvullen?"


@pytest.fixture
def in_june_2026():
    # The live server runs in this process: it sees the same day.
    with mock.patch.object(perioden, "local_today", return_value=datetime.date(2026, 6, 15)):
        yield


def test_partner_fixes_a_sent_back_report_of_an_earlier_year_from_mijn_acties(
    page, live_server, transactional_db, in_june_2026
):
    plan = make_plan(van_jaar=2020, tot_jaar=2030)
    od = make_od(make_sd(plan, "Cultuurparticipatie vergroten"), "Drempels verlagen")
    bib = make_actor("Bibliotheek Halle")
    partner = make_user("bibliothecaris", group=roles.PARTNERS, first_name="Sara")
    bib.gebruikers.add(partner)
    actie = make_actie(od, "Voorleesweek in de bibliotheken", actoren=[(bib, "trekker")])
    make_actie(od, "Zomerlezen in de parken", actoren=[(bib, "partner")])
    rapport = Voortgangsrapport.objects.create(
        actie=actie, jaar=2022, status="lopend", fase=Voortgangsrapport.Fase.TERUGGESTUURD,
        wat_gedaan="Voorleesmomenten in de bib.", opmerking=REMARK, actor=bib,
    )
    other = make_actor("Cultuurcentrum B")
    theirs = make_actie(od, "Theater op school", actoren=[(other, "trekker")])
    Voortgangsrapport.objects.create(
        actie=theirs, jaar=2022, status="lopend", fase=Voortgangsrapport.Fase.TERUGGESTUURD,
        opmerking="Opmerking voor een ander", actor=other,
    )

    # Log in and open "Mijn acties".
    page.goto(f"{live_server.url}/aanmelden/")
    site_login(page, live_server, "bibliothecaris")
    page.goto(f"{live_server.url}/partner/")

    # The sent-back report of 2022 waits above the current period, with the remark.
    waiting = page.locator("section.wacht-op-u")
    expect(waiting.get_by_role("heading", name="Wacht op u")).to_be_visible()
    item = waiting.locator(".wacht-rij").filter(has_text="Voorleesweek in de bibliotheken")
    expect(item).to_contain_text("periode 2022")
    expect(item).to_contain_text("Teruggestuurd")
    expect(item).to_contain_text(REMARK)
    expect(item).to_contain_text(od.code)
    expect(page.locator("body")).not_to_contain_text("Opmerking voor een ander")
    current = page.get_by_text("Rapportageperiode: 2026")
    expect(current).to_be_visible()
    assert item.bounding_box()["y"] < current.bounding_box()["y"]

    # Open it: the form of 2022, with the coordinator's remark.
    item.get_by_role("link", name="Aanpassen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Voortgangsrapport 2022")
    expect(page.get_by_role("alert")).to_contain_text(REMARK)

    # Correct and submit.
    page.locator("input[name=aantal_activiteiten]").fill("6")
    page.locator("input[name=aantal_deelnemers]").fill("84")
    page.get_by_role("button", name="Indienen").click()

    # Back on "Mijn acties": submitted, and it no longer waits.
    expect(page).to_have_url(f"{live_server.url}/partner/")
    expect(page.locator("body")).to_contain_text("ingediend")
    expect(page.locator("body")).not_to_contain_text(REMARK)
    expect(page.locator(".wacht-rij")).to_have_count(0)
    rapport.refresh_from_db()
    assert rapport.fase == Voortgangsrapport.Fase.INGEDIEND
    assert (rapport.aantal_activiteiten, rapport.aantal_deelnemers) == (6, 84)

"""A steering member follows a goal of the old plan into the next plan, and compares the two
plans (issue 13)."""

import re

import pytest
from playwright.sync_api import expect

from cultuurregio import roles
from tests.factories import make_user

from .conftest import site_login

pytestmark = pytest.mark.e2e


@pytest.fixture
def next_plan(seed_versions):
    """The seed's plan (versions 1 and 2) and the next plan 2027-2032 started from
    version 2, in which SD1 got a new wording."""
    from beleidsplan.models import Doelstelling
    from beleidsplan.succession import start_next_plan

    coordinator = make_user("regisseur", group=roles.COORDINATOREN, staff=True)
    new = start_next_plan(
        van_plan=seed_versions, titel="Beleidsplan 2027-2032", van_jaar=2027, tot_jaar=2032,
        user=coordinator,
    )
    sd1 = Doelstelling.objects.get(plan=new, code="SD1")
    sd1.formulering = "Meer inwoners nemen deel aan cultuur, in elke gemeente"
    sd1.save()
    return seed_versions, new, sd1


def test_steering_member_follows_an_old_goal_into_the_next_plan(page, live_server, next_plan):
    old, new, sd1 = next_plan
    make_user("lid", group=roles.STUURGROEP)
    site_login(page, live_server, "lid")

    # Home is the running plan; the next one is listed as in preparation.
    expect(page.get_by_role("heading", level=1)).to_contain_text(old.titel)
    expect(page.get_by_text(re.compile("In voorbereiding")).first).to_be_visible()

    # The old plan's SD1, then where it goes on.
    page.goto(f"{live_server.url}/plan/{old.pk}/doelstellingen/{sd1.voortzetting_van_id}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("SD1")
    page.get_by_role("link", name="een doelstelling van Beleidsplan 2027-2032").click()

    assert page.url.endswith(f"/plan/{new.pk}/doelstellingen/{sd1.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Meer inwoners nemen deel aan cultuur"
    )
    expect(page.get_by_text("U leest Beleidsplan 2027-2032 (2027-2032).")).to_be_visible()

    # And compares the new plan with the old one: SD1 is the same goal, reworded.
    page.get_by_role("link", name="vergelijken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vergelijken met het plan ervoor")
    summary = page.locator(".change-summary")
    expect(summary).to_contain_text("geherformuleerd")
    expect(summary).not_to_contain_text("nieuw")

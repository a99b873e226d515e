"""A visitor reads the plan's progress and sees what each share rests on (issue 9): on the
home page, on the progress page with the rule stated once, and on a goal's page."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def reported(seed_versions):
    """The seed's plan (versions 1 and 2, public) with two approved reports on SD1's
    actions, through the partner's and the coordinator's workflow."""
    from django.test.utils import override_settings

    from acties import services
    from acties.models import Actie
    from cultuurregio import roles
    from tests.factories import make_actor, make_user

    plan = seed_versions
    plan.publiek = True
    plan.save()
    coordinator = make_user("e2e-coordinator", group=roles.COORDINATOREN, staff=True)
    partner = make_user("e2e-partner", group=roles.PARTNERS)
    actor = make_actor("Regiobib e2e")
    actor.gebruikers.add(partner)
    sd1 = plan.doelstellingen.get(code="SD1")
    acties = list(Actie.objects.filter(doelstelling__parent=sd1).order_by("pk")[:2])
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        states = [("afgerond", 100), ("lopend", 40)]
        for actie, (status, percentage) in zip(acties, states, strict=True):
            actie.actoren.add(actor, through_defaults={"rol": "partner"})
            rapport = services.save_report(
                actie=actie, user=partner, submit=True,
                data={"jaar": 2021, "halfjaar": 0, "status": status,
                      "percentage": percentage, "wat_gedaan": "Gedaan in 2021."},
            )
            services.approve_report(rapport=rapport, user=coordinator)
    total = Actie.objects.filter(doelstelling__parent=sd1).count()
    return plan, total, sd1.pk


def test_visitor_reads_progress_and_sees_what_it_rests_on(page, live_server, reported):
    plan, sd1_total, sd1_pk = reported

    page.goto(live_server.url + "/")
    sd1 = page.locator("section, article, li").filter(has_text="SD1").filter(
        has_text=re.compile("op basis van")
    ).first
    expect(sd1).to_contain_text(f"op basis van 2 van {sd1_total} acties")
    expect(sd1).to_contain_text("afgerond: 1")
    expect(sd1).to_contain_text("lopend: 1")
    expect(sd1).to_contain_text(f"nog geen goedgekeurd rapport: {sd1_total - 2}")
    # An SD without reports says so, not nothing.
    expect(page.get_by_text(re.compile("Nog geen voortgang te tellen")).first).to_be_visible()

    # The rule, once, on the progress page the home page links to.
    page.get_by_role("link", name="Hoe we de voortgang berekenen").click()
    assert f"/plan/{plan.pk}/voortgang/" in page.url
    expect(page.locator("#regel")).to_be_visible()
    expect(page.get_by_text(re.compile(r"op basis van 2 van \d+ acties")).first).to_be_visible()

    # Each goal's heading leads to its page, which shows the same basis.
    page.get_by_role("link", name="SD1", exact=True).click()
    assert page.url.endswith(f"/doelstellingen/{sd1_pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("SD1")
    expect(page.get_by_text(f"op basis van 2 van {sd1_total} acties").first).to_be_visible()

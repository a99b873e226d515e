"""The indicator's journey on the real plan of the seed: the partner reports a value with
the progress report, the coordinator approves the report in the admin, and the public
action page shows the value in the chart's table."""

from decimal import Decimal

import pytest
from django.db.models import Q
from playwright.sync_api import expect

from acties.models import Actie, Indicator, Meting
from actoren.models import Actor
from beleidsplan.models import Beleidsplan
from beleidsplan.services import publish_version
from cultuurregio import roles
from tests.factories import make_user

from .conftest import login

pytestmark = pytest.mark.e2e


def test_partner_reports_a_value_coordinator_approves_chart_shows_it(
    page, browser, live_server, seed_plan, settings
):
    settings.SITE_URL = live_server.url
    plan = Beleidsplan.objects.get()
    regisseur = make_user("regisseur", group=roles.COORDINATOREN, staff=True)
    regiobib = Actor.objects.get(naam="Regiobib")
    partner = make_user("bibliothecaris", group=roles.PARTNERS)
    regiobib.gebruikers.add(partner)
    year = 2025  # the plan ended in 2025: its last period is the current one
    actie = (
        Actie.objects.filter(betrokkenen__actor=regiobib)
        .filter(Q(tot_jaar__isnull=True) | Q(tot_jaar__gte=year))
        .first()
    )
    assert actie is not None
    indicator = Indicator(
        actie=actie, naam="Kinderen op de voorleesnamiddagen", eenheid="kinderen",
        basiswaarde=Decimal(0), basisjaar=2020, streefwaarde=Decimal(1000), streefjaar=2025,
        rapporteur=regiobib,
    )
    indicator.full_clean()
    indicator.save()
    publish_version(plan=plan, naam="Met indicator", user=regisseur)

    # The partner opens the report form: the indicator with its unit, no earlier value.
    page.goto(f"{live_server.url}/partner/acties/{actie.pk}/rapport/?periode={year}")
    page.get_by_label("Gebruikersnaam").fill("bibliothecaris")
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord-123")
    page.get_by_role("button", name="Aanmelden").click()
    field = page.get_by_label("Kinderen op de voorleesnamiddagen (in kinderen)")
    expect(field).to_be_visible()
    expect(page.locator("body")).to_contain_text("nog geen waarde voor een vorige periode")

    # A value with another unit is refused, nothing saved; the number alone is accepted.
    page.get_by_label("op schema").check()
    field.fill("300 euro")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".errorlist").first).to_contain_text("telt in kinderen")
    assert not Meting.objects.exists()
    page.get_by_label("Kinderen op de voorleesnamiddagen (in kinderen)").fill("412")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator("body")).to_contain_text("ingediend")

    # Before approval the public page has the indicator but not the value.
    visitor_context = browser.new_context(locale="nl-BE")
    visitor = visitor_context.new_page()
    visitor.goto(f"{live_server.url}/acties/{actie.pk}/")
    block = visitor.locator(f"#indicator-{indicator.pk}")
    expect(block).to_contain_text("Nog geen gegevens")

    # The coordinator approves the report in the admin.
    coordinator_context = browser.new_context(locale="nl-BE")
    coordinator_page = coordinator_context.new_page()
    login(coordinator_page, live_server, "regisseur")
    coordinator_page.goto(f"{live_server.url}/admin/acties/voortgangsrapport/")
    coordinator_page.locator("#result_list tbody tr").first.get_by_role("link").first.click()
    coordinator_page.get_by_role("link", name="Goedkeuren").click()
    coordinator_page.get_by_role("button", name="Ja, goedkeuren").click()
    expect(coordinator_page.locator(".messagelist")).to_contain_text("goedgekeurd")
    coordinator_context.close()

    # The public action page shows the value in the chart's table.
    visitor.goto(f"{live_server.url}/acties/{actie.pk}/")
    block = visitor.locator(f"#indicator-{indicator.pk}")
    block.locator("details.chart-data summary").click()
    rows = block.locator("table.chart-table tbody tr")
    measured = rows.filter(has_text="412")
    expect(measured).to_have_count(1)
    expect(measured.locator("th")).to_have_text(str(year))
    # 412 in the target year, against 1000: behind.
    expect(block).to_contain_text("Achter op de koers naar het doel")
    visitor_context.close()

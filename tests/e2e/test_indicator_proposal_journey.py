"""A coordinator changes an indicator's target through a change proposal, on the real plan
of the seed: from the indicator's admin page to the kinds about indicators, a form that
starts from the indicator as it is, a steering group member reading what the open proposal
changes (before and proposed), accepting it, the public action page's chart with the new
target once a version publishes it, and the comparison of the versions before and after
with the indicator's row."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from acties.models import Actie, Indicator, Meting
from beleidsplan.models import Beleidsplan, Herziening, Wijzigingsvoorstel
from beleidsplan.services import publish_version
from cultuurregio import roles
from tests.factories import make_user

from .conftest import login, site_login

pytestmark = pytest.mark.e2e

NAME = "Klassen die de Boekenstoet ontvingen"


def test_coordinator_changes_an_indicator_target_through_a_revision_round(
    page, browser, live_server, seed_plan
):
    coordinator = make_user("regisseur", group=roles.COORDINATOREN, staff=True)
    make_user("lid", group=roles.STUURGROEP)
    plan = Beleidsplan.objects.get()
    actie = Actie.objects.get(omschrijving__contains="Boekenstoet")
    indicator = Indicator(
        actie=actie, naam=NAME, eenheid="klassen", basiswaarde=Decimal(100),
        basisjaar=plan.van_jaar, streefwaarde=Decimal(600), streefjaar=plan.tot_jaar,
    )
    indicator.full_clean()
    indicator.save()
    # A value the coordinator entered (it counts at once): the chart then has its table.
    Meting.objects.create(
        indicator=indicator, jaar=2023, waarde=Decimal(420), ingevoerd_door=coordinator
    )
    publish_version(plan=plan, naam="Voor de herziening", user=coordinator)
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2024")
    last_year = str(plan.tot_jaar)
    login(page, live_server, "regisseur")

    # From the indicator's own admin page to the kinds of change about indicators.
    page.goto(live_server.url + reverse("admin:acties_indicator_change", args=[indicator.pk]))
    page.get_by_role("link", name="Wijziging voorstellen").click()
    expect(page.get_by_role("heading", name="Welk soort wijziging stelt u voor?")).to_be_visible()
    expect(page.get_by_role("heading", name="Indicatoren")).to_be_visible()
    expect(page.get_by_role("link", name="Indicator schrappen", exact=True)).to_be_visible()
    page.get_by_role("link", name="Indicator wijzigen", exact=True).click()

    # The form starts from the indicator as it is.
    expect(page.get_by_role("heading", name="Indicator wijzigen")).to_be_visible()
    expect(page.get_by_label("Naam van de indicator")).to_have_value(NAME)
    expect(page.get_by_label("Eenheid")).to_have_value("klassen")
    target = page.get_by_label("Streefwaarde")
    expect(target).to_have_value("600.00")
    expect(page.get_by_label("Streefjaar")).to_have_value(last_year)
    target.fill("750")
    page.get_by_label("Herziening:", exact=True).select_option(label="Herziening 2024")
    page.get_by_label("Motivering").fill("De Boekenstoet rijdt sinds 2024 ook in de zomer.")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist").get_by_text(re.compile("toegevoegd"))).to_be_visible()

    voorstel = Wijzigingsvoorstel.objects.get()
    assert (voorstel.soort, voorstel.indicator_id, voorstel.herziening_id) == (
        Wijzigingsvoorstel.Soort.INDICATOR_WIJZIGEN, indicator.pk, ronde.pk
    )
    indicator.refresh_from_db()
    assert indicator.streefwaarde == 600  # nothing changes before it is accepted

    # A steering group member reads the open proposal: what it changes, before and proposed.
    member_context = browser.new_context(locale="nl-BE")
    member = member_context.new_page()
    site_login(member, live_server, "lid")
    member.goto(live_server.url + reverse("plan:herziening", args=[plan.pk, ronde.pk]))
    proposal = member.locator(f"#voorstel-{voorstel.pk}")
    expect(proposal.get_by_role("heading", level=2)).to_contain_text(f"Indicator wijzigen: {NAME}")
    changes = proposal.get_by_role("table", name="Wat het voorstel aan de indicator verandert")
    expect(changes.get_by_role("columnheader")).to_have_text(["Waarde", "Voordien", "Voorgesteld"])
    target_header = member.get_by_role("rowheader", name="Streefwaarde")
    row = changes.get_by_role("row").filter(has=target_header)
    expect(row.get_by_role("cell")).to_have_text(["600", "750"])
    expect(changes.get_by_role("row")).to_have_count(2)  # the header and the target only
    expect(proposal).to_contain_text("De Boekenstoet rijdt sinds 2024 ook in de zomer.")

    # Until it is accepted, the public action page's chart aims at the old target.
    visitor_context = browser.new_context(locale="nl-BE")
    visitor = visitor_context.new_page()
    visitor.goto(live_server.url + reverse("plan:actie", args=[actie.pk]))
    expect(_target_row(visitor, indicator).locator("td").first).to_have_text("600")

    # The coordinator accepts it, after the confirmation page.
    page.goto(live_server.url + reverse("admin:beleidsplan_wijzigingsvoorstel_changelist"))
    page.get_by_role("link", name="aanvaarden").click()
    expect(page.get_by_role("heading", name="Dit voorstel aanvaarden?")).to_be_visible()
    page.get_by_role("button", name="Ja, aanvaarden").click()
    expect(page.get_by_text("Het voorstel is aanvaard en in het plan doorgevoerd.")).to_be_visible()
    indicator.refresh_from_db()
    assert (indicator.streefwaarde, indicator.streefjaar) == (750, plan.tot_jaar)

    # The public reads the published version: the accepted target waits for version 2.
    visitor.reload()
    expect(_target_row(visitor, indicator).locator("td").first).to_have_text("600")
    publish_version(plan=plan, naam="Na herziening 2024", user=coordinator)

    # Version 2's public action page: the chart's table holds the new target, same year.
    visitor.reload()
    target_row = _target_row(visitor, indicator)
    expect(target_row.locator("th")).to_have_text(last_year)
    expect(target_row.locator("td").first).to_have_text("750")
    visitor_context.close()

    # The comparison of versions 1 and 2 shows the indicator's row, old and new target.
    member.goto(live_server.url + reverse("plan:vergelijk", args=[plan.pk]) + "?van=1&naar=2")
    expect(member.get_by_role("heading", name="Indicatoren die veranderden")).to_be_visible()
    row = member.locator(f"#i-{indicator.pk}")
    expect(row.locator(".tag")).to_have_text(["gewijzigd"])
    expect(row).to_contain_text("SD1-OD2")
    expect(row).to_contain_text(f"{NAME} (klassen)")
    expect(row.get_by_role("listitem")).to_have_text(
        re.compile(rf"^Streefwaarde: .*600 \({last_year}\).*→.*750 \({last_year}\).*$", re.S)
    )
    expect(row.get_by_role("deletion")).to_contain_text(f"600 ({last_year})")
    expect(row.get_by_role("insertion")).to_contain_text(f"750 ({last_year})")
    member_context.close()


def _target_row(page, indicator):
    """The target's row in the table under the indicator's chart, the table unfolded."""
    block = page.locator(f"#indicator-{indicator.pk}")
    block.locator("details.chart-data summary").click()
    return block.locator("table.chart-table tbody tr").filter(
        has=page.get_by_role("cell", name="doel", exact=True)
    )

"""The partner's journey on the real plan of the seed: from the reminder e-mail to an
approved report that moves the public progress bar."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db.models import Q
from playwright.sync_api import expect

from acties.models import Actie
from actoren.models import Actor
from beleidsplan.models import Beleidsplan
from beleidsplan.services import publish_version
from cultuurregio import roles
from tests.factories import make_user

from .conftest import login

pytestmark = pytest.mark.e2e

PASSWORD = "geheim-wachtwoord-123"


def site_login(page, username):
    """Log in on the site's own login page (where a link from an e-mail leads)."""
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


def sd_bar(page, sd_id):
    return page.locator(f"#sd-{sd_id} > .progress-row progress")


def test_partner_reports_coordinator_reviews_public_progress_moves(
    page, browser, live_server, seed_plan, settings, mailoutbox
):
    settings.SITE_URL = live_server.url
    plan = Beleidsplan.objects.get()
    regisseur = make_user("regisseur", group=roles.COORDINATOREN, staff=True)
    publish_version(plan=plan, naam="De nota hoe ze was", user=regisseur)
    regiobib = Actor.objects.get(naam="Regiobib")
    partner = make_user("bibliothecaris", group=roles.PARTNERS, first_name="Sara")
    regiobib.gebruikers.add(partner)
    year = 2025  # the plan ended in 2025: its last period is the current one
    actie = (
        Actie.objects.filter(betrokkenen__actor=regiobib)
        .filter(Q(tot_jaar__isnull=True) | Q(tot_jaar__gte=year))
        .select_related("doelstelling__parent")
        .first()
    )
    assert actie is not None
    sd = actie.doelstelling.parent

    # Before: the SD has no approved progress to show.
    page.goto(f"{live_server.url}/plan/{plan.pk}/voortgang/")
    expect(page.locator(f"#sd-{sd.pk}")).to_contain_text("nog geen voortgang om te tellen")
    expect(sd_bar(page, sd.pk)).to_have_count(0)

    # The reminder: one e-mail to the partner, with a link per action.
    call_command("stuur_herinneringen", "--plan", str(plan.pk))
    mails = [m for m in mailoutbox if m.to == [partner.email]]
    assert len(mails) == 1
    link = next(
        url for url in re.findall(r"https?://\S+", mails[0].body)
        if f"/acties/{actie.pk}/rapport/" in url
    )

    # The partner follows the link, logs in and lands on the form.
    page.goto(link)
    site_login(page, "bibliothecaris")
    expect(page).to_have_url(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(year))
    page.get_by_label("op schema").check()
    page.locator("input[name=percentage]").fill("60")
    page.locator("textarea[name=wat_gedaan]").fill("Twaalf voorleessessies in vier bibliotheken")
    page.locator("input[name=aantal_activiteiten]").fill("12")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator("body")).to_contain_text("ingediend")

    # The coordinator sends it back with a remark.
    coordinator_context = browser.new_context(locale="nl-BE")
    coordinator_page = coordinator_context.new_page()
    login(coordinator_page, live_server, "regisseur")
    coordinator_page.goto(f"{live_server.url}/admin/acties/voortgangsrapport/")
    coordinator_page.locator("#result_list tbody tr").first.get_by_role("link").first.click()
    expect(coordinator_page.locator("body")).to_contain_text("Twaalf voorleessessies")
    coordinator_page.get_by_role("link", name="Terugsturen").click()
    coordinator_page.get_by_label("Opmerking voor de partner").fill(
        "Hoeveel deelnemers waren er?"
    )
    coordinator_page.get_by_role("button", name="Terugsturen").click()
    expect(coordinator_page.locator(".messagelist")).to_contain_text("teruggestuurd")

    # The partner sees the remark, adds the number and submits again.
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("Hoeveel deelnemers waren er?")
    page.locator("input[name=aantal_deelnemers]").fill("150")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator("body")).to_contain_text("ingediend")

    # The coordinator approves it.
    coordinator_page.goto(f"{live_server.url}/admin/acties/voortgangsrapport/")
    coordinator_page.locator("#result_list tbody tr").first.get_by_role("link").first.click()
    coordinator_page.get_by_role("link", name="Goedkeuren").click()
    coordinator_page.get_by_role("button", name="Ja, goedkeuren").click()
    expect(coordinator_page.locator(".messagelist")).to_contain_text("goedgekeurd")

    # The public action page shows the progress; the SD bar has moved.
    coordinator_context.close()
    visitor_context = browser.new_context(locale="nl-BE")
    visitor = visitor_context.new_page()
    visitor.goto(f"{live_server.url}/acties/{actie.pk}/")
    progress = visitor.locator(".action-progress")
    expect(progress).to_contain_text("op schema")
    expect(progress).to_contain_text("60 %")
    expect(visitor.locator(".timeline")).to_contain_text("Twaalf voorleessessies")
    expect(visitor.locator(".timeline")).to_contain_text("150")
    visitor.goto(f"{live_server.url}/plan/{plan.pk}/voortgang/")
    expect(sd_bar(visitor, sd.pk)).to_have_attribute("value", "60")
    expect(visitor.locator(f"#sd-{sd.pk}")).to_contain_text("60 %")
    assert urlsplit(link).path == f"/partner/acties/{actie.pk}/rapport/"
    visitor_context.close()

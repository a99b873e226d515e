"""A coordinator rewords an action through a change proposal, on the real plan of the
seed: the form asks only what a rewording needs and starts from the action's current
text; accepting applies it; the publish preview lists the change with a link to the
comparison; the published version shows the new text."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from acties.models import Actie
from beleidsplan.models import Beleidsplan, Herziening, Planversie, Wijzigingsvoorstel
from beleidsplan.services import publish_version
from cultuurregio import roles
from tests.factories import make_user

from .conftest import login

pytestmark = pytest.mark.e2e

NEW_TEXT = (
    "Samen met Regiobib de Boekenstoet als vaste methodiek uitrollen in alle bibliotheken "
    "van de regio"
)


def test_coordinator_rewords_an_action_accepts_and_publishes(page, live_server, seed_plan):
    coordinator = make_user("regisseur", group=roles.COORDINATOREN, staff=True)
    plan = Beleidsplan.objects.get()
    publish_version(plan=plan, naam="De nota hoe ze was", user=coordinator)
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2024")
    actie = Actie.objects.get(omschrijving__contains="Boekenstoet")
    old_text = actie.omschrijving
    login(page, live_server, "regisseur")

    # Step 1: the kind of change, from the revision round's page.
    page.goto(live_server.url + reverse("admin:beleidsplan_herziening_change", args=[ronde.pk]))
    page.get_by_role("link", name="Een wijzigingsvoorstel schrijven in deze ronde").click()
    expect(page.get_by_role("heading", name="Welk soort wijziging stelt u voor?")).to_be_visible()
    page.get_by_role("link", name="Actie herformuleren", exact=True).click()

    # Step 2: which action (the form starts from its text).
    page.get_by_label("Te herformuleren actie").select_option(str(actie.pk))
    page.get_by_role("button", name="Volgende").click()

    # Step 3: only the fields of a rewording; the new description starts from the old one.
    wording = page.get_by_label("Nieuwe omschrijving")
    expect(wording).to_have_value(old_text)
    expect(page.locator('[name="delen"]')).to_have_count(0)
    expect(page.locator('[name="nieuw_transversaal"]')).to_have_count(0)
    expect(page.locator('[name="doelstelling"]')).to_have_count(0)
    wording.fill(NEW_TEXT)
    page.get_by_label("Motivering").fill("Scherper: de methodiek is klaar.")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist").get_by_text(re.compile("toegevoegd"))).to_be_visible()

    voorstel = Wijzigingsvoorstel.objects.get()
    assert (voorstel.soort, voorstel.actie_id) == (Wijzigingsvoorstel.Soort.ACTIE_HERFORMULEREN,
                                                   actie.pk)

    # Accept it, after the confirmation page.
    page.goto(live_server.url + reverse("admin:beleidsplan_wijzigingsvoorstel_changelist"))
    page.get_by_role("link", name="aanvaarden").click()
    expect(page.get_by_role("heading", name="Dit voorstel aanvaarden?")).to_be_visible()
    page.get_by_role("button", name="Ja, aanvaarden").click()
    expect(page.get_by_text("Het voorstel is aanvaard en in het plan doorgevoerd.")).to_be_visible()
    actie.refresh_from_db()
    assert actie.omschrijving == NEW_TEXT

    # Publish: the preview lists the change and links the comparison.
    page.goto(live_server.url + reverse("admin:beleidsplan_planversie_publish"))
    page.get_by_label("Beleidsplan").select_option(str(plan.pk))
    page.get_by_label("Naam van de versie").fill("Na herziening 2024")
    page.get_by_role("button", name="Volgende: nakijken wat er verandert").click()
    changes = page.locator("table.publish-changes")
    expect(changes.get_by_text(NEW_TEXT)).to_be_visible()
    expect(changes.get_by_text("geherformuleerd")).to_be_visible()
    link = page.get_by_role("link", name=re.compile("met de werkversie, naast elkaar"))
    expect(link).to_have_attribute(
        "href", reverse("plan:vergelijk", args=[plan.pk]) + "?van=1&naar=werk"
    )
    # The comparison it links to shows the rewording word by word (beside the preview).
    comparison = page.context.new_page()
    comparison.goto(live_server.url + link.get_attribute("href"))
    inserted = comparison.get_by_role("insertion").filter(has_text="Samen met Regiobib")
    expect(inserted).to_be_visible()
    comparison.close()
    page.get_by_role("button", name="Ja, publiceren").click()
    expect(page.get_by_text(re.compile("is gepubliceerd"))).to_be_visible()

    # The public version shows the new text.
    versie = Planversie.objects.get(nummer=2)
    assert versie.naam == "Na herziening 2024"
    page.goto(live_server.url + reverse("plan:versie", args=[plan.pk, 2]))
    expect(page.get_by_text(NEW_TEXT).first).to_be_visible()

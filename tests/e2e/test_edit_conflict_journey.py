"""Two coordinators, two browsers, one action (issue 12): the second save is a conflict
page that shows both versions and keeps what the second one typed; "Toch mijn versie
opslaan" then applies it on the current version."""

import re

import pytest
from playwright.sync_api import expect

from acties.models import Actie
from cultuurregio import roles
from tests.factories import make_user

from .conftest import login

pytestmark = pytest.mark.e2e


def test_two_coordinators_edit_one_action_in_two_browsers(
    browser, browser_context_args, live_server, seed_plan
):
    make_user("an", group=roles.COORDINATOREN, staff=True, first_name="An")
    make_user("bert", group=roles.COORDINATOREN, staff=True, first_name="Bert")
    actie = Actie.objects.get(omschrijving__contains="Boekenstoet")
    url = f"{live_server.url}/admin/acties/actie/{actie.pk}/change/"

    contexts = [browser.new_context(**browser_context_args) for _ in range(2)]
    try:
        an, bert = (context.new_page() for context in contexts)
        for page, name in ((an, "an"), (bert, "bert")):
            login(page, live_server, name)
            page.goto(url)
            expect(page.get_by_label("Regierol")).to_have_value(re.compile("Regiobib"))

        # An saves first.
        an.get_by_label("Regierol").fill("Regiobib en de bibliotheken samenbrengen")
        an.get_by_role("button", name="Opslaan", exact=True).click()
        expect(an.get_by_text(re.compile("is gewijzigd"))).to_be_visible()

        # Bert, on the page opened before An's save, changes the same field and another.
        bert.get_by_label("Regierol").fill("Methodiek uitwerken met Regiobib")
        bert.get_by_label("Actorrol").fill("Elke bib doet mee")
        bert.get_by_role("button", name="Opslaan", exact=True).click()

        heading = bert.get_by_role("heading", name="Intussen gewijzigd door iemand anders")
        expect(heading).to_be_visible()
        expect(bert.get_by_text("An heeft dit gewijzigd terwijl u het bewerkte")).to_be_visible()
        table = bert.locator("#conflict table")
        row = table.get_by_role("row", name=re.compile("Regierol"))
        expect(row.locator("td.theirs")).to_have_text("Regiobib en de bibliotheken samenbrengen")
        expect(row.locator("td.yours")).to_have_text("Methodiek uitwerken met Regiobib")
        # Nothing Bert typed is lost, and nothing of An's was overwritten.
        expect(bert.get_by_label("Regierol")).to_have_value("Methodiek uitwerken met Regiobib")
        expect(bert.get_by_label("Actorrol")).to_have_value("Elke bib doet mee")
        actie.refresh_from_db()
        assert actie.regierol == "Regiobib en de bibliotheken samenbrengen"

        # Bert decides: his version, on the current one.
        bert.get_by_role("button", name="Toch mijn versie opslaan").click()
        expect(bert.get_by_text(re.compile("is gewijzigd"))).to_be_visible()
        actie.refresh_from_db()
        assert actie.regierol == "Methodiek uitwerken met Regiobib"
        assert actie.actorrol == "Elke bib doet mee"

        # An's page, opened before Bert's save, is now the stale one.
        an.goto(url)
        expect(an.get_by_label("Regierol")).to_have_value("Methodiek uitwerken met Regiobib")
    finally:
        for context in contexts:
            context.close()

"""One top bar on every page of the site (issue 9): Start, Plan, Spreiding, Voortgang,
Actoren, Gemeenten, Versies, Zoeken; the plan links lead to the page's own plan, or to the
newest plan the visitor may read."""

import re

import pytest
from django.urls import reverse

from beleidsplan.services import publish_version

from .factories import make_actie, make_actor, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

ALL = ["Start", "Plan", "Spreiding", "Voortgang", "Actoren", "Gemeenten", "Versies", "Zoeken"]


@pytest.fixture
def plan(coordinator):
    plan = make_plan(titel="Beleidsplan Zennevallei", publiek=True)
    actie = make_actie(make_od(make_sd(plan, "Participatie"), "Drempels verlagen"), "UiT-pas")
    publish_version(plan=plan, naam="De nota", user=coordinator)
    plan.actie = actie
    return plan


def menu(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    nav = html.split('aria-label="Hoofdmenu"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)


@pytest.mark.parametrize("page", [
    "home", "plan:zoeken", "actoren:lijst", "actoren:gemeenten", "glossary", "accessibility",
    "plan:actie", "plan:spreiding", "login",
])
def test_every_page_has_the_same_top_bar(client, plan, page):
    args = {"plan:actie": [plan.actie.pk], "plan:spreiding": [plan.pk]}.get(page, [])

    links = menu(client.get(reverse(page, args=args)))

    assert [label for _href, label in links][: len(ALL)] == ALL
    hrefs = dict((label, href) for href, label in links)
    assert hrefs["Plan"] == reverse("plan:plan", args=[plan.pk])
    assert hrefs["Voortgang"] == reverse("plan:voortgang", args=[plan.pk])


def test_a_partners_page_has_the_top_bar_and_mijn_acties(client, plan, partner_a):
    client.force_login(partner_a)
    client.get(reverse("partner:mijn_acties"))  # sets the menu flag in the session

    links = [label for _href, label in menu(client.get(reverse("partner:mijn_acties")))]

    assert links[: len(ALL)] == ALL
    assert "Mijn acties" in links


def test_without_a_readable_plan_the_bar_has_no_plan_links(client):
    make_actor("Bibliotheek Halle")
    private = make_plan(titel="Nog niet gepubliceerd")
    assert private.pk

    links = [label for _href, label in menu(client.get(reverse("actoren:lijst")))]

    assert links[:5] == ["Start", "Actoren", "Gemeenten", "Zoeken", "Aanmelden"]

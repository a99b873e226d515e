"""Error pages as people meet them in production (DEBUG=false): in the site's layout, in
Dutch, saying what happened and where to go next; a page meant for another role says who
may see it, a private plan stays a plain "not found"."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import reverse
from django.views import defaults

from beleidsplan.services import publish_version

from .factories import make_actie, make_od, make_plan, make_sd

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production")]


@pytest.fixture
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def public_plan(coordinator):
    plan = make_plan(titel="Beleidsplan Zennevallei", publiek=True)
    make_actie(make_od(make_sd(plan, "Participatie verhogen"), "Drempels verlagen"), "UiT-pas")
    publish_version(plan=plan, naam="De nota", user=coordinator)
    return plan


def text(response) -> str:
    return response.content.decode()


def assert_site_page(page: str) -> None:
    """The site's own layout: its menu and the way on."""
    assert 'aria-label="Hoofdmenu"' in page
    assert "Naar de startpagina" in page
    assert "Zoeken in het plan" in page


def test_a_wrong_address_gets_a_dutch_not_found_page(client):
    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    page = text(response)
    assert "Pagina niet gevonden" in page
    assert "Deze pagina bestaat niet, of ze is niet openbaar." in page
    assert "Not Found" not in page
    assert_site_page(page)
    assert 'href="/aanmelden/?next=/bestaat-niet/"' in page  # a visitor may log in first


def test_a_partner_on_the_working_state_is_told_who_may_see_it(client, public_plan, partner_a):
    client.force_login(partner_a)

    response = client.get(reverse("plan:werkversie", args=[public_plan.pk]))

    assert response.status_code == 403
    page = text(response)
    assert "Geen toegang" in page
    assert "Deze pagina is voor de stuurgroep en de coördinatoren." in page
    assert "U bent aangemeld als partner_a." in page
    assert_site_page(page)


def test_the_steering_group_is_told_the_reporting_overview_is_for_coordinators(
    client, public_plan, stuurgroeplid
):
    client.force_login(stuurgroeplid)

    response = client.get(reverse("plan:rapportering", args=[public_plan.pk]))

    assert response.status_code == 403
    assert "Deze pagina is voor de coördinatoren." in text(response)


def test_an_anonymous_visitor_of_the_working_state_is_sent_to_log_in(client, public_plan):
    target = reverse("plan:werkversie", args=[public_plan.pk])

    response = client.get(target)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={target}"


def test_a_private_plan_stays_not_found_for_a_partner(client, partner_a, coordinator):
    """Saying "for the steering group" here would tell that the plan exists."""
    private = make_plan(titel="Geheim plan", publiek=False)
    publish_version(plan=private, naam="Eerste", user=coordinator)
    client.force_login(partner_a)

    for name in ("plan", "werkversie"):
        response = client.get(reverse(f"plan:{name}", args=[private.pk]))
        assert response.status_code == 404, name
        assert "Geheim plan" not in text(response)
        assert "Pagina niet gevonden" in text(response)


def test_a_form_sent_without_its_security_token_gets_a_dutch_explanation(stuurgroeplid):
    client = Client(enforce_csrf_checks=True)
    client.force_login(stuurgroeplid)

    response = client.post(reverse("logout"))

    assert response.status_code == 403
    page = text(response)
    assert "Het formulier is verlopen" in page
    assert "CSRF" not in page
    assert_site_page(page)


def test_server_error_page_is_dutch_and_needs_no_request_context(rf):
    response = defaults.server_error(rf.get("/plan/1/"))

    assert response.status_code == 500
    page = text(response)
    assert "Er ging iets mis" in page
    assert "De fout is genoteerd voor de beheerders van de site." in page
    assert_site_page(page)


def test_bad_request_page_is_dutch(rf):
    response = defaults.bad_request(rf.get("/"), SuspiciousOperation("bad host"))

    assert response.status_code == 400
    page = text(response)
    assert "Aanvraag niet begrepen" in page
    assert "bad host" not in page
    assert_site_page(page)

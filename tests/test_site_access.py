"""Who reads what on the plan's pages (plan:plan, plan:doelstelling, plan:spreiding, the home
page and search): anonymous visitors and partners read the latest published version of a
public plan; the steering group and coordinators read the working state; a non-public plan
is for the steering group and coordinators only."""

import pytest
from django.urls import reverse

from beleidsplan.services import publish_version

from .factories import make_actie, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "partner_a", "stuurgroeplid", "coordinator"]


@pytest.fixture
def site(coordinator):
    """A public plan with version 1; afterwards an action was added and a goal reworded
    (the working state only)."""
    plan = make_plan(titel="Beleidsplan Zennevallei")
    sd = make_sd(plan, "Participatie verhogen")
    od = make_od(sd, "Drempels verlagen")
    make_actie(od, "Gepubliceerde actie", regierol="Partners samenbrengen")
    publish_version(plan=plan, naam="De nota hoe ze was", user=coordinator)
    make_actie(od, "Geheime nieuwe actie", regierol="Nog niet gepubliceerd overleg")
    od.formulering = "Drempels wegwerken (ontwerp)"
    od.save()
    return plan, sd, od


def login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


def pages(plan, sd, od):
    return {
        "plan": reverse("plan:plan", args=[plan.pk]),
        "doelstelling": reverse("plan:doelstelling", args=[plan.pk, od.pk]),
        "spreiding": reverse("plan:spreiding", args=[plan.pk]),
    }


@pytest.mark.parametrize("who", PERSONAS)
def test_who_reads_what_of_a_public_plan(client, site, who, request):
    login(client, request, who)
    insider = who in ("stuurgroeplid", "coordinator")
    for name, path in pages(*site).items():
        response = client.get(path)
        assert response.status_code == 200, (who, name)
        html = response.content.decode()
        if name == "spreiding":
            continue
        # Insiders read the working state; everyone else the published version.
        assert ("Geheime nieuwe actie" in html) is insider, (who, name)
        assert ("Drempels wegwerken (ontwerp)" in html) is insider, (who, name)
        assert ("Drempels verlagen" in html) is not insider, (who, name)


@pytest.mark.parametrize("who", PERSONAS)
def test_who_may_read_a_non_public_plan(client, site, who, request):
    plan = site[0]
    plan.publiek = False
    plan.save()
    login(client, request, who)
    expected = {"anonymous": 302, "partner_a": 404, "stuurgroeplid": 200, "coordinator": 200}
    for name, path in pages(*site).items():
        response = client.get(path)
        assert response.status_code == expected[who], (who, name)
        if who == "anonymous":
            assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("who", PERSONAS)
def test_a_public_plan_without_published_version(client, who, request):
    plan = make_plan()
    sd = make_sd(plan)
    od = make_od(sd)
    login(client, request, who)
    expected = 200 if who in ("stuurgroeplid", "coordinator") else 404
    for name, path in pages(plan, sd, od).items():
        assert client.get(path).status_code == expected, (who, name)


@pytest.mark.parametrize("who", PERSONAS)
def test_home_shows_a_non_public_plan_only_to_insiders(client, site, who, request):
    plan = site[0]
    plan.publiek = False
    plan.save()
    login(client, request, who)
    html = client.get(reverse("home")).content.decode()
    insider = who in ("stuurgroeplid", "coordinator")
    assert ("Beleidsplan Zennevallei" in html) is insider
    assert (reverse("plan:plan", args=[plan.pk]) in html) is insider


@pytest.mark.parametrize("who", PERSONAS)
def test_home_shows_the_working_state_only_to_insiders(client, site, who, request):
    login(client, request, who)
    html = client.get(reverse("home")).content.decode()
    insider = who in ("stuurgroeplid", "coordinator")
    assert ("Drempels wegwerken (ontwerp)" in html) is insider
    assert ("Werkversie (niet gepubliceerd)" in html) is insider
    assert (reverse("plan:herzieningen", args=[site[0].pk]) in html) is insider


@pytest.mark.parametrize("who", PERSONAS)
def test_search_finds_unpublished_text_only_for_insiders(client, site, who, request):
    login(client, request, who)
    insider = who in ("stuurgroeplid", "coordinator")
    html = client.get(reverse("plan:zoeken"), {"q": "gepubliceerd overleg"}).content.decode()
    assert ("Geheime nieuwe actie" in html) is insider
    html = client.get(reverse("plan:zoeken"), {"q": "samenbrengen"}).content.decode()
    assert "1 resultaat voor" in html


@pytest.mark.parametrize("who", PERSONAS)
def test_search_leaves_out_non_public_plans_for_outsiders(client, site, who, request):
    plan = site[0]
    plan.publiek = False
    plan.save()
    login(client, request, who)
    insider = who in ("stuurgroeplid", "coordinator")
    html = client.get(reverse("plan:zoeken"), {"q": "samenbrengen"}).content.decode()
    assert ("Gepubliceerde actie" in html) is insider


def test_navigation_links_the_plan_pages(client, site):
    plan = site[0]
    html = client.get(reverse("plan:plan", args=[plan.pk])).content.decode()
    nav = html.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    assert f'href="{reverse("plan:plan", args=[plan.pk])}" aria-current="page"' in nav
    assert reverse("plan:spreiding", args=[plan.pk]) in nav
    assert reverse("plan:versies", args=[plan.pk]) in nav
    assert reverse("plan:zoeken") in nav

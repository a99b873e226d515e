"""A plan with no published version shows nothing of itself to visitors: not its title on
the home page, not its versions page, whatever its "public" setting says (issue 12)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from beleidsplan.services import publish_version
from beleidsplan.succession import start_next_plan

from .factories import make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

SECRET = "Beleidsplan in voorbereiding 2027-2032"


@pytest.fixture
def plans(coordinator):
    published = make_plan(titel="Beleidsplan cultuurregio 2020-2025", publiek=True)
    make_od(make_sd(published, "Participatie"), "Netwerk")
    publish_version(plan=published, naam="De nota", user=coordinator)
    unpublished = make_plan(titel=SECRET, van_jaar=2027, tot_jaar=2032, publiek=True)
    make_od(make_sd(unpublished, "Nieuwe doelstelling"), "Nieuwe OD")
    return published, unpublished


def test_visitor_home_shows_no_title_of_a_plan_without_a_published_version(client, plans):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Beleidsplan cultuurregio 2020-2025" in html
    assert SECRET not in html


def test_visitor_home_with_only_an_unpublished_plan_shows_nothing_of_it(client, coordinator):
    make_plan(titel=SECRET, publiek=True)

    response = client.get("/")

    assert response.status_code == 200
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "partner"])
def test_versions_page_of_a_plan_without_a_published_version_is_not_found(
    client, plans, partner_a, who
):
    _, unpublished = plans
    if who == "partner":
        client.force_login(partner_a)

    response = client.get(reverse("plan:versies", args=[unpublished.pk]))

    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_steering_group_still_sees_the_unpublished_plan(client, plans, stuurgroeplid):
    _, unpublished = plans
    client.force_login(stuurgroeplid)

    assert SECRET in client.get("/").content.decode()
    response = client.get(reverse("plan:versies", args=[unpublished.pk]))
    assert response.status_code == 200
    assert SECRET in response.content.decode()


def plan_urls(plan_id: int) -> list[str]:
    """Every page of the plan namespace that takes only the plan's id."""
    from django.urls import NoReverseMatch, get_resolver

    resolver = get_resolver()
    urls = []
    for name in resolver.namespace_dict["plan"][1].reverse_dict:
        if not isinstance(name, str):
            continue
        try:
            urls.append(reverse(f"plan:{name}", args=[plan_id]))
        except NoReverseMatch:
            continue
    return sorted(set(urls))


@pytest.mark.parametrize("who", ["anonymous", "partner"])
def test_no_page_shows_the_title_of_a_plan_without_a_published_version(
    client, plans, partner_a, who
):
    _, unpublished = plans
    if who == "partner":
        client.force_login(partner_a)
    urls = [
        "/", "/actoren/", "/gemeenten/", "/zoeken/?q=Nieuwe", "/woordenlijst/",
        *plan_urls(unpublished.pk),
    ]
    assert len(urls) > 8

    leaks = [url for url in urls if SECRET in client.get(url, follow=True).content.decode()]

    assert leaks == []


def test_a_page_an_insider_saw_first_shows_a_visitor_nothing_of_the_plan(
    client, plans, stuurgroeplid
):
    _, unpublished = plans
    client.force_login(stuurgroeplid)
    assert SECRET in client.get("/").content.decode()
    client.get(reverse("plan:versies", args=[unpublished.pk]))
    client.logout()

    assert SECRET not in client.get("/").content.decode()
    response = client.get(reverse("plan:versies", args=[unpublished.pk]))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


# --- Two plans at once (issue 13): the running one is "the plan" -----------------------------


def test_the_steering_group_home_is_the_running_plan_and_lists_the_next_one_in_preparation(
    client, stuurgroeplid, plans
):
    published, unpublished = plans
    client.force_login(stuurgroeplid)

    html = client.get("/").content.decode()

    assert re.search(r"<h1>\s*Beleidsplan cultuurregio 2020-2025\s*</h1>", html)
    later = html.split('id="plannen"', 1)[1]
    assert SECRET in later
    assert "In voorbereiding: alleen de stuurgroep en de coördinatoren zien het" in later
    # The top bar's plan links lead to the running plan too.
    nav = html.split("</nav>", 1)[0]
    assert reverse("plan:plan", args=[published.pk]) in nav
    assert reverse("plan:plan", args=[unpublished.pk]) not in nav


def test_a_closed_plan_is_listed_as_closed_and_the_running_one_is_current(
    client, stuurgroeplid, coordinator, plans
):
    published, _unpublished = plans
    newer = make_plan(titel="Beleidsplan 2026", van_jaar=2026, tot_jaar=2026, publiek=True)
    make_od(make_sd(newer, "Verlengd"), "Verlengde OD")
    publish_version(plan=newer, naam="Verlenging", user=coordinator)
    newer.afgesloten_op = timezone.now()
    newer.save()

    for who in (None, stuurgroeplid):
        if who:
            client.force_login(who)
        html = client.get("/").content.decode()
        assert re.search(r"<h1>\s*Beleidsplan cultuurregio 2020-2025\s*</h1>", html)
        assert "Afgesloten op" in html.split('id="plannen"', 1)[1]


def test_a_plans_pages_link_to_the_plan_before_and_after_it_for_who_may_read_them(
    client, stuurgroeplid, coordinator, plans
):
    published, _unpublished = plans
    nxt = start_next_plan(
        van_plan=published, titel="Beleidsplan 2027-2032", van_jaar=2027, tot_jaar=2032,
        user=coordinator,
    )
    old_page = reverse("plan:plan", args=[published.pk])
    to_next = f'href="{reverse("plan:plan", args=[nxt.pk])}"'
    to_old = f'href="{old_page}"'

    # A visitor: the next plan is in preparation, so nothing of it shows.
    assert to_next not in client.get(old_page).content.decode()
    # The steering group reads both, linked both ways.
    client.force_login(stuurgroeplid)
    html = client.get(old_page).content.decode()
    assert "U leest Beleidsplan cultuurregio 2020-2025 (2020-2025)." in html
    assert to_next in html and "Het plan erna" in html
    assert to_old in client.get(reverse("plan:plan", args=[nxt.pk])).content.decode()

    # Once the next plan publishes, visitors follow it too, from the old plan's pages.
    publish_version(plan=nxt, naam="Eerste versie", user=coordinator)
    client.logout()
    assert to_next in client.get(old_page).content.decode()
    assert to_old in client.get(reverse("plan:plan", args=[nxt.pk])).content.decode()

    # Made private again: the old plan's pages (kept per stamp) drop the link at once.
    nxt.publiek = False
    nxt.save()
    assert to_next not in client.get(old_page).content.decode()

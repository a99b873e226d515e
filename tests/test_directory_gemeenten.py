"""The municipalities (beleidsplan/directory_views.py): the list with its counts, a municipality's
page with the actions that reach it (all-municipality actions, those naming it, and under a
merged municipality those naming the old ones), the actors in it, and who sees which actions."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from acties.models import Voortgangsrapport
from actoren.models import Gemeente
from beleidsplan.models import Beleidsplan, Doelstelling
from beleidsplan.services import publish_version

from .factories import make_actie, make_actor, make_gemeente, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

LIST = reverse("actoren:gemeenten")


def gemeente_url(gemeente) -> str:
    return reverse("actoren:gemeente", args=[gemeente.pk])


def html(response) -> str:
    return response.content.decode()


def row_of(response, naam: str) -> dict:
    """A municipality's row of the list as the page shows it: its link and its three
    numbers (actions, of which specific, actors)."""
    for row in re.findall(r"<tr>(.*?)</tr>", html(response), re.S):
        link = re.search(r'<th scope="row"><a href="/gemeenten/(\d+)/">([^<]+)</a>', row)
        if link and link.group(2) == naam:
            acties, specifiek, actoren = map(int, re.findall(r'<td class="num">(\d+)</td>', row))
            return {
                "gemeente": Gemeente.objects.get(pk=link.group(1)),
                "acties": acties, "specifiek": specifiek, "actoren": actoren,
            }
    raise AssertionError(f"no row for {naam}")


@pytest.fixture
def region(coordinator):
    """Halle, Drogenbos (language facilities) and Pajottegem, with Gooik merged into it.

    A public plan (published) with: an action for all municipalities, one naming Halle,
    one naming Gooik, one naming Gooik and Halle. A plan that is not public (published)
    with one action naming Halle.
    """
    halle = make_gemeente("Halle", nis_code="23027")
    drogenbos = make_gemeente("Drogenbos", faciliteitengemeente=True)
    pajottegem = make_gemeente("Pajottegem")
    gooik = make_gemeente(
        "Gooik", opgegaan_in=pajottegem, fusiedatum=datetime.date(2025, 1, 1)
    )
    bib = make_actor("Bibliotheek Halle")
    bib.gemeenten.add(halle)
    gc = make_actor("GC De Cam")
    gc.gemeenten.add(gooik)
    make_actor("Gestopt koor", actief=False).gemeenten.add(halle)

    plan = make_plan(titel="Plan Zennevallei")
    od = make_od(make_sd(plan, "Spreiden"), "Acties over de regio spreiden")
    overal = make_actie(od, "Regionale cultuurkalender", alle_gemeenten=True)
    in_halle = make_actie(od, "Zomerfestival Halle", alle_gemeenten=False)
    in_halle.gemeenten.set([halle])
    in_gooik = make_actie(od, "Boerenkrijg in Gooik", alle_gemeenten=False, van_jaar=2021)
    in_gooik.gemeenten.set([gooik])
    beide = make_actie(od, "Wandeling Gooik-Halle", alle_gemeenten=False)
    beide.gemeenten.set([gooik, halle])
    publish_version(plan=plan, naam="De nota", user=coordinator)

    hidden_plan = make_plan(titel="Intern plan", publiek=False)
    hidden_od = make_od(make_sd(hidden_plan, "Intern"), "Interne doelstelling")
    hidden = make_actie(hidden_od, "Interne actie in Halle", alle_gemeenten=False)
    hidden.gemeenten.set([halle])
    publish_version(plan=hidden_plan, naam="Intern", user=coordinator)
    return SimpleNamespace(
        halle=halle, drogenbos=drogenbos, pajottegem=pajottegem, gooik=gooik, plan=plan,
        overal=overal, in_halle=in_halle, in_gooik=in_gooik, beide=beide, hidden=hidden,
    )


# --- The list ---------------------------------------------------------------------------


def test_municipality_list_counts_actions_and_actors(client, region):
    response = client.get(LIST)

    assert response.status_code == 200
    assert row_of(response, "Halle") == {
        "gemeente": region.halle, "acties": 3, "specifiek": 2, "actoren": 1,
    }
    assert row_of(response, "Drogenbos")["acties"] == 1
    assert row_of(response, "Drogenbos")["specifiek"] == 0
    # Pajottegem adds up Gooik's actions (the one naming both counts once) and actors.
    assert row_of(response, "Pajottegem") == {
        "gemeente": region.pajottegem, "acties": 3, "specifiek": 2, "actoren": 1,
    }
    assert row_of(response, "Gooik")["acties"] == 3


def test_municipality_list_marks_facility_municipalities_and_separates_merged_ones(
    client, region
):
    response = client.get(LIST)

    page = html(response)
    assert "Gemeenten van de regio" in page
    assert "faciliteitengemeente" in page
    assert page.count("faciliteitengemeente</a>") == 1
    assert [r["gemeente"].naam for r in response.context["gefuseerd"]] == ["Gooik"]
    assert "Gefuseerde gemeenten" in page
    assert "1 januari 2025" in page


def test_municipality_list_hides_actions_of_a_plan_that_is_not_public(
    client, region, partner_a, stuurgroeplid
):
    assert row_of(client.get(LIST), "Halle")["acties"] == 3
    client.force_login(partner_a)
    assert row_of(client.get(LIST), "Halle")["acties"] == 3
    client.force_login(stuurgroeplid)
    assert row_of(client.get(LIST), "Halle")["acties"] == 4


# --- A municipality's page ----------------------------------------------------------------


def test_municipality_page_shows_the_actions_that_reach_it(client, region):
    response = client.get(gemeente_url(region.halle))

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Halle</h1>" in page
    assert "NIS-code 23027" in page
    assert "Acties die Halle bereiken" in page
    assert "2 acties specifiek voor deze gemeente" in page
    assert "1 actie voor alle gemeenten van de regio" in page
    for actie in (region.overal, region.in_halle, region.beide):
        assert f'href="{reverse("plan:actie", args=[actie.pk])}"' in page
    assert "Boerenkrijg in Gooik" not in page
    assert "Bibliotheek Halle" in page
    assert "Gestopt koor" not in page


def test_merged_municipality_page_adds_up_the_old_ones(client, region):
    response = client.get(gemeente_url(region.pajottegem))

    page = html(response)
    assert "Pajottegem ontstond uit de fusie van" in page
    assert f'href="{gemeente_url(region.gooik)}">Gooik</a>' in page
    assert "op 1 januari 2025" in page
    assert "Boerenkrijg in Gooik" in page
    assert "Wandeling Gooik-Halle" in page
    assert "Zomerfestival Halle" not in page
    assert "via Gooik" in page
    # The actors of Gooik are Pajottegem's too, with the old name beside them.
    assert "GC De Cam" in page
    assert response.context["specifiek_count"] == 2
    assert response.context["overal_count"] == 1


def test_old_municipality_page_says_it_merged_and_keeps_its_history(client, region):
    response = client.get(gemeente_url(region.gooik))

    page = html(response)
    assert "Gooik is opgegaan in" in page
    assert f'<a href="{gemeente_url(region.pajottegem)}">Pajottegem</a>' in page
    assert "op 1 januari 2025." in page
    assert "Boerenkrijg in Gooik" in page
    assert "Wandeling Gooik-Halle" in page


def test_all_municipality_actions_of_a_later_plan_do_not_reach_a_merged_municipality(
    client, region, coordinator
):
    later = make_plan(titel="Plan 2027-2032", van_jaar=2027, tot_jaar=2032)
    od = make_od(make_sd(later, "Nieuw"), "Nieuwe doelstelling")
    make_actie(od, "Actie van het nieuwe plan", alle_gemeenten=True)
    publish_version(plan=later, naam="Start", user=coordinator)

    assert "Actie van het nieuwe plan" not in html(client.get(gemeente_url(region.gooik)))
    assert "Actie van het nieuwe plan" in html(client.get(gemeente_url(region.pajottegem)))


def test_facility_municipality_is_marked_and_links_to_the_glossary(client, region):
    page = html(client.get(gemeente_url(region.drogenbos)))

    assert "faciliteitengemeente" in page
    assert f'href="{reverse("glossary")}#faciliteitengemeente"' in page
    assert "Geen enkele actie noemt deze gemeente specifiek." in page


def test_non_public_plan_actions_are_hidden_from_anonymous_and_partners(
    client, region, partner_a
):
    assert "Interne actie in Halle" not in html(client.get(gemeente_url(region.halle)))
    client.force_login(partner_a)
    assert "Interne actie in Halle" not in html(client.get(gemeente_url(region.halle)))


def test_steering_group_sees_non_public_plans_on_the_municipality_page(
    client, region, stuurgroeplid, coordinator
):
    client.force_login(stuurgroeplid)
    page = html(client.get(gemeente_url(region.halle)))

    assert "Interne actie in Halle" in page
    assert "U ziet de werkversie van de plannen" in page


def test_unpublished_changes_stay_hidden_from_the_public(client, region):
    region.in_halle.gemeenten.set([region.drogenbos])

    page = html(client.get(gemeente_url(region.halle)))

    # The published version still names Halle; the draft's Drogenbos does not show yet.
    assert "Zomerfestival Halle" in page
    assert "Zomerfestival Halle" not in html(client.get(gemeente_url(region.drogenbos)))


def test_unknown_municipality_is_404(client, db):
    assert client.get(reverse("actoren:gemeente", args=[999999])).status_code == 404


# --- The seed: Pajottegem ---------------------------------------------------------------


@pytest.fixture
def seed(db):
    call_command("loaddata", "gemeenten", "actoren", "beleidsplan", verbosity=0)
    Doelstelling.objects.rebuild()
    return Beleidsplan.objects.get()


def test_seed_pajottegem_adds_up_gooiks_actions(client, seed, coordinator):
    gooik = Gemeente.objects.get(naam="Gooik")
    pajottegem = Gemeente.objects.get(naam="Pajottegem")
    herne = Gemeente.objects.get(naam="Herne")
    halle = Gemeente.objects.get(naam="Halle")
    acties = list(seed.doelstellingen.get(code="SD1-OD2").acties.all()[:2])
    acties[0].alle_gemeenten = False
    acties[0].save()
    acties[0].gemeenten.set([gooik])
    acties[1].alle_gemeenten = False
    acties[1].save()
    acties[1].gemeenten.set([herne, halle])
    publish_version(plan=seed, naam="De nota hoe ze was", user=coordinator)

    pajottegem_page = client.get(gemeente_url(pajottegem))
    gooik_page = client.get(gemeente_url(gooik))
    halle_page = client.get(gemeente_url(halle))

    total = seed.doelstellingen.filter(acties__isnull=False).values("acties").count()
    assert pajottegem_page.context["specifiek_count"] == 2
    assert pajottegem_page.context["overal_count"] == total - 2
    assert gooik_page.context["specifiek_count"] == 1
    assert halle_page.context["specifiek_count"] == 1
    page = html(pajottegem_page)
    assert "Pajottegem ontstond uit de fusie van" in page
    assert "Galmaarden" in page and "Herne" in page
    assert "via Gooik" in page and "via Herne" in page
    assert "Gooik is opgegaan in" in html(gooik_page)

    listing = client.get(LIST)
    assert row_of(listing, "Pajottegem")["specifiek"] == 2
    assert row_of(listing, "Drogenbos")["gemeente"].faciliteitengemeente


# --- What was done there (issue 9) ---------------------------------------------------------


def approved(actie, jaar, gemeenten, **fields):
    rapport = Voortgangsrapport.objects.create(
        actie=actie, jaar=jaar, status=Voortgangsrapport.Status.LOPEND,
        fase=Voortgangsrapport.Fase.GOEDGEKEURD, **fields,
    )
    rapport.gemeenten.set(gemeenten)
    return rapport


def test_municipality_page_lists_what_was_done_there_from_approved_reports(client, region):
    """The realised work, from approved reports naming Halle, also for an action meant for
    all municipalities; a report not yet approved, or naming another municipality, not.
    Pajottegem shows what was done in Gooik (merged into it)."""
    approved(region.overal, 2022, [region.halle], wat_gedaan="Kalender in de bib van Halle",
             aantal_activiteiten=4, aantal_deelnemers=120)
    approved(region.in_gooik, 2021, [region.gooik], wat_gedaan="Boerenkrijgwandeling")
    Voortgangsrapport.objects.create(
        actie=region.in_halle, jaar=2022, status=Voortgangsrapport.Status.LOPEND,
        fase=Voortgangsrapport.Fase.INGEDIEND, wat_gedaan="Nog niet goedgekeurd",
    ).gemeenten.set([region.halle])

    page = html(client.get(gemeente_url(region.halle)))
    assert "Wat er gebeurde in Halle" in page
    assert "Kalender in de bib van Halle" in page
    assert re.search(r'<td class="num">4</td>\s*<td class="num">120</td>', page)
    assert "Nog niet goedgekeurd" not in page
    assert "Boerenkrijgwandeling" not in page

    pajottegem = html(client.get(gemeente_url(region.pajottegem)))
    assert "Boerenkrijgwandeling" in pajottegem
    drogenbos = html(client.get(gemeente_url(region.drogenbos)))
    assert "Nog geen goedgekeurd voortgangsrapport noemt deze gemeente." in drogenbos

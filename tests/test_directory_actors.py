"""The actor directory and an actor's page (beleidsplan/directory_views.py): filters that combine
and stay in the URL, clear messages for bad filter values, "werkt samen met" with its counts,
who sees which actions, the privacy of contact persons and inactive actors."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from acties.models import ActieActor
from actoren.models import Actor, ContactPersoon, Gemeente
from beleidsplan.models import Doelstelling
from beleidsplan.services import publish_version

from .factories import make_actie, make_actor, make_gemeente, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

LIST = reverse("actoren:lijst")


def actor_url(actor) -> str:
    return reverse("actoren:actor", args=[actor.pk])


def html(response) -> str:
    return response.content.decode()


# --- The directory ----------------------------------------------------------------------


@pytest.fixture
def registry():
    halle = make_gemeente("Halle")
    beersel = make_gemeente("Beersel")
    pajottegem = make_gemeente("Pajottegem")
    gooik = make_gemeente("Gooik", opgegaan_in=pajottegem, fusiedatum="2025-01-01")
    bib_halle = make_actor("Bibliotheek Halle", soort=Actor.Soort.INSTELLING)
    bib_halle.gemeenten.add(halle)
    koor = make_actor("Koor De Zennezangers", soort=Actor.Soort.VERENIGING)
    koor.gemeenten.add(halle)
    cc_beersel = make_actor("CC Beersel", soort=Actor.Soort.INSTELLING)
    cc_beersel.gemeenten.add(beersel)
    gc_gooik = make_actor("GC De Cam Gooik", soort=Actor.Soort.INSTELLING)
    gc_gooik.gemeenten.add(gooik)
    gestopt = make_actor("Festival dat stopte", soort=Actor.Soort.VERENIGING, actief=False)
    gestopt.gemeenten.add(halle)
    return SimpleNamespace(
        halle=halle, beersel=beersel, pajottegem=pajottegem, gooik=gooik,
        bib_halle=bib_halle, koor=koor, cc_beersel=cc_beersel, gc_gooik=gc_gooik,
        gestopt=gestopt,
    )


def test_directory_lists_active_actors_with_kind_level_and_municipalities(client, registry):
    response = client.get(LIST)

    assert response.status_code == 200
    page = html(response)
    assert "Actoren van de regio" in page
    assert "Bibliotheek Halle" in page and "Koor De Zennezangers" in page
    assert "cultuurhuis of -instelling" in page
    assert "lokaal" in page
    assert f'href="{reverse("actoren:gemeente", args=[registry.halle.pk])}"' in page
    assert "Festival dat stopte" not in page
    assert "4 actoren" in page


def test_directory_filters_combine_and_stay_in_the_url(client, registry):
    response = client.get(LIST, {"soort": "instelling", "gemeente": registry.halle.pk})

    assert response.status_code == 200
    names = [a.naam for a in response.context["actoren"]]
    assert names == ["Bibliotheek Halle"]
    page = html(response)
    # The form shows the chosen values, so the URL can be shared and the filters changed.
    assert '<option value="instelling" selected>' in page
    assert f'<option value="{registry.halle.pk}" selected>' in page
    assert 'method="get"' in page
    assert "1 actor in Halle" in page
    assert "Filters wissen" in page


def test_directory_filter_by_kind_alone(client, registry):
    response = client.get(LIST, {"soort": "vereniging"})

    assert [a.naam for a in response.context["actoren"]] == ["Koor De Zennezangers"]


def test_directory_filter_by_a_merged_municipality_includes_the_old_ones(client, registry):
    response = client.get(LIST, {"gemeente": registry.pajottegem.pk})

    assert [a.naam for a in response.context["actoren"]] == ["GC De Cam Gooik"]


def test_directory_can_show_inactive_actors_on_request(client, registry):
    response = client.get(LIST, {"gemeente": registry.halle.pk, "inactief": "on"})

    page = html(response)
    assert "Festival dat stopte" in page
    assert "niet meer actief" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"soort": "museum"}, "“museum” is geen soort actor. Kies een soort uit de lijst."),
        ({"gemeente": "999999"}, "Er is geen gemeente “999999”. Kies een gemeente uit de lijst."),
        ({"gemeente": "Halle"}, "Er is geen gemeente “Halle”. Kies een gemeente uit de lijst."),
    ],
)
def test_bad_filter_values_get_a_clear_dutch_message(client, registry, query, message):
    response = client.get(LIST, query)

    assert response.status_code == 400
    page = html(response)
    assert "De filter kon niet worden toegepast" in page
    assert message in page
    assert 'role="alert"' in page


def test_a_good_filter_beside_a_bad_one_is_kept_in_the_form(client, registry):
    response = client.get(LIST, {"soort": "vereniging", "gemeente": "nope"})

    assert response.status_code == 400
    assert '<option value="vereniging" selected>' in html(response)


# --- An actor's page: who works with whom -----------------------------------------------


@pytest.fixture
def network(coordinator):
    """A public plan with three actions and a published version:

    - action 1: X (trekker), Y, Z
    - action 2: X, Y
    - action 3: Y (trekker)

    so X works with Y in 2 actions and with Z in 1. After publishing, the working state
    gets a new action with X and W (not published), and a plan that is not public has an
    action with X and V (published, but the plan is not public).
    """
    x = make_actor("Regiobib", soort=Actor.Soort.SAMENWERKINGSVERBAND, niveau="bovenlokaal")
    y = make_actor("Erfgoedcel", soort=Actor.Soort.SAMENWERKINGSVERBAND)
    z = make_actor("Lokale bibliotheken")
    w = make_actor("Wereldmaand", soort=Actor.Soort.VERENIGING)
    v = make_actor("Verborgen partner")
    plan = make_plan(titel="Plan Zennevallei")
    sd = make_sd(plan, "Participatie verhogen")
    od1 = make_od(sd, "Drempels verlagen")
    od2 = make_od(sd, "Aanbod spreiden")
    a1 = make_actie(od1, "Taalpunt uitbouwen", actoren=[(x, "trekker"), (y, "partner"),
                                                          (z, "partner")])
    a2 = make_actie(od2, "Boekenstoet organiseren", actoren=[(x, "partner"), (y, "partner")])
    a3 = make_actie(od2, "Erfgoeddag", actoren=[(y, "trekker")])
    publish_version(plan=plan, naam="De nota", user=coordinator)
    draft = make_actie(od1, "Nieuwe actie in voorbereiding", actoren=[(x, "partner"),
                                                                       (w, "partner")])

    hidden_plan = make_plan(titel="Intern plan", publiek=False)
    hidden_od = make_od(make_sd(hidden_plan, "Intern"), "Interne doelstelling")
    hidden = make_actie(hidden_od, "Interne actie", actoren=[(x, "partner"), (v, "partner")])
    publish_version(plan=hidden_plan, naam="Intern", user=coordinator)
    return SimpleNamespace(
        x=x, y=y, z=z, w=w, v=v, plan=plan, a1=a1, a2=a2, a3=a3, draft=draft,
        hidden=hidden, od1=od1, od2=od2,
    )


def works_with(response) -> dict[str, int]:
    return {row["naam"]: row["count"] for row in response.context["works_with"]}


def test_actor_page_shows_what_it_is_and_its_actions_by_goal(client, network):
    response = client.get(actor_url(network.x))

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Regiobib</h1>" in page
    assert "intergemeentelijk of regionaal samenwerkingsverband" in page
    assert "bovenlokaal" in page
    assert "2 acties" in page
    # Grouped by goal code, each action linked to its page with the actor's role.
    assert page.index("SD1-OD1") < page.index("Taalpunt uitbouwen") < page.index("SD1-OD2")
    assert page.index("SD1-OD2") < page.index("Boekenstoet organiseren")
    assert f'href="{reverse("plan:actie", args=[network.a1.pk])}"' in page
    assert f'href="{reverse("plan:actie", args=[network.a2.pk])}"' in page
    # Each goal heading leads to the goal's page (by identity).
    assert f'href="{reverse("plan:doelstelling", args=[network.plan.pk, network.od1.pk])}"' in page
    rows = {i.omschrijving: i.rol for g in response.context["plans"] for goal in g["goals"]
            for i in goal["actions"]}
    assert rows == {"Taalpunt uitbouwen": "trekker", "Boekenstoet organiseren": "partner"}
    assert "zoals gepubliceerd in versie 1" in page


def test_works_with_counts_shared_actions(client, network):
    response = client.get(actor_url(network.x))

    assert works_with(response) == {"Erfgoedcel": 2, "Lokale bibliotheken": 1}
    page = html(response)
    assert "Werkt samen met" in page
    # Most shared actions first, each partner linked to its own page.
    assert page.index("Erfgoedcel") < page.index("Lokale bibliotheken", page.index("Werkt"))
    assert f'href="{actor_url(network.y)}"' in page


def test_works_with_is_symmetric(client, network):
    assert works_with(client.get(actor_url(network.y))) == {"Regiobib": 2,
                                                              "Lokale bibliotheken": 1}
    assert works_with(client.get(actor_url(network.z))) == {"Regiobib": 1, "Erfgoedcel": 1}


def test_public_sees_only_published_actions_of_public_plans(client, network, partner_a):
    for who in (None, partner_a):
        if who:
            client.force_login(who)
        page = html(client.get(actor_url(network.x)))
        assert "Taalpunt uitbouwen" in page
        # Not published yet (working state) and not public (another plan): hidden.
        assert "Nieuwe actie in voorbereiding" not in page
        assert "Wereldmaand" not in page
        assert "Interne actie" not in page
        assert "Verborgen partner" not in page
        assert "Intern plan" not in page


def test_steering_group_sees_the_working_state_of_every_plan(client, network, stuurgroeplid):
    client.force_login(stuurgroeplid)
    response = client.get(actor_url(network.x))

    page = html(response)
    assert "Nieuwe actie in voorbereiding" in page
    assert "Interne actie" in page
    assert "werkversie" in page
    assert works_with(response) == {
        "Erfgoedcel": 2, "Lokale bibliotheken": 1, "Wereldmaand": 1, "Verborgen partner": 1,
    }


def test_an_actor_only_in_a_hidden_plan_shows_no_actions_to_the_public(client, network):
    response = client.get(actor_url(network.v))

    assert response.status_code == 200
    page = html(response)
    assert "Deze actor heeft geen acties in een plan dat u kunt inkijken." in page
    assert "Nog geen gedeelde acties met andere actoren." in page


def test_public_reads_the_published_wording_not_the_draft(client, network, coordinator):
    network.a1.omschrijving = "Taalpunt herwerkt (ontwerp)"
    network.a1.save()

    page = html(client.get(actor_url(network.x)))

    assert "Taalpunt uitbouwen" in page
    assert "Taalpunt herwerkt (ontwerp)" not in page


def test_unknown_actor_is_404(client, db):
    assert client.get(reverse("actoren:actor", args=[999999])).status_code == 404


# --- Privacy: contact persons -------------------------------------------------------------


@pytest.fixture
def actor_with_contacts(db):
    actor = make_actor(
        "Cultuurcentrum Halle", email="info@cc-halle.example", website="https://cc-halle.example"
    )
    ContactPersoon.objects.create(
        actor=actor, naam="An Peeters", functie="programmator",
        email="an.peeters@example.org", telefoon="02 123 45 67",
    )
    return actor


def test_contact_persons_are_hidden_from_anonymous_visitors(client, actor_with_contacts):
    page = html(client.get(actor_url(actor_with_contacts)))

    assert "An Peeters" not in page
    assert "an.peeters@example.org" not in page
    assert "02 123 45 67" not in page
    assert "Contactpersonen" not in page
    # The organisation's own address is public.
    assert "info@cc-halle.example" in page
    assert "https://cc-halle.example" in page


def test_contact_persons_are_hidden_from_partners(client, actor_with_contacts, partner_a):
    client.force_login(partner_a)
    page = html(client.get(actor_url(actor_with_contacts)))

    assert "An Peeters" not in page
    assert "an.peeters@example.org" not in page


@pytest.mark.parametrize("persona", ["stuurgroeplid", "coordinator"])
def test_steering_group_and_coordinators_see_contact_persons(
    client, actor_with_contacts, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    page = html(client.get(actor_url(actor_with_contacts)))

    assert "Contactpersonen" in page
    assert "An Peeters" in page
    assert "an.peeters@example.org" in page
    assert "02 123 45 67" in page
    assert "Persoonsgegevens" in page


# --- Inactive actors --------------------------------------------------------------------


def test_inactive_actor_keeps_its_page_marked_and_without_contact_details(client, db):
    actor = make_actor("Oud festival", actief=False, email="oud@example.org")

    response = client.get(actor_url(actor))

    assert response.status_code == 200
    page = html(response)
    assert "Deze actor is niet meer actief." in page
    assert "oud@example.org" not in page


def test_inactive_actor_shows_its_contact_details_to_the_steering_group(
    client, db, stuurgroeplid
):
    actor = make_actor("Oud festival", actief=False, email="oud@example.org")
    client.force_login(stuurgroeplid)

    assert "oud@example.org" in html(client.get(actor_url(actor)))


# --- The seed ---------------------------------------------------------------------------


@pytest.fixture
def seed(db, coordinator):
    call_command("loaddata", "gemeenten", "actoren", "beleidsplan", verbosity=0)
    Doelstelling.objects.rebuild()
    return SimpleNamespace(
        de_rand=Actor.objects.get(naam="vzw 'de Rand'"),
        regiobib=Actor.objects.get(naam="Regiobib"),
    )


def test_seed_de_rand_works_with_regiobib_in_the_working_state(client, seed, stuurgroeplid):
    client.force_login(stuurgroeplid)
    response = client.get(actor_url(seed.de_rand))

    counts = works_with(response)
    shared = ActieActor.objects.filter(
        actor=seed.regiobib, actie__betrokkenen__actor=seed.de_rand
    ).count()
    assert shared == 1
    assert counts["Regiobib"] == shared
    assert counts == {
        "Archeduc": 1, "Cultuur- en gemeenschapscentra": 1, "Lokale bibliotheken": 1,
        "Regiobib": 1,
    }
    assert response.context["action_count"] == 6


def test_seed_actor_page_for_the_public_waits_for_a_published_version(
    client, seed, coordinator
):
    assert works_with(client.get(actor_url(seed.de_rand))) == {}

    publish_version(
        plan=seed.de_rand.acties.first().doelstelling.plan, naam="De nota", user=coordinator
    )

    response = client.get(actor_url(seed.de_rand))
    assert works_with(response)["Regiobib"] == 1
    assert "Overleg met Regiobib" in html(response)


def test_seed_regiobib_lists_the_municipality_it_is_in(client, seed):
    seed.regiobib.gemeenten.add(Gemeente.objects.get(naam="Halle"))

    page = html(client.get(actor_url(seed.regiobib)))

    assert "Halle" in page

"""The action list's filters and the action form's Dutch validation."""

import pytest
from django.urls import reverse

from acties.models import Actie, ActieActor

from .factories import make_actie, make_actor, make_gemeente, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:acties_actie_changelist")


@pytest.fixture
def plan():
    plan = make_plan()
    participatie = make_sd(plan, "Participatie")
    aanbod = make_sd(plan, "Aanbod")
    make_od(participatie, "Netwerk")
    make_od(aanbod, "Regiobib")
    return plan


def listed(response):
    return sorted(actie.omschrijving for actie in response.context["cl"].result_list)


def od(plan, code):
    return plan.doelstellingen.get(code=code)


def form_data(actie_od, **changes):
    data = {
        "doelstelling": actie_od.pk,
        "volgorde": "0",
        "omschrijving": "Boekenstoet",
        "regierol": "Methodiek",
        "actorrol": "Uitvoeren",
        "alle_gemeenten": "on",
        "spreiding_toelichting": "",
        "van_jaar": "",
        "tot_jaar": "",
        "timing_tekst": "",
        "betrokkenen-TOTAL_FORMS": "0",
        "betrokkenen-INITIAL_FORMS": "0",
        "betrokkenen-MIN_NUM_FORMS": "0",
        "betrokkenen-MAX_NUM_FORMS": "1000",
        # The indicators inline (issue 10), empty.
        "indicatoren-TOTAL_FORMS": "0",
        "indicatoren-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- Filters ----------------------------------------------------------------------------------


def test_gemeente_filter_counts_actions_for_all_municipalities(coordinator_client, plan):
    halle = make_gemeente("Halle")
    beersel = make_gemeente("Beersel")
    make_actie(od(plan, "SD1-OD1"), "Voor iedereen", alle_gemeenten=True)
    make_actie(od(plan, "SD1-OD1"), "Alleen Halle", alle_gemeenten=False).gemeenten.add(halle)
    make_actie(od(plan, "SD2-OD1"), "Alleen Beersel", alle_gemeenten=False).gemeenten.add(beersel)

    response = coordinator_client.get(CHANGELIST, {"gemeente": halle.pk})

    assert listed(response) == ["Alleen Halle", "Voor iedereen"]
    assert "bereikte gemeente" in response.content.decode()


def test_gemeente_filter_adds_up_merged_municipalities(coordinator_client, plan):
    pajottegem = make_gemeente("Pajottegem")
    gooik = make_gemeente("Gooik", opgegaan_in=pajottegem, fusiedatum="2025-01-01")
    make_actie(od(plan, "SD1-OD1"), "In Gooik (2021)", alle_gemeenten=False).gemeenten.add(gooik)

    response = coordinator_client.get(CHANGELIST, {"gemeente": pajottegem.pk})

    assert listed(response) == ["In Gooik (2021)"]
    assert "Pajottegem (met Gooik)" in response.content.decode()


def test_year_filter_uses_the_range(coordinator_client, plan):
    make_actie(od(plan, "SD1-OD1"), "2020 - 2022", van_jaar=2020, tot_jaar=2022)
    make_actie(od(plan, "SD1-OD1"), "Alleen 2021", van_jaar=2021)
    make_actie(od(plan, "SD1-OD1"), "2023 - 2025", van_jaar=2023, tot_jaar=2025)
    make_actie(od(plan, "SD1-OD1"), "Zonder jaar")

    assert listed(coordinator_client.get(CHANGELIST, {"jaar": "2021"})) == [
        "2020 - 2022", "Alleen 2021",
    ]
    assert listed(coordinator_client.get(CHANGELIST, {"jaar": "geen"})) == ["Zonder jaar"]


def test_goal_filters_show_codes_and_filter(coordinator_client, plan):
    make_actie(od(plan, "SD1-OD1"), "Onder SD1")
    make_actie(od(plan, "SD2-OD1"), "Onder SD2")
    sd2 = plan.doelstellingen.get(code="SD2")

    by_sd = coordinator_client.get(CHANGELIST, {"sd": sd2.pk})
    by_od = coordinator_client.get(CHANGELIST, {"od": od(plan, "SD1-OD1").pk})

    assert listed(by_sd) == ["Onder SD2"]
    assert listed(by_od) == ["Onder SD1"]
    html = by_sd.content.decode()
    assert "SD2 Aanbod" in html
    # With SD2 chosen, the OD filter offers SD2's ODs only.
    assert "SD2-OD1 Regiobib" in html
    assert "SD1-OD1 Netwerk" not in html


def test_actor_filter_and_code_search(coordinator_client, plan):
    regiobib = make_actor("Regiobib")
    make_actie(od(plan, "SD1-OD1"), "Met Regiobib", actoren=[(regiobib, "trekker")])
    make_actie(od(plan, "SD2-OD1"), "Zonder actor")

    by_actor = coordinator_client.get(CHANGELIST, {"actoren__id__exact": regiobib.pk})
    by_code = coordinator_client.get(CHANGELIST, {"q": "sd 2 od 1"})

    assert listed(by_actor) == ["Met Regiobib"]
    assert listed(by_code) == ["Zonder actor"]


# --- Form -------------------------------------------------------------------------------------


def test_specific_municipalities_with_all_municipalities_ticked_is_refused(
    coordinator_client, plan
):
    halle = make_gemeente("Halle")

    response = coordinator_client.post(
        reverse("admin:acties_actie_add"), form_data(od(plan, "SD1-OD1"), gemeenten=[halle.pk])
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["gemeenten"] == [
        'Vink "alle gemeenten" aan of kies gemeenten, niet allebei.'
    ]
    assert not Actie.objects.exists()


def test_model_rules_show_as_form_errors(coordinator_client, plan):
    sd = plan.doelstellingen.get(code="SD1")

    response = coordinator_client.post(
        reverse("admin:acties_actie_add"),
        form_data(od(plan, "SD1-OD1"), van_jaar="2019", tot_jaar="2021"),
    )
    errors = response.context["adminform"].form.errors
    assert errors["van_jaar"] == ["2019 valt buiten de planperiode 2020-2025."]

    response = coordinator_client.post(
        reverse("admin:acties_actie_add"),
        form_data(od(plan, "SD1-OD1"), van_jaar="2023", tot_jaar="2021"),
    )
    errors = response.context["adminform"].form.errors
    assert errors["tot_jaar"] == ["Het eindjaar kan niet vóór het beginjaar liggen."]

    # An SD is not among the goals an action can have.
    response = coordinator_client.post(reverse("admin:acties_actie_add"), form_data(sd))
    assert "doelstelling" in response.context["adminform"].form.errors
    assert not Actie.objects.exists()


def test_action_with_municipalities_and_actors_is_saved_with_history(
    coordinator_client, coordinator, plan
):
    halle = make_gemeente("Halle")
    regiobib = make_actor("Regiobib")
    data = form_data(
        od(plan, "SD1-OD1"), alle_gemeenten=None, gemeenten=[halle.pk],
        zie_ook=[od(plan, "SD2-OD1").pk], van_jaar="2021", tot_jaar="2022",
        **{
            "betrokkenen-TOTAL_FORMS": "1",
            "betrokkenen-0-actor": regiobib.pk,
            "betrokkenen-0-rol": ActieActor.Rol.TREKKER,
        },
    )

    response = coordinator_client.post(reverse("admin:acties_actie_add"), data)

    assert response.status_code == 302
    actie = Actie.objects.get()
    assert list(actie.gemeenten.all()) == [halle]
    assert list(actie.zie_ook.all()) == [od(plan, "SD2-OD1")]
    assert actie.betrokkenen.get().actor == regiobib
    assert actie.history.first().history_user == coordinator
    assert actie.betrokkenen.get().history.first().history_user == coordinator


def test_actor_involved_in_actions_cannot_be_deleted(coordinator_client, plan):
    regiobib = make_actor("Regiobib")
    make_actie(od(plan, "SD1-OD1"), "Boekenstoet", actoren=[(regiobib, "trekker")])
    url = reverse("admin:actoren_actor_delete", args=[regiobib.pk])

    response = coordinator_client.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "Een actor die bij acties betrokken is" in response.content.decode()
    assert regiobib.__class__.objects.filter(pk=regiobib.pk).exists()


def test_municipality_named_by_actions_cannot_be_deleted(coordinator_client, plan):
    gooik = make_gemeente("Gooik")
    make_actie(od(plan, "SD1-OD1"), "In Gooik", alle_gemeenten=False).gemeenten.add(gooik)
    url = reverse("admin:actoren_gemeente_delete", args=[gooik.pk])

    response = coordinator_client.post(url, {"post": "yes"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "geschiedenis van het plan herschrijven" in html
    assert "In Gooik" in html
    assert gooik.__class__.objects.filter(pk=gooik.pk).exists()


def test_goal_autocomplete_of_an_action_offers_operational_goals_only(coordinator_client, plan):
    params = {"app_label": "acties", "model_name": "actie", "term": "SD"}

    goal = coordinator_client.get(
        reverse("admin:autocomplete"), {**params, "field_name": "doelstelling"}
    ).json()
    zie_ook = coordinator_client.get(
        reverse("admin:autocomplete"), {**params, "field_name": "zie_ook"}
    ).json()

    assert [r["text"].split(" ")[0] for r in goal["results"]] == ["SD1-OD1", "SD2-OD1"]
    assert [r["text"].split(" ")[0] for r in zie_ook["results"]] == [
        "SD1", "SD1-OD1", "SD2", "SD2-OD1",
    ]


@pytest.mark.parametrize("query", ["gemeente=abc", "jaar=abc", "jaar=20x1"])
def test_hand_edited_filter_values_are_refused_without_error(coordinator_client, query):
    response = coordinator_client.get(f"/admin/acties/actie/?{query}")
    # Django's admin ignores a value it does not offer, or answers an invalid filter with
    # its redirect to "?e=1"; never a server error.
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")

"""The plan online (beleidsplan/site_views.py, views_home.py): the home page's picture of
the plan, the nota table with its filters, a goal's page, the spreiding matrix, and the SD
colours' contrast."""

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse

from acties.models import Actie, Voortgangsrapport
from actoren.models import Actor, Gemeente
from beleidsplan.models import Beleidsplan, Doelstelling, Herziening, Wijzigingsvoorstel
from beleidsplan.services import accept_proposal, publish_version

from .factories import make_actie, make_actor, make_gemeente, make_od, make_plan, make_sd
from .test_progress_rollup import make_rapport

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status


def load_seed(coordinator=None) -> Beleidsplan:
    """The seed's plan (fixtures), its tree rebuilt; published as version 1 when a
    coordinator is given."""
    call_command("loaddata", "gemeenten", "actoren", "beleidsplan", verbosity=0)
    Doelstelling.objects.rebuild()
    plan = Beleidsplan.objects.get()
    plan.refresh_codes()
    if coordinator is not None:
        publish_version(plan=plan, naam="De nota hoe ze was", user=coordinator)
    return plan


def url(name, *args, **query):
    path = reverse(f"plan:{name}", args=args)
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


@pytest.fixture
def seed(coordinator):
    return load_seed(coordinator)


@pytest.fixture
def region():
    """A small plan to filter: two SDs, municipalities with a merger, two actors, years,
    reports. Published as version 1, then one action added (working state only)."""
    pajottegem = make_gemeente("Pajottegem")
    gooik = make_gemeente("Gooik", opgegaan_in=pajottegem, fusiedatum=date(2025, 1, 1))
    halle = make_gemeente("Halle")
    lennik = make_gemeente("Lennik")
    bib = make_actor("Bibliotheek Halle")
    cc = make_actor("Cultuurcentrum Lennik")
    plan = make_plan(titel="Beleidsplan Zennevallei", van_jaar=2020, tot_jaar=2025)
    sd1 = make_sd(plan, "Participatie verhogen", tagline="PARTICIPATIE VERGROTEN")
    od1 = make_od(sd1, "Drempels verlagen")
    sd2 = make_sd(plan, "Sterke structuren", tagline="STRUCTUREN", transversaal=True)
    od2 = make_od(sd2, "Samenwerken")
    voorlezen = make_actie(
        od1, "Voorlezen in Halle", alle_gemeenten=False, van_jaar=2020, tot_jaar=2021,
        actoren=[(bib, "trekker")],
    )
    voorlezen.gemeenten.set([halle])
    gooikse = make_actie(
        od1, "Dorpsfeest in Gooik", alle_gemeenten=False, van_jaar=2022, tot_jaar=2023,
        actoren=[(cc, "partner")],
    )
    gooikse.gemeenten.set([gooik])
    overal = make_actie(od2, "Regionale kalender", van_jaar=2021, actoren=[(bib, "partner")])
    overal.zie_ook.add(od1)
    make_rapport(voorlezen, 2021, status=S.LOPEND, percentage=50, gemeenten=[halle, lennik])
    make_rapport(gooikse, 2023, status=S.AFGEROND, gemeenten=[gooik])
    return SimpleNamespace(
        plan=plan, sd1=sd1, od1=od1, sd2=sd2, od2=od2, voorlezen=voorlezen, gooikse=gooikse,
        overal=overal, pajottegem=pajottegem, gooik=gooik, halle=halle, lennik=lennik,
        bib=bib, cc=cc,
    )


@pytest.fixture
def published(region, coordinator):
    publish_version(plan=region.plan, naam="Eerste versie", user=coordinator)
    region.late = make_actie(region.od2, "Na publicatie toegevoegd")
    return region


def action_rows(html: str) -> list[str]:
    """The action ids of the nota table rows, in order."""
    return re.findall(r'<tr id="actie-(\d+)">', html)


# --- Home -----------------------------------------------------------------------------------


def test_home_draws_the_seed_plan_with_sd_colours_and_taglines(client, seed):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Het plan in één oogopslag" in html
    assert "CULTUURPARTICIPATIE in de regio VERGROTEN" in html
    assert "CULTUURAANBOD in de regio VERSTERKEN, AFSTEMMEN &amp; SPREIDEN" in html
    for colour in ("sd-c1", "sd-c2", "sd-c3"):
        assert f'class="sd-card {colour}"' in html
    # The OD and action counts of SD1 and a link to SD1's page.
    sd1 = Doelstelling.objects.get(plan=seed, code="SD1")
    n_ods = sd1.children.count()
    n_actions = Actie.objects.filter(doelstelling__parent=sd1).count()
    assert f"{n_ods} operationele doelstellingen · {n_actions} acties" in html
    assert url("doelstelling", seed.pk, sd1.pk) in html
    assert reverse("plan:voortgang", args=[seed.pk]) in html
    assert "Versie 1: De nota hoe ze was" in html


def test_home_shows_cross_cutting_sds_as_bands(client, region, stuurgroeplid):
    client.force_login(stuurgroeplid)
    html = client.get(reverse("home")).content.decode()
    assert 'class="sd-card sd-c1"' in html
    assert 'class="sd-band sd-t1"' in html
    assert "loopt door de andere strategische doelstellingen" in html


def test_home_shows_progress_bars_where_progress_exists(client, region, stuurgroeplid):
    client.force_login(stuurgroeplid)
    html = client.get(reverse("home")).content.decode()
    # SD1: 50 % and a finished action (100 %): 75 %. SD2 has no report: no bar.
    assert 'value="75"' in html
    assert html.count('class="sd-bar"') == 1


def test_home_shows_the_open_revision_round_only_to_insiders(client, seed, stuurgroeplid):
    Herziening.objects.create(plan=seed, naam="Herziening van 2021")
    assert "Herziening van 2021" not in client.get(reverse("home")).content.decode()
    client.force_login(stuurgroeplid)
    html = client.get(reverse("home")).content.decode()
    assert "Herziening van 2021" in html
    assert "Werkversie (niet gepubliceerd)" in html


def test_home_without_plans(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Er is nog geen plan gepubliceerd." in response.content.decode()


# --- The plan as the nota shows it ----------------------------------------------------------


def test_nota_table_shows_every_action_of_the_seed(client, seed):
    response = client.get(url("plan", seed.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert len(action_rows(html)) == Actie.objects.count()
    assert "Boekenstoet" in html
    boekenstoet = Actie.objects.get(omschrijving__contains="Boekenstoet")
    assert reverse("plan:actie", args=[boekenstoet.pk]) in html
    # Column headings link to the glossary.
    for word in ("regierol", "actorrol", "spreiding"):
        assert f'href="{reverse("glossary")}#{word}"' in html
    # Goal headings link to the goal's page.
    od = boekenstoet.doelstelling
    assert url("doelstelling", seed.pk, od.pk) in html


def test_filter_by_municipality_counts_merged_municipalities_under_the_new_one(
    client, published
):
    r = published
    html = client.get(url("plan", r.plan.pk, gemeente=r.pajottegem.pk)).content.decode()
    # Gooik's action reaches Pajottegem; the action for all municipalities reaches it too.
    assert action_rows(html) == [str(r.gooikse.pk), str(r.overal.pk)]
    html = client.get(url("plan", r.plan.pk, gemeente=r.halle.pk)).content.decode()
    assert action_rows(html) == [str(r.voorlezen.pk), str(r.overal.pk)]
    # A merged municipality itself: the actions that named it.
    html = client.get(url("plan", r.plan.pk, gemeente=r.gooik.pk)).content.decode()
    assert action_rows(html) == [str(r.gooikse.pk), str(r.overal.pk)]
    assert "Gooik (nu Pajottegem)" in html


def test_filters_combine_and_stay_in_the_url(client, published):
    r = published
    response = client.get(url("plan", r.plan.pk, gemeente=r.halle.pk, actor=r.bib.pk, jaar=2021))
    html = response.content.decode()
    assert action_rows(html) == [str(r.voorlezen.pk), str(r.overal.pk)]
    assert "2 van de 3 acties voldoen aan de filters." in html
    # The form shows the chosen values (a GET form: the URL holds them).
    assert f'<option value="{r.halle.pk}" selected>Halle</option>' in html
    assert f'<option value="{r.bib.pk}" selected>Bibliotheek Halle</option>' in html
    assert '<option value="2021" selected>2021</option>' in html
    assert 'method="get"' in html
    # One more filter narrows further: the year 2020 leaves out the calendar (from 2021).
    html = client.get(
        url("plan", r.plan.pk, gemeente=r.halle.pk, actor=r.bib.pk, jaar=2020)
    ).content.decode()
    assert action_rows(html) == [str(r.voorlezen.pk)]


def test_filter_by_sd_and_status(client, published):
    r = published
    html = client.get(url("plan", r.plan.pk, sd=r.sd2.pk)).content.decode()
    assert action_rows(html) == [str(r.overal.pk)]
    html = client.get(url("plan", r.plan.pk, status="afgerond")).content.decode()
    assert action_rows(html) == [str(r.gooikse.pk)]
    html = client.get(url("plan", r.plan.pk, status="geen")).content.decode()
    assert action_rows(html) == [str(r.overal.pk)]
    html = client.get(url("plan", r.plan.pk, actor=r.cc.pk, status="lopend")).content.decode()
    assert action_rows(html) == []
    assert "Geen enkele actie voldoet aan deze filters." in html


@pytest.mark.parametrize(
    "query, message",
    [
        ("gemeente=abc", "“abc” is geen gemeente van de regio."),
        ("gemeente=999999", "“999999” is geen gemeente van de regio."),
        ("sd=999999", "“999999” is geen strategische doelstelling van dit plan."),
        ("actor=abc", "“abc” is geen actor van de acties van dit plan."),
        ("jaar=1999", "“1999” is geen jaar van de planperiode (2020-2025)."),
        ("status=klaar", "“klaar” is geen voortgangsstatus."),
    ],
)
def test_bad_filter_values_get_a_dutch_message_not_an_error(client, published, query, message):
    response = client.get(url("plan", published.plan.pk) + "?" + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Deze filter is weggelaten" in html
    # The page still shows the plan.
    assert len(action_rows(html)) == 3


def test_bad_filter_value_leaves_the_other_filters_working(client, published):
    r = published
    html = client.get(url("plan", r.plan.pk, gemeente="abc", actor=r.cc.pk)).content.decode()
    assert action_rows(html) == [str(r.gooikse.pk)]


# --- A goal ---------------------------------------------------------------------------------


def test_goal_page_shows_its_fields_actions_and_history_link(client, region, stuurgroeplid):
    r = region
    r.od1.toelichting = "Drempels zijn financieel, fysiek en mentaal."
    r.od1.spreiding = "Alle gemeenten, met aandacht voor de kleinste"
    r.od1.save()
    client.force_login(stuurgroeplid)
    response = client.get(url("doelstelling", r.plan.pk, r.od1.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Operationele doelstelling" in html
    assert f"{r.od1.code}</span> Drempels verlagen" in html
    assert "Drempels zijn financieel, fysiek en mentaal." in html
    assert "met aandacht voor de kleinste" in html
    assert url("doelstelling", r.plan.pk, r.sd1.pk) in html  # its SD
    assert action_rows(html) == [str(r.voorlezen.pk), str(r.gooikse.pk)]
    assert reverse("plan:geschiedenis", args=[r.plan.pk, r.od1.pk]) in html
    assert 'value="75"' in html  # 50 % and done (100 %)


def test_sd_page_lists_its_ods_with_their_actions(client, region, stuurgroeplid):
    client.force_login(stuurgroeplid)
    html = client.get(url("doelstelling", region.plan.pk, region.sd2.pk)).content.decode()
    assert "Strategische doelstelling · transversaal" in html
    assert "STRUCTUREN" in html
    assert url("doelstelling", region.plan.pk, region.od2.pk) in html
    assert action_rows(html) == [str(region.overal.pk)]


def test_goal_page_shows_see_also_both_ways(client, seed):
    boekenstoet = Actie.objects.get(omschrijving__contains="Boekenstoet")
    target = boekenstoet.zie_ook.get()
    own = boekenstoet.doelstelling
    action_url = reverse("plan:actie", args=[boekenstoet.pk])
    # On the goal it refers to: listed among other goals' actions contributing to it.
    html = client.get(url("doelstelling", seed.pk, target.pk)).content.decode()
    section = html.split("Acties van andere doelstellingen die ook bijdragen aan")[1]
    section = section.split(f"Acties van {target.code} die ook bijdragen")[0]
    assert action_url in section
    # On its own goal: listed among its actions contributing elsewhere, linking the target.
    html = client.get(url("doelstelling", seed.pk, own.pk)).content.decode()
    section = html.split(f"Acties van {own.code} die ook bijdragen aan andere doelstellingen")[1]
    assert action_url in section
    assert url("doelstelling", seed.pk, target.pk) in section


def test_goal_url_is_stable_when_the_goal_is_renumbered_and_moved(
    client, region, coordinator, stuurgroeplid
):
    r = region
    goal_url = url("doelstelling", r.plan.pk, r.od2.pk)
    client.force_login(stuurgroeplid)
    assert "SD2-OD1" in client.get(goal_url).content.decode()
    ronde = Herziening.objects.create(plan=r.plan, naam="Herziening")
    move = Wijzigingsvoorstel(
        herziening=ronde, soort=Wijzigingsvoorstel.Soort.VERPLAATSEN, auteur=coordinator,
        doelstelling=r.od2, doel=r.sd1,
    )
    move.full_clean()
    move.save()
    accept_proposal(voorstel=move, user=coordinator)
    response = client.get(goal_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "SD1-OD2</span> Samenwerken" in html
    assert url("doelstelling", r.plan.pk, r.sd1.pk) in html


def test_goal_not_in_what_the_visitor_reads_is_404_with_its_history(client, published):
    r = published
    new_od = make_od(r.sd1, "Na publicatie bedacht")
    response = client.get(url("doelstelling", r.plan.pk, new_od.pk))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Deze doelstelling staat niet (meer) in het plan" in html
    assert reverse("plan:geschiedenis", args=[r.plan.pk, new_od.pk]) in html


# --- Spreiding ------------------------------------------------------------------------------


def test_spreiding_matrix_shows_planned_and_realised_per_municipality(client, published):
    r = published
    response = client.get(url("spreiding", r.plan.pk))
    assert response.status_code == 200
    columns = [g.naam for g in response.context["page"].columns]
    assert columns == ["Halle", "Lennik", "Pajottegem"]  # Gooik merged into Pajottegem
    # Whole plan per municipality (planned, realised): Halle: voorlezen + kalender, voorlezen
    # realised; Lennik: the calendar, voorlezen realised there (not planned); Pajottegem:
    # Gooik's action and the calendar, Gooik's realised.
    assert response.context["page"].totals == [(2, 1), (1, 1), (2, 1)]
    groups = response.context["page"].groups
    assert groups[0]["totals"] == [(1, 1), (0, 1), (1, 1)]  # SD1
    assert groups[1]["totals"] == [(1, 0), (1, 0), (1, 0)]  # SD2
    first = groups[0]["ods"][0]["rows"][0]
    assert first["cells"] == [(True, True), (False, True), (False, False)]
    html = response.content.decode()
    assert "gepland" in html and "gerealiseerd" in html  # legend and cell text, not colour
    assert '<td class="count gap">' in html  # SD1 has no action planned in Lennik


def test_spreiding_can_show_only_actions_for_chosen_municipalities(client, published):
    r = published
    response = client.get(url("spreiding", r.plan.pk, toon="gekozen"))
    rows = [row["row"].id for g in response.context["page"].groups for od in g["ods"]
            for row in od["rows"]]
    assert rows == [r.voorlezen.pk, r.gooikse.pk]
    bad = client.get(url("spreiding", r.plan.pk, toon="alles"))
    assert bad.status_code == 400
    assert "is geen keuze uit deze lijst" in bad.content.decode()


def test_spreiding_of_the_seed(client, seed):
    response = client.get(url("spreiding", seed.pk))
    assert response.status_code == 200
    names = [g.naam for g in response.context["page"].columns]
    assert "Pajottegem" in names and "Gooik" not in names
    n = Actie.objects.count()
    assert response.context["page"].totals[names.index("Halle")] == (n, 0)


# --- Colours --------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_sd_colours_pass_wcag_aa_contrast():
    css = (Path(__file__).resolve().parent.parent / "static" / "css" / "site.css").read_text()
    colours = re.findall(
        r"\.(sd-[ct]\d) \{ --sd: (#[0-9a-f]{6}); --sd-tint: (#[0-9a-f]{6}); \}", css
    )
    assert len(colours) >= 6
    ink, link, focus = "#1d1d1b", "#0b5cab", "#f2a900"
    for name, sd, tint in colours:
        assert contrast("#ffffff", sd) >= 4.5, name  # white text on the SD colour
        assert contrast(ink, tint) >= 4.5, name  # text on the tint
        assert contrast(link, tint) >= 4.5, name  # links on the tint
        assert contrast(sd, tint) >= 3, name  # bars and borders against the tint
        assert contrast(focus, sd) >= 3, name  # the focus ring on the SD colour


def test_sd_colours_follow_position_columns_then_bands():
    from beleidsplan.document import PlanDocument

    def sd(pk, transversaal=False):
        return {
            "id": pk, "soort": "SD", "code": f"SD{pk}", "transversaal": transversaal,
            "tagline": None, "formulering": f"Doel {pk}", "toelichting": None,
            "spreiding": None, "doelstellingen": [], "acties": [],
        }

    document = PlanDocument.from_dict({
        "plan": {"id": 1, "titel": "Plan", "van": 2020, "tot": 2025}, "versie": None,
        "gemeenten": [],
        "doelstellingen": [sd(1), sd(2, True), sd(3), sd(4), sd(5, True), sd(6), sd(7)],
    })
    assert {goal.id: goal.colour for goal in document.sds} == {
        1: "sd-c1", 2: "sd-t1", 3: "sd-c2", 4: "sd-c3", 5: "sd-t2", 6: "sd-c4", 7: "sd-c1",
    }


def test_unknown_plan_is_404(client):
    assert client.get(url("plan", 999999)).status_code == 404
    assert client.get(url("spreiding", 999999)).status_code == 404
    assert client.get(url("doelstelling", 999999, 1)).status_code == 404


def test_region_fixture_is_what_the_tests_assume(region):
    assert Gemeente.objects.huidig().filter(naam="Gooik").count() == 0
    assert Actor.objects.count() == 2

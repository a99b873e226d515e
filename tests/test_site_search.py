"""Search (beleidsplan/search.py, plan:zoeken): finds words in goals, actions and actors,
regardless of case and accents on both databases, ranks by field, marks the match, and
gives a hint instead of an error for an empty or too short query. It searches a stored
index that follows the plan: the public finds only what was published, insiders find an
edit at once, and a search costs the same few queries whatever the size of the plan."""

import datetime
import threading
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acties.models import Actie
from beleidsplan import search
from beleidsplan.models import Doelstelling, SearchEntry
from beleidsplan.reading import readings_for
from beleidsplan.services import publish_version

from .factories import (
    make_actie,
    make_actor,
    make_gemeente,
    make_od,
    make_plan,
    make_plan_tree,
    make_sd,
)
from .test_site_pages import load_seed

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (Dutch full-text search)"
)


def zoek(client, q):
    return client.get(reverse("plan:zoeken"), {"q": q})


def found(client, q) -> list[tuple[str, int]]:
    # The results as the view made them (not a visitor's page kept whole: its context is
    # gone; tests/test_page_cache.py covers that the kept page follows every change).
    cache.clear()
    return [(r.entry.kind, r.entry.pk) for r in zoek(client, q).context["outcome"].results]


@pytest.fixture
def seed(coordinator):
    return load_seed(coordinator)


def test_finds_a_word_in_a_regierol_text(client, seed):
    response = zoek(client, "koepels")
    assert response.status_code == 200
    results = response.context["outcome"].results
    assert results
    assert all(r.entry.kind == "actie" for r in results)
    assert {s.field for r in results for s in r.snippets} == {"regierol"}
    html = response.content.decode()
    assert "gevonden in regierol" in html
    assert "<mark>koepels</mark>" in html


@pytest.mark.parametrize(
    "typed, written",
    [
        ("coordineren", "Coördineren"),
        ("efficientie", "efficiëntie"),
        ("COÖRDINEREN", "Coördineren"),
    ],
)
def test_finds_accented_words_typed_without_accents(client, seed, typed, written):
    response = zoek(client, typed)
    html = response.content.decode()
    assert response.context["outcome"].results, typed
    assert f"<mark>{written}</mark>" in html


def test_efficientie_finds_the_goal_and_links_its_page(client, seed):
    results = zoek(client, "efficientie").context["outcome"].results
    goals = [r.entry for r in results if r.entry.kind == "doelstelling"]
    assert goals
    assert goals[0].url.startswith(reverse("plan:plan", args=[seed.pk]))


def test_boekenstoet_leads_to_the_action(client, seed):
    results = zoek(client, "Boekenstoet").context["outcome"].results
    assert results[0].entry.kind == "actie"
    assert results[0].entry.url == reverse("plan:actie", args=[results[0].entry.pk])


def test_finds_actors_by_name_alias_and_description(client):
    make_actor(
        "Regionale bibliotheekwerking", aliassen="Regiobib",
        beschrijving="Samenwerking van de bibliotheken",
    )
    for q in ("regiobib", "bibliotheken", "Regionale"):
        results = zoek(client, q).context["outcome"].results
        assert [r.entry.kind for r in results] == ["actor"], q


def test_ranks_a_match_in_the_description_above_one_in_the_actorrol(client, stuurgroeplid):
    plan = make_plan()
    od = make_od(make_sd(plan, "Strategisch"), "Operationeel")
    low = make_actie(od, "Een gewone actie", actorrol="Lokale vrijwilligers begeleiden")
    high = make_actie(od, "Vrijwilligers begeleiden in de hele regio")
    client.force_login(stuurgroeplid)
    results = zoek(client, "vrijwilligers").context["outcome"].results
    assert [r.entry.pk for r in results] == [high.pk, low.pk]
    assert results[0].rank > results[1].rank


@on_postgresql
def test_postgresql_uses_dutch_stemming(client, stuurgroeplid):
    plan = make_plan()
    od = make_od(make_sd(plan), "Operationeel")
    actie = make_actie(od, "Voorlezen uit boeken in de bibliotheek")
    client.force_login(stuurgroeplid)
    outcome = zoek(client, "boek").context["outcome"]
    assert outcome.engine == "postgresql"
    assert [r.entry.pk for r in outcome.results] == [actie.pk]
    assert "<mark>boeken</mark>" in str(outcome.results[0].snippets[0].text)


def test_all_words_must_occur(client, seed):
    both = zoek(client, "coordineren regiobib").context["outcome"].results
    only_one = zoek(client, "coordineren").context["outcome"].results
    assert 0 < len(both) < len(only_one)


@pytest.mark.parametrize("q, hint", [
    ("", "Typ een woord om de doelstellingen, acties en actoren te doorzoeken."),
    ("   ", "Typ een woord om de doelstellingen, acties en actoren te doorzoeken."),
    ("a", "Typ minstens 2 letters of cijfers om te zoeken."),
    ("?!", "Typ minstens 2 letters of cijfers om te zoeken."),
])
def test_empty_or_too_short_query_gives_a_hint(client, q, hint, django_assert_num_queries):
    with django_assert_num_queries(0):
        outcome = search.search(q, readings=[], insider=False)
    assert outcome.hint and not outcome.results
    response = zoek(client, q)
    assert response.status_code == 200
    assert hint in response.content.decode()


def test_nothing_found_says_so(client, seed):
    html = zoek(client, "zzzqqq").content.decode()
    assert "0 resultaten voor “zzzqqq”" in html
    assert "Niets gevonden." in html


def test_texts_are_escaped_and_only_marks_are_html(client, stuurgroeplid):
    plan = make_plan()
    od = make_od(make_sd(plan), "Operationeel")
    make_actie(od, "<script>alert(1)</script> Koorfestival organiseren")
    client.force_login(stuurgroeplid)
    html = zoek(client, "koorfestival").content.decode()
    # PostgreSQL's headline drops what looks like a tag; the Python search escapes it.
    assert "<script>" not in html
    assert "<mark>Koorfestival</mark>" in html


def test_marks_are_the_only_html_in_a_snippet():
    marked = search._marked("<b>Fanfare</b> & \u27e6koor\u27e7")
    assert str(marked) == "&lt;b&gt;Fanfare&lt;/b&gt; &amp; <mark>koor</mark>"


def test_fold_removes_case_and_accents():
    assert search.fold("Coördineren") == "coordineren"
    assert search.fold("Efficiëntie") == "efficientie"
    assert search.fold("Écaussinnes") == "ecaussinnes"


def test_snippet_of_a_long_text_is_cut_around_the_match():
    text = "begin " + "woord " * 60 + "Coördinatie " + "einde " * 60
    results, _truncated = search._search_python(
        [search.Entry(kind="actie", pk=1, title="t", url="/", context="",
                      fields=[("omschrijving", text), ("regierol", ""), ("actorrol", "")])],
        "coordinatie",
    )
    snippet = str(results[0].snippets[0].text)
    assert "<mark>Coördinatie</mark>" in snippet
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(snippet) < len(text) / 2


# --- What each reader searches --------------------------------------------------------------


def test_public_never_finds_an_unpublished_wording(client, seed, stuurgroeplid):
    goal = Doelstelling.objects.filter(plan=seed, parent__isnull=False).order_by("pk").first()
    assert found(client, "Zeepbellenfestival") == []
    goal.formulering = "Een Zeepbellenfestival in elke gemeente"
    goal.save()
    assert found(client, "Zeepbellenfestival") == []
    assert SearchEntry.objects.filter(text1__contains="Zeepbellenfestival").count() == 0
    client.force_login(stuurgroeplid)
    assert found(client, "Zeepbellenfestival") == [("doelstelling", goal.pk)]
    client.logout()
    assert found(client, "Zeepbellenfestival") == []


def test_insiders_find_the_working_state_right_after_an_edit(client, stuurgroeplid):
    od = make_od(make_sd(make_plan()), "Operationeel")
    actie = make_actie(od, "Een koorfestival in de regio")
    client.force_login(stuurgroeplid)
    assert found(client, "koorfestival") == [("actie", actie.pk)]
    actie.omschrijving = "Een fanfarefestival in de regio"
    actie.save()
    assert found(client, "koorfestival") == []
    assert found(client, "fanfarefestival") == [("actie", actie.pk)]
    actie.delete()
    assert found(client, "fanfarefestival") == []


def test_the_public_finds_a_new_wording_once_it_is_published(
    client, coordinator, django_capture_on_commit_callbacks
):
    plan = make_plan()
    actie = make_actie(make_od(make_sd(plan), "Operationeel"), "Een koorfestival organiseren")
    publish_version(plan=plan, naam="Eerste", user=coordinator)
    assert found(client, "koorfestival") == [("actie", actie.pk)]
    actie.omschrijving = "Een fanfarefestival organiseren"
    actie.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = publish_version(plan=plan, naam="Tweede", user=coordinator)
    # Indexed on publication; the first version's rows are gone (no one searches them).
    assert set(SearchEntry.objects.filter(plan=plan, versie__isnull=False)
               .values_list("versie", flat=True)) == {second.pk}
    assert found(client, "fanfarefestival") == [("actie", actie.pk)]
    assert found(client, "koorfestival") == []


def test_a_version_published_before_the_index_is_indexed_at_the_first_search(
    client, seed, django_assert_num_queries
):
    SearchEntry.objects.all().delete()
    readings = readings_for(AnonymousUser())
    assert found(client, "Boekenstoet")
    with django_assert_num_queries(2):
        outcome = search.search("Boekenstoet", readings=readings, insider=False)
        assert outcome.results


def test_actors_follow_their_changes(client, stuurgroeplid):
    actor = make_actor("Regionale bibliotheekwerking")
    assert found(client, "bibliotheekwerking") == [("actor", actor.pk)]
    actor.naam = "Regionale leesbevordering"
    actor.save()
    assert found(client, "bibliotheekwerking") == []
    assert found(client, "leesbevordering") == [("actor", actor.pk)]
    actor.actief = False
    actor.save()
    assert found(client, "leesbevordering") == []
    client.force_login(stuurgroeplid)
    response = zoek(client, "leesbevordering")
    assert [r.entry.pk for r in response.context["outcome"].results] == [actor.pk]
    assert "niet actief" in response.content.decode()


def test_finds_municipalities_by_name_and_follows_their_changes(client):
    """Searching "Halle" found nothing (issue 9): the municipalities are in the registry's
    part of the index, with a merged one's new municipality named."""
    halle = make_gemeente("Halle", nis_code="23027")
    pajottegem = make_gemeente("Pajottegem")
    gooik = make_gemeente("Gooik", opgegaan_in=pajottegem, fusiedatum=datetime.date(2025, 1, 1))

    assert found(client, "Halle") == [("gemeente", halle.pk)]
    response = zoek(client, "Gooik")
    assert found(client, "Gooik") == [("gemeente", gooik.pk)]
    page = response.content.decode()
    assert f'href="{reverse("actoren:gemeente", args=[gooik.pk])}"' in page
    assert "opgegaan in Pajottegem" in page

    halle.naam = "Halle-Vilvoorde"
    halle.save()
    assert found(client, "Vilvoorde") == [("gemeente", halle.pk)]


def test_results_link_to_the_goal_the_action_and_the_actor(client, coordinator, stuurgroeplid):
    plan = make_plan(titel="Plan voor de regio")
    sd = make_sd(plan, "Zonnewijzers in de regio")
    od = make_od(sd, "Operationeel")
    actie = make_actie(od, "Zonnewijzers plaatsen")
    actor = make_actor("Zonnewijzervereniging", aliassen="Zonnewijzers")
    publish_version(plan=plan, naam="Eerste", user=coordinator)
    for who in (None, stuurgroeplid):
        if who:
            client.force_login(who)
        results = zoek(client, "zonnewijzers").context["outcome"].results
        links = {(r.entry.kind, r.entry.url, r.entry.context) for r in results}
        assert links == {
            ("doelstelling", reverse("plan:doelstelling", args=[plan.pk, sd.pk]),
             "Plan voor de regio"),
            ("actie", reverse("plan:actie", args=[actie.pk]), "Plan voor de regio"),
            ("actor", reverse("actoren:actor", args=[actor.pk]), ""),
        }
        titles = {r.entry.kind: r.entry.title for r in results}
        assert titles["actie"] == "SD1-OD1 actie 1"
        assert titles["doelstelling"] == "SD1 Zonnewijzers in de regio"
        assert titles["actor"] == "Zonnewijzervereniging"


# --- Cost -----------------------------------------------------------------------------------


def grow(plan):
    """Thirty times the actions of the small plan, under four more SDs."""
    for _ in range(4):
        sd = make_sd(plan)
        for _ in range(3):
            od = make_od(sd)
            for i in range(5):
                make_actie(od, f"Nog een actie {i}")


@pytest.mark.parametrize("insider", [False, True])
def test_a_search_runs_two_queries_whatever_the_size_of_the_plan(
    client, coordinator, stuurgroeplid, insider, django_assert_num_queries
):
    plan = make_plan_tree(sds=1, ods=1, acties=2)
    publish_version(plan=plan, naam="Klein", user=coordinator)
    user = stuurgroeplid if insider else AnonymousUser()
    if insider:
        client.force_login(stuurgroeplid)

    def measure() -> tuple[int, int]:
        """The results for "actie" and the queries of the page, on a warm index."""
        zoek(client, "actie")  # builds what changed
        readings = readings_for(user)
        with django_assert_num_queries(2):  # the markers, the search
            outcome = search.search("actie", readings=readings, insider=insider)
            found = len(outcome.results)
        with CaptureQueriesContext(connection) as page:
            assert zoek(client, "actie").status_code == 200
        return found, len(page)

    small_found, small_page = measure()
    grow(plan)
    publish_version(plan=plan, naam="Groter", user=coordinator)
    assert Actie.objects.filter(doelstelling__plan=plan).count() == 62
    big_found, big_page = measure()
    assert big_found > small_found
    assert big_page == small_page


def test_the_results_are_looked_up_when_read_and_their_key_follows_the_plan(
    stuurgroeplid, django_assert_num_queries
):
    od = make_od(make_sd(make_plan()), "Operationeel")
    actie = make_actie(od, "Een koorfestival in de regio")
    search.search("koorfestival", readings=readings_for(stuurgroeplid), insider=True)
    readings = readings_for(stuurgroeplid)
    with django_assert_num_queries(1):
        outcome = search.search("koorfestival", readings=readings, insider=True)
    with django_assert_num_queries(1):
        assert [r.entry.pk for r in outcome.results] == [actie.pk]
        assert not outcome.truncated
    same = search.search("koorfestival", readings=readings_for(stuurgroeplid), insider=True)
    assert same.key == outcome.key
    other = search.search("koorfestival", readings=readings_for(stuurgroeplid), insider=False)
    assert other.key != outcome.key
    actie.omschrijving = "Een fanfarefestival in de regio"
    actie.save()
    edited = search.search("koorfestival", readings=readings_for(stuurgroeplid), insider=True)
    assert edited.key != outcome.key and edited.results == []
    make_actor("Koorfestival vzw")
    actors = search.search("koorfestival", readings=readings_for(stuurgroeplid), insider=True)
    assert actors.key != edited.key and [r.entry.kind for r in actors.results] == ["actor"]


# --- Index -----------------------------------------------------------------------------------


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_building_the_same_source_leave_one_copy(coordinator, monkeypatch, caplog):
    plan = make_plan()
    make_actie(make_od(make_sd(plan), "Operationeel"), "Een koorfestival organiseren")
    versie = publish_version(plan=plan, naam="Eerste", user=coordinator)
    SearchEntry.objects.all().delete()
    both_inside = threading.Barrier(2, timeout=10)
    rows_of = search._plan_rows

    def rows_when_both_are_building(source):
        rows = rows_of(source)
        both_inside.wait()  # both transactions are open: both delete, both insert
        return rows

    monkeypatch.setattr(search, "_plan_rows", rows_when_both_are_building)
    errors = []

    def worker():
        try:
            search.index_version(versie.pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert "built by another worker" in caplog.text
    rows = SearchEntry.objects.filter(source=f"versie:{versie.pk}")
    assert rows.filter(kind=SearchEntry.SOURCE).count() == 1
    assert rows.filter(kind="actie").count() == 1


# --- PostgreSQL: the query language ----------------------------------------------------------


@on_postgresql
def test_postgresql_folds_accents_and_finds_other_forms_of_a_word(client, stuurgroeplid):
    od = make_od(make_sd(make_plan()), "Operationeel")
    coordinate = make_actie(od, "De partners coördineren")
    books = make_actie(od, "Voorlezen uit boeken")
    client.force_login(stuurgroeplid)
    outcome = zoek(client, "coordineren").context["outcome"]
    assert outcome.engine == "postgresql"
    assert [r.entry.pk for r in outcome.results] == [coordinate.pk]
    assert "<mark>coördineren</mark>" in str(outcome.results[0].snippets[0].text)
    assert found(client, "boek") == [("actie", books.pk)]
    assert found(client, "COÖRDINEREN") == [("actie", coordinate.pk)]


@on_postgresql
def test_postgresql_reads_the_query_as_a_search_engine_does(client, stuurgroeplid):
    od = make_od(make_sd(make_plan()), "Operationeel")
    schools = make_actie(od, "Open bibliotheek voor scholen")
    clubs = make_actie(od, "Bibliotheek open voor verenigingen")
    client.force_login(stuurgroeplid)
    assert found(client, '"open bibliotheek"') == [("actie", schools.pk)]
    assert found(client, "bibliotheek -scholen") == [("actie", clubs.pk)]
    assert {pk for _kind, pk in found(client, "scholen or verenigingen")} == {
        schools.pk, clubs.pk,
    }
    assert found(client, "scholen verenigingen") == []


@on_postgresql
def test_postgresql_escapes_the_texts_around_the_marks(client, stuurgroeplid):
    od = make_od(make_sd(make_plan()), "Operationeel")
    make_actie(od, "Koorfestival & fanfare", regierol="Tussen <b>ons</b> en 'jullie'")
    client.force_login(stuurgroeplid)
    html = zoek(client, "koorfestival").content.decode()
    assert "<mark>Koorfestival</mark> &amp; fanfare" in html


# --- Several plans (issue 13) -------------------------------------------------------------


@pytest.fixture
def two_plans(coordinator):
    """The running plan 2020-2025 and the next one, both published and public; each has an
    action only it names."""
    old = make_plan(titel="Beleidsplan 2020-2025", van_jaar=2020, tot_jaar=2025, publiek=True)
    boekenstoet = make_actie(
        make_od(make_sd(old, "Participatie"), "Netwerk"), "Boekenstoet in de regio"
    )
    new = make_plan(titel="Beleidsplan 2027-2032", van_jaar=2027, tot_jaar=2032, publiek=True)
    zomerbar = make_actie(make_od(make_sd(new, "Participatie"), "Netwerk"), "Zomerbar in elk dorp")
    for plan in (old, new):
        publish_version(plan=plan, naam="Eerste versie", user=coordinator)
    return SimpleNamespace(old=old, new=new, boekenstoet=boekenstoet, zomerbar=zomerbar)


def test_search_covers_the_current_plan_by_default_and_one_or_all_on_request(
    client, two_plans
):
    old = two_plans.old

    def titles(**query):
        cache.clear()  # the results as the view makes them
        results = client.get(reverse("plan:zoeken"), query).context["outcome"].results
        actions = {r.entry.pk for r in results if r.entry.kind == "actie"}
        return two_plans.boekenstoet.pk in actions, two_plans.zomerbar.pk in actions

    # Both run; the newest is current.
    assert titles(q="Zomerbar") == (False, True)
    assert titles(q="Boekenstoet") == (False, False)
    assert titles(q="Boekenstoet", plan=old.pk) == (True, False)
    assert titles(q="Boekenstoet", plan="alle") == (True, False)
    assert titles(q="Zomerbar", plan="alle") == (False, True)
    # The choice stays selected.
    page = client.get(reverse("plan:zoeken"), {"q": "x", "plan": old.pk}).content.decode()
    assert f'<option value="{old.pk}" selected>' in page


@pytest.mark.parametrize("value", ["999999", "abc", "-1"])
def test_search_in_a_plan_one_may_not_read_is_refused_in_dutch(client, two_plans, value):
    response = client.get(reverse("plan:zoeken"), {"q": "Boekenstoet", "plan": value})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Kies een van de plannen uit de lijst, of alle plannen." in page
    assert response.context["outcome"].results == []


def test_search_in_a_made_up_plan_is_refused_also_when_one_plan_is_readable(client, seed):
    response = client.get(reverse("plan:zoeken"), {"q": "Boekenstoet", "plan": "999999"})

    assert response.status_code == 400
    assert "Kies een van de plannen uit de lijst" in response.content.decode()
    assert zoek(client, "Boekenstoet").status_code == 200

"""Search (beleidsplan/search.py, site:zoeken): finds words in goals, actions and actors,
regardless of case and accents on both databases, ranks by field, marks the match, and
gives a hint instead of an error for an empty or too short query."""

import pytest
from django.db import connection
from django.urls import reverse

from beleidsplan import search

from .factories import make_actie, make_actor, make_od, make_plan, make_sd
from .test_site_pages import load_seed

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (Dutch full-text search)"
)


def zoek(client, q):
    return client.get(reverse("site:zoeken"), {"q": q})


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
    assert goals[0].url.startswith(reverse("site:plan", args=[seed.pk]))


def test_boekenstoet_leads_to_the_action(client, seed):
    results = zoek(client, "Boekenstoet").context["outcome"].results
    assert results[0].entry.kind == "actie"
    assert results[0].entry.url == reverse("acties:actie", args=[results[0].entry.pk])


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

"""The glossary and the accessibility statement (cultuurregio/views.py), and the footer that
links to them from every page."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TERMS = [
    "regierol", "actorrol", "spreiding", "cultuurregio", "beleidsplan", "sd", "od",
    "transversaal", "actie", "timing", "actor", "trekker", "partner", "stuurgroep",
    "faciliteitengemeente", "versie", "werkversie", "herziening", "wijzigingsvoorstel",
    "voortgangsrapport",
]


def html(response) -> str:
    return response.content.decode()


def test_glossary_url():
    assert reverse("glossary") == "/woordenlijst/"
    assert reverse("accessibility") == "/toegankelijkheid/"


def test_glossary_explains_the_three_columns_in_dutch(client):
    response = client.get(reverse("glossary"))

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Wat betekenen regierol, actorrol en spreiding?</h1>" in page
    # Regierol, from the seed's REGIEROL section: what the IGS does.
    assert "intergemeentelijk samenwerkingsverband" in page
    assert "helikopterperspectief" in page
    assert "facilitator, katalysator en aanjager" in page
    assert "overlegmomenten faciliteren" in page
    # Actorrol: what the local partners do.
    assert "Wat de lokale partners doen voor de actie" in page
    # Spreiding: the municipalities an action reaches, and SD1-OD2's aim.
    assert "Welke gemeenten een actie bereikt" in page
    assert "SD1-OD2" in page
    assert "over de hele regio" in page


@pytest.mark.parametrize("term", TERMS)
def test_glossary_has_an_anchor_per_term(client, term):
    page = html(client.get(reverse("glossary")))

    assert f'<dt id="{term}">' in page
    assert f'href="#{term}"' in page


def test_glossary_anchors_are_unique(client):
    page = html(client.get(reverse("glossary")))

    for term in TERMS:
        assert page.count(f'id="{term}"') == 1


def test_glossary_links_to_the_directory_and_the_municipalities(client):
    page = html(client.get(reverse("glossary")))

    assert f'href="{reverse("actoren:gemeenten")}"' in page
    assert f'href="{reverse("actoren:lijst")}"' in page


@override_settings(DEFAULT_FROM_EMAIL="Cultuurregio Zender <info@zender.example>")
def test_accessibility_statement_follows_the_model(client):
    response = client.get(reverse("accessibility"))

    assert response.status_code == 200
    page = html(response)
    assert "<h1>Toegankelijkheidsverklaring</h1>" in page
    for heading in (
        "Nalevingsstatus", "Niet-toegankelijke inhoud", "Opstelling van deze verklaring",
        "Feedback en contactgegevens", "Handhavingsprocedure",
    ):
        assert f">{heading}</h2>" in page
    assert "Bestuursdecreet van 7 december 2018" in page
    assert "<strong>gedeeltelijk conform</strong>" in page
    assert "WCAG" in page and "2.1 niveau AA" in page
    assert "axe-core" in page
    assert "toetsenbord" in page
    assert "opgesteld op 29 november 2026" in page
    assert 'href="mailto:info@zender.example"' in page
    assert "Vlaamse Ombudsdienst" in page


def test_every_page_has_a_footer_with_glossary_and_accessibility_links(client):
    for url in (reverse("home"), reverse("actoren:lijst"), reverse("login")):
        page = html(client.get(url))
        assert "<footer" in page
        assert f'href="{reverse("glossary")}">Woordenlijst</a>' in page
        assert f'href="{reverse("accessibility")}">Toegankelijkheidsverklaring</a>' in page


def test_column_headings_link_to_the_glossary(client, db):
    from .factories import make_actie, make_actor, make_od, make_plan, make_sd

    actor = make_actor("Regiobib")
    plan = make_plan()
    make_actie(make_od(make_sd(plan)), actoren=[(actor, "trekker")])
    from cultuurregio import roles

    from .factories import make_user

    client.force_login(make_user("lid", group=roles.STUURGROEP))
    page = html(client.get(reverse("actoren:actor", args=[actor.pk])))

    assert f'<a href="{reverse("glossary")}#trekker">Rol</a>' in page

"""Every share says what it rests on (issue 9): "op basis van N van M acties" next to a
percentage, the distribution of the actions' states beside it (a stacked bar and the same
numbers in words), and a goal without reports says so instead of showing nothing."""

import re

import pytest
from django.urls import reverse

from acties.models import Voortgangsrapport
from acties.progress import ActionProgress, rollup
from beleidsplan.services import publish_version

from .factories import make_actie, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status


def test_the_rollup_counts_each_kind_and_lays_them_on_a_bar_of_100():
    progress = rollup([
        ActionProgress(status=S.AFGEROND),
        ActionProgress(status=S.OP_SCHEMA, percentage=50),  # on track counts as running
        ActionProgress(status=S.LOPEND, percentage=20),
        ActionProgress(),  # no approved report
    ])

    assert [(s.key, s.count, s.start, s.width) for s in progress.segments] == [
        ("afgerond", 1, 0, 25.0), ("lopend", 2, 25.0, 50.0), ("geen_rapport", 1, 75.0, 25.0),
    ]
    assert rollup([]).segments == []


@pytest.fixture
def site(coordinator):
    """SD1 with three actions of which one has an approved report (40 %), SD2 with two
    actions and no report at all; published, public."""
    plan = make_plan(titel="Beleidsplan Zennevallei", publiek=True)
    od1 = make_od(make_sd(plan, "Participatie verhogen"), "Drempels verlagen")
    reported = make_actie(od1, "UiT-pas invoeren")
    make_actie(od1, "Vrijetijdsloket")
    make_actie(od1, "Cultuurwaardebonnen")
    od2 = make_od(make_sd(plan, "Aanbod versterken"), "Programmatie afstemmen")
    make_actie(od2, "Gezamenlijke brochure")
    make_actie(od2, "Regionale kalender")
    Voortgangsrapport.objects.create(
        actie=reported, jaar=2021, status=S.LOPEND, percentage=40,
        fase=Voortgangsrapport.Fase.GOEDGEKEURD,
    )
    publish_version(plan=plan, naam="De nota", user=coordinator)
    return plan


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_visitor_sees_what_each_share_rests_on_on_the_home_page(client, site):
    page = words(client.get(reverse("home")).content.decode())

    assert "40 %" in page
    assert "op basis van 1 van 3 acties" in page
    assert "lopend: 1" in page and "nog geen goedgekeurd rapport: 2" in page
    # SD2 has no report: it says so, and how its two actions stand.
    assert (
        "Nog geen voortgang te tellen: geen van de 2 acties heeft een goedgekeurd rapport"
        in page
    )
    assert "nog geen goedgekeurd rapport: 2" in page.split("Aanbod versterken", 1)[1]
    # The rule is stated once, on the progress page; home links to it.
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("plan:voortgang", args=[site.pk])}#regel"' in html


def test_the_progress_page_and_a_goal_page_show_the_basis_and_the_distribution(client, site):
    progress = words(client.get(reverse("plan:voortgang", args=[site.pk])).content.decode())
    assert "op basis van 1 van 5 acties" in progress  # the whole plan
    assert "nog geen goedgekeurd rapport: 4" in progress

    sd1 = site.doelstellingen.get(parent=None, formulering="Participatie verhogen")
    goal = words(client.get(reverse("plan:doelstelling", args=[site.pk, sd1.pk])).content.decode())
    assert "op basis van 1 van 3 acties" in goal


def test_the_bar_is_drawn_with_svg_attributes_not_inline_styles(client, site):
    html = client.get(reverse("home")).content.decode()

    bars = re.findall(r'<svg class="distribution-bar".*?</svg>', html, re.S)
    assert bars, "no distribution bar"
    assert '<rect class="kind-lopend" x="0.0" y="0" width="33.33" height="4"/>' in bars[0]
    assert 'style="' not in "".join(bars)

"""The plan's pages run a fixed number of queries whatever the size of the plan: each page
is measured on a small plan, then on the same plan grown (more SDs, ODs, actions,
municipalities, actors and reports, a new published version), for the public (published
version) and the steering group (working state)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acties.models import Actie, Voortgangsrapport
from actoren.models import Gemeente
from beleidsplan.services import publish_version

from .factories import (
    make_actie,
    make_actor,
    make_gemeente,
    make_od,
    make_plan_tree,
    make_sd,
)
from .test_progress_rollup import make_rapport

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status

# Queries per page: anonymous visitor of a public plan / logged-in steering group member.
EXPECTED = {
    # plans, their versions, open rounds, the version's document, approved reports, their
    # municipalities, the municipalities (insiders: + session, user, groups, the working
    # state's seven instead of the document, the coordinator check)
    "home": (7, 16),
    # the page cache's look at the plan and its versions, then the plan, the version,
    # reports, their municipalities, municipalities (insiders: + session, user, groups,
    # seven for the working state instead of the version)
    "plan": (6, 15),
    "plan_filtered": (6, 15),
    "doelstelling": (5, 15),  # insiders: + the goal's explanation and spreiding
    "spreiding": (6, 15),  # as "plan"
    # the latest versions of public plans, the actors (insiders: + session, user, groups,
    # then plans, goals, actions, actors); on PostgreSQL + the ranking query
    "zoeken": (2, 7),
}


def page_urls(plan) -> dict[str, str]:
    od = plan.doelstellingen.filter(parent__isnull=False).order_by("pk").first()
    gemeente = Gemeente.objects.order_by("pk").first()
    return {
        "home": reverse("home"),
        "plan": reverse("site:plan", args=[plan.pk]),
        "plan_filtered": reverse("site:plan", args=[plan.pk])
        + f"?gemeente={gemeente.pk}&jaar=2021&status=geen",
        "doelstelling": reverse("site:doelstelling", args=[plan.pk, od.pk]),
        "spreiding": reverse("site:spreiding", args=[plan.pk]),
        "zoeken": reverse("site:zoeken") + "?q=actie",
    }


def grow(plan, coordinator):
    """Make the plan several times bigger, and publish it again."""
    places = [make_gemeente() for _ in range(4)]
    actors = [make_actor() for _ in range(3)]
    for _ in range(3):
        sd = make_sd(plan)
        for _ in range(3):
            od = make_od(sd)
            for i in range(4):
                actie = make_actie(
                    od, alle_gemeenten=i % 2 == 0, van_jaar=2021,
                    actoren=[(actors[i % 3], "trekker")],
                )
                actie.gemeenten.set(places[: i + 1])
                actie.zie_ook.add(sd)
                if i == 1:
                    make_rapport(actie, 2022, status=S.OP_SCHEMA, percentage=30,
                                 gemeenten=places[:2])
    publish_version(plan=plan, naam="Groter", user=coordinator)


def count(client, urls) -> dict[str, int]:
    counts = {}
    for name, path in urls.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.fixture
def plan(coordinator):
    plan = make_plan_tree(sds=2, ods=2, acties=2, gemeenten=2)
    first = Actie.objects.filter(doelstelling__plan=plan).order_by("pk").first()
    make_rapport(first, 2021, status=S.LOPEND, percentage=50,
                 gemeenten=list(Gemeente.objects.all()[:1]))
    publish_version(plan=plan, naam="Klein", user=coordinator)
    return plan


@pytest.mark.parametrize("who", ["anonymous", "stuurgroeplid"])
def test_pages_run_a_fixed_number_of_queries(client, plan, coordinator, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    small = count(client, page_urls(plan))
    size = Actie.objects.count()
    grow(plan, coordinator)
    assert Actie.objects.count() >= 4 * size
    big = count(client, page_urls(plan))
    assert small == big
    column = 0 if who == "anonymous" else 1
    ranking = 1 if connection.vendor == "postgresql" else 0
    assert small == {
        name: expected[column] + (ranking if name == "zoeken" else 0)
        for name, expected in EXPECTED.items()
    }

"""The plan's pages run a fixed number of queries whatever the size of the plan: each page
is measured on a small plan, then on the same plan grown (more SDs, ODs, actions,
municipalities, actors and reports, a new published version), for the public (published
version) and the steering group (working state)."""

import pytest
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
from .queries import cold, warm
from .test_progress_rollup import make_rapport

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status

# Queries per page, cold and warm (tests/queries.py): (anonymous visitor of a public plan,
# logged-in steering group member).
#
# Cold, the public: the reading (the latest version with its plan), the version's document,
# the approved reports and their municipalities, the municipalities. Insiders: the session,
# user and groups, the plan, the working state's eight (build_plan_document) instead of the
# version's document, then the same three. Warm: the reading alone (insiders: with the
# session, user and groups); the model comes from the memo, big content from the cache.
EXPECTED = {
    # + for insiders: the plans' versions and open revision rounds
    # Insiders one more since the working state's document reads the indicators (issue 10).
    # A plan's pages one more when cold: the plans before and after it, kept per stamp
    # afterwards (reading.neighbours, issue 13).
    "home": ((5, 1), (17, 6)),
    "plan": ((6, 1), (16, 4)),
    "plan_filtered": ((6, 1), (16, 4)),
    "doelstelling": ((6, 1), (16, 4)),
    "spreiding": ((6, 1), (16, 4)),
}


def page_urls(plan) -> dict[str, str]:
    od = plan.doelstellingen.filter(parent__isnull=False).order_by("pk").first()
    gemeente = Gemeente.objects.order_by("pk").first()
    return {
        "home": reverse("home"),
        "plan": reverse("plan:plan", args=[plan.pk]),
        "plan_filtered": reverse("plan:plan", args=[plan.pk])
        + f"?gemeente={gemeente.pk}&jaar=2021&status=geen",
        "doelstelling": reverse("plan:doelstelling", args=[plan.pk, od.pk]),
        "spreiding": reverse("plan:spreiding", args=[plan.pk]),
        "zoeken": reverse("plan:zoeken") + "?q=actie",
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


def count(client, urls) -> dict[str, tuple[int, int]]:
    """Per page: its queries cold and warm (tests/queries.py)."""
    return {name: (cold(client, path), warm(client, path)) for name, path in urls.items()}


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
    # Search has its own budget (tests/test_site_search.py); here: fixed at two sizes.
    small.pop("zoeken")
    assert small == {name: expected[column] for name, expected in EXPECTED.items()}

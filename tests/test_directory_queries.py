"""Query counts of the directory, actor, municipality list and municipality pages at two data
sizes: the count must not grow with the data (beleidsplan/directory_views.py)."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from acties.models import Actie, ActieActor
from actoren.models import Actor, ContactPersoon, Gemeente
from beleidsplan.services import publish_version

from .factories import make_actor, make_plan_tree
from .queries import cold, warm

pytestmark = pytest.mark.django_db


def build(size: int, coordinator) -> SimpleNamespace:
    """A published plan of ``size`` SDs x ODs x actions, each action with the tree's
    actor and a second actor of its own (so "werkt samen met" has ``size**3`` rows), every
    actor in every municipality, with contact persons; and a merged municipality."""
    plan = make_plan_tree(sds=size, ods=size, acties=size, gemeenten=size)
    acties = list(Actie.objects.filter(doelstelling__plan=plan))
    places = list(Gemeente.objects.filter(acties__in=acties).distinct())
    main_actor = Actor.objects.get(betrokkenheden__actie=acties[0])
    main_actor.gemeenten.set(places)
    for index, actie in enumerate(acties):
        other = make_actor(f"Partner {size}-{index}", actief=index % 3 != 0)
        other.gemeenten.set(places)
        ContactPersoon.objects.create(actor=other, naam=f"Persoon {size}-{index}")
        ActieActor.objects.create(actie=actie, actor=other, rol="partner")
    ContactPersoon.objects.create(actor=main_actor, naam=f"Contact {size}")
    merged = places[-1]
    merged.opgegaan_in = places[0]
    merged.fusiedatum = "2025-01-01"
    merged.save()
    publish_version(plan=plan, naam="Versie", user=coordinator)
    return SimpleNamespace(plan=plan, actor=main_actor, gemeente=places[0], actions=len(acties))


def count(client, url) -> tuple[int, int]:
    """Cold and warm (tests/queries.py): the most the page costs, and what it costs again."""
    return cold(client, url), warm(client, url)


def measure(client, data) -> dict[str, int]:
    return {
        "lijst": count(client, reverse("actoren:lijst")),
        "lijst_gefilterd": count(
            client, reverse("actoren:lijst") + f"?soort=instelling&gemeente={data.gemeente.pk}"
        ),
        "actor": count(client, reverse("actoren:actor", args=[data.actor.pk])),
        "gemeenten": count(client, reverse("actoren:gemeenten")),
        "gemeente": count(client, reverse("actoren:gemeente", args=[data.gemeente.pk])),
    }


def test_query_counts_do_not_grow_with_the_data(client, coordinator, stuurgroeplid):
    small = build(2, coordinator)
    big = build(4, coordinator)
    assert big.actions == 64 and small.actions == 8

    # Sanity: the pages really show the data they are measured on.
    response = client.get(reverse("actoren:actor", args=[big.actor.pk]))
    assert len(response.context["works_with"]) == 64

    public = measure(client, small)
    assert measure(client, big) == public
    # (cold, warm). Cold: the readable plans, the page's own rows, and per readable plan
    # (both test plans are public) its model: the version's document, the approved reports
    # and the municipalities (beleidsplan.reading.plan_model). Warm: the readable plans
    # alone; the page is kept whole for visitors under their stamps (pagecache). The
    # actors' list reads the plans once, for the top bar's plan links.
    assert public == {
        "lijst": (4, 4), "lijst_gefilterd": (4, 4), "actor": (10, 1), "gemeenten": (9, 1),
        "gemeente": (11, 1),
    }

    # Steering group: the working state from the rows (session, user and group included).
    client.force_login(stuurgroeplid)
    response = client.get(reverse("actoren:actor", args=[big.actor.pk]))
    assert len(response.context["contactpersonen"]) == 1
    insider = measure(client, small)
    assert measure(client, big) == insider
    # Warm: besides the session, user and groups, the plans and the page's own row (the
    # actor, the municipality): the content is kept under the plans' stamps for every
    # insider. Cold adds the content's rows and, per plan, the working state's eight
    # queries and the same three.
    # The actors' list: two more for the top bar's plan links (the plans, and whether the
    # reader is a coordinator).
    assert insider == {
        # Two more on three pages since the working state's documents read the indicators
        # (issue 10).
        "lijst": (7, 7), "lijst_gefilterd": (7, 7), "actor": (28, 5), "gemeenten": (26, 4),
        "gemeente": (28, 5),
    }

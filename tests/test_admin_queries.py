"""The admin's lists (and the action form) run a fixed number of queries, whatever the
size of the plan: measured at a small plan, then again after adding a much larger one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acties.models import Actie

from .factories import make_actie, make_actor, make_gemeente, make_plan_tree

pytestmark = pytest.mark.django_db


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(context.captured_queries)


def counts_at_two_sizes(client, url, params=None) -> tuple[int, int]:
    make_plan_tree(sds=2, ods=2, acties=2, gemeenten=2)
    queries(client, url, params)  # warm up (content types, session)
    small = queries(client, url, params)
    make_plan_tree(sds=4, ods=4, acties=4, gemeenten=5)
    large = queries(client, url, params)
    return small, large


def test_doelstelling_changelist_query_count_is_fixed(coordinator_client):
    small, large = counts_at_two_sizes(
        coordinator_client, reverse("admin:beleidsplan_doelstelling_changelist")
    )
    assert small == large
    assert large <= 12


def test_actie_changelist_query_count_is_fixed(coordinator_client):
    small, large = counts_at_two_sizes(
        coordinator_client, reverse("admin:acties_actie_changelist")
    )
    assert small == large
    assert large <= 16


def test_filtered_actie_changelist_query_count_is_fixed(coordinator_client):
    url = reverse("admin:acties_actie_changelist")
    gemeente = make_gemeente("Halle")

    def tree(**size):
        # Every action matches all three filters, so the list grows with the plan (a
        # filter that matches nothing would compare two empty pages).
        make_plan_tree(**size)
        Actie.objects.update(van_jaar=2020, tot_jaar=2022)
        for actie in Actie.objects.all():
            actie.gemeenten.add(gemeente)

    def shown() -> int:
        return coordinator_client.get(url, params).context["cl"].result_count

    params = {"gemeente": gemeente.pk, "jaar": "2021", "q": "Actie"}
    tree(sds=2, ods=2, acties=2, gemeenten=2)
    queries(coordinator_client, url, params)
    small = queries(coordinator_client, url, params)
    assert shown() == 8
    tree(sds=4, ods=4, acties=4, gemeenten=5)
    large = queries(coordinator_client, url, params)
    assert shown() == 8 + 64
    assert small == large


def test_actor_changelist_query_count_is_fixed(coordinator_client):
    url = reverse("admin:actoren_actor_changelist")
    make_plan_tree(sds=1, ods=1, acties=1)
    queries(coordinator_client, url)
    small = queries(coordinator_client, url)
    places = [make_gemeente() for _ in range(4)]
    for _ in range(10):
        make_actor().gemeenten.set(places)
    large = queries(coordinator_client, url)
    assert small == large


def test_gemeente_changelist_query_count_is_fixed(coordinator_client):
    small, large = counts_at_two_sizes(
        coordinator_client, reverse("admin:actoren_gemeente_changelist")
    )
    assert small == large


def test_actie_change_page_query_count_does_not_grow_with_municipalities(coordinator_client):
    plan = make_plan_tree(sds=1, ods=1, acties=0, gemeenten=0)
    od = plan.doelstellingen.operationeel().get()
    sd = plan.doelstellingen.strategisch().get()
    actor = make_actor()

    few = make_actie(od, alle_gemeenten=False, actoren=[(actor, "trekker")])
    few.gemeenten.set([make_gemeente() for _ in range(2)])
    few.zie_ook.set([sd])
    many = make_actie(od, alle_gemeenten=False, actoren=[(actor, "trekker")])
    many.gemeenten.set([make_gemeente() for _ in range(8)])
    many.zie_ook.set([sd, od])

    def page(actie: Actie) -> int:
        return queries(coordinator_client, reverse("admin:acties_actie_change", args=[actie.pk]))

    page(few)
    assert page(few) == page(many)


def test_od_change_page_query_count_does_not_grow_with_actions(coordinator_client):
    plan = make_plan_tree(sds=1, ods=2, acties=0, gemeenten=0)
    small_od, large_od = plan.doelstellingen.operationeel()
    for _ in range(2):
        make_actie(small_od).zie_ook.add(large_od)
    for _ in range(8):
        make_actie(large_od).zie_ook.add(small_od)

    def page(goal) -> int:
        return queries(
            coordinator_client, reverse("admin:beleidsplan_doelstelling_change", args=[goal.pk])
        )

    page(small_od)
    assert page(small_od) == page(large_od)

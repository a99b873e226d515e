"""`make run`'s demo data: the seed's plan with its revision round and two versions, the
next plan in preparation, and one account per role; loaded once, never over the
coordinator's edits."""

import pytest
from django.contrib.auth import authenticate

from acties.models import Actie, Voortgangsrapport
from beleidsplan.demo import DEMO_ACCOUNTS, NEXT_PLAN_REWORDINGS, load_demo
from beleidsplan.models import (
    Beleidsplan,
    Doelstelling,
    Herziening,
    Planversie,
    Wijzigingsvoorstel,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_demo_loads_the_plan_versions_round_and_accounts(debug):
    loaded, accounts = load_demo()

    assert loaded
    plan = Beleidsplan.objects.get(vorig_plan__isnull=True)
    assert [v.naam for v in Planversie.objects.filter(plan=plan)] == [
        "De nota hoe ze was", "Na herziening",
    ]
    assert Herziening.objects.filter(plan=plan).count() == 1
    for account in accounts:
        assert authenticate(username=account.username, password=account.password)
    # Every record has an audit starting point (the first admin edit shows its changes).
    for model in (Actie, Doelstelling):
        assert not model.objects.exclude(pk__in=model.history.values("id")).exists()
    # A little progress, through the real workflow: bars on the site, work in the queue.
    fasen = sorted(Voortgangsrapport.objects.values_list("fase", flat=True))
    assert fasen == ["goedgekeurd"] * 3 + ["ingediend", "teruggestuurd"]
    # An open proposal about an indicator, for the steering group to discuss.
    (about_indicator,) = Wijzigingsvoorstel.objects.filter(
        herziening__plan=plan, indicator__isnull=False, status="open"
    ).with_subjects()
    assert "streefwaarde 3.000 → 4.000" in about_indicator.beschrijving()


def test_demo_holds_the_next_plan_in_preparation_with_a_few_goals_reworded(debug):
    load_demo()

    old = Beleidsplan.objects.get(vorig_plan__isnull=True)
    new = Beleidsplan.objects.get(vorig_plan=old)
    assert (new.van_jaar, new.tot_jaar) == (2027, 2032)
    assert new.in_voorbereiding()
    version_2 = old.versies.get(nummer=2).data()
    assert new.doelstellingen.count() == sum(
        1 + len(sd["doelstellingen"]) for sd in version_2["doelstellingen"]
    )
    assert not new.doelstellingen.filter(voortzetting_van__isnull=True).exists()
    reworded = [
        goal.code for goal in new.doelstellingen.select_related("voortzetting_van")
        if goal.formulering != goal.voortzetting_van.formulering
    ]
    assert sorted(reworded) == sorted(NEXT_PLAN_REWORDINGS)
    assert new.doelstellingen.get(code="SD1").history.first().history_user.username == (
        "coordinator"
    )
    # The seed's plan keeps running, with its reports.
    assert list(Beleidsplan.objects.lopend()) == [old]
    assert Voortgangsrapport.objects.filter(actie__doelstelling__plan=old).count() == 5


def test_demo_never_overwrites_the_plan(debug):
    load_demo()
    goal = Doelstelling.objects.get(code="SD1", plan__vorig_plan__isnull=True)
    goal.formulering = "Door de coördinator aangepast"
    goal.save()

    loaded, _ = load_demo()

    assert not loaded
    goal.refresh_from_db()
    assert goal.formulering == "Door de coördinator aangepast"
    assert Planversie.objects.count() == 2


def test_demo_is_refused_in_production(settings):
    settings.DEBUG = False
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        load_demo()
    assert not Beleidsplan.objects.exists()
    assert DEMO_ACCOUNTS  # the accounts the README lists

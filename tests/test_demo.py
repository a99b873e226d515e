"""`make run`'s demo data: the seed's plan with its revision round and two versions, and
one account per role; loaded once, never over the coordinator's edits."""

import pytest
from django.contrib.auth import authenticate

from acties.models import Actie, Voortgangsrapport
from beleidsplan.demo import DEMO_ACCOUNTS, load_demo
from beleidsplan.models import Beleidsplan, Doelstelling, Herziening, Planversie

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_demo_loads_the_plan_versions_round_and_accounts(debug):
    loaded, accounts = load_demo()

    assert loaded
    plan = Beleidsplan.objects.get()
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


def test_demo_never_overwrites_the_plan(debug):
    load_demo()
    goal = Doelstelling.objects.get(code="SD1")
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

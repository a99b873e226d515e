"""Personas (healthchecks' alice/bob/charlie, our roles) and shared fixtures."""

import pytest

from cultuurregio import roles

from . import factories


@pytest.fixture
def coordinator(db):
    return factories.make_user("coordinator", group=roles.COORDINATOREN, staff=True)


@pytest.fixture
def stuurgroeplid(db):
    return factories.make_user("stuurgroeplid", group=roles.STUURGROEP)


@pytest.fixture
def actor_a(db):
    return factories.make_actor("Bibliotheek A")


@pytest.fixture
def actor_b(db):
    return factories.make_actor("Cultuurcentrum B")


@pytest.fixture
def partner_a(db, actor_a):
    user = factories.make_user("partner_a", group=roles.PARTNERS)
    actor_a.gebruikers.add(user)
    return user


@pytest.fixture
def partner_b(db, actor_b):
    user = factories.make_user("partner_b", group=roles.PARTNERS)
    actor_b.gebruikers.add(user)
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty page cache and no memoised read models
    (beleidsplan/pagecache.py, beleidsplan/reading.py), so that query counts and cached
    pages of one test never leak into another (a rolled-back test's plan may come back
    with the same id and stamp)."""
    from django.core.cache import cache

    from beleidsplan.reading import forget_models

    cache.clear()
    forget_models()
    yield
    cache.clear()
    forget_models()

"""Counting a page's queries the way a worker meets them: cold (nothing of the plan in this
process's memo or the page cache: the most a request can cost) and warm (the same request
again: what most requests cost)."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from beleidsplan.reading import forget_models


def forget() -> None:
    cache.clear()
    forget_models()


def cold(client, path: str, status: int = 200) -> int:
    """The queries of ``path`` with an empty memo and cache."""
    forget()
    return _count(client, path, status)


def warm(client, path: str, status: int = 200) -> int:
    """The queries of ``path`` asked twice in a row: the second request's."""
    _count(client, path, status)
    return _count(client, path, status)


def _count(client, path: str, status: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return len(queries)

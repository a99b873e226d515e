"""The PostgreSQL connection's health check (cultuurregio/postgresql): a connection that sat
idle is checked before a request uses it, so a database restart costs no request an error; a
connection in steady use is not, so a cached page costs one round trip, not two."""

import psycopg2
import pytest
from django.db import OperationalError, connection

from actoren.models import Gemeente

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="The backend under test is PostgreSQL's; CI runs this on PostgreSQL.",
    ),
    pytest.mark.django_db(transaction=True),
]


def _server_drops_our_connection():
    """What a database restart does to a worker's kept connection."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg2.connect(**params)
    other.autocommit = True
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()


def _next_request():
    """What Django does between two requests of a worker (the request_started signal)."""
    connection.close_if_unusable_or_obsolete()


def test_an_idle_connection_is_checked_and_the_request_after_a_restart_succeeds():
    Gemeente.objects.create(naam="Halle", nis_code="23027")
    assert connection.settings_dict["ENGINE"] == "cultuurregio.postgresql"
    _server_drops_our_connection()
    _next_request()
    connection._last_cursor -= connection.RECENT  # the worker sat idle

    assert Gemeente.objects.get().naam == "Halle"


def test_a_connection_in_steady_use_is_not_checked_again():
    Gemeente.objects.create(naam="Halle", nis_code="23027")
    _server_drops_our_connection()
    _next_request()

    # No SELECT 1 first: the query itself meets the dropped connection. This is the cost
    # the module's docstring names: one failed request, after which Django closes it.
    with pytest.raises(OperationalError):
        Gemeente.objects.count()
    _next_request()
    assert Gemeente.objects.count() == 1

"""Django's PostgreSQL backend, except that a connection in steady use is not health-checked
before every request.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request
that reuses a connection. For a cached page, whose only query is the one "who reads what"
query, that doubles the round trips to the database: about a fifth of the page's cost in
``tools/benchmark.py``. The check exists for a connection that went stale while it sat idle
(the server restarted, a firewall dropped it). A connection that was handed a cursor without
an error less than ``RECENT`` seconds ago is taken as checked; an idle one is still checked.

What this gives up: if the database restarts within ``RECENT`` seconds of a worker's last
query, that worker's next request fails once (Django then closes the broken connection at the
end of that request, as it does without health checks), instead of none.
"""

import time

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    # Seconds after its last cursor during which a connection counts as checked.
    RECENT = 5.0
    _last_cursor = float("-inf")

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and not self.health_check_done
            and not self.errors_occurred
            and time.monotonic() - self._last_cursor < self.RECENT
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _cursor(self, name=None):
        cursor = super()._cursor(name)
        self._last_cursor = time.monotonic()
        return cursor

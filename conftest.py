"""Project-wide pytest setup: fast password hashing for tests, and no silent skips in CI."""

import os

_skips: list[str] = []


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_runtest_logreport(report):
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        _skips.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    """In CI (CI=true) a skipped test fails the run: every test must run. The only skips
    allowed are tests that need PostgreSQL, on the SQLite run (CI runs both databases)."""
    if not os.environ.get("CI") or not _skips:
        return
    from django.db import connection

    unexpected = [
        s for s in _skips if connection.vendor == "postgresql" or "PostgreSQL" not in s
    ]
    if unexpected:
        print("\nTests were skipped in CI; every test must run:")
        for skip in unexpected:
            print("  ", skip)
        session.exitstatus = 1

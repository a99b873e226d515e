"""Project-wide pytest setup: fast password hashing for tests, and no silent skips in CI
(tests/test_ci_skips.py runs these rules on small suites of their own)."""

import os

_skips: list[str] = []


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _reason(report) -> str:
    return report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)


def pytest_runtest_logreport(report):
    if report.skipped:
        _skips.append(f"{report.nodeid}: {_reason(report)}")


def pytest_collectreport(report):
    # A whole module skipped while it is collected (pytest.importorskip, a module-level
    # pytest.skip): its tests never reach pytest_runtest_logreport.
    if report.skipped:
        _skips.append(f"{report.nodeid} (whole module): {_reason(report)}")


def pytest_deselected(items):
    # -k, -m or a plugin leaving tests out: in CI every collected test must run too.
    _skips.extend(f"{item.nodeid}: deselected" for item in items)


def pytest_sessionfinish(session, exitstatus):
    """In CI (CI=true) a skipped or deselected test fails the run: every test must run,
    also those of a module skipped at collection. The only skips allowed are tests that
    need PostgreSQL, on the SQLite run (CI runs both databases)."""
    if not os.environ.get("CI") or not _skips:
        return
    from django.db import connection

    unexpected = [
        s for s in _skips
        if connection.vendor == "postgresql" or "PostgreSQL" not in s or s.endswith(": deselected")
    ]
    if unexpected:
        print("\nTests were skipped or deselected in CI; every test must run:")
        for skip in unexpected:
            print("  ", skip)
        session.exitstatus = 1

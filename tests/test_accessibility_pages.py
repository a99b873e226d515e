"""The accessibility check's page list (tests/e2e/test_accessibility.py) names pages that
exist: a URL that no longer resolves is a failure there, and here without a browser."""

from string import Formatter

from tests.e2e.test_accessibility import PAGES, existing


def test_every_page_of_the_accessibility_check_resolves():
    missing = []
    for check in PAGES:
        ids = {name: 1 for _, name, _, _ in Formatter().parse(check.path) if name}
        path = check.path.format(**ids)
        if not existing(path):
            missing.append(f"{check.name}: {path}")
    assert missing == []


def test_a_page_that_does_not_resolve_is_noticed():
    assert not existing("/plan/1/bestaat-niet/")

"""Browser journeys: Playwright driving Debian's Chromium against Django's live_server.

Chromium must be installed (`.ci/run` installs it); a missing browser fails the journeys
loudly instead of skipping them.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from beleidsplan.demo import FIXTURES

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there (creating personas, reading results) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's Chromium is missing at /usr/bin/chromium: "
            "`apt-get install chromium` (the CI script does this)."
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-BE", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def seed_plan(transactional_db):
    """The real plan of the seed, as `make run` loads it."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    from beleidsplan.models import Doelstelling

    Doelstelling.objects.rebuild()


def login(page, live_server, username: str, password: str = "geheim-wachtwoord-123"):
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()


@pytest.fixture
def seed_versions(seed_plan):
    """The seed's plan with its revision round and versions 1 and 2, as `make run` has it."""
    from beleidsplan.models import Beleidsplan
    from beleidsplan.seed_revision import load_seed_revision

    plan = Beleidsplan.objects.get()
    load_seed_revision(plan=plan)
    return plan


def site_login(page, live_server, username: str, password: str = "geheim-wachtwoord-123"):
    """Log in through the site's own login page."""
    page.goto(f"{live_server.url}/aanmelden/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()

"""Browser journeys: Playwright driving Debian's Chromium against Django's live_server.

Chromium must be installed (`.ci/run` installs it); a missing browser fails the journeys
loudly instead of skipping them.

Every page runs under the site's Content-Security-Policy: each browser context the tests
open reports a violation (an inline script or style, a third-party origin) to the console,
and a journey with one fails (``_no_csp_violations``).
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


# Runs in every page before its own scripts (Playwright's init scripts are not subject to
# the page's policy): each violation becomes a console error the tests collect.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "securitypolicyviolation: " + event.violatedDirective + " blocked "
    + (event.blockedURI || "inline") + " in " + (event.sourceFile || document.location.href)
    + ":" + event.lineNumber + " " + (event.sample || "")
  );
});
"""

#: Violations seen during the current test (filled by every context's console listener).
CSP_VIOLATIONS: list[str] = []


def _is_csp_violation(text: str) -> bool:
    return "securitypolicyviolation" in text or "Content Security Policy" in text


def watch_csp(context):
    """Collect the context's CSP violations into CSP_VIOLATIONS."""
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message):
        if _is_csp_violation(message.text):
            url = (message.location or {}).get("url", "")
            CSP_VIOLATIONS.append(f"{url}: {message.text}")

    context.on("console", on_console)
    return context


@pytest.fixture(scope="session")
def browser(browser):
    """Every context a test opens (pytest-playwright's ``context`` and ``page``, and the
    ones a test makes itself with ``browser.new_context()``) watches for CSP violations."""
    new_context = browser.new_context

    def watched_new_context(*args, **kwargs):
        return watch_csp(new_context(*args, **kwargs))

    browser.new_context = watched_new_context
    yield browser
    browser.new_context = new_context


@pytest.fixture(autouse=True)
def _no_csp_violations():
    """A journey that met a Content-Security-Policy violation fails."""
    CSP_VIOLATIONS.clear()
    yield
    if CSP_VIOLATIONS:
        found = "\n".join(dict.fromkeys(CSP_VIOLATIONS))
        CSP_VIOLATIONS.clear()
        pytest.fail(f"Content-Security-Policy violations in the browser:\n{found}")


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

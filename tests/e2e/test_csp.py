"""The Content-Security-Policy (issue 12): every page sends it, the browser enforces it, the
journeys fail on a violation (conftest.py), and the admin works under it."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cultuurregio import roles
from tests.factories import make_user

from . import conftest
from .conftest import login, site_login

pytestmark = pytest.mark.e2e


def test_every_page_sends_the_policy_and_a_violation_is_caught(page, live_server, seed_plan):
    response = page.goto(f"{live_server.url}/")

    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("style-src-attr")[0]  # never for scripts
    # An inline style element, as an injected page would add one: the browser refuses it,
    # and the listener every journey runs with sees it.
    page.evaluate(
        """() => { const s = document.createElement("style");
                   s.textContent = "body { color: red }"; document.head.appendChild(s); }"""
    )
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")
    assert any("style-src-elem" in v for v in conftest.CSP_VIOLATIONS), conftest.CSP_VIOLATIONS
    conftest.CSP_VIOLATIONS.clear()  # expected here; any other one fails the journey


def test_coordinator_works_in_the_admin_under_the_policy(page, live_server, seed_plan):
    """Every list, form and tool of the admin opens without a violation (the conftest
    listener fails the test on one): the lists with filters and actions, change forms with
    their widgets, history, import and export, unsent e-mails, login attempts."""
    make_user("regisseur", group=roles.COORDINATOREN, staff=True)
    login(page, live_server, "regisseur")
    expect(page.get_by_role("link", name="Doelstellingen", exact=True)).to_be_visible()

    from django.apps import apps
    from django.contrib import admin

    pages = ["admin:index", "admin:password_change"]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        pages.append("admin:{}_{}_changelist".format(*info))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(("admin:{}_{}_change".format(*info), first.pk))
            pages.append(("admin:{}_{}_history".format(*info), first.pk))
    for name in pages:
        url = reverse(name[0], args=[name[1]]) if isinstance(name, tuple) else reverse(name)
        response = page.goto(f"{live_server.url}{url}")
        assert response.status < 500, (url, response.status)
    # The add form of an action, with its many widgets, and the spreadsheet tools.
    for url in ["/admin/acties/actie/add/", "/admin/acties/actie/import/",
                "/admin/acties/actie/export/"]:
        assert page.goto(f"{live_server.url}{url}").status == 200
    assert apps.is_installed("axes")
    # "Select all" on the export page still works, without its inline handler.
    page.goto(f"{live_server.url}/admin/acties/actie/export/")
    fields = page.locator('.selectable-field-export-row input[type="checkbox"]')
    expect(fields.first).to_be_checked()
    page.locator("input.select-toggle").uncheck()
    expect(fields.first).not_to_be_checked()


def test_partner_pages_keep_their_look_without_inline_style(page, live_server, seed_plan):
    from actoren.models import Actor

    partner = make_user("partner-x", group=roles.PARTNERS)
    Actor.objects.get(naam="Regiobib").gebruikers.add(partner)
    site_login(page, live_server, "partner-x")

    page.goto(f"{live_server.url}/partner/")
    # The partner style sheet applies (a file, not an inline <style>).
    max_width = page.locator(".partner").first.evaluate(
        "(el) => getComputedStyle(el).maxWidth"
    )
    assert max_width != "none"

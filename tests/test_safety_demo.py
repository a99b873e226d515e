"""Demo accounts never open anything in production (issue 12): with DEBUG=false the demo
logins are refused, whatever created the accounts, and laad_demo refuses to run."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from beleidsplan.demo import DEMO_ACCOUNTS, create_demo_accounts
from cultuurregio import roles
from cultuurregio.auth import DEMO_EMAIL_DOMAIN, DEMO_PASSWORDS

from .factories import make_user

pytestmark = pytest.mark.django_db

COORDINATOR = DEMO_ACCOUNTS[0]


@pytest.fixture
def demo_accounts(settings):
    settings.DEBUG = True
    create_demo_accounts()


def login(client, path, username, password):
    return client.post(reverse(path), {"username": username, "password": password})


def test_the_refused_passwords_are_the_demo_accounts_passwords():
    assert {account.password for account in DEMO_ACCOUNTS} == DEMO_PASSWORDS


def test_demo_coordinator_logs_in_during_development(client, demo_accounts):
    response = login(client, "admin:login", COORDINATOR.username, COORDINATOR.password)

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("path", ["login", "admin:login"])
@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_demo_logins_are_refused_in_production(client, demo_accounts, path, account):
    with override_settings(DEBUG=False):
        response = login(client, path, account.username, account.password)

        assert response.status_code == 200  # the form again, with its error
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("admin:index")).status_code == 302


def test_an_account_made_by_hand_with_a_demo_password_is_refused_too(client):
    roles.ensure_groups()
    User.objects.create_user(
        username="coordinator", password=COORDINATOR.password, is_staff=True,
        is_superuser=True, email="regisseur@example.org",
    )

    with override_settings(DEBUG=False):
        response = login(client, "admin:login", "coordinator", COORDINATOR.password)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_demo_account_with_a_changed_password_is_refused_too(client, demo_accounts):
    user = User.objects.get(username=COORDINATOR.username)
    assert user.email.endswith("@" + DEMO_EMAIL_DOMAIN)
    user.set_password("een-ander-wachtwoord-42")
    user.save()

    with override_settings(DEBUG=False):
        response = login(client, "login", COORDINATOR.username, "een-ander-wachtwoord-42")

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_a_demo_session_from_before_ends_in_production(client, demo_accounts):
    client.force_login(User.objects.get(username=COORDINATOR.username))
    assert client.get(reverse("admin:index")).status_code == 200

    with override_settings(DEBUG=False):
        assert client.get(reverse("admin:index")).status_code == 302


def test_real_accounts_still_log_in_in_production(client):
    make_user("regisseur", group=roles.COORDINATOREN, staff=True)

    with override_settings(DEBUG=False):
        response = login(client, "admin:login", "regisseur", "geheim-wachtwoord-123")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_laad_demo_refuses_to_run_in_production():
    with override_settings(DEBUG=False), pytest.raises(CommandError) as refused:
        call_command("laad_demo")

    assert "productie" in str(refused.value)
    assert not User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).exists()

"""Login and password-reset throttling (issue 12): after a handful of wrong passwords for
one account, or from one address, a Dutch message and a cool-down (django-axes), on the
site's login page and the admin's; the coordinator unlocks in the admin. Password-reset
mails are limited per account and per address."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cultuurregio import roles
from cultuurregio.throttling import client_ip

from .commit import committed
from .factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "geheim-wachtwoord-123"
LOCKED = "Aanmelden is even geblokkeerd"


@pytest.fixture
def member(db):
    return make_user("lid", group=roles.STUURGROEP)


def attempt(client, path, username, password, ip="203.0.113.7"):
    return client.post(
        reverse(path), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.parametrize("path", ["login", "admin:login"])
def test_twenty_wrong_passwords_lock_the_account_with_a_dutch_message(
    client, member, coordinator, path
):
    username = "coordinator" if path == "admin:login" else "lid"
    answers = [attempt(client, path, username, "fout").status_code for _ in range(20)]

    # Four wrong passwords get the form again; the fifth locks.
    assert answers[:4] == [200] * 4 and set(answers[4:]) == {429}
    # The right password does not open it during the cool-down, from anywhere.
    response = attempt(client, path, username, PASSWORD, ip="198.51.100.9")
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "Na 5 foute wachtwoorden" in page and "Wacht 15 minuten" in page
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_for_many_accounts_from_one_address_lock_that_address(client, member):
    for number in range(5):
        attempt(client, "login", f"raden-{number}", "fout")

    assert attempt(client, "login", "lid", PASSWORD).status_code == 429
    # Another address is not locked.
    assert attempt(client, "login", "lid", PASSWORD, ip="198.51.100.9").status_code == 302


def test_logging_into_ones_own_account_between_guesses_does_not_reset_the_count(client, member):
    make_user("gast", group=roles.PARTNERS)
    for _ in range(4):
        assert attempt(client, "login", "lid", "fout").status_code == 200
    # The guesser logs into an account of their own from the same address ...
    assert attempt(client, "login", "gast", PASSWORD).status_code == 302
    client.logout()

    # ... and the next wrong password for "lid" still locks.
    assert attempt(client, "login", "lid", "fout").status_code == 429


def test_the_lock_ends_after_the_cool_down(client, member):
    for _ in range(5):
        attempt(client, "login", "lid", "fout")
    assert attempt(client, "login", "lid", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))

    assert attempt(client, "login", "lid", PASSWORD).status_code == 302


def test_coordinator_unlocks_an_account_in_the_admin(client, member, coordinator):
    for _ in range(5):
        attempt(client, "login", "lid", "fout")
    assert attempt(client, "login", "lid", PASSWORD).status_code == 429
    admin = type(client)()
    admin.force_login(coordinator)  # a coordinator who is not locked

    changelist = reverse("admin:axes_accessattempt_changelist")
    listing = admin.get(changelist)
    assert listing.status_code == 200 and "lid" in listing.content.decode()
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin.post(
        changelist,
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert attempt(client, "login", "lid", PASSWORD).status_code == 302


def test_login_attempts_are_not_for_the_steering_group(client, member):
    client.force_login(member)

    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 302


# --- Password reset mails ---------------------------------------------------------------------


def request_reset(client, email, ip="203.0.113.7"):
    return committed(client.post, reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_mails_are_limited_per_account(client, member, mailoutbox):
    answers = [request_reset(client, "lid@example.org", ip=f"198.51.100.{n}") for n in range(5)]

    assert [r.status_code for r in answers] == [302, 302, 302, 429, 429]
    assert len(mailoutbox) == 3
    assert "Te veel aanvragen voor een nieuw wachtwoord" in answers[3].content.decode()


def test_password_reset_requests_are_limited_per_address(client, member, mailoutbox):
    answers = [request_reset(client, f"iemand-{n}@example.org") for n in range(3)]
    assert [r.status_code for r in answers] == [302, 302, 302]

    assert request_reset(client, "lid@example.org").status_code == 429
    assert mailoutbox == []
    assert request_reset(client, "lid@example.org", ip="198.51.100.9").status_code == 302
    assert len(mailoutbox) == 1


# --- The client's address ---------------------------------------------------------------------


def test_client_address_behind_the_proxy_is_the_one_the_proxy_added(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )

    settings.BEHIND_TLS_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_TLS_PROXY = True
    assert client_ip(request) == "203.0.113.7"  # not the forgeable first entry

"""Logging in, logging out and resetting a forgotten password, in Dutch
(cultuurregio/urls.py, templates/registration/)."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse

from .commit import committed
from .factories import make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+/wachtwoord/nieuw/[^\s]+/")


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def member(db):
    return make_user("lid")  # e-mail: lid@example.org


def test_login_page_is_dutch_and_links_to_password_reset(client):
    page = html(client.get(reverse("login")))

    assert "<h1>Aanmelden</h1>" in page
    assert '<label for="id_username">Gebruikersnaam</label>' in page
    assert '<label for="id_password">Wachtwoord</label>' in page
    assert '<button type="submit">Aanmelden</button>' in page
    assert f'href="{reverse("password_reset")}">Wachtwoord vergeten?</a>' in page


def test_wrong_password_gets_a_dutch_message(client, member):
    response = client.post(reverse("login"), {"username": "lid", "password": "fout"})

    assert response.status_code == 200
    assert "Uw gebruikersnaam en wachtwoord kloppen niet" in html(response)


def test_logout_shows_the_logged_out_page(client, member):
    client.force_login(member)

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("logged_out")
    page = html(response)
    assert "U bent afgemeld" in page
    assert f'href="{reverse("login")}">Opnieuw aanmelden</a>' in page
    assert not response.wsgi_request.user.is_authenticated


def request_reset(client, email: str):
    return committed(client.post, reverse("password_reset"), {"email": email})


def test_password_reset_request_page_is_dutch(client):
    page = html(client.get(reverse("password_reset")))

    assert "<h1>Wachtwoord vergeten?</h1>" in page
    assert "E-mailadres" in page
    assert "Link versturen" in page


def test_password_reset_flow(client, member, mailoutbox):
    response = request_reset(client, "lid@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "Kijk in uw mailbox" in html(client.get(response["Location"]))

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["lid@example.org"]
    assert mail.subject == "Een nieuw wachtwoord voor de website van het beleidsplan"
    assert "Dag lid," in mail.body
    assert "Kies uw nieuwe wachtwoord op deze pagina:" in mail.body
    assert "Uw gebruikersnaam is: lid" in mail.body
    assert "De link werkt één keer en 7 dagen lang." in mail.body
    link = LINK.search(mail.body).group(0)

    # Django moves the token out of the address bar, then shows the form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    page = html(response)
    assert "<h1>Kies een nieuw wachtwoord</h1>" in page
    assert "Nieuw wachtwoord" in page

    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "Zennevallei-2027!", "new_password2": "Zennevallei-2027!"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert "Uw wachtwoord is gewijzigd" in html(client.get(response["Location"]))

    assert client.login(username="lid", password="Zennevallei-2027!")
    client.logout()
    # A link works once.
    page = html(client.get(link, follow=True))
    assert "Deze link werkt niet meer" in page
    assert "ongeldig of verlopen" in page


def test_password_reset_form_errors_are_dutch(client, member, mailoutbox):
    request_reset(client, "lid@example.org")
    link = LINK.search(mailoutbox[0].body).group(0)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": "abc", "new_password2": "abd"})

    assert response.status_code == 200
    assert "De twee wachtwoordvelden komen niet overeen." in html(response)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, member, mailoutbox):
    response = request_reset(client, "onbekend@example.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_invalid_link_gets_a_clear_dutch_message(client, member):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "fout-token"})

    response = client.get(url)

    assert response.status_code == 200
    page = html(response)
    assert "Deze link werkt niet meer" in page
    assert "De link om een nieuw wachtwoord te kiezen is ongeldig of verlopen." in page
    assert f'href="{reverse("password_reset")}">Vraag een nieuwe link aan</a>' in page


def test_expired_link_gets_a_clear_dutch_message(client, member, mailoutbox, monkeypatch):
    request_reset(client, "lid@example.org")
    link = LINK.search(mailoutbox[0].body).group(0)
    later = datetime.datetime.now() + datetime.timedelta(days=8)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    page = html(client.get(link, follow=True))

    assert "Deze link werkt niet meer" in page
    assert "ongeldig of verlopen" in page

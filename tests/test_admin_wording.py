"""The admin speaks the domain's Dutch: no "De" before a het-word in its messages, and its
box of a user's own edits does not borrow the domain word "acties"."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from .factories import make_gemeente

pytestmark = pytest.mark.django_db


def test_saving_names_the_object_without_a_wrong_article(coordinator_client):
    response = coordinator_client.post(
        reverse("admin:actoren_gemeente_add"),
        {"naam": "Pajottegem", "nis_code": "23106", "_continue": "1"},
    )

    assert response.status_code == 302
    (message,) = [re.sub("<[^>]+>", "", str(m)) for m in get_messages(response.wsgi_request)]
    assert message.startswith("gemeente ‘Pajottegem’ is toegevoegd.")
    page = re.sub("<a [^>]+>|</a>", "", coordinator_client.get(response.url).content.decode())
    # As the admin shows it: a capital first, and no article that could be the wrong one
    # ("De wijzigingsvoorstel").
    assert "Gemeente ‘Pajottegem’ is toegevoegd." in page
    assert not re.search(r"\bDe \w+ ‘", page)


def test_a_form_with_errors_says_so_in_dutch_in_the_browser_tab(coordinator_client):
    page = coordinator_client.post(reverse("admin:actoren_gemeente_add"), {"naam": ""})

    title = re.search(r"<title>(.*?)</title>", page.content.decode())[1]
    assert title.startswith("Fout: ")


def test_the_admin_calls_a_users_own_edits_changes_not_actions(coordinator_client):
    make_gemeente("Halle")

    page = coordinator_client.get(reverse("admin:index")).content.decode()

    assert "Recente wijzigingen" in page and "Mijn wijzigingen" in page
    assert "Recente acties" not in page and "Mijn acties" not in page


def test_a_partner_still_has_mijn_acties(client, partner_a):
    client.force_login(partner_a)

    page = client.get(reverse("partner:mijn_acties")).content.decode()

    assert "<h1>Mijn acties</h1>" in page

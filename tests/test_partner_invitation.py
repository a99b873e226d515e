"""Inviting partners (acties.services.invite_partner, the nodig_partner_uit command) and the
invitation page where they choose a password; deactivating them."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from acties import services
from cultuurregio import roles

from .commit import committed
from .factories import make_actor

pytestmark = pytest.mark.django_db

PASSWORD = "Zomer-in-Halle-2025"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://plan.example.org"


@pytest.fixture
def regiobib(db):
    return make_actor("Regiobib", aliassen="Regionale bibliotheek\nRB")


def invitation_path(mail) -> str:
    match = re.search(r"https://plan\.example\.org(/partner/uitnodiging/\S+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def accept(client, path, password=PASSWORD):
    """Follow the link (it moves the token into the session) and choose a password."""
    response = client.get(path)
    assert response.status_code == 302
    form_url = response.url
    assert "wachtwoord-kiezen" in form_url
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_invite_partner_creates_an_account_and_mails_the_link(coordinator, regiobib, mailoutbox):
    user = committed(services.invite_partner,
        email="An.Peeters@Example.ORG",
        naam="An Peeters",
        actoren=[regiobib],
        invited_by=coordinator,
    )

    assert user.email == "An.Peeters@example.org"
    assert user.username == "An.Peeters@example.org"
    assert (user.first_name, user.last_name) == ("An", "Peeters")
    assert user.is_active and not user.is_staff
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [roles.PARTNERS]
    assert list(regiobib.gebruikers.all()) == [user]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["An.Peeters@example.org"]
    assert mail.subject == "Uitnodiging: rapporteer de voortgang van uw acties"
    assert "Beste An Peeters," in mail.body
    assert "Regiobib" in mail.body
    assert "7 dagen geldig" in mail.body
    assert "gebruikersnaam: An.Peeters@example.org" in mail.body
    invitation_path(mail)


def test_invited_partner_sets_a_password_and_lands_on_mijn_acties(client, regiobib, mailoutbox):
    user = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=None
    )
    path = invitation_path(mailoutbox[0])

    page = client.get(client.get(path).url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Welkom" in text
    assert "an@example.org" in text
    assert "Wachtwoord bewaren" in text

    response = accept(client, path)

    assert response.status_code == 302
    assert response.url == reverse("partner:mijn_acties")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    landing = client.get(response.url)
    assert landing.status_code == 200
    text = landing.content.decode()
    assert "Uw wachtwoord is ingesteld" in text
    # The menu offers "Mijn acties" from now on.
    assert f'href="{reverse("partner:mijn_acties")}"' in text
    # And the partner can log in later with the e-mail address as user name.
    client.logout()
    assert client.login(username="an@example.org", password=PASSWORD)


def test_used_invitation_link_shows_a_dutch_message_and_changes_nothing(
    client, regiobib, mailoutbox
):
    user = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=None
    )
    path = invitation_path(mailoutbox[0])
    accept(client, path)
    client.logout()

    response = client.get(path)

    assert response.status_code == 200
    assert "Deze uitnodiging is verlopen of al gebruikt. Vraag de coördinator om een nieuwe." in (
        response.content.decode()
    )
    post = client.post(path, {"new_password1": "Iets-anders-99", "new_password2": "Iets-anders-99"})
    assert "Deze uitnodiging is verlopen of al gebruikt." in post.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_expired_invitation_link_shows_a_dutch_message_and_changes_nothing(
    client, regiobib, mailoutbox, settings
):
    user = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=None
    )
    path = invitation_path(mailoutbox[0])
    later = datetime.datetime.now() + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )

    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        response = client.get(path)
        post = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    for answer in (response, post):
        assert answer.status_code == 200
        text = answer.content.decode()
        assert (
            "Deze uitnodiging is verlopen of al gebruikt. Vraag de coördinator om een nieuwe."
            in text
        )
        assert "new_password1" not in text
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert "_auth_user_id" not in client.session


def test_link_still_valid_just_before_it_expires(client, regiobib, mailoutbox, settings):
    committed(
        services.invite_partner,
        email="an@example.org", naam="", actoren=[regiobib], invited_by=None,
    )
    path = invitation_path(mailoutbox[0])
    almost = datetime.datetime.now() + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT - 60
    )

    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=almost):
        response = client.get(path)

    assert response.status_code == 302


def test_garbled_link_shows_the_same_message(client):
    response = client.get(reverse("partner:uitnodiging", args=["Mzk5OTk", "abc-def"]))

    assert response.status_code == 200
    assert "Deze uitnodiging is verlopen of al gebruikt." in response.content.decode()


def test_new_invitation_makes_the_earlier_link_invalid(client, regiobib, mailoutbox):
    first = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=None
    )
    second = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=None
    )

    assert first.pk == second.pk
    assert User.objects.filter(email="an@example.org").count() == 1
    old, new = invitation_path(mailoutbox[0]), invitation_path(mailoutbox[1])
    assert "verlopen of al gebruikt" in client.get(old).content.decode()
    assert accept(client, new).status_code == 302


def test_deactivated_partner_cannot_log_in_and_a_new_invitation_reactivates(
    client, coordinator, regiobib, mailoutbox
):
    user = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=coordinator
    )
    pending = invitation_path(mailoutbox[0])
    accept(client, pending)
    client.logout()

    services.deactivate_partner(user=user, by=coordinator)

    user.refresh_from_db()
    assert not user.is_active
    assert not client.login(username="an@example.org", password=PASSWORD)
    assert list(regiobib.gebruikers.all()) == [user]  # the link to the organisation stays

    again = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=coordinator
    )
    assert again.pk == user.pk and again.is_active
    assert accept(client, invitation_path(mailoutbox[-1]), "Nieuw-wachtwoord-77").status_code == 302


def test_deactivation_makes_a_pending_invitation_link_invalid(client, regiobib, mailoutbox):
    user = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=None
    )

    services.deactivate_partner(user=user, by=None)

    response = client.get(invitation_path(mailoutbox[0]))
    assert "verlopen of al gebruikt" in response.content.decode()


@pytest.mark.parametrize("email", ["geen-adres", "an@", "", "an peeters@example.org"])
def test_bad_email_is_refused(regiobib, mailoutbox, email):
    with pytest.raises(ValidationError) as refused:
        services.invite_partner(email=email, naam="An", actoren=[regiobib], invited_by=None)

    assert "is geen geldig e-mailadres" in refused.value.message_dict["email"][0]
    assert not User.objects.filter(groups__name=roles.PARTNERS).exists()
    assert mailoutbox == []


def test_invitation_needs_an_organisation_and_a_coordinator(
    regiobib, partner_a, stuurgroeplid, mailoutbox
):
    with pytest.raises(ValidationError) as refused:
        services.invite_partner(email="an@example.org", naam="", actoren=[], invited_by=None)
    assert refused.value.message_dict["actoren"] == ["Kies minstens één organisatie."]

    for user in (partner_a, stuurgroeplid):
        with pytest.raises(ValidationError) as refused:
            committed(services.invite_partner,
                email="an@example.org", naam="", actoren=[regiobib], invited_by=user
            )
        assert refused.value.messages == ["Alleen een coördinator kan dit doen."]
        with pytest.raises(ValidationError):
            services.deactivate_partner(user=partner_a, by=user)
    assert not User.objects.filter(email="an@example.org").exists()
    assert mailoutbox == []
    partner_a.refresh_from_db()
    assert partner_a.is_active


def test_account_in_use_or_staff_is_not_taken_over(regiobib, partner_a, coordinator, mailoutbox):
    with pytest.raises(ValidationError) as refused:
        committed(services.invite_partner,
            email="partner_a@example.org", naam="", actoren=[regiobib], invited_by=None
        )
    assert "Er is al een account in gebruik voor partner_a@example.org" in refused.value.messages[0]

    with pytest.raises(ValidationError) as refused:
        committed(services.invite_partner,
            email="coordinator@example.org", naam="", actoren=[regiobib], invited_by=None
        )
    assert "medewerkersaccount" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        services.deactivate_partner(user=coordinator, by=None)
    assert mailoutbox == []
    assert partner_a.has_usable_password()


# The management command


def test_command_invites_by_actor_name_and_alias(regiobib, mailoutbox):
    other = make_actor("Erfgoedcel")

    committed(
        call_command,
        "nodig_partner_uit",
        "an@example.org",
        "--naam",
        "An Peeters",
        "--actor",
        "regiobib",
        "--actor",
        "Erfgoedcel",
    )
    committed(call_command, "nodig_partner_uit", "bo@example.org", "--actor", "RB")

    an = User.objects.get(email="an@example.org")
    assert set(an.actoren.all()) == {regiobib, other}
    assert an.get_full_name() == "An Peeters"
    assert User.objects.get(email="bo@example.org").actoren.get() == regiobib
    assert [m.to for m in mailoutbox] == [["an@example.org"], ["bo@example.org"]]


def test_command_refuses_an_unknown_actor_in_dutch(regiobib, mailoutbox):
    with pytest.raises(CommandError) as refused:
        call_command("nodig_partner_uit", "an@example.org", "--actor", "Regiobibb")

    assert str(refused.value) == "Onbekende organisatie: “Regiobibb”. Bedoelt u: Regiobib?"
    assert not User.objects.filter(email="an@example.org").exists()
    assert mailoutbox == []


def test_command_refuses_a_bad_email_in_dutch(regiobib, mailoutbox):
    with pytest.raises(CommandError) as refused:
        call_command("nodig_partner_uit", "an-at-example.org", "--actor", "Regiobib")

    assert str(refused.value) == "“an-at-example.org” is geen geldig e-mailadres."
    assert mailoutbox == []


def test_password_form_errors_are_dutch_and_keep_the_link_usable(client, regiobib, mailoutbox):
    user = committed(services.invite_partner,
        email="an@example.org", naam="An", actoren=[regiobib], invited_by=None
    )
    form_url = client.get(invitation_path(mailoutbox[0])).url

    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": "iets-anders"})

    assert response.status_code == 200
    assert "De twee wachtwoordvelden komen niet overeen." in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()
    response = client.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302

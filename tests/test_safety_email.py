"""E-mail after commit (issue 12): every e-mail goes out after the work that caused it is
committed; a mail server that is down never undoes the work. The failed message is logged,
kept, shown to the coordinator ("De e-mail aan ... kon niet verstuurd worden") and can be
sent again from the admin."""

import logging

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from acties import services
from acties.models import Voortgangsrapport
from cultuurregio.outbox.models import OnverstuurdeEmail

from .factories import make_actie, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

FAILING = "tests.mail_backends.FailingBackend"
Fase = Voortgangsrapport.Fase


@pytest.fixture
def submitted(partner_a, actor_a):
    plan = make_plan(titel="Plan met e-mail", van_jaar=2020, tot_jaar=2030)
    od = make_od(make_sd(plan, "Participatie"), "Netwerk")
    actie = make_actie(od, "Voorleesweek", actoren=[(actor_a, "trekker")])
    return services.save_report(
        actie=actie, user=partner_a, submit=True,
        data={"jaar": 2021, "halfjaar": 0, "status": "lopend", "percentage": 20},
    )


def test_the_review_mail_waits_for_the_commit(
    submitted, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.approve_report(rapport=submitted, user=coordinator)
        assert mailoutbox == []  # nothing is sent while the work can still roll back

    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mailoutbox] == [["partner_a@example.org"]]


def test_work_that_rolls_back_sends_no_mail(
    submitted, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.approve_report(rapport=submitted, user=coordinator)
            raise RuntimeError("something after the approval fails")

    assert callbacks == [] and mailoutbox == []
    submitted.refresh_from_db()
    assert submitted.fase == Fase.INGEDIEND


def test_a_mail_server_that_is_down_never_undoes_an_approval(
    submitted, coordinator, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        approved = services.approve_report(rapport=submitted, user=coordinator)

    approved.refresh_from_db()
    assert approved.fase == Fase.GOEDGEKEURD
    (kept,) = OnverstuurdeEmail.objects.all()
    assert kept.recipients() == ["partner_a@example.org"]
    assert "goedgekeurd" in kept.onderwerp
    assert "SMTPServerDisconnected" in kept.fout
    assert kept.verstuurd_op is None
    assert "partner_a@example.org" in caplog.text


def test_a_mail_server_that_is_down_never_undoes_an_invitation(
    coordinator, actor_a, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING

    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_partner(
            email="an@example.org", naam="An Peeters", actoren=[actor_a], invited_by=coordinator
        )

    user.refresh_from_db()
    assert user.is_active and list(user.actoren.all()) == [actor_a]
    (kept,) = OnverstuurdeEmail.objects.all()
    assert kept.recipients() == ["an@example.org"]
    assert "/partner/uitnodiging/" in kept.tekst


def test_password_reset_with_the_server_down_answers_the_same_page(
    client, stuurgroeplid, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "stuurgroeplid@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert OnverstuurdeEmail.objects.get().recipients() == ["stuurgroeplid@example.org"]
    # A visitor is told nothing about mail that did or did not go out.
    assert list(get_messages(response.wsgi_request)) == []


def test_reminders_go_on_after_one_that_fails(coordinator, settings, capsys):
    settings.EMAIL_BACKEND = FAILING

    call_command("stuur_herinneringen")  # nothing due here: it must simply not fail

    assert OnverstuurdeEmail.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_coordinator_sees_the_failure_and_sends_the_mail_again(
    client, coordinator, partner_a, actor_a, settings
):
    """Real commits: the approval commits inside the request, the mail fails, the page
    after the redirect says so in Dutch; later the coordinator sends it again."""
    plan = make_plan(titel="Plan met e-mail", van_jaar=2020, tot_jaar=2030)
    od = make_od(make_sd(plan, "Participatie"), "Netwerk")
    actie = make_actie(od, "Voorleesweek", actoren=[(actor_a, "trekker")])
    rapport = services.save_report(
        actie=actie, user=partner_a, submit=True,
        data={"jaar": 2021, "halfjaar": 0, "status": "lopend", "percentage": 20},
    )
    client.force_login(coordinator)
    settings.EMAIL_BACKEND = FAILING

    response = client.post(
        reverse("admin:acties_voortgangsrapport_approve", args=[rapport.pk]), follow=True
    )

    assert response.status_code == 200
    rapport.refresh_from_db()
    assert rapport.fase == Fase.GOEDGEKEURD
    page = response.content.decode()
    assert "De e-mail aan partner_a@example.org kon niet verstuurd worden" in page
    kept = OnverstuurdeEmail.objects.get()

    # The server is back: "E-mail opnieuw versturen" in the admin.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    changelist = reverse("admin:outbox_onverstuurdeemail_changelist")
    listing = client.get(changelist)
    assert listing.status_code == 200 and "E-mail opnieuw versturen" in listing.content.decode()
    response = client.post(
        changelist, {"action": "send_again", "_selected_action": [kept.pk]}, follow=True
    )

    assert "1 e-mail is verstuurd." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["partner_a@example.org"]]
    kept.refresh_from_db()
    assert kept.verstuurd_op is not None and kept.pogingen == 2


def test_sending_again_while_the_server_is_still_down_keeps_the_mail(
    coordinator_client, settings
):
    kept = OnverstuurdeEmail.objects.create(
        aan="an@example.org", van="cultuurregio@localhost", onderwerp="Uitnodiging",
        tekst="Beste An,", fout="SMTPServerDisconnected",
    )
    settings.EMAIL_BACKEND = FAILING

    response = coordinator_client.post(
        reverse("admin:outbox_onverstuurdeemail_changelist"),
        {"action": "send_again", "_selected_action": [kept.pk]},
        follow=True,
    )

    assert "kon nog steeds niet verstuurd worden" in response.content.decode()
    kept.refresh_from_db()
    assert kept.verstuurd_op is None and kept.pogingen == 2


@pytest.mark.parametrize("who", ["stuurgroeplid", "partner_a"])
def test_only_coordinators_see_unsent_mail(client, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("admin:outbox_onverstuurdeemail_changelist"))

    assert response.status_code == 302  # the admin's login: not for them

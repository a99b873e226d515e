"""``stuur_herinneringen``: exactly the due e-mails, one per partner, with links that lead
(after login) straight to the report form."""

import datetime
import re
from io import StringIO
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from acties import perioden
from acties.models import Voortgangsrapport
from beleidsplan.models import Beleidsplan

from .factories import make_actie, make_actor, make_od, make_plan, make_sd, make_user
from .test_progress_rollup import make_rapport

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status
F = Voortgangsrapport.Fase
TODAY = "2024-05-01"  # the period is 2024 (whole year), 2023's grace window is over


@pytest.fixture
def site(actor_a, actor_b, partner_a, partner_b):
    plan = make_plan(titel="Beleidsplan 2020-2025", van_jaar=2020, tot_jaar=2025)
    od = make_od(make_sd(plan))
    a = SimpleNamespace()
    a.both = make_actie(
        od, "Samen met A en B", actoren=[(actor_a, "trekker"), (actor_b, "partner")]
    )
    a.submitted = make_actie(od, "Al ingediend", actoren=[(actor_a, "trekker")])
    make_rapport(a.submitted, 2024, status=S.LOPEND, fase=F.INGEDIEND)
    a.draft = make_actie(od, "Alleen een concept", actoren=[(actor_a, "trekker")])
    make_rapport(a.draft, 2024, status=S.LOPEND, fase=F.CONCEPT)
    a.sent_back = make_actie(od, "Teruggestuurd", actoren=[(actor_b, "trekker")])
    make_rapport(a.sent_back, 2024, status=S.LOPEND, fase=F.TERUGGESTUURD,
                 opmerking="Vul de aantallen aan.")
    a.approved = make_actie(od, "Al goedgekeurd", actoren=[(actor_a, "trekker")])
    make_rapport(a.approved, 2024, status=S.OP_SCHEMA, fase=F.GOEDGEKEURD)
    a.old = make_actie(od, "Liep in 2020-2021", actoren=[(actor_a, "partner")],
                       van_jaar=2020, tot_jaar=2021)
    a.finished = make_actie(od, "Afgerond in 2022", actoren=[(actor_a, "trekker")])
    make_rapport(a.finished, 2022, status=S.AFGEROND, percentage=100)
    a.orphan = make_actie(od, "Zonder organisatie")
    # Accounts that must get nothing: inactive, without e-mail, of an uninvolved actor.
    inactive = make_user("oud_account", is_active=False)
    no_email = make_user("zonder_email")
    no_email.email = ""
    no_email.save()
    actor_a.gebruikers.add(inactive, no_email)
    make_actor("Niet betrokken").gebruikers.add(make_user("partner_c"))
    return SimpleNamespace(plan=plan, a=a, partner_a=partner_a, partner_b=partner_b)


def run(*args) -> str:
    out = StringIO()
    call_command("stuur_herinneringen", "--datum", TODAY, *args, stdout=out)
    return out.getvalue()


def links_in(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_sends_exactly_the_due_reminders(site, mailoutbox):
    output = run()
    assert sorted(m.to[0] for m in mailoutbox) == ["partner_a@example.org", "partner_b@example.org"]
    by_user = {m.to[0]: m for m in mailoutbox}

    mail_a = by_user["partner_a@example.org"]
    assert "Samen met A en B" in mail_a.body and "Alleen een concept" in mail_a.body
    for not_due in ("Al ingediend", "Al goedgekeurd", "Liep in 2020-2021", "Afgerond in 2022",
                    "Teruggestuurd", "Zonder organisatie"):
        assert not_due not in mail_a.body
    assert "concept bewaard" in mail_a.body
    assert mail_a.subject == "Herinnering: 2 acties wachten op je voortgangsrapport"

    mail_b = by_user["partner_b@example.org"]
    assert "Samen met A en B" in mail_b.body and "Teruggestuurd" in mail_b.body
    assert "Vul de aantallen aan." in mail_b.body
    assert "Alleen een concept" not in mail_b.body
    assert mail_b.body.startswith("Beste ")

    assert "3 acties wachten op een rapport" in output
    assert "2 herinneringen verstuurd, voor 3 acties" in output


def test_each_link_leads_after_login_to_the_form(site, mailoutbox, client):
    run()
    # The form opens on the day the reminder was sent (2024 is open for reporting).
    day = datetime.date.fromisoformat(TODAY)
    with mock.patch.object(perioden, "local_today", return_value=day):
        _follow_links(site, mailoutbox, client)


def _follow_links(site, mailoutbox, client):
    mail = next(m for m in mailoutbox if m.to == ["partner_a@example.org"])
    links = links_in(mail.body)
    assert len(links) == 2
    for link in links:
        assert link.startswith(settings.SITE_URL)
        parts = urlsplit(link)
        path = parts.path + ("?" + parts.query if parts.query else "")
        assert "periode=2024" in path
        client.logout()
        response = client.get(path)
        assert response.status_code == 302
        login_url = response["Location"]
        assert login_url.startswith(reverse("login"))
        response = client.post(
            login_url,
            {"username": "partner_a", "password": "geheim-wachtwoord-123", "next": path},
        )
        assert response.status_code == 302 and response["Location"] == path
        form = client.get(path)
        assert form.status_code == 200
        assert form.context["actie"].pk in (site.a.both.pk, site.a.draft.pk)


def test_one_email_per_person_across_plans(site, actor_a, mailoutbox):
    other = make_plan(titel="Volgend plan", van_jaar=2024, tot_jaar=2029)
    make_actie(make_od(make_sd(other)), "In het volgende plan", actoren=[(actor_a, "partner")])
    run()
    mails = [m for m in mailoutbox if m.to == ["partner_a@example.org"]]
    assert len(mails) == 1
    assert "In het volgende plan" in mails[0].body and "Samen met A en B" in mails[0].body


def test_only_one_plan(site, actor_a, mailoutbox):
    other = make_plan(titel="Volgend plan", van_jaar=2024, tot_jaar=2029)
    make_actie(make_od(make_sd(other)), "In het volgende plan", actoren=[(actor_a, "partner")])
    run("--plan", str(other.pk))
    assert [m.to for m in mailoutbox] == [["partner_a@example.org"]]
    assert "Samen met A en B" not in mailoutbox[0].body


def test_dry_run_sends_nothing(site, mailoutbox):
    output = run("--dry-run")
    assert mailoutbox == []
    assert "partner_a@example.org" in output
    assert "er is niets verstuurd" in output


def test_unknown_plan_is_refused(site):
    with pytest.raises(CommandError, match="Er is geen beleidsplan met id"):
        run("--plan", "999999")


def test_nothing_due_sends_nothing(mailoutbox, actor_a, partner_a):
    plan = make_plan(van_jaar=2020, tot_jaar=2025)
    actie = make_actie(make_od(make_sd(plan)), actoren=[(actor_a, "trekker")])
    make_rapport(actie, 2024, fase=F.INGEDIEND)
    output = run()
    assert mailoutbox == []
    assert "over elke actie is gerapporteerd" in output


def test_half_year_plans_remind_for_the_current_half(mailoutbox, actor_a, partner_a):
    plan = make_plan(van_jaar=2020, tot_jaar=2025,
                     rapportering=Beleidsplan.Rapportering.HALFJAARLIJKS)
    od = make_od(make_sd(plan))
    first_half_only = make_actie(od, "Alleen eerste helft", actoren=[(actor_a, "trekker")])
    make_rapport(first_half_only, 2024, halfjaar=1, fase=F.INGEDIEND)
    both = make_actie(od, "Beide helften", actoren=[(actor_a, "trekker")])
    make_rapport(both, 2024, halfjaar=2, fase=F.INGEDIEND)
    out = StringIO()
    call_command("stuur_herinneringen", "--datum", "2024-10-15", stdout=out)
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Alleen eerste helft" in body and "Beide helften" not in body
    assert "periode=2024-2" in body

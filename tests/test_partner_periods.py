"""Periods as one value (acties/perioden.py): which period is open for reporting, with a grace
window after a period ends; "Mijn acties" lists what waits for the partner, the form accepts
open periods and reports to fix, and the reminders and "who has not reported" follow the same
rule (issue 9)."""

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from acties import perioden
from acties.models import Voortgangsrapport
from beleidsplan.models import Beleidsplan

from .factories import make_actie, make_gemeente, make_od, make_plan, make_sd

F = Voortgangsrapport.Fase
D = datetime.date
HALF = Beleidsplan.Rapportering.HALFJAARLIJKS


def on(day: datetime.date):
    """Pretend today is ``day`` for the partner pages and "who has not reported"."""
    return mock.patch.object(perioden, "local_today", return_value=day)


# --- The rule, without the database ----------------------------------------------------------


def plan(van=2020, tot=2030, *, half=False, marge=3) -> Beleidsplan:
    return Beleidsplan(
        titel="Plan", van_jaar=van, tot_jaar=tot, rapportering_marge_maanden=marge,
        rapportering=HALF if half else Beleidsplan.Rapportering.JAARLIJKS,
    )


def test_the_plan_gives_three_months_of_grace_by_default():
    assert Beleidsplan().rapportering_marge_maanden == 3
    assert perioden.grace_months(Beleidsplan()) == 3


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 1, 1), [(2025, 0), (2026, 0)]),
        (D(2026, 3, 31), [(2025, 0), (2026, 0)]),  # the last day of the grace window
        (D(2026, 4, 1), [(2026, 0)]),
        (D(2026, 12, 31), [(2026, 0)]),
    ],
)
def test_last_year_stays_open_for_three_months(today, expected):
    # No django_db mark: a query here would fail the test (the rule is pure).
    assert perioden.open_periods(plan(), today=today) == expected
    assert perioden.reporting_period(plan(), today=today) == expected[0]


def test_grace_window_follows_the_plan():
    assert perioden.open_until(plan(marge=3), (2025, 0)) == D(2026, 3, 31)
    assert perioden.open_until(plan(marge=1), (2025, 0)) == D(2026, 1, 31)
    assert perioden.open_until(plan(marge=12), (2025, 0)) == D(2026, 12, 31)
    assert perioden.open_periods(plan(marge=1), today=D(2026, 2, 1)) == [(2026, 0)]
    # No grace: a period closes on its last day.
    assert perioden.open_periods(plan(marge=0), today=D(2026, 1, 1)) == [(2026, 0)]
    assert perioden.reporting_period(plan(marge=0), today=D(2026, 1, 1)) == (2026, 0)


def test_half_year_plans():
    half = plan(half=True)
    assert perioden.open_periods(half, today=D(2026, 1, 10)) == [(2025, 2), (2026, 1)]
    assert perioden.open_periods(half, today=D(2026, 9, 30)) == [(2026, 1), (2026, 2)]
    assert perioden.open_periods(half, today=D(2026, 10, 1)) == [(2026, 2)]
    assert perioden.open_until(half, (2026, 1)) == D(2026, 9, 30)
    # A grace window longer than a half year keeps two ended periods open.
    long = plan(half=True, marge=12)
    assert perioden.open_periods(long, today=D(2026, 8, 1)) == [(2025, 2), (2026, 1), (2026, 2)]


def test_plan_edges():
    ended = plan(2020, 2025)
    # The plan has ended: its last period stays the one to report on.
    assert perioden.open_periods(ended, today=D(2026, 2, 1)) == [(2025, 0)]
    assert perioden.open_periods(ended, today=D(2027, 6, 1)) == [(2025, 0)]
    assert perioden.open_periods(ended, today=D(2025, 2, 1)) == [(2024, 0), (2025, 0)]
    # The plan's first January: the year before is not one of the plan's.
    assert perioden.open_periods(ended, today=D(2020, 1, 15)) == [(2020, 0)]
    assert perioden.open_periods(ended, today=D(2019, 6, 1)) == [(2020, 0)]


def test_period_as_one_value():
    periode = perioden.parse_period(plan(), "2022")
    assert periode == perioden.Periode(2022, 0) == (2022, 0)
    assert periode.jaar == 2022
    assert perioden.period_param(periode) == "2022"
    assert perioden.period_param((2022, 1)) == "2022-1"
    assert perioden.period_label((2022, 0)) == "2022"
    assert perioden.period_bounds((2022, 2)) == (D(2022, 7, 1), D(2022, 12, 31))
    assert perioden.parse_period(plan(half=True), "2022-2") == (2022, 2)
    assert perioden.parse_period(plan(), "", today=D(2026, 2, 1)) == (2026, 0)
    with pytest.raises(ValidationError):
        perioden.parse_period(plan(), "2031")


def test_a_closed_period_is_refused_in_dutch():
    with pytest.raises(ValidationError) as refused:
        perioden.check_open(plan(), (2023, 0), today=D(2026, 2, 1))
    assert refused.value.messages == [
        "Voor 2023 kunt u geen nieuw rapport beginnen: die periode is niet open voor "
        "rapportering. U kunt nu rapporteren over 2025, 2026."
    ]
    assert perioden.is_open(plan(), (2025, 0), today=D(2026, 2, 1))
    assert not perioden.is_open(plan(), (2025, 0), today=D(2026, 4, 1))


# --- Mijn acties: what waits for the partner -------------------------------------------------

REMARK = "Kunt u de aantallen van de voorleesmomenten aanvullen?"


@pytest.fixture
def site(actor_a, actor_b):
    the_plan = make_plan(van_jaar=2020, tot_jaar=2030)
    od = make_od(make_sd(the_plan, "Cultuurparticipatie vergroten"), "Drempels verlagen")
    make_gemeente("Halle")
    sent_back = make_actie(od, "Voorleesweek in de bibliotheken", actoren=[(actor_a, "trekker")])
    Voortgangsrapport.objects.create(
        actie=sent_back, jaar=2022, status="lopend", fase=F.TERUGGESTUURD, opmerking=REMARK,
        actor=actor_a,
    )
    draft = make_actie(od, "Boekenruil op de markt", actoren=[(actor_a, "partner")])
    Voortgangsrapport.objects.create(actie=draft, jaar=2023, status="lopend", fase=F.CONCEPT)
    due = make_actie(od, "Zomerlezen in de parken", actoren=[(actor_a, "trekker")])
    reported = make_actie(od, "Poëzieweek", actoren=[(actor_a, "trekker")])
    Voortgangsrapport.objects.create(actie=reported, jaar=2025, status="lopend", fase=F.INGEDIEND)
    other = make_actie(od, "Theater op school", actoren=[(actor_b, "trekker")])
    Voortgangsrapport.objects.create(
        actie=other, jaar=2022, status="lopend", fase=F.TERUGGESTUURD,
        opmerking="Opmerking voor B", actor=actor_b,
    )
    return the_plan, sent_back, draft, due, reported, other


def form_url(actie, periode) -> str:
    return reverse("partner:rapport", args=[actie.pk]) + f"?periode={periode}"


@pytest.mark.django_db
def test_in_february_mijn_acties_lists_what_waits_above_the_current_year(
    client, partner_a, site
):
    _plan, sent_back, draft, due, reported, other = site
    client.force_login(partner_a)

    with on(D(2026, 2, 10)):
        text = client.get(reverse("partner:mijn_acties")).content.decode()

    waiting, current = text.split("Rapportageperiode: 2026")
    assert "Wacht op u" in waiting
    assert (
        "Schrijf nu het rapport over 2025: dat kan nog tot en met 31 maart 2026. "
        "De rapporten over 2026 volgen daarna." in waiting
    )
    # Sent back (with the remark, the period, a link to fix it), the draft, and 2025.
    assert REMARK in waiting and "periode 2022" in waiting
    assert form_url(sent_back, 2022) in waiting and "Aanpassen" in waiting
    assert form_url(draft, 2023) in waiting and "Verder invullen" in waiting
    assert form_url(due, 2025) in waiting
    # First what the coordinator sent back, then last year's reports, then drafts.
    order = [REMARK, form_url(due, 2025), form_url(draft, 2023)]
    assert sorted(order, key=waiting.index) == order
    # Submitted for 2025: nothing waits. Another organisation's report: not shown.
    assert "Poëzieweek" not in waiting
    assert "Theater op school" not in text and "Opmerking voor B" not in text
    assert form_url(due, 2026) in current


@pytest.mark.django_db
def test_after_the_grace_window_only_reports_to_fix_wait(client, partner_a, site):
    _plan, sent_back, draft, due, _reported, _other = site
    client.force_login(partner_a)

    with on(D(2026, 4, 1)):
        text = client.get(reverse("partner:mijn_acties")).content.decode()

    waiting, _current = text.split("Rapportageperiode: 2026")
    assert "Schrijf nu het rapport over 2025" not in text
    assert REMARK in waiting and form_url(draft, 2023) in waiting
    assert form_url(due, 2025) not in text


@pytest.mark.django_db
def test_partner_b_sees_only_its_own_sent_back_report(client, partner_b, site):
    client.force_login(partner_b)

    with on(D(2026, 5, 10)):
        text = client.get(reverse("partner:mijn_acties")).content.decode()

    assert "Opmerking voor B" in text
    assert REMARK not in text and "Boekenruil" not in text


# --- The form: open periods, and reports to fix ---------------------------------------------


@pytest.mark.django_db
def test_form_for_a_period_outside_the_open_ones_is_refused(client, partner_a, site):
    _plan, _sent_back, _draft, due, _reported, _other = site
    client.force_login(partner_a)

    with on(D(2026, 2, 10)):
        refused = client.get(form_url(due, 2023))
        posted = client.post(form_url(due, 2023), {"status": "lopend", "indienen": "1"})
        last_year = client.get(form_url(due, 2025))

    assert refused.status_code == 400 and posted.status_code == 400
    text = refused.content.decode()
    assert "Deze periode is niet open voor rapportering" in text
    assert "U kunt nu rapporteren over 2025, 2026." in text
    assert not Voortgangsrapport.objects.filter(actie=due).exists()
    assert last_year.status_code == 200
    assert "Voortgangsrapport 2025" in last_year.content.decode()


@pytest.mark.django_db
def test_a_sent_back_report_of_an_earlier_period_can_be_fixed(client, partner_a, site):
    _plan, sent_back, _draft, _due, _reported, _other = site
    client.force_login(partner_a)

    with on(D(2026, 6, 10)):
        form = client.get(form_url(sent_back, 2022))
        response = client.post(
            form_url(sent_back, 2022),
            {"status": "op_schema", "aantal_activiteiten": "4", "aantal_deelnemers": "80",
             "indienen": "1"},
        )
        text = client.get(reverse("partner:mijn_acties")).content.decode()

    assert form.status_code == 200 and REMARK in form.content.decode()
    assert response.status_code == 302
    rapport = Voortgangsrapport.objects.get(actie=sent_back, jaar=2022)
    assert rapport.fase == F.INGEDIEND and rapport.aantal_deelnemers == 80
    assert REMARK not in text.split("Rapportageperiode: 2026")[0]


@pytest.mark.django_db
def test_partner_b_cannot_open_the_sent_back_report_of_partner_a(client, partner_b, site):
    _plan, sent_back, _draft, _due, _reported, _other = site
    client.force_login(partner_b)

    with on(D(2026, 2, 10)):
        assert client.get(form_url(sent_back, 2022)).status_code == 404


# --- Reminders and "who has not reported" ------------------------------------------------------


@pytest.mark.django_db
def test_reminders_in_january_are_about_last_year(partner_a, site, mailoutbox):
    _plan, _sent_back, _draft, due, reported, _other = site

    out = StringIO()
    call_command("stuur_herinneringen", "--datum", "2026-01-20", stdout=out)

    body = next(m.body for m in mailoutbox if m.to == ["partner_a@example.org"])
    assert "Zomerlezen in de parken" in body and "Periode: 2025" in body
    assert "?periode=2025" in body and "?periode=2026" not in body
    assert "Poëzieweek" not in body  # submitted for 2025
    assert "2025: 4 acties wachten op een rapport" in out.getvalue()

    mailoutbox.clear()
    call_command("stuur_herinneringen", "--datum", "2026-04-20", stdout=StringIO())
    body = next(m.body for m in mailoutbox if m.to == ["partner_a@example.org"])
    assert "?periode=2026" in body and "?periode=2025" not in body


@pytest.mark.django_db
def test_who_has_not_reported_in_january_is_about_last_year(coordinator_client, site):
    the_plan = site[0]
    url = reverse("plan:rapportering", args=[the_plan.pk])

    with on(D(2026, 1, 20)):
        january = coordinator_client.get(url).content.decode()
        chosen = coordinator_client.get(url + "?periode=2026").content.decode()
    with on(D(2026, 4, 20)):
        april = coordinator_client.get(url).content.decode()

    assert "Wie heeft nog niet gerapporteerd voor 2025?" in january
    assert "Wie heeft nog niet gerapporteerd voor 2026?" in chosen
    assert "Wie heeft nog niet gerapporteerd voor 2026?" in april


@pytest.mark.django_db
def test_the_coordinator_sets_the_grace_window_in_the_plan_admin(coordinator_client, site):
    the_plan = site[0]
    response = coordinator_client.get(
        reverse("admin:beleidsplan_beleidsplan_change", args=[the_plan.pk])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="rapportering_marge_maanden"' in text
    assert "Marge voor de rapportering (maanden)" in text

"""'Mijn acties' runs a fixed number of queries, whatever the number of goals, actions,
organisations and reports."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from acties import perioden
from acties.models import ActieActor, Voortgangsrapport

from .factories import make_actie, make_actor, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

# Session, user, the user's organisations, the actions (with goals and plans), the
# organisations' roles in them, the reports of the open periods with every draft and
# sent-back report, the approved reports that closed an action; and for the top bar's plan
# links the user's groups and the readable plans (beleidsplan/templatetags/navigation.py).
MIJN_ACTIES_QUERIES = 9

FASES = [None, "concept", "ingediend", "teruggestuurd", "goedgekeurd"]


def build(partner, actor, *, sds: int, ods: int, acties: int):
    """A plan reporting per half year whose actions all involve ``actor`` (and a second
    organisation of the partner in some), with reports in every stage for the current
    period, and an older plan with one action."""
    second = make_actor()
    second.gebruikers.add(partner)
    plan = make_plan(van_jaar=2020, tot_jaar=2030, rapportering="halfjaarlijks")
    jaar, halfjaar = perioden.current_period(plan)
    n = 0
    for _ in range(sds):
        sd = make_sd(plan)
        for _ in range(ods):
            od = make_od(sd)
            for _ in range(acties):
                actie = make_actie(od, actoren=[(actor, "trekker")])
                if n % 2:
                    ActieActor.objects.create(actie=actie, actor=second, rol="partner")
                fase = FASES[n % len(FASES)]
                if fase:
                    Voortgangsrapport.objects.create(
                        actie=actie,
                        jaar=jaar,
                        halfjaar=halfjaar,
                        status="lopend",
                        fase=fase,
                        opmerking="Graag meer cijfers." if fase == "teruggestuurd" else "",
                    )
                n += 1
    old = make_plan(titel="Vorig plan", van_jaar=2014, tot_jaar=2019)
    make_actie(make_od(make_sd(old)), "Oude actie", actoren=[(actor, "partner")])
    return n + 1


@pytest.mark.parametrize("size", [(1, 1, 1), (3, 3, 4)], ids=["small", "large"])
def test_mijn_acties_runs_a_fixed_number_of_queries(
    client, partner_a, actor_a, django_assert_num_queries, size
):
    sds, ods, acties = size
    total = build(partner_a, actor_a, sds=sds, ods=ods, acties=acties)
    client.force_login(partner_a)
    # The first visit may store the menu flag in the session (one write); count the next.
    client.get(reverse("partner:mijn_acties"))

    with django_assert_num_queries(MIJN_ACTIES_QUERIES):
        response = client.get(reverse("partner:mijn_acties"))

    assert response.status_code == 200
    text = response.content.decode()
    assert text.count('class="actie-rij') == total
    assert "Oude actie" in text
    assert "Vorig plan" in text  # two plans: each under its own heading
    if total > 5:
        for label in ("Te rapporteren", "Concept", "Ingediend", "Teruggestuurd", "Goedgekeurd"):
            assert label in text
        assert "Graag meer cijfers." in text


def test_mijn_acties_shows_state_and_button_for_the_current_period(
    client, partner_a, actor_a, partner_b
):
    plan = make_plan(van_jaar=2020, tot_jaar=2030)
    jaar, _half = perioden.current_period(plan)
    od = make_od(make_sd(plan, tagline="CULTUURPARTICIPATIE VERGROTEN"))
    due = make_actie(od, "Voorleesweek", actoren=[(actor_a, "trekker")])
    make_actie(od, "Afgelopen actie", actoren=[(actor_a, "partner")], van_jaar=2020, tot_jaar=2020)
    sent_back = make_actie(od, "Zomerbar", actoren=[(actor_a, "partner")])
    Voortgangsrapport.objects.create(
        actie=sent_back,
        jaar=jaar,
        status="lopend",
        fase="teruggestuurd",
        opmerking="Vul de gemeenten in.",
    )
    make_actie(od, "Actie van een ander", actoren=[(make_actor(), "trekker")])
    client.force_login(partner_a)

    text = client.get(reverse("partner:mijn_acties")).content.decode()

    assert "CULTUURPARTICIPATIE VERGROTEN" in text
    assert "Nog 1 actie te rapporteren." in text
    assert "1 rapport werd naar u teruggestuurd." in text
    assert f"Rapportageperiode: {jaar}" in text
    assert "Niet gepland in deze periode" in text
    assert "Vul de gemeenten in." in text
    assert "Actie van een ander" not in text
    assert "Bibliotheek A (trekker)" in text
    assert (reverse("partner:rapport", args=[due.pk]) + f"?periode={jaar}") in text
    assert "Rapporteren" in text and "Aanpassen" in text and "Toch rapporteren" in text


def test_partner_without_actions_sees_an_explanation(client, partner_a):
    client.force_login(partner_a)

    response = client.get(reverse("partner:mijn_acties"))

    assert response.status_code == 200
    assert "Uw organisatie is nog bij geen enkele actie van het plan betrokken." in (
        response.content.decode()
    )


def build_waiting(partner, actor, *, acties: int):
    """A yearly plan 2020-2030 whose actions each have a sent-back report of 2022 and a
    draft of 2023, half of them a submitted report of 2025; and an action of another
    organisation with a sent-back report (never shown)."""
    plan = make_plan(van_jaar=2020, tot_jaar=2030)
    od = make_od(make_sd(plan))
    for n in range(acties):
        actie = make_actie(od, f"Actie {n}", actoren=[(actor, "trekker")])
        Voortgangsrapport.objects.create(
            actie=actie, jaar=2022, status="lopend", fase="teruggestuurd",
            opmerking=f"Opmerking {n}",
        )
        Voortgangsrapport.objects.create(actie=actie, jaar=2023, status="lopend", fase="concept")
        if n % 2:
            Voortgangsrapport.objects.create(
                actie=actie, jaar=2025, status="lopend", fase="ingediend"
            )
    other = make_actie(od, "Van een ander", actoren=[(make_actor(), "trekker")])
    Voortgangsrapport.objects.create(
        actie=other, jaar=2022, status="lopend", fase="teruggestuurd", opmerking="Niet voor u"
    )


@pytest.mark.parametrize("acties", [1, 12], ids=["small", "large"])
def test_mijn_acties_with_reports_waiting_runs_a_fixed_number_of_queries(
    client, partner_a, actor_a, django_assert_num_queries, acties
):
    """In the grace window after 2025, "Wacht op u" lists sent-back reports, drafts and last
    year's missing reports: from the same queries, whatever their number."""
    build_waiting(partner_a, actor_a, acties=acties)
    client.force_login(partner_a)
    day = datetime.date(2026, 2, 10)
    with mock.patch.object(perioden, "local_today", return_value=day):
        client.get(reverse("partner:mijn_acties"))
        with django_assert_num_queries(MIJN_ACTIES_QUERIES):
            response = client.get(reverse("partner:mijn_acties"))

    text = response.content.decode()
    assert "Wacht op u" in text
    # Per action: sent back (2022), draft (2023), and 2025 unless submitted.
    assert text.count('class="wacht-rij') == 2 * acties + (acties + 1) // 2
    assert "Opmerking 0" in text and "Niet voor u" not in text

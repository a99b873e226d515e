"""Indicators with targets (issue 10): the coordinator sets them on an OD or an action, the
partner reports a value with the progress report, it counts once the report is approved;
bad input is refused with a Dutch message and nothing is saved."""

import datetime
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from acties import perioden, services
from acties.indicators import parse_value
from acties.models import Indicator, Meting, Voortgangsrapport
from beleidsplan.document import IndicatorRef

from .factories import make_actie, make_gemeente, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

Fase = Voortgangsrapport.Fase


@pytest.fixture(autouse=True)
def in_2022():
    """The day is in 2022: its reports may be started."""
    with mock.patch.object(perioden, "local_today", return_value=datetime.date(2022, 10, 1)):
        yield


def make_indicator(*, actie=None, doelstelling=None, **kwargs) -> Indicator:
    defaults = {
        "naam": "Deelnemers aan de voorleesweek",
        "eenheid": "deelnemers",
        "basiswaarde": Decimal(100),
        "basisjaar": 2020,
        "streefwaarde": Decimal(500),
        "streefjaar": 2025,
    }
    defaults.update(kwargs)
    indicator = Indicator(actie=actie, doelstelling=doelstelling, **defaults)
    indicator.full_clean()
    indicator.save()
    return indicator


@pytest.fixture
def site(actor_a, actor_b):
    plan = make_plan(van_jaar=2020, tot_jaar=2025)
    sd = make_sd(plan, "Cultuurparticipatie vergroten")
    od = make_od(sd, "Drempels verlagen")
    make_gemeente("Halle")
    actie_a = make_actie(od, "Voorleesweek in de bibliotheken", actoren=[(actor_a, "trekker")])
    actie_b = make_actie(od, "Zomerprogramma", actoren=[(actor_b, "trekker")])
    indicator = make_indicator(actie=actie_a)
    return SimpleNamespace(plan=plan, sd=sd, od=od, actie_a=actie_a, actie_b=actie_b,
                           indicator=indicator)


def form_url(actie, periode="2022") -> str:
    return reverse("partner:rapport", args=[actie.pk]) + f"?periode={periode}"


def report_post(indicator, value, **extra) -> dict:
    data = {"status": "op_schema", "wat_gedaan": "Voorgelezen.",
            f"indicator_{indicator.pk}": value}
    data.update(extra)
    return data


# --- Values as people type them ------------------------------------------------------------


def test_values_are_read_the_flemish_and_the_international_way():
    assert parse_value("240", "deelnemers") == Decimal("240")
    assert parse_value("12,5", "deelnemers") == Decimal("12.5")
    assert parse_value("1.250", "deelnemers") == Decimal("1250")
    assert parse_value("1.250,75", "deelnemers") == Decimal("1250.75")
    assert parse_value("240 deelnemers", "deelnemers") == Decimal("240")
    assert parse_value("", "deelnemers") is None


def test_a_value_that_is_not_a_number_is_refused_in_dutch():
    with pytest.raises(ValidationError) as error:
        parse_value("veel", "deelnemers")
    assert "is geen getal" in error.value.messages[0]


def test_a_value_with_another_unit_is_refused_in_dutch():
    with pytest.raises(ValidationError) as error:
        parse_value("300 euro", "deelnemers")
    assert error.value.messages[0] == (
        "Deze indicator telt in deelnemers, niet in “euro”. Geef alleen het aantal deelnemers."
    )


# --- The model ----------------------------------------------------------------------------


def test_target_year_outside_the_plan_is_refused_and_nothing_saved(site):
    with pytest.raises(ValidationError) as error:
        make_indicator(actie=site.actie_a, naam="Scholen", streefjaar=2030)
    assert error.value.message_dict["streefjaar"] == [
        "2030 valt buiten de planperiode 2020-2025."
    ]
    assert not Indicator.objects.filter(naam="Scholen").exists()


def test_base_year_outside_the_plan_is_refused(site):
    with pytest.raises(ValidationError) as error:
        make_indicator(doelstelling=site.od, basisjaar=2018)
    assert "basisjaar" in error.value.message_dict


def test_an_indicator_belongs_to_a_goal_or_an_action_not_both(site):
    with pytest.raises(ValidationError) as error:
        make_indicator(actie=site.actie_a, doelstelling=site.od)
    assert "niet allebei" in error.value.message_dict["doelstelling"][0]
    with pytest.raises(ValidationError):
        make_indicator()


def test_an_indicator_on_an_sd_is_refused(site):
    with pytest.raises(ValidationError) as error:
        make_indicator(doelstelling=site.sd)
    assert "operationele doelstelling" in error.value.message_dict["doelstelling"][0]


def test_a_measurement_for_a_period_outside_the_plan_is_refused(site):
    meting = Meting(indicator=site.indicator, jaar=2027, waarde=Decimal(5))
    with pytest.raises(ValidationError) as error:
        meting.full_clean()
    assert error.value.message_dict["jaar"] == ["2027 valt buiten de planperiode 2020-2025."]


def test_one_measurement_per_indicator_and_period(site):
    Meting.objects.create(indicator=site.indicator, jaar=2021, waarde=Decimal(5))
    with pytest.raises(ValidationError) as error:
        Meting(indicator=site.indicator, jaar=2021, waarde=Decimal(6)).full_clean()
    assert "Er is al een waarde" in str(error.value)


# --- The on-track rule ----------------------------------------------------------------------


def indicator_ref(metingen, *, richting="meer", basis=100, doel=500, cumulatief=False):
    return IndicatorRef.from_dict({
        "id": 1, "naam": "Deelnemers", "eenheid": "deelnemers",
        "basis": {"waarde": basis, "jaar": 2020}, "doel": {"waarde": doel, "jaar": 2025},
        "richting": richting, "cumulatief": cumulatief,
        "metingen": [{"periode": p, "waarde": w} for p, w in metingen],
    }, code="SD1-OD1")


def test_on_track_is_at_least_the_straight_line_from_base_to_target():
    # From 100 in 2020 to 500 in 2025: the line is at 260 in 2022.
    assert indicator_ref([("2022", 260)]).status == "op_koers"
    assert indicator_ref([("2021", 400), ("2022", 259)]).status == "achter"
    assert indicator_ref([]).status == "geen_data"
    # Less is better, mirrored: from 500 to 100, at most 340 in 2022.
    assert indicator_ref([("2022", 340)], richting="minder", basis=500, doel=100).status == (
        "op_koers"
    )
    assert indicator_ref([("2022", 341)], richting="minder", basis=500, doel=100).status == (
        "achter"
    )


def test_a_cumulative_indicator_adds_its_periods_up():
    ref = indicator_ref([("2021", 100), ("2022", 150)], basis=0, cumulatief=True)
    assert ref.points == [("2021", 100.0), ("2022", 250.0)]
    assert ref.status == "op_koers"  # the line is at 200 in 2022


# --- The partner's report -------------------------------------------------------------------


def test_report_form_shows_indicator_with_unit_and_last_periods_value(client, partner_a, site):
    Meting.objects.create(indicator=site.indicator, jaar=2021, waarde=Decimal(240))
    client.force_login(partner_a)

    text = client.get(form_url(site.actie_a)).content.decode()

    assert "Deelnemers aan de voorleesweek (in deelnemers)" in text
    assert "vorige periode: 240" in text


def test_partner_value_counts_only_after_approval(client, partner_a, coordinator, site):
    client.force_login(partner_a)

    response = client.post(form_url(site.actie_a), report_post(site.indicator, "310",
                                                                indienen="1"))

    assert response.status_code == 302
    meting = Meting.objects.get()
    rapport = Voortgangsrapport.objects.get()
    assert (meting.waarde, meting.rapport, meting.jaar) == (Decimal(310), rapport, 2022)
    assert meting.ingevoerd_door == partner_a
    assert not Meting.objects.telt().exists()

    services.approve_report(rapport=rapport, user=coordinator)

    assert list(Meting.objects.telt()) == [meting]


def test_saving_the_report_again_updates_the_value(client, partner_a, site):
    client.force_login(partner_a)
    client.post(form_url(site.actie_a), report_post(site.indicator, "310", concept="1"))
    client.post(form_url(site.actie_a), report_post(site.indicator, "320", concept="1"))

    assert Meting.objects.get().waarde == Decimal(320)
    assert Meting.history.filter(id=Meting.objects.get().pk).count() == 2


@pytest.mark.parametrize(
    ("value", "error"),
    [("veel", "is geen getal"), ("300 euro", "telt in deelnemers, niet in “euro”")],
)
def test_bad_value_in_report_is_refused_and_nothing_saved(client, partner_a, site, value, error):
    client.force_login(partner_a)

    response = client.post(form_url(site.actie_a), report_post(site.indicator, value,
                                                                indienen="1"))

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Voortgangsrapport.objects.exists()
    assert not Meting.objects.exists()


def test_service_refuses_a_bad_value_and_saves_nothing(partner_a, site):
    with pytest.raises(ValidationError):
        services.save_report(
            actie=site.actie_a, user=partner_a,
            data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "veel"}},
        )
    assert not Voortgangsrapport.objects.exists()


def test_service_refuses_an_indicator_of_another_action(partner_b, site):
    with pytest.raises(ValidationError):
        services.save_report(
            actie=site.actie_b, user=partner_b,
            data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "5"}},
        )
    assert not Meting.objects.exists()


def test_partner_b_cannot_enter_a_value_for_partner_as_action(client, partner_b, site):
    client.force_login(partner_b)

    response = client.post(form_url(site.actie_a), report_post(site.indicator, "310",
                                                                indienen="1"))

    assert response.status_code == 404
    assert not Meting.objects.exists()


def _queries_of(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first visit may write the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_report_form_runs_a_fixed_number_of_queries(client, partner_a, site):
    client.force_login(partner_a)
    url = form_url(site.actie_a)
    small = _queries_of(client, url)
    for n in range(6):
        indicator = make_indicator(actie=site.actie_a, naam=f"Indicator {n}")
        for jaar in (2020, 2021):
            Meting.objects.create(indicator=indicator, jaar=jaar, waarde=Decimal(n))

    assert _queries_of(client, url) == small


# --- Open data ------------------------------------------------------------------------------


def test_open_data_has_indicators_with_counted_measurements_and_validates(
    partner_a, coordinator, site
):
    from beleidsplan.export import build_plan_document

    from .test_export import all_actions, all_goals, assert_valid

    od_indicator = make_indicator(doelstelling=site.od, naam="Gemeenten met UiTPAS",
                                  eenheid="gemeenten", basiswaarde=None, basisjaar=None,
                                  streefwaarde=Decimal(15), streefjaar=2025)
    Meting.objects.create(indicator=od_indicator, jaar=2021, waarde=Decimal("7.5"))
    Meting.objects.create(indicator=site.indicator, jaar=2021, waarde=Decimal(240))
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, submit=True,
        data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "310"}},
    )

    doc = build_plan_document(site.plan)
    assert_valid(doc)
    action = next(a for a in all_actions(doc) if a["id"] == site.actie_a.pk)
    assert action["indicatoren"] == [{
        "id": site.indicator.pk, "naam": "Deelnemers aan de voorleesweek",
        "eenheid": "deelnemers", "basis": {"waarde": 100, "jaar": 2020},
        "doel": {"waarde": 500, "jaar": 2025}, "richting": "meer", "cumulatief": False,
        "kernindicator": False,
        # The submitted report's 310 does not count yet.
        "metingen": [{"periode": "2021", "waarde": 240}],
    }]
    od = next(g for g in all_goals(doc) if g["id"] == site.od.pk)
    assert od["indicatoren"][0]["basis"] == {"waarde": None, "jaar": None}
    assert od["indicatoren"][0]["metingen"] == [{"periode": "2021", "waarde": 7.5}]
    assert all(g["indicatoren"] == [] for g in all_goals(doc) if g["id"] != site.od.pk)
    other = next(a for a in all_actions(doc) if a["id"] == site.actie_b.pk)
    assert other["indicatoren"] == []

    services.approve_report(rapport=rapport, user=coordinator)

    action = next(a for a in all_actions(build_plan_document(site.plan))
                  if a["id"] == site.actie_a.pk)
    assert action["indicatoren"][0]["metingen"] == [
        {"periode": "2021", "waarde": 240}, {"periode": "2022", "waarde": 310},
    ]


# --- Pages ----------------------------------------------------------------------------------


def chart_table_rows(text: str, indicator_id: int) -> list[list[str]]:
    """The rows of the chart's table of one indicator on a page: [period, value, ...]."""
    import re

    block = text.split(f'id="indicator-{indicator_id}"', 1)[1].split("</figure>", 1)[0]
    body = block.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        rows.append([re.sub(r"<[^>]+>", "", cell).strip()
                     for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)])
    return rows


@pytest.fixture
def measured(site, partner_a, coordinator):
    """240 entered by the coordinator for 2021, 310 reported for 2022 and approved; an OD
    indicator without values."""
    Meting.objects.create(indicator=site.indicator, jaar=2021, waarde=Decimal(240),
                          ingevoerd_door=coordinator)
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, submit=True,
        data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "310"}},
    )
    services.approve_report(rapport=rapport, user=coordinator)
    site.od_indicator = make_indicator(doelstelling=site.od, naam="Gemeenten met UiTPAS",
                                       eenheid="gemeenten", streefwaarde=Decimal(15))
    return site


def test_action_page_shows_the_chart_table_with_the_numbers_of_the_open_data(
    client, stuurgroeplid, measured
):
    from beleidsplan.export import build_plan_document

    from .test_export import all_actions

    client.force_login(stuurgroeplid)
    text = client.get(reverse("plan:actie", args=[measured.actie_a.pk])).content.decode()

    assert "Deelnemers aan de voorleesweek" in text
    rows = chart_table_rows(text, measured.indicator.pk)
    data = next(a for a in all_actions(build_plan_document(measured.plan))
                if a["id"] == measured.actie_a.pk)["indicatoren"][0]
    shown = {row[0]: row[1] for row in rows}
    for meting in data["metingen"]:
        assert shown[meting["periode"]].startswith(str(meting["waarde"]))
    assert shown[str(data["doel"]["jaar"])].startswith("500")
    assert "Op koers naar het doel" in text  # 310 in 2022 is above the line (260)


def test_od_page_shows_its_indicators(client, stuurgroeplid, measured):
    client.force_login(stuurgroeplid)
    text = client.get(
        reverse("plan:doelstelling", args=[measured.plan.pk, measured.od.pk])
    ).content.decode()

    assert "Gemeenten met UiTPAS" in text
    assert "Nog geen gegevens" in text


def test_unapproved_value_is_not_on_the_pages(client, stuurgroeplid, partner_a, site):
    services.save_report(
        actie=site.actie_a, user=partner_a, submit=True,
        data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "777"}},
    )
    client.force_login(stuurgroeplid)
    text = client.get(reverse("plan:actie", args=[site.actie_a.pk])).content.decode()

    assert "Deelnemers aan de voorleesweek" in text
    assert "777" not in text


def test_progress_page_lists_every_indicator_with_counts(client, stuurgroeplid, measured):
    client.force_login(stuurgroeplid)
    text = client.get(reverse("plan:voortgang", args=[measured.plan.pk])).content.decode()

    assert "1 op koers, 0 achter, 1 nog zonder gegevens." in text
    assert "Gemeenten met UiTPAS" in text


def _grow(site, n: int) -> None:
    for i in range(n):
        actie = make_actie(site.od, f"Extra actie {i}")
        make_indicator(doelstelling=site.od, naam=f"OD-indicator {i}")
        indicator = make_indicator(actie=actie, naam=f"Actie-indicator {i}")
        for jaar in (2020, 2021, 2022):
            Meting.objects.create(indicator=indicator, jaar=jaar, waarde=Decimal(jaar - 2000))


@pytest.mark.parametrize("page", ["voortgang", "actie"])
def test_pages_with_indicators_run_a_fixed_number_of_queries(client, stuurgroeplid, measured,
                                                              page):
    from .queries import cold, warm

    client.force_login(stuurgroeplid)

    def url():
        if page == "voortgang":
            return reverse("plan:voortgang", args=[measured.plan.pk])
        return reverse("plan:actie", args=[measured.actie_a.pk])

    small = (cold(client, url()), warm(client, url()))
    _grow(measured, 8)
    large = (cold(client, url()), warm(client, url()))

    assert large == small


# --- The coordinator in the admin -----------------------------------------------------------


def indicator_form(indicator, **metingen) -> dict:
    data = {
        "doelstelling": indicator.doelstelling_id or "", "actie": indicator.actie_id or "",
        "naam": indicator.naam, "eenheid": indicator.eenheid, "richting": indicator.richting,
        "basiswaarde": indicator.basiswaarde or "", "basisjaar": indicator.basisjaar or "",
        "streefwaarde": indicator.streefwaarde, "streefjaar": indicator.streefjaar,
        "rapporteur": "", "volgorde": 0,
        "metingen-TOTAL_FORMS": "0", "metingen-INITIAL_FORMS": "0",
    }
    data.update(metingen)
    return data


def test_coordinator_corrects_a_value_with_history(coordinator_client, coordinator, partner_a,
                                                   site):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, submit=True,
        data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "310"}},
    )
    services.approve_report(rapport=rapport, user=coordinator)
    meting = Meting.objects.get()
    url = reverse("admin:acties_indicator_change", args=[site.indicator.pk])
    assert "310" in coordinator_client.get(url).content.decode()

    response = coordinator_client.post(url, indicator_form(site.indicator, **{
        "metingen-TOTAL_FORMS": "2", "metingen-INITIAL_FORMS": "1",
        "metingen-0-id": meting.pk, "metingen-0-indicator": site.indicator.pk,
        "metingen-0-jaar": "2022", "metingen-0-halfjaar": "0", "metingen-0-waarde": "301",
        "metingen-1-indicator": site.indicator.pk,
        "metingen-1-jaar": "2021", "metingen-1-halfjaar": "0",
        "metingen-1-waarde": "250 deelnemers",
    }))

    assert response.status_code == 302
    meting.refresh_from_db()
    assert meting.waarde == Decimal(301)
    assert meting.telt  # still linked to its approved report
    entered = Meting.objects.get(jaar=2021)
    assert (entered.waarde, entered.rapport, entered.ingevoerd_door) == (
        Decimal(250), None, coordinator
    )
    assert entered.telt
    history = list(meting.history.order_by("history_date"))
    assert [h.waarde for h in history] == [Decimal(310), Decimal(301)]
    assert history[-1].history_user == coordinator


def test_coordinator_value_with_another_unit_is_refused(coordinator_client, site):
    url = reverse("admin:acties_indicator_change", args=[site.indicator.pk])

    response = coordinator_client.post(url, indicator_form(site.indicator, **{
        "metingen-TOTAL_FORMS": "1", "metingen-1-indicator": site.indicator.pk,
        "metingen-0-jaar": "2021", "metingen-0-halfjaar": "0", "metingen-0-waarde": "300 euro",
    }))

    assert response.status_code == 200
    assert "telt in deelnemers, niet in “euro”" in response.content.decode()
    assert not Meting.objects.exists()


def test_coordinator_period_outside_the_plan_is_refused(coordinator_client, site):
    url = reverse("admin:acties_indicator_change", args=[site.indicator.pk])

    response = coordinator_client.post(url, indicator_form(site.indicator, **{
        "metingen-TOTAL_FORMS": "1",
        "metingen-0-jaar": "2031", "metingen-0-halfjaar": "0", "metingen-0-waarde": "5",
    }))

    assert response.status_code == 200
    assert "2031 valt buiten de planperiode 2020-2025." in response.content.decode()
    assert not Meting.objects.exists()


def test_partner_cannot_open_the_indicator_admin(client, partner_a, site):
    client.force_login(partner_a)
    response = client.get(reverse("admin:acties_indicator_change", args=[site.indicator.pk]))
    assert response.status_code == 302


# --- Demo data ------------------------------------------------------------------------------


def test_demo_has_indicators_with_values_through_the_real_workflow(settings):
    from beleidsplan.demo import load_demo
    from beleidsplan.export import build_plan_document
    from beleidsplan.models import Beleidsplan

    from .test_export import all_actions, all_goals, assert_valid

    settings.DEBUG = True
    load_demo()

    plan = Beleidsplan.objects.get(vorig_plan__isnull=True)
    assert Indicator.objects.van_plan(plan).count() == 3
    reported = Meting.objects.filter(rapport__isnull=False)
    # Reported by the demo partner: two approved, one waiting for review.
    assert sorted(m.rapport.fase for m in reported) == [Fase.GOEDGEKEURD, Fase.GOEDGEKEURD,
                                                         Fase.INGEDIEND]
    assert {m.ingevoerd_door.username for m in reported} == {"partner"}
    doc = build_plan_document(plan)
    assert_valid(doc)
    counted = [m for a in all_actions(doc) for i in a["indicatoren"] for m in i["metingen"]]
    assert sorted(m["waarde"] for m in counted) == [240, 1250]
    od_values = [m["waarde"] for g in all_goals(doc) for i in g["indicatoren"]
                 for m in i["metingen"]]
    assert od_values == [9, 15]


def test_public_sees_the_published_indicators_with_values_approved_since(
    client, partner_a, coordinator, site
):
    from beleidsplan.services import publish_version

    publish_version(plan=site.plan, naam="Versie met indicator", user=coordinator)
    # Added after publishing: not public until the next version.
    make_indicator(actie=site.actie_a, naam="Niet gepubliceerde indicator")
    url = reverse("plan:actie", args=[site.actie_a.pk])
    text = client.get(url).content.decode()
    assert "Deelnemers aan de voorleesweek" in text
    assert "Nog geen gegevens" in text

    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, submit=True,
        data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "310"}},
    )
    assert "310" not in client.get(url).content.decode()
    services.approve_report(rapport=rapport, user=coordinator)

    text = client.get(url).content.decode()
    assert any(row[0] == "2022" and row[1].startswith("310")
               for row in chart_table_rows(text, site.indicator.pk))
    assert "Niet gepubliceerde indicator" not in text


def test_a_closed_plan_refuses_new_indicators_and_values(site):
    from django.utils import timezone

    site.plan.afgesloten_op = timezone.now()
    site.plan.save()

    with pytest.raises(ValidationError) as error:
        make_indicator(actie=site.actie_a, naam="Te laat")
    assert "afgesloten" in error.value.messages[0]
    with pytest.raises(ValidationError):
        Meting(indicator=site.indicator, jaar=2021, waarde=Decimal(1)).full_clean()


def test_home_shows_the_headline_indicators_only(client, stuurgroeplid, measured):
    measured.indicator.op_home = True
    measured.indicator.save()
    client.force_login(stuurgroeplid)

    text = client.get(reverse("home")).content.decode()

    assert "Kernindicatoren" in text
    assert f'id="kernindicator-{measured.indicator.pk}"' in text
    assert "Gemeenten met UiTPAS" not in text  # not picked for home
    assert any(row[0] == "2022" and row[1].startswith("310")
               for row in chart_table_rows(text.replace("kernindicator-", "indicator-"),
                                           measured.indicator.pk))


def test_coordinator_sees_the_reported_values_when_reviewing(coordinator_client, partner_a,
                                                             site):
    rapport = services.save_report(
        actie=site.actie_a, user=partner_a, submit=True,
        data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "1.250,5"}},
    )

    text = coordinator_client.get(
        reverse("admin:acties_voortgangsrapport_change", args=[rapport.pk])
    ).content.decode()

    assert "Waarden van indicatoren" in text
    assert "Deelnemers aan de voorleesweek: 1250,5 deelnemers" in text


def test_admin_forms_show_the_indicators_inline(coordinator_client, site):
    make_indicator(doelstelling=site.od, naam="Gemeenten met UiTPAS", eenheid="gemeenten")
    pages = {
        reverse("admin:acties_actie_change", args=[site.actie_a.pk]):
            "Deelnemers aan de voorleesweek",
        reverse("admin:beleidsplan_doelstelling_change", args=[site.od.pk]):
            "Gemeenten met UiTPAS",
        reverse("admin:acties_indicator_add"): "Basis en doel",
        reverse("admin:acties_indicator_changelist"): "Gemeenten met UiTPAS",
        reverse("admin:acties_indicator_history", args=[site.indicator.pk]): "Geschiedenis",
    }
    for url, text in pages.items():
        response = coordinator_client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


def test_partner_cannot_reach_another_partners_report_form(client, partner_b, site):
    client.force_login(partner_b)
    assert client.get(form_url(site.actie_a)).status_code == 404


def test_value_typed_into_a_report_submitted_meanwhile_is_shown_back(client, partner_a, site):
    client.force_login(partner_a)
    client.get(form_url(site.actie_a))  # the form is open ...
    services.save_report(  # ... when another account of the organisation submits
        actie=site.actie_a, user=partner_a, submit=True,
        data={"jaar": 2022, "status": "lopend", "metingen": {site.indicator.pk: "100"}},
    )

    response = client.post(form_url(site.actie_a), report_post(site.indicator, "333",
                                                                concept="1"))

    assert response.status_code == 400
    text = response.content.decode()
    assert "Deelnemers aan de voorleesweek (in deelnemers)" in text
    assert "333" in text
    assert Meting.objects.get().waarde == Decimal(100)


# --- The annual report ----------------------------------------------------------------------


def test_annual_report_page_xlsx_and_pdf_show_the_indicators_up_to_the_year(
    client, stuurgroeplid, measured
):
    from io import BytesIO

    from openpyxl import load_workbook

    from .test_progress_annual import pdf_text

    client.force_login(stuurgroeplid)
    base = reverse("plan:jaarverslag", args=[measured.plan.pk, 2021])

    page = client.get(base)
    text = page.content.decode()
    assert "Deelnemers aan de voorleesweek" in text
    # At the end of 2021 only 2021's 240 counts: 2022's 310 is later.
    rows = chart_table_rows(text, measured.indicator.pk)
    assert any(row[0] == "2021" and row[1].startswith("240") for row in rows)
    assert not any(row[0] == "2022" for row in rows)

    xlsx = client.get(reverse("plan:jaarverslag_xlsx", args=[measured.plan.pk, 2021]))
    sheet = load_workbook(BytesIO(xlsx.content))["Indicatoren"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][2:4] == ("Indicator", "Eenheid")
    row = next(r for r in values[1:] if r[2] == "Deelnemers aan de voorleesweek")
    assert (row[3], row[4], row[6], row[8]) == ("deelnemers", 100, 500, 240)
    assert row[9] == "Op koers naar het doel"  # 240 in 2021 is above the line (180)

    pdf = client.get(reverse("plan:jaarverslag_pdf", args=[measured.plan.pk, 2021]))
    assert "Deelnemers aan de voorleesweek" in pdf_text(pdf.content)

"""Indicators changed through a revision round (issue 10), like wordings: a proposal to add,
change or remove an indicator is written, discussed and accepted; accepting applies it to
the working plan (audited), a proposal that no longer applies is refused in Dutch with
nothing changed, and proposals that remove or merge goals and actions take their
indicators and measured values along instead of failing."""

from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management import call_command
from django.urls import reverse

from acties.models import Actie, Indicator, Meting
from beleidsplan.models import Doelstelling, Herziening, Wijzigingsvoorstel
from beleidsplan.services import ProposalNotApplicable, accept_proposal, publish_version

from .factories import make_actie, make_od, make_plan, make_sd, make_user

pytestmark = pytest.mark.django_db

S = Wijzigingsvoorstel.Soort
ADD = "admin:beleidsplan_wijzigingsvoorstel_add"


def make_indicator(**fields) -> Indicator:
    values = {
        "naam": "Deelnemers aan de voorleesweek", "eenheid": "deelnemers",
        "basiswaarde": Decimal(120), "basisjaar": 2020,
        "streefwaarde": Decimal(600), "streefjaar": 2025,
    }
    values.update(fields)
    indicator = Indicator(**values)
    indicator.full_clean()
    indicator.save()
    return indicator


@pytest.fixture
def plan(coordinator):
    """SD1 with OD1 (an indicator, a measured value, two actions; the first with an
    indicator) and OD2 (one action), SD2 with OD1, and an open revision round."""
    plan = make_plan(van_jaar=2020, tot_jaar=2025)
    sd1 = make_sd(plan, "Participatie verhogen")
    od1 = make_od(sd1, "Drempels verlagen")
    od2 = make_od(sd1, "Spreiding over de regio")
    sd2 = make_sd(plan, "Aanbod versterken")
    od21 = make_od(sd2, "Scholen betrekken")
    a1 = make_actie(od1, "Voorleesweek in de bibliotheken", volgorde=1)
    a2 = make_actie(od1, "Zomerprogramma", volgorde=2)
    a3 = make_actie(od2, "Regionale kalender", volgorde=1)
    of_od = make_indicator(doelstelling=od1, naam="Gemeenten in de UiTPAS", eenheid="gemeenten",
                           basiswaarde=Decimal(3), streefwaarde=Decimal(15))
    Meting.objects.create(indicator=of_od, jaar=2021, waarde=Decimal(7))
    of_action = make_indicator(actie=a1)
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2022")
    return SimpleNamespace(plan=plan, ronde=ronde, user=coordinator, sd1=sd1, od1=od1, od2=od2,
                           sd2=sd2, od21=od21, a1=a1, a2=a2, a3=a3, of_od=of_od,
                           of_action=of_action)


def propose(plan, soort, **fields) -> Wijzigingsvoorstel:
    voorstel = Wijzigingsvoorstel(herziening=plan.ronde, soort=soort, auteur=plan.user, **fields)
    voorstel.full_clean()
    voorstel.save()
    return voorstel


def errors_of(plan, soort, **fields) -> dict[str, list[str]]:
    voorstel = Wijzigingsvoorstel(herziening=plan.ronde, soort=soort, **fields)
    with pytest.raises(ValidationError) as info:
        voorstel.full_clean()
    return info.value.message_dict


def definitions(plan) -> list[tuple]:
    """Every indicator of the plan as the plan states it, with what it measures and its
    values: what a refused proposal must leave as it was."""
    return sorted(
        (i.pk, i.doelstelling_id, i.actie_id, tuple(sorted(i.definitie().items())),
         tuple(i.metingen.values_list("jaar", "waarde")))
        for i in Indicator.objects.van_plan(plan.plan)
    )


def refused(plan, voorstel) -> str:
    before = definitions(plan)
    with pytest.raises(ProposalNotApplicable) as info:
        accept_proposal(voorstel=voorstel, user=plan.user)
    assert definitions(plan) == before
    voorstel.refresh_from_db()
    assert voorstel.status == Wijzigingsvoorstel.Status.OPEN
    return " ".join(info.value.messages)


def change_of_target(plan, **fields):
    """A proposal to raise the action's indicator's target, all other values as they are."""
    indicator = plan.of_action
    values = {
        "indicator_naam": indicator.naam, "indicator_eenheid": indicator.eenheid,
        "indicator_basiswaarde": indicator.basiswaarde, "indicator_basisjaar": indicator.basisjaar,
        "indicator_streefwaarde": Decimal(750), "indicator_streefjaar": 2025,
        "indicator_richting": indicator.richting,
    }
    values.update(fields)
    return values


# --- Change an indicator ---------------------------------------------------------------------


def test_accepting_a_new_target_changes_the_indicator_with_audit(plan):
    voorstel = propose(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action,
                       motivatie="De voorleesweek groeit sneller dan verwacht.",
                       **change_of_target(plan))
    accepted = accept_proposal(voorstel=voorstel, user=plan.user)

    indicator = Indicator.objects.get(pk=plan.of_action.pk)
    assert indicator.streefwaarde == Decimal(750)
    assert (indicator.naam, indicator.basiswaarde) == ("Deelnemers aan de voorleesweek", 120)
    assert accepted.status == Wijzigingsvoorstel.Status.AANVAARD
    assert accepted.effect == {"indicatoren": [indicator.pk]}
    record = indicator.history.latest()
    assert record.history_user == plan.user
    assert f"#{voorstel.pk}" in record.history_change_reason
    # What it did, from the values when it was written (the indicator has the new ones now).
    assert "streefwaarde 600 → 750" in accepted.beschrijving()
    assert "“Deelnemers aan de voorleesweek” (SD1-OD1: Voorleesweek" in accepted.beschrijving()


def test_a_change_that_changes_nothing_is_refused_in_dutch(plan):
    errors = errors_of(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action,
                       **change_of_target(plan, indicator_streefwaarde=Decimal("600.00")))
    assert errors[NON_FIELD_ERRORS] == [
        "De voorgestelde waarden zijn dezelfde als die van de indicator nu."
    ]


def test_a_target_year_outside_the_plan_is_refused_and_nothing_saved(plan):
    errors = errors_of(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action,
                       **change_of_target(plan, indicator_streefjaar=2027))
    assert errors["indicator_streefjaar"] == ["2027 valt buiten de planperiode 2020-2025."]
    assert not Wijzigingsvoorstel.objects.exists()


def test_a_target_year_before_the_base_year_is_refused(plan):
    errors = errors_of(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action,
                       **change_of_target(plan, indicator_basisjaar=2024,
                                          indicator_streefjaar=2022))
    assert "indicator_streefjaar" in errors


def test_the_unit_of_an_indicator_with_measured_values_cannot_change(plan):
    indicator = plan.of_od
    errors = errors_of(
        plan, S.INDICATOR_WIJZIGEN, indicator=indicator, indicator_naam=indicator.naam,
        indicator_eenheid="procent", indicator_streefwaarde=Decimal(100),
        indicator_streefjaar=2025, indicator_richting="meer",
    )
    assert errors["indicator_eenheid"] == [
        "Voor deze indicator werden al waarden gemeten in gemeenten: de eenheid kan niet "
        "veranderen. Stel een nieuwe indicator voor."
    ]


def test_a_change_written_before_the_indicator_changed_is_refused(plan):
    voorstel = propose(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action,
                       **change_of_target(plan))
    indicator = Indicator.objects.get(pk=plan.of_action.pk)
    indicator.streefwaarde = Decimal(650)  # the coordinator changed it in the admin
    indicator.save()

    reason = refused(plan, voorstel)
    assert "werd gewijzigd nadat dit voorstel werd geschreven" in reason
    assert Indicator.objects.get(pk=indicator.pk).streefwaarde == Decimal(650)


def test_a_change_is_refused_once_values_were_measured_in_the_old_unit(plan):
    voorstel = propose(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action,
                       **change_of_target(plan, indicator_eenheid="kinderen"))
    Meting.objects.create(indicator=plan.of_action, jaar=2021, waarde=Decimal(240))

    assert "de eenheid kan niet veranderen" in refused(plan, voorstel)


def test_an_indicator_of_another_plan_is_refused(plan):
    other_plan = make_plan(titel="Ander plan", van_jaar=2020, tot_jaar=2025)
    other = make_indicator(doelstelling=make_od(make_sd(other_plan)))
    errors = errors_of(plan, S.INDICATOR_WIJZIGEN, indicator=other,
                       **change_of_target(plan))
    assert errors["indicator"] == [
        "Deze indicator hoort bij een ander beleidsplan dan de herzieningsronde."
    ]


# --- A new indicator -------------------------------------------------------------------------


def test_a_new_indicator_for_an_od_is_added_after_its_own(plan):
    voorstel = propose(
        plan, S.INDICATOR_NIEUW, doelstelling=plan.od1, indicator_naam="Scholen in het project",
        indicator_eenheid="scholen", indicator_streefwaarde=Decimal(20),
        indicator_streefjaar=2024, indicator_richting="meer", indicator_cumulatief=False,
    )
    accepted = accept_proposal(voorstel=voorstel, user=plan.user)

    new = Indicator.objects.get(naam="Scholen in het project")
    assert (new.doelstelling, new.actie, new.streefwaarde, new.streefjaar) == (
        plan.od1, None, Decimal(20), 2024
    )
    assert new.volgorde > plan.of_od.volgorde
    assert accepted.effect == {"nieuwe_indicatoren": [new.pk]}
    assert accepted.beschrijving() == (
        "Nieuwe indicator bij SD1-OD1: “Scholen in het project”, streefwaarde 20 scholen in 2024"
    )


def test_a_new_indicator_for_an_action(plan):
    propose_and_accept = propose(
        plan, S.INDICATOR_NIEUW, actie=plan.a3, indicator_naam="Activiteiten in de kalender",
        indicator_eenheid="activiteiten", indicator_streefwaarde=Decimal(200),
        indicator_streefjaar=2025, indicator_richting="meer", indicator_cumulatief=True,
    )
    accept_proposal(voorstel=propose_and_accept, user=plan.user)
    new = plan.a3.indicatoren.get()
    assert (new.naam, new.cumulatief) == ("Activiteiten in de kalender", True)


@pytest.mark.parametrize(
    ("subject", "field", "message"),
    [
        ({}, "doelstelling",
         "Kies de operationele doelstelling (OD) of de actie die de indicator meet."),
        ({"doelstelling": "od1", "actie": "a1"}, "actie",
         "Kies een operationele doelstelling of een actie, niet beide."),
        ({"doelstelling": "sd1"}, "doelstelling",
         "Een indicator hoort bij een operationele doelstelling (OD), niet bij een SD."),
    ],
)
def test_a_new_indicator_measures_one_od_or_one_action(plan, subject, field, message):
    subject = {name: getattr(plan, value) for name, value in subject.items()}
    errors = errors_of(
        plan, S.INDICATOR_NIEUW, indicator_naam="Scholen", indicator_eenheid="scholen",
        indicator_streefwaarde=Decimal(20), indicator_streefjaar=2024,
        indicator_richting="meer", **subject,
    )
    assert errors[field] == [message]


def test_a_new_indicator_needs_a_name_a_unit_and_a_target(plan):
    errors = errors_of(plan, S.INDICATOR_NIEUW, doelstelling=plan.od1, indicator_richting="meer")
    assert set(errors) >= {
        "indicator_naam", "indicator_eenheid", "indicator_streefwaarde", "indicator_streefjaar"
    }


# --- Remove an indicator ---------------------------------------------------------------------


def test_an_indicator_without_values_is_removed(plan):
    voorstel = propose(plan, S.INDICATOR_SCHRAPPEN, indicator=plan.of_action)
    accepted = accept_proposal(voorstel=voorstel, user=plan.user)
    assert not Indicator.objects.filter(pk=plan.of_action.pk).exists()
    assert accepted.indicator is None and accepted.indicator_ref == plan.of_action.pk
    assert accepted.beschrijving() == (
        "Indicator “Deelnemers aan de voorleesweek” schrappen"
    )


def test_an_indicator_with_values_is_not_removed(plan):
    voorstel = propose(plan, S.INDICATOR_SCHRAPPEN, indicator=plan.of_od)
    assert "zou ze verloren laten gaan" in refused(plan, voorstel)


# --- Goals and actions that go take their indicators along -----------------------------------


def test_a_merge_gives_the_indicators_and_their_values_to_the_goal_that_remains(plan):
    voorstel = propose(plan, S.SAMENVOEGEN, doelstelling=plan.od1, doel=plan.od2)
    accepted = accept_proposal(voorstel=voorstel, user=plan.user)
    indicator = Indicator.objects.get(pk=plan.of_od.pk)
    assert indicator.doelstelling_id == plan.od2.pk
    assert list(indicator.metingen.values_list("waarde", flat=True)) == [Decimal(7)]
    assert accepted.effect["verhuisde_indicatoren"] == [plan.of_od.pk]


def test_a_split_gives_the_indicators_to_the_first_part(plan):
    voorstel = propose(plan, S.SPLITSEN, doelstelling=plan.od1, delen="Deel een\nDeel twee")
    accept_proposal(voorstel=voorstel, user=plan.user)
    first = Doelstelling.objects.get(formulering="Deel een")
    assert Indicator.objects.get(pk=plan.of_od.pk).doelstelling == first


def test_an_od_that_becomes_an_action_keeps_its_indicators_on_that_action(plan):
    voorstel = propose(plan, S.OD_NAAR_ACTIE, doelstelling=plan.od1, doel=plan.od21)
    accept_proposal(voorstel=voorstel, user=plan.user)
    new_action = Actie.objects.get(omschrijving="Drempels verlagen")
    indicator = Indicator.objects.get(pk=plan.of_od.pk)
    assert (indicator.actie, indicator.doelstelling) == (new_action, None)


def test_an_action_that_becomes_an_od_keeps_its_indicators_on_that_od(plan):
    voorstel = propose(plan, S.ACTIE_NAAR_OD, actie=plan.a1, doel=plan.sd2)
    accept_proposal(voorstel=voorstel, user=plan.user)
    new_goal = Doelstelling.objects.get(formulering="Voorleesweek in de bibliotheken")
    indicator = Indicator.objects.get(pk=plan.of_action.pk)
    assert (indicator.doelstelling, indicator.actie) == (new_goal, None)


def test_removing_an_action_removes_its_indicators_without_values(plan):
    voorstel = propose(plan, S.ACTIE_SCHRAPPEN, actie=plan.a1)
    accepted = accept_proposal(voorstel=voorstel, user=plan.user)
    assert not Indicator.objects.filter(pk=plan.of_action.pk).exists()
    assert accepted.effect["geschrapte_indicatoren"] == [plan.of_action.pk]


def test_an_action_whose_indicator_has_values_is_not_removed(plan):
    Meting.objects.create(indicator=plan.of_action, jaar=2021, waarde=Decimal(240))
    voorstel = propose(plan, S.ACTIE_SCHRAPPEN, actie=plan.a1)
    reason = refused(plan, voorstel)
    assert "Voor een indicator van SD1-OD1: Voorleesweek" in reason
    assert Actie.objects.filter(pk=plan.a1.pk).exists()


def test_a_goal_whose_indicator_has_values_is_not_removed(plan):
    empty_od = make_od(plan.sd2, "Een OD zonder acties")
    measured = make_indicator(doelstelling=empty_od)
    Meting.objects.create(indicator=measured, jaar=2022, waarde=Decimal(300))
    voorstel = propose(plan, S.SCHRAPPEN, doelstelling=empty_od)
    assert "Voor een indicator van SD2-OD2 werden waarden gemeten" in refused(plan, voorstel)


def test_removing_a_goal_removes_its_indicators_without_values(plan):
    empty_od = make_od(plan.sd2, "Een OD zonder acties")
    unmeasured = make_indicator(doelstelling=empty_od)
    voorstel = propose(plan, S.SCHRAPPEN, doelstelling=empty_od)
    accepted = accept_proposal(voorstel=voorstel, user=plan.user)
    assert not Indicator.objects.filter(pk=unmeasured.pk).exists()
    assert accepted.effect["geschrapte_indicatoren"] == [unmeasured.pk]


# --- In the admin, for the coordinator only --------------------------------------------------


def test_the_indicator_page_leads_to_a_change_that_starts_from_its_values(
    coordinator_client, plan
):
    page = coordinator_client.get(
        reverse("admin:acties_indicator_change", args=[plan.of_action.pk])
    ).content.decode()
    kinds_url = f"{reverse(ADD)}?indicator={plan.of_action.pk}"
    assert kinds_url in page

    kinds = coordinator_client.get(kinds_url).content.decode()
    assert "Indicator wijzigen" in kinds and "Indicator schrappen" in kinds
    assert "soort=splitsen" not in kinds

    form = coordinator_client.get(
        f"{reverse(ADD)}?soort=indicator_wijzigen&indicator={plan.of_action.pk}"
    ).content.decode()
    assert 'name="indicator_naam"' in form and 'value="Deelnemers aan de voorleesweek"' in form
    assert 'name="indicator_streefwaarde"' in form and 'value="600.00"' in form
    assert 'name="doel"' not in form and 'name="nieuwe_formulering"' not in form


def test_choosing_the_indicator_lists_the_plans_indicators_with_what_they_measure(
    coordinator_client, plan
):
    page = coordinator_client.get(f"{reverse(ADD)}?soort=indicator_wijzigen").content.decode()
    assert "SD1-OD1 · Gemeenten in de UiTPAS (gemeenten)" in page
    assert "SD1-OD1: Voorleesweek in de bibliotheken · Deelnemers aan de voorleesweek" in page


def test_the_coordinator_writes_and_accepts_a_change_in_the_admin(coordinator_client, plan):
    url = f"{reverse(ADD)}?soort=indicator_wijzigen&indicator={plan.of_action.pk}"
    values = change_of_target(plan, indicator_streefwaarde="800")
    response = coordinator_client.post(url, {
        "herziening": plan.ronde.pk, "volgorde": 0, "indicator": plan.of_action.pk,
        "motivatie": "Meer scholen doen mee.", "reacties-TOTAL_FORMS": 0,
        "reacties-INITIAL_FORMS": 0, **{k: v for k, v in values.items()},
    })
    assert response.status_code == 302, response.content.decode()[-2000:]
    voorstel = Wijzigingsvoorstel.objects.get()
    assert voorstel.soort == S.INDICATOR_WIJZIGEN

    accept_url = reverse("admin:beleidsplan_wijzigingsvoorstel_accept", args=[voorstel.pk])
    confirm = coordinator_client.get(accept_url).content.decode()
    assert "streefwaarde 600 → 800" in confirm
    coordinator_client.post(accept_url)
    assert Indicator.objects.get(pk=plan.of_action.pk).streefwaarde == Decimal(800)
    voorstel.refresh_from_db()
    assert voorstel.status == Wijzigingsvoorstel.Status.AANVAARD


def test_a_wrong_value_in_the_admin_form_is_said_in_dutch_and_nothing_saved(
    coordinator_client, plan
):
    url = f"{reverse(ADD)}?soort=indicator_wijzigen&indicator={plan.of_action.pk}"
    response = coordinator_client.post(url, {
        "herziening": plan.ronde.pk, "volgorde": 0, "indicator": plan.of_action.pk,
        "motivatie": "", "reacties-TOTAL_FORMS": 0, "reacties-INITIAL_FORMS": 0,
        **change_of_target(plan, indicator_streefwaarde="veel", indicator_streefjaar=2030),
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "Voer een getal in." in page
    assert "2030 valt buiten de planperiode 2020-2025." in page
    assert not Wijzigingsvoorstel.objects.exists()


@pytest.mark.parametrize("who", ["stuurgroeplid", "partner_a", "staff_member"])
def test_only_the_coordinator_writes_or_accepts_proposals(client, plan, who, request):
    person = (
        make_user("medewerker", staff=True) if who == "staff_member"
        else request.getfixturevalue(who)
    )
    client.force_login(person)
    add = client.get(f"{reverse(ADD)}?soort=indicator_wijzigen&indicator={plan.of_action.pk}")
    assert add.status_code == 302 and "/login/" in add["Location"]
    voorstel = propose(plan, S.INDICATOR_SCHRAPPEN, indicator=plan.of_action)
    accept = client.post(reverse("admin:beleidsplan_wijzigingsvoorstel_accept",
                                 args=[voorstel.pk]))
    assert accept.status_code == 302 and "/login/" in accept["Location"]
    assert Indicator.objects.filter(pk=plan.of_action.pk).exists()


# --- On the site, for the steering group -------------------------------------------------


def test_the_steering_group_reads_what_a_change_of_an_indicator_proposes(
    client, plan, stuurgroeplid
):
    propose(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action, **change_of_target(plan))
    client.force_login(stuurgroeplid)
    page = client.get(reverse("plan:herziening", args=[plan.plan.pk, plan.ronde.pk]))
    text = page.content.decode()
    assert "Indicator wijzigen: Deelnemers aan de voorleesweek" in text
    assert "Streefwaarde" in text and "600" in text and "750" in text


# --- What changed between two versions -------------------------------------------------------


@pytest.fixture
def two_versions(plan):
    """Version 1; then the action's indicator gets a higher target, the OD a new indicator,
    and OD1 is merged into OD2 (its measured indicator goes along); then version 2."""
    plan.plan.publiek = True
    plan.plan.save()
    publish_version(plan=plan.plan, naam="Versie 1", user=plan.user)
    for voorstel in (
        propose(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action, **change_of_target(plan)),
        propose(plan, S.INDICATOR_NIEUW, doelstelling=plan.od21,
                indicator_naam="Scholen in het project", indicator_eenheid="scholen",
                indicator_streefwaarde=Decimal(20), indicator_streefjaar=2024,
                indicator_richting="meer"),
        propose(plan, S.SAMENVOEGEN, doelstelling=plan.od1, doel=plan.od2),
    ):
        accept_proposal(voorstel=voorstel, user=plan.user)
    publish_version(plan=plan.plan, naam="Versie 2", user=plan.user)
    return plan


def test_the_comparison_document_lists_each_indicator_that_changed(client, two_versions):
    plan = two_versions
    doc = client.get(
        reverse("plan:vergelijk_json", args=[plan.plan.pk]), {"van": 1, "naar": 2}
    ).json()
    by_id = {entry["id"]: entry for entry in doc["indicatoren"]}
    new = Indicator.objects.get(naam="Scholen in het project")
    assert set(by_id) == {plan.of_action.pk, plan.of_od.pk, new.pk}

    changed = by_id[plan.of_action.pk]
    assert changed["wijzigingen"] == ["gewijzigd"]
    assert changed["van"]["doel"] == {"waarde": 600, "jaar": 2025}
    assert changed["naar"]["doel"] == {"waarde": 750, "jaar": 2025}
    assert changed["naar"]["actie"] == plan.a1.pk

    moved = by_id[plan.of_od.pk]
    assert moved["wijzigingen"] == ["verplaatst"]
    assert (moved["van"]["doelstelling"], moved["naar"]["doelstelling"]) == (
        plan.od1.pk, plan.od2.pk
    )
    assert by_id[new.pk] == {
        "id": new.pk, "wijzigingen": ["nieuw"], "van": None,
        "naar": {"naam": "Scholen in het project", "eenheid": "scholen",
                 "basis": {"waarde": None, "jaar": None},
                 "doel": {"waarde": 20, "jaar": 2024}, "richting": "meer",
                 "cumulatief": False, "doelstelling": plan.od21.pk, "actie": None,
                 "code": "SD2-OD1"},
    }


def test_the_comparison_page_shows_what_changed_in_each_indicator(client, two_versions):
    plan = two_versions
    page = client.get(
        reverse("plan:vergelijk", args=[plan.plan.pk]), {"van": 1, "naar": 2}
    ).content.decode()
    assert "Indicatoren die veranderden" in page
    row = page[page.index(f'id="i-{plan.of_action.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "Deelnemers aan de voorleesweek (deelnemers)" in row
    assert "Streefwaarde" in row and "600 (2025)" in row and "750 (2025)" in row
    assert f'href="#i-{plan.of_action.pk}"' in page  # in "what changed" at the top


def test_two_versions_with_the_same_indicators_show_no_indicator_section(client, plan):
    plan.plan.publiek = True
    plan.plan.save()
    publish_version(plan=plan.plan, naam="Versie 1", user=plan.user)
    publish_version(plan=plan.plan, naam="Versie 2", user=plan.user)
    response = client.get(reverse("plan:vergelijk", args=[plan.plan.pk]), {"van": 1, "naar": 2})
    assert "Indicatoren die veranderden" not in response.content.decode()
    assert "Geen verschillen" in response.content.decode()


def test_the_command_summary_names_the_indicator_changes(two_versions):
    out = StringIO()
    call_command("vergelijk_versies", "1", "2", "--plan", str(two_versions.plan.pk), stdout=out)
    text = out.getvalue()
    assert "Indicatoren:" in text
    assert "Deelnemers aan de voorleesweek (streefwaarde 600 (2025) → 750 (2025))" in text


def test_the_publish_preview_lists_the_indicator_changes(coordinator_client, plan):
    publish_version(plan=plan.plan, naam="Versie 1", user=plan.user)
    accept_proposal(
        voorstel=propose(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action,
                         **change_of_target(plan)),
        user=plan.user,
    )
    page = coordinator_client.post(
        reverse("admin:beleidsplan_planversie_publish"), {"plan": plan.plan.pk, "naam": "Na"}
    ).content.decode()
    assert "Deelnemers aan de voorleesweek; streefwaarde 600 (2025) → 750 (2025)" in page


def test_the_indicator_reads_the_same_whether_its_numbers_come_from_code_or_the_database(plan):
    indicator = Indicator.objects.create(
        doelstelling=plan.od2, naam="Activiteiten", eenheid="activiteiten", basiswaarde=12.5,
        basisjaar=2020, streefwaarde=40, streefjaar=2025,
    )
    as_set = indicator.definitie()
    assert as_set == Indicator.objects.get(pk=indicator.pk).definitie()
    assert (as_set["basiswaarde"], as_set["streefwaarde"]) == ("12.5", "40")
    # So a proposal written right after it was made in code is not stale.
    voorstel = propose(plan, S.INDICATOR_SCHRAPPEN, indicator=indicator)
    accept_proposal(voorstel=voorstel, user=plan.user)
    assert not Indicator.objects.filter(pk=indicator.pk).exists()


def test_the_coordinator_finds_indicator_proposals_by_the_indicators_name(
    coordinator_client, plan
):
    propose(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_action, **change_of_target(plan))
    propose(plan, S.OPMERKING, doelstelling=plan.od2, motivatie="Nog scherper maken")
    page = coordinator_client.get(
        reverse("admin:beleidsplan_wijzigingsvoorstel_changelist"), {"q": "voorleesweek"}
    ).content.decode()
    assert ">indicator wijzigen Deelnemers aan de voorleesweek</a>" in page
    assert "SD1-OD2</a>" not in page


def test_a_goals_history_lists_the_proposals_about_its_indicators(client, plan, stuurgroeplid):
    propose(plan, S.INDICATOR_WIJZIGEN, indicator=plan.of_od, indicator_naam=plan.of_od.naam,
            indicator_eenheid="gemeenten", indicator_basiswaarde=3, indicator_basisjaar=2020,
            indicator_streefwaarde=12, indicator_streefjaar=2025, indicator_richting="meer")
    propose(plan, S.INDICATOR_SCHRAPPEN, indicator=plan.of_action)  # of an action: not here
    client.force_login(stuurgroeplid)
    page = client.get(
        reverse("plan:geschiedenis", args=[plan.plan.pk, plan.od1.pk])
    ).content.decode()
    assert "Indicator “Gemeenten in de UiTPAS” (SD1-OD1) wijzigen: streefwaarde 15 → 12" in page
    assert "Deelnemers aan de voorleesweek" not in page

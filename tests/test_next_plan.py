"""The next plan (issue 13, beleidsplan/succession.py): the coordinator starts the
2027-2032 plan from a published version of the seed's plan, every goal and action carried
over and linked to the one it continues; the plan in preparation stays among insiders;
the old plan is closed when its period is over and stays readable."""

import datetime
import io
import json
from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from acties import perioden, services
from acties.models import Actie, ActieActor, Voortgangsrapport
from beleidsplan.models import Beleidsplan, Doelstelling, Herziening, Wijzigingsvoorstel
from beleidsplan.services import publish_version
from beleidsplan.succession import SuccessionRefused, close_plan, start_next_plan

from .factories import make_actie, make_actor, make_gemeente, make_od, make_plan, make_sd
from .test_site_pages import load_seed

pytestmark = pytest.mark.django_db


def start(plan, user, **kwargs):
    options = {"titel": "Beleidsplan 2027-2032", "van_jaar": 2027, "tot_jaar": 2032}
    options.update(kwargs)
    return start_next_plan(van_plan=plan, user=user, **options)


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("start_volgend_plan", *args, stdout=out)
    return out.getvalue()


# --- Starting the next plan ------------------------------------------------------------------


def test_command_carries_every_goal_and_action_of_the_seeds_version_over(coordinator):
    old = load_seed(coordinator)
    document = old.versies.get(nummer=1).data()
    out = run_command(
        "--van-plan", str(old.pk), "--titel", "Beleidsplan 2027-2032", "--van", "2027",
        "--tot", "2032", "--gebruiker", coordinator.username,
    )
    new = Beleidsplan.objects.get(vorig_plan=old)
    assert out.splitlines()[0] == str(new.pk)
    goals = [g for sd in document["doelstellingen"] for g in [sd, *sd["doelstellingen"]]]
    acties = [a for g in goals for a in g["acties"]]
    assert (len(goals), len(acties)) == (31, 79)
    assert f"{len(goals)} doelstellingen en {len(acties)} acties" in out
    assert new.doelstellingen.count() == len(goals)
    assert Actie.objects.van_plan(new).count() == len(acties)
    assert new.in_voorbereiding()
    assert (new.van_jaar, new.tot_jaar, new.rapportering) == (2027, 2032, old.rapportering)
    # The seed's timing ("2020 - 2021", ...) belongs to the old period: not carried over.
    assert Actie.objects.van_plan(old).exclude(timing_tekst="").exists()
    assert not Actie.objects.van_plan(new).exclude(
        van_jaar=None, tot_jaar=None, timing_tekst=""
    ).exists()


def test_every_copy_continues_its_original_by_identity(coordinator):
    old = load_seed(coordinator)
    document = old.versies.get(nummer=1).data()
    new = start(old, coordinator)
    copies = {g.voortzetting_van_id: g for g in new.doelstellingen.all()}
    for sd in document["doelstellingen"]:
        for goal in [sd, *sd["doelstellingen"]]:
            copy = copies[goal["id"]]
            assert (copy.code, copy.formulering) == (goal["code"], goal["formulering"])
            assert copy.voortzetting_van.plan_id == old.pk
            for actie in goal["acties"]:
                kopie = Actie.objects.get(voortzetting_van_id=actie["id"])
                assert kopie.doelstelling_id == copy.pk
                assert kopie.omschrijving == actie["omschrijving"]
                assert (kopie.regierol or None) == actie["regierol"]
                assert (kopie.actorrol or None) == actie["actorrol"]
                assert kopie.alle_gemeenten == actie["spreiding"]["alle_gemeenten"]
                assert sorted(a.actor_id for a in kopie.betrokkenen.all()) == sorted(
                    a["id"] for a in actie["actoren"]
                )


def test_zie_ook_points_at_the_new_plans_goals(coordinator):
    old = load_seed(coordinator)
    new = start(old, coordinator)
    linked = Actie.objects.van_plan(new).filter(zie_ook__isnull=False).distinct()
    assert linked.exists()
    for actie in linked:
        original = actie.voortzetting_van
        assert {g.plan_id for g in actie.zie_ook.all()} == {new.pk}
        assert sorted(g.code for g in actie.zie_ook.all()) == sorted(
            g.code for g in original.zie_ook.all()
        )


def test_timing_and_progress_are_not_carried_over(coordinator):
    old = make_plan(van_jaar=2020, tot_jaar=2025)
    od = make_od(make_sd(old, "Participatie"), "Drempels verlagen")
    halle = make_gemeente("Halle")
    actor = make_actor("Bibliotheek Halle")
    actie = make_actie(
        od, "Voorlezen", alle_gemeenten=False, van_jaar=2021, tot_jaar=2022,
        timing_tekst="2021 - 2022", actoren=[(actor, "trekker")],
    )
    actie.gemeenten.set([halle])
    Voortgangsrapport.objects.create(
        actie=actie, actor=actor, jaar=2021, halfjaar=0, status="afgerond", percentage=100,
        fase=Voortgangsrapport.Fase.GOEDGEKEURD,
    )
    publish_version(plan=old, naam="Eerste", user=coordinator)
    new = start(old, coordinator)
    kopie = Actie.objects.van_plan(new).get()
    assert (kopie.van_jaar, kopie.tot_jaar, kopie.timing_tekst) == (None, None, "")
    assert not kopie.rapporten.exists()
    assert list(kopie.gemeenten.all()) == [halle]
    assert kopie.betrokkenen.get().rol == ActieActor.Rol.TREKKER
    assert kopie.history.first().history_user == coordinator
    assert kopie.history.first().history_change_reason.startswith("Overgenomen uit")


def test_a_merged_municipality_becomes_the_one_it_merged_into(coordinator):
    old = make_plan(van_jaar=2020, tot_jaar=2025)
    od = make_od(make_sd(old, "Participatie"), "Drempels verlagen")
    pajottegem = make_gemeente("Pajottegem")
    gooik = make_gemeente("Gooik", opgegaan_in=pajottegem, fusiedatum=datetime.date(2025, 1, 1))
    make_actie(od, "In Gooik", alle_gemeenten=False).gemeenten.set([gooik])
    publish_version(plan=old, naam="Eerste", user=coordinator)
    kopie = Actie.objects.van_plan(start(old, coordinator)).get()
    assert list(kopie.gemeenten.all()) == [pajottegem]


def test_version_n_is_the_starting_point_when_asked(coordinator):
    old = load_seed(coordinator)
    sd1 = old.doelstellingen.get(code="SD1")
    sd1.formulering = "Herschreven na versie 1"
    sd1.save()
    publish_version(plan=old, naam="Tweede", user=coordinator)
    from_one = start(old, coordinator, versie_nummer=1)
    assert from_one.doelstellingen.get(code="SD1").formulering != "Herschreven na versie 1"


def test_last_version_is_the_default(coordinator):
    old = load_seed(coordinator)
    sd1 = old.doelstellingen.get(code="SD1")
    sd1.formulering = "Herschreven na versie 1"
    sd1.save()
    publish_version(plan=old, naam="Tweede", user=coordinator)
    new = start(old, coordinator)
    assert new.doelstellingen.get(code="SD1").formulering == "Herschreven na versie 1"


def counts():
    return (
        Beleidsplan.objects.count(), Doelstelling.objects.count(), Actie.objects.count(),
        ActieActor.objects.count(), Doelstelling.history.count(), Actie.history.count(),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"van_jaar": 2025, "tot_jaar": 2030}, "overlapt"),
        ({"van_jaar": 2032, "tot_jaar": 2027}, "eindjaar"),
        ({"versie_nummer": 7}, "geen gepubliceerde versie 7"),
        ({"titel": "  "}, "titel"),
    ],
)
def test_a_refusal_writes_nothing(coordinator, kwargs, message):
    old = load_seed(coordinator)
    before = counts()
    with pytest.raises(SuccessionRefused) as refusal:
        start(old, coordinator, **kwargs)
    assert message in " ".join(refusal.value.messages)
    assert counts() == before


def test_a_plan_without_a_published_version_cannot_be_succeeded(coordinator):
    old = load_seed()  # not published
    before = counts()
    with pytest.raises(CommandError, match="nog geen gepubliceerde versie"):
        run_command(
            "--van-plan", str(old.pk), "--titel", "Volgend", "--van", "2027", "--tot", "2032"
        )
    assert counts() == before


def test_a_plan_has_one_successor(coordinator):
    old = load_seed(coordinator)
    start(old, coordinator)
    before = counts()
    with pytest.raises(CommandError, match="heeft al een volgend plan"):
        run_command(
            "--van-plan", str(old.pk), "--titel", "Nog een", "--van", "2033", "--tot", "2038"
        )
    assert counts() == before


def test_a_goal_continues_only_a_goal_of_the_previous_plan(coordinator):
    old = load_seed(coordinator)
    new = start(old, coordinator)
    other = make_plan(titel="Ander plan", van_jaar=2040, tot_jaar=2045)
    stranger = make_sd(other, "Elders")
    goal = new.doelstellingen.get(code="SD1")
    goal.voortzetting_van = stranger
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "voortzetting_van" in error.value.message_dict
    actie = Actie.objects.van_plan(new).first()
    actie.voortzetting_van = make_actie(make_od(stranger, "x"), "Elders")
    with pytest.raises(ValidationError) as error:
        actie.full_clean()
    assert "voortzetting_van" in error.value.message_dict


# --- Open data -------------------------------------------------------------------------------


def test_open_data_says_where_each_goal_and_action_comes_from(coordinator):
    from beleidsplan.export import build_plan_document

    from .test_export import all_actions, all_goals, assert_valid

    old = load_seed(coordinator)
    new = start(old, coordinator)
    extra = make_sd(new, "Een nieuwe doelstelling")
    doc = build_plan_document(new)
    assert_valid(doc)
    herkomst = {g["id"]: g["herkomst"] for g in all_goals(doc)}
    assert herkomst.pop(extra.pk) is None
    originals = dict(new.doelstellingen.values_list("pk", "voortzetting_van_id"))
    assert herkomst == {pk: {"plan": old.pk, "id": originals[pk]} for pk in herkomst}
    for actie in all_actions(doc):
        kopie = Actie.objects.get(pk=actie["id"])
        assert actie["herkomst"] == {"plan": old.pk, "id": kopie.voortzetting_van_id}
    # The old plan's own document: it continues nothing.
    old_doc = build_plan_document(old)
    assert_valid(old_doc)
    assert {g["herkomst"] for g in all_goals(old_doc)} == {None}


# --- The plan in preparation -----------------------------------------------------------------

NEXT_TITLE = "Beleidsplan Zender 2027-2032"


@pytest.fixture
def two_plans(coordinator):
    """The seed's plan (version 1 published) and its successor in preparation."""
    old = load_seed(coordinator)
    return old, start(old, coordinator, titel=NEXT_TITLE)


def test_a_plan_in_preparation_is_invisible_to_visitors(client, two_plans):
    old, new = two_plans
    assert NEXT_TITLE not in client.get("/").content.decode()
    assert client.get(reverse("plan:plan", args=[new.pk])).status_code == 404
    assert client.get(reverse("plan:versies", args=[new.pk])).status_code == 404
    assert client.get(reverse("plan:plan", args=[old.pk])).status_code == 200
    assert list(Beleidsplan.objects.in_voorbereiding()) == [new]
    assert list(Beleidsplan.objects.lopend()) == [old]


def test_the_steering_group_sees_the_plan_in_preparation(client, stuurgroeplid, two_plans):
    _, new = two_plans
    client.force_login(stuurgroeplid)
    assert NEXT_TITLE in client.get("/").content.decode()
    response = client.get(reverse("plan:plan", args=[new.pk]))
    assert response.status_code == 200
    assert new.doelstellingen.get(code="SD1").formulering[:40] in response.content.decode()


# --- The admin actions -----------------------------------------------------------------------


def changelist():
    return reverse("admin:beleidsplan_beleidsplan_changelist")


def test_coordinator_starts_the_next_plan_from_the_admin(coordinator_client, coordinator):
    old = load_seed(coordinator)
    response = coordinator_client.post(
        changelist(), {"action": "start_next_plan_action", "_selected_action": [old.pk]}
    )
    page = reverse("admin:beleidsplan_beleidsplan_next_plan", args=[old.pk])
    assert response.status_code == 302 and response.url == page
    form = coordinator_client.get(page)
    html = form.content.decode()
    assert "Het plan na" in html
    assert 'value="2026"' in html and 'value="2031"' in html  # the six years after 2020-2025
    assert "Versie 1: De nota hoe ze was" in html
    response = coordinator_client.post(
        page, {"titel": NEXT_TITLE, "van_jaar": 2027, "tot_jaar": 2032, "versie": 1},
        follow=True,
    )
    new = Beleidsplan.objects.get(vorig_plan=old)
    html = response.content.decode()
    assert "31 doelstellingen en 79 acties overgenomen" in html
    assert reverse("admin:beleidsplan_beleidsplan_change", args=[new.pk]) in html
    assert "in voorbereiding" in html  # the list's state column


def test_the_admin_forms_of_a_copy_name_what_it_continues(coordinator_client, two_plans):
    old, new = two_plans
    goal = new.doelstellingen.get(code="SD1-OD1")
    actie = Actie.objects.van_plan(new).filter(doelstelling=goal).first()
    for url, original in (
        (reverse("admin:beleidsplan_doelstelling_change", args=[goal.pk]), goal.voortzetting_van),
        (reverse("admin:acties_actie_change", args=[actie.pk]), actie.voortzetting_van),
    ):
        html = coordinator_client.get(url).content.decode()
        assert "Zet voort" in html
        assert reverse(
            f"admin:{original._meta.app_label}_{original._meta.model_name}_change",
            args=[original.pk],
        ) in html


def test_the_admin_page_shows_a_refusal_and_writes_nothing(coordinator_client, coordinator):
    old = load_seed(coordinator)
    page = reverse("admin:beleidsplan_beleidsplan_next_plan", args=[old.pk])
    before = counts()
    response = coordinator_client.post(
        page, {"titel": NEXT_TITLE, "van_jaar": 2024, "tot_jaar": 2029, "versie": 1}
    )
    assert response.status_code == 200
    assert "overlapt met de periode" in response.content.decode()
    assert counts() == before


def test_a_steering_member_cannot_use_the_admin_actions(client, stuurgroeplid, coordinator):
    old = load_seed(coordinator)
    client.force_login(stuurgroeplid)
    for name in ("beleidsplan_beleidsplan_next_plan", "beleidsplan_beleidsplan_close"):
        page = reverse(f"admin:{name}", args=[old.pk])
        response = client.post(
            page, {"titel": NEXT_TITLE, "van_jaar": 2027, "tot_jaar": 2032, "versie": 1}
        )
        assert response.status_code == 302 and "/login/" in response.url
    assert not Beleidsplan.objects.filter(vorig_plan=old).exists()
    old.refresh_from_db()
    assert old.afgesloten_op is None


# --- Closing a plan --------------------------------------------------------------------------


@pytest.fixture
def reporting(coordinator, partner_a, actor_a):
    """A running plan with an action of partner A, an approved report of 2021 and a draft
    of 2022."""
    plan = make_plan(titel="Beleidsplan 2020-2025", van_jaar=2020, tot_jaar=2025)
    od = make_od(make_sd(plan, "Participatie"), "Drempels verlagen")
    actie = make_actie(od, "Voorlezen in de bib", actoren=[(actor_a, "trekker")])
    publish_version(plan=plan, naam="De nota", user=coordinator)
    with mock.patch.object(perioden, "local_today", return_value=datetime.date(2022, 2, 1)):
        done = services.save_report(
            actie=actie, user=partner_a, submit=True,
            data={"jaar": 2021, "halfjaar": 0, "status": "op_schema", "percentage": 50,
                  "wat_gedaan": "Twaalf voorleesmomenten"},
        )
        services.approve_report(rapport=done, user=coordinator)
        draft = services.save_report(
            actie=actie, user=partner_a,
            data={"jaar": 2022, "halfjaar": 0, "status": "lopend", "wat_gedaan": "Bezig"},
        )
    return SimpleNamespace(plan=plan, od=od, actie=actie, done=done, draft=draft)


def test_the_close_page_lists_open_reports_and_proposals(coordinator_client, reporting):
    ronde = Herziening.objects.create(plan=reporting.plan, naam="Herziening 2023")
    Wijzigingsvoorstel.objects.create(
        herziening=ronde, soort="opmerking", doelstelling=reporting.od,
        motivatie="Moet nog verscherpt worden",
    )
    page = reverse("admin:beleidsplan_beleidsplan_close", args=[reporting.plan.pk])
    html = coordinator_client.get(page).content.decode()
    assert "Openstaande voortgangsrapporten" in html
    assert "Voorlezen in de bib, 2022" in html  # the draft
    assert "Voorlezen in de bib, 2021" not in html  # approved: not open
    assert "Herziening 2023" in html
    response = coordinator_client.post(page, follow=True)
    assert "is afgesloten" in response.content.decode()
    reporting.plan.refresh_from_db()
    assert reporting.plan.is_afgesloten
    assert list(Beleidsplan.objects.afgesloten()) == [reporting.plan]


def test_a_closed_plan_refuses_edits_in_the_admin(coordinator_client, coordinator, reporting):
    close_plan(plan=reporting.plan, user=coordinator)
    for name, obj, field in (
        ("beleidsplan_beleidsplan_change", reporting.plan, "titel"),
        ("beleidsplan_doelstelling_change", reporting.od, "formulering"),
        ("acties_actie_change", reporting.actie, "omschrijving"),
    ):
        url = reverse(f"admin:{name}", args=[obj.pk])
        page = coordinator_client.get(url)
        assert page.status_code == 200  # still readable
        assert "Dit plan is afgesloten op" in page.content.decode()
        response = coordinator_client.post(url, {field: "Gewijzigd na het afsluiten"})
        assert response.status_code == 403
        delete = coordinator_client.post(
            reverse(f"admin:{name.replace('_change', '_delete')}", args=[obj.pk]),
            {"post": "yes"},
        )
        assert delete.status_code == 403
        # Nor by reverting to an earlier version from its history.
        version = obj.history.earliest()
        revert = coordinator_client.post(
            reverse(f"admin:{name.replace('_change', '_simple_history')}",
                    args=[obj.pk, version.history_id]),
            {field: "Gewijzigd na het afsluiten"},
        )
        assert revert.status_code == 403
    reporting.od.refresh_from_db()
    reporting.actie.refresh_from_db()
    assert "Gewijzigd" not in reporting.od.formulering + reporting.actie.omschrijving
    # No new goals or actions in the closed plan either: it is not among the choices.
    response = coordinator_client.post(
        reverse("admin:beleidsplan_doelstelling_add"),
        {"plan": reporting.plan.pk, "formulering": "Nieuw", "_save": "1"},
    )
    assert response.status_code == 200  # the form again, with an error
    assert not reporting.plan.doelstellingen.filter(formulering="Nieuw").exists()


def test_a_closed_plan_refuses_reports(client, coordinator, partner_a, reporting):
    close_plan(plan=reporting.plan, user=coordinator)
    with mock.patch.object(perioden, "local_today", return_value=datetime.date(2022, 2, 1)):
        with pytest.raises(ValidationError, match="afgesloten"):
            services.save_report(
                actie=reporting.actie, user=partner_a, rapport=reporting.draft, submit=True,
                data={"status": "lopend", "wat_gedaan": "Toch nog"},
            )
        client.force_login(partner_a)
        form = client.get(reverse("partner:rapport", args=[reporting.actie.pk]) + "?periode=2022")
        assert "er kunnen geen rapporten meer bij" in form.content.decode()
        response = client.post(
            reverse("partner:rapport", args=[reporting.actie.pk]) + "?periode=2022",
            {"status": "lopend", "wat_gedaan": "Toch nog", "indienen": "1"},
        )
    assert "er kunnen geen rapporten meer bij" in response.content.decode()
    reporting.draft.refresh_from_db()
    assert reporting.draft.fase == Voortgangsrapport.Fase.CONCEPT


def test_a_closed_plan_stays_readable(client, coordinator, reporting):
    close_plan(plan=reporting.plan, user=coordinator)
    plan = reporting.plan
    for path in (
        reverse("plan:plan", args=[plan.pk]),
        reverse("plan:versies", args=[plan.pk]),
        reverse("plan:versie", args=[plan.pk, 1]),
        reverse("plan:voortgang", args=[plan.pk]),
        reverse("plan:actie", args=[reporting.actie.pk]),
        reverse("plan:jaarverslag", args=[plan.pk, 2021]),
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Twaalf voorleesmomenten" in client.get(
        reverse("plan:jaarverslag", args=[plan.pk, 2021])
    ).content.decode()


def test_closing_twice_is_refused(coordinator, reporting):
    close_plan(plan=reporting.plan, user=coordinator)
    with pytest.raises(SuccessionRefused, match="al afgesloten"):
        close_plan(plan=reporting.plan, user=coordinator)


# --- Query counts of the admin pages this adds ----------------------------------------------


def _plan_with_open_items(size: int, coordinator):
    plan = make_plan(titel=f"Plan {size}", van_jaar=2020, tot_jaar=2025)
    ronde = Herziening.objects.create(plan=plan, naam="Herziening")
    actor = make_actor(f"Actor {size}")
    for n in range(size):
        od = make_od(make_sd(plan, f"SD {n}"), f"OD {n}")
        actie = make_actie(od, f"Actie {n}", actoren=[(actor, "trekker")])
        Voortgangsrapport.objects.create(
            actie=actie, actor=actor, jaar=2022, status="lopend",
            fase=Voortgangsrapport.Fase.INGEDIEND,
        )
        Wijzigingsvoorstel.objects.create(
            herziening=ronde, soort="opmerking", doelstelling=od, motivatie=f"Vraag {n}"
        )
    publish_version(plan=plan, naam="Eerste", user=coordinator)
    return plan


def test_the_close_page_costs_the_same_whatever_the_number_of_open_items(
    coordinator_client, coordinator, django_assert_num_queries
):
    from .queries import warm

    small = _plan_with_open_items(1, coordinator)
    budget = warm(
        coordinator_client, reverse("admin:beleidsplan_beleidsplan_close", args=[small.pk])
    )
    large = _plan_with_open_items(6, coordinator)
    page = reverse("admin:beleidsplan_beleidsplan_close", args=[large.pk])
    coordinator_client.get(page)  # warm, as for the small plan
    with django_assert_num_queries(budget):
        response = coordinator_client.get(page)
    assert response.content.decode().count("<li>Herziening: ") == 6


def test_the_next_plan_page_and_plan_list_cost_the_same_whatever_the_plans_size(
    coordinator_client, coordinator
):
    from .queries import warm

    counts_by_size = {}
    for size in (1, 6):
        plan = _plan_with_open_items(size, coordinator)
        page = reverse("admin:beleidsplan_beleidsplan_next_plan", args=[plan.pk])
        counts_by_size[size] = (
            warm(coordinator_client, page), warm(coordinator_client, changelist())
        )
    assert counts_by_size[1] == counts_by_size[6]


def test_forms_and_spreadsheet_imports_of_a_closed_plans_rows_are_refused(coordinator, reporting):
    """The models' own check, which the spreadsheet imports run for every row."""
    close_plan(plan=reporting.plan, user=coordinator)
    goal = Doelstelling.objects.get(pk=reporting.od.pk)
    goal.formulering = "Gewijzigd"
    with pytest.raises(ValidationError, match="afgesloten"):
        goal.full_clean()
    actie = Actie.objects.get(pk=reporting.actie.pk)
    actie.omschrijving = "Gewijzigd"
    with pytest.raises(ValidationError, match="afgesloten"):
        actie.full_clean()


def test_partners_do_not_see_the_plan_in_preparation(client, coordinator, partner_a, reporting):
    new = start(reporting.plan, coordinator, titel=NEXT_TITLE)
    kopie = Actie.objects.van_plan(new).get()
    assert kopie.betrokkenen.get().actor.gebruikers.filter(pk=partner_a.pk).exists()
    assert list(Actie.objects.bewerkbaar_door(partner_a)) == [reporting.actie]
    client.force_login(partner_a)
    assert NEXT_TITLE not in client.get(reverse("partner:mijn_acties")).content.decode()
    assert client.get(reverse("partner:rapport", args=[kopie.pk])).status_code == 404
    # Once it publishes a version it runs, and its actions are the partner's too.
    publish_version(plan=new, naam="Eerste versie", user=coordinator)
    assert set(Actie.objects.bewerkbaar_door(partner_a)) == {reporting.actie, kopie}


def test_a_closed_plan_gets_no_reminders(coordinator, reporting, mailoutbox):
    # In the grace window of 2022, whose report is still a draft.
    call_command("stuur_herinneringen", "--datum", "2023-02-01", stdout=io.StringIO())
    assert len(mailoutbox) == 1
    close_plan(plan=reporting.plan, user=coordinator)
    mailoutbox.clear()
    call_command("stuur_herinneringen", "--datum", "2023-02-01", stdout=io.StringIO())
    assert mailoutbox == []


# --- Proposals and versions of a closed plan ------------------------------------------------


def test_a_closed_plan_accepts_no_proposal_and_publishes_no_version(coordinator, reporting):
    from beleidsplan.services import ProposalNotApplicable, accept_proposal

    ronde = Herziening.objects.create(plan=reporting.plan, naam="Herziening 2025")
    voorstel = Wijzigingsvoorstel.objects.create(
        herziening=ronde, soort=Wijzigingsvoorstel.Soort.HERFORMULEREN,
        doelstelling=reporting.od, nieuwe_formulering="Drempels wegwerken",
    )
    close_plan(plan=reporting.plan, user=coordinator)
    with pytest.raises(ProposalNotApplicable, match="afgesloten"):
        accept_proposal(voorstel=voorstel, user=coordinator)
    with pytest.raises(ValidationError, match="afgesloten"):
        publish_version(plan=reporting.plan, naam="Na afsluiten", user=coordinator)
    voorstel.refresh_from_db()
    reporting.od.refresh_from_db()
    assert voorstel.is_open
    assert reporting.od.formulering == "Drempels verlagen"
    assert reporting.plan.versies.count() == 1


def test_a_closed_plan_takes_no_new_proposals(coordinator, reporting):
    ronde = Herziening.objects.create(plan=reporting.plan, naam="Herziening 2026")
    close_plan(plan=reporting.plan, user=coordinator)
    voorstel = Wijzigingsvoorstel(
        herziening=Herziening.objects.get(pk=ronde.pk),  # loaded fresh, as a form does
        soort=Wijzigingsvoorstel.Soort.HERFORMULEREN,
        doelstelling=reporting.od, nieuwe_formulering="Drempels wegwerken",
    )
    with pytest.raises(ValidationError, match="afgesloten"):
        voorstel.full_clean()


def test_commands_without_plan_work_on_the_plan_that_runs_not_the_one_in_preparation(
    coordinator,
):
    old = load_seed(coordinator)
    start_next_plan(
        van_plan=old, titel="Beleidsplan 2027-2032", van_jaar=2027, tot_jaar=2032,
        user=coordinator,
    )
    out = io.StringIO()

    call_command("exporteer_plan", stdout=out)

    assert json.loads(out.getvalue())["plan"]["id"] == old.pk

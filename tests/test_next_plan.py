"""The next plan (issue 13, beleidsplan/succession.py): the coordinator starts the
2027-2032 plan from a published version of the seed's plan, every goal and action carried
over and linked to the one it continues; the plan in preparation stays among insiders;
the old plan is closed when its period is over and stays readable."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from acties.models import Actie, ActieActor, Voortgangsrapport
from beleidsplan.models import Beleidsplan, Doelstelling
from beleidsplan.services import publish_version
from beleidsplan.succession import SuccessionRefused, start_next_plan

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

"""The real data in fixtures/: municipalities, actors and the plan 2020-2025 from the seed.

The fixtures are loaded once per module (``loaded``). The last test imports the seed again
and compares, so the plan fixture cannot drift from what the importer makes of the seed.
"""

from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from acties.models import Actie, ActieActor
from actoren.models import Actor, Gemeente
from beleidsplan.importer import import_nota
from beleidsplan.models import Beleidsplan, Doelstelling

pytestmark = pytest.mark.django_db

FIXTURES = ["gemeenten", "actoren", "beleidsplan"]  # in loading order
PLAN_TITLE = "Beleidsplan cultuurregio Pajottenland-Zennevallei 2020-2025"
# A copy of ../shared/seed/000_fde8e90bc097a083.txt kept in the repository, so these tests
# always run (a clone has no ../shared).
SEED = settings.BASE_DIR / "fixtures" / "nota" / "beleidsplan-2020-2025.txt"
MEMBERS_2020_2025 = [
    "Affligem", "Beersel", "Bever", "Dilbeek", "Drogenbos", "Galmaarden", "Gooik", "Halle",
    "Herne", "Lennik", "Liedekerke", "Pepingen", "Roosdaal", "Sint-Pieters-Leeuw", "Ternat",
]


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The three fixtures, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *FIXTURES, verbosity=0)
        yield Beleidsplan.objects.get(titel=PLAN_TITLE)
        transaction.set_rollback(True)


def goal(plan, code: str) -> Doelstelling:
    return Doelstelling.objects.get(plan=plan, code=code)


def acties_of(plan, code: str) -> list[Actie]:
    return list(Actie.objects.filter(doelstelling=goal(plan, code)).order_by("volgorde"))


def test_plan_has_5_sd_26_od_and_79_actions(loaded):
    plan = loaded
    assert (plan.van_jaar, plan.tot_jaar) == (2020, 2025)
    goals = Doelstelling.objects.filter(plan=plan)
    assert goals.strategisch().count() == 5
    assert goals.operationeel().count() == 26
    assert Actie.objects.van_plan(plan).count() == 79


def test_codes_are_in_plan_order(loaded):
    codes = list(
        Doelstelling.objects.filter(plan=loaded)
        .order_by("tree_id", "lft")
        .values_list("code", flat=True)
    )
    assert [c for c in codes if "-" not in c] == ["SD1", "SD2", "SD3", "SD4", "SD5"]
    assert codes[:7] == ["SD1", "SD1-OD1", "SD1-OD2", "SD1-OD3", "SD1-OD4", "SD1-OD5", "SD2"]
    assert codes[-1] == "SD5-OD7"
    # The stored codes are the ones the tree gives: refreshing them changes nothing.
    assert sorted(loaded.refresh_codes().values()) == sorted(codes)
    assert list(
        Doelstelling.objects.filter(plan=loaded)
        .order_by("tree_id", "lft")
        .values_list("code", flat=True)
    ) == codes


def test_mptt_tree_is_valid_after_loaddata(loaded):
    goals = list(Doelstelling.objects.filter(plan=loaded).order_by("tree_id", "lft"))
    before = [(g.pk, g.tree_id, g.lft, g.rght, g.level) for g in goals]
    for sd in (g for g in goals if g.parent_id is None):
        children = list(sd.get_children())
        assert [c.code for c in children] == [
            f"{sd.code}-OD{n}" for n in range(1, len(children) + 1)
        ]
        assert sd.get_descendant_count() == len(children)
        assert all(list(c.get_ancestors()) == [sd] for c in children)
    # Rebuilding from the parent links gives the very same lft/rght: the dump was consistent.
    Doelstelling.objects.rebuild()
    after = [
        (g.pk, g.tree_id, g.lft, g.rght, g.level)
        for g in Doelstelling.objects.filter(plan=loaded).order_by("tree_id", "lft")
    ]
    assert after == before


def test_municipalities_of_the_plan_period_and_the_merger():
    call_command("loaddata", "gemeenten", verbosity=0)
    members = Gemeente.objects.exclude(naam="Pajottegem")
    assert sorted(members.values_list("naam", flat=True)) == MEMBERS_2020_2025
    assert all(len(g.nis_code) == 5 for g in members)
    assert Gemeente.objects.get(naam="Halle").nis_code == "23027"
    assert list(Gemeente.objects.filter(faciliteitengemeente=True)) == [
        Gemeente.objects.get(naam="Drogenbos")
    ]
    pajottegem = Gemeente.objects.get(naam="Pajottegem")
    assert sorted(pajottegem.fusiegemeenten.values_list("naam", flat=True)) == [
        "Galmaarden", "Gooik", "Herne",
    ]
    assert {g.fusiedatum for g in pajottegem.fusiegemeenten.all()} == {date(2025, 1, 1)}
    assert Gemeente.objects.huidig(op=date(2024, 12, 31)).count() == 16
    in_2025 = Gemeente.objects.huidig(op=date(2025, 1, 1))
    assert in_2025.count() == 13 and pajottegem in in_2025
    for gemeente in Gemeente.objects.all():
        gemeente.full_clean()


def test_actors_of_the_seed_with_their_other_spellings():
    call_command("loaddata", "gemeenten", "actoren", verbosity=0)
    names = set(Actor.objects.values_list("naam", flat=True))
    for naam in [
        "vzw 'de Rand'", "Erfgoedcel", "IOED", "Regiobib", "Cultuurconnect", "Archeduc",
        "School van Gaasbeek", "Pep-in-Gen", "Villa Hellebosch", "Teirlinckhuis", "Rosario",
        "CoderDojo", "Wereldmaand", "Cultuur- en gemeenschapscentra", "Lokale bibliotheken",
        "Regionale jeugdwerking", "Projectvereniging Druivenstreek",
        "Projectvereniging Noordrand",
    ]:
        assert naam in names
    assert not Actor.objects.filter(naam__icontains="IGS").exists()
    rand = Actor.objects.get(naam="vzw 'de Rand'")
    assert rand.aliassen.splitlines() == ["vzw de Rand", "vzw De Rand"]
    assert {"cc's", "gc's", "cultuur- en gemeenschapscentra"} <= set(
        Actor.objects.get(naam="Cultuur- en gemeenschapscentra").aliassen.splitlines()
    )
    assert "Coderojo" in Actor.objects.get(naam="CoderDojo").aliassen.splitlines()
    for actor in Actor.objects.all():
        actor.full_clean()  # valid soort and niveau


def test_spot_checks_of_actions(loaded):
    first, rand, _jeugd = acties_of(loaded, "SD1-OD1")
    assert first.omschrijving.startswith(
        "De regisseur legt contact met culturele sterkhouders en belangrijke regionale"
    )
    assert first.regierol == "Contacten leggen en partners bovenlokaal bijeen brengen"
    assert first.actorrol == (
        "Partners identificeren, werking van regionale partners koppelen aan lokale werking"
    )
    assert (first.timing, first.van_jaar, first.tot_jaar) == ("2020 - 2021", 2020, 2021)
    assert "vzw de Rand" in rand.omschrijving
    assert (rand.timing_tekst, rand.van_jaar, rand.tot_jaar) == ("2021", 2021, 2021)
    assert rand.regierol == "Beleidslijnen samen uitzetten, afspraken maken en taken verdelen"
    sd3_first = acties_of(loaded, "SD3-OD1")[0]
    assert sd3_first.regierol == ""
    assert sd3_first.actorrol == "Overleg Erfgoedcel-Regiobib"
    faciliteiten = acties_of(loaded, "SD5-OD5")[2]
    assert faciliteiten.omschrijving == "De relatie met de faciliteitengemeenten uitklaren"
    for actie in Actie.objects.van_plan(loaded):
        assert actie.alle_gemeenten and actie.spreiding_toelichting == ""
        assert not actie.gemeenten.exists()
    assert goal(loaded, "SD2-OD1").spreiding == "alle gemeenten"
    assert goal(loaded, "SD4-OD5").formulering.endswith("en opzetten van 'lerende' netwerken")


def test_texts_have_no_markup(loaded):
    for g in Doelstelling.objects.filter(plan=loaded):
        assert "<i>" not in g.formulering and "</i>" not in g.formulering
    for a in Actie.objects.van_plan(loaded):
        for text in (a.omschrijving, a.regierol, a.actorrol):
            assert "<i>" not in text and "</i>" not in text


def test_zie_ook_link_is_visible_from_both_sides(loaded):
    boekenstoet = acties_of(loaded, "SD1-OD2")[0]
    assert "'Boekenstoet'" in boekenstoet.omschrijving
    target = goal(loaded, "SD4-OD3")
    assert list(boekenstoet.zie_ook.all()) == [target]
    assert boekenstoet in target.zie_ook_acties.all()
    links = Actie.zie_ook.through.objects.filter(actie__doelstelling__plan=loaded)
    assert links.count() == 26


def test_actor_links(loaded):
    rand = Actor.objects.get(naam="vzw 'de Rand'")
    assert acties_of(loaded, "SD1-OD1")[1] in rand.acties.all()
    first = acties_of(loaded, "SD1-OD1")[0]
    assert set(first.actoren.values_list("naam", flat=True)) == {
        "School van Gaasbeek", "Pep-in-Gen", "Villa Hellebosch",
    }
    assert set(ActieActor.objects.values_list("rol", flat=True)) == {ActieActor.Rol.PARTNER}


def test_taglines_follow_the_seed_picture_and_nothing_is_transversaal(loaded):
    taglines = dict(
        Doelstelling.objects.filter(plan=loaded).strategisch().values_list("code", "tagline")
    )
    assert taglines == {
        "SD1": "CULTUURPARTICIPATIE in de regio VERGROTEN",
        "SD2": "CULTUURAANBOD in de regio VERSTERKEN, AFSTEMMEN & SPREIDEN",
        "SD3": "VANUIT CULTUUR INSPELEN OP ACTUELE MAATSCHAPPELIJKE TENDENSEN",
        "SD4": "ACTIEVE PARTICIPATIE & CO-CREATIE in de regio STIMULEREN",
        "SD5": "STERKE STRUCTUREN UITBOUWEN",
    }
    assert not Doelstelling.objects.filter(plan=loaded, transversaal=True).exists()


def snapshot(plan) -> dict:
    """What the importer decides, per plan, in plan order (pks and codes aside)."""
    goals = Doelstelling.objects.filter(plan=plan).order_by("tree_id", "lft")
    acties = Actie.objects.van_plan(plan).in_plan_order().prefetch_related("zie_ook", "actoren")
    return {
        "goals": [
            (g.code, g.formulering, g.spreiding, g.toelichting) for g in goals
        ],
        "acties": [
            (
                a.doelstelling.code, a.volgorde, a.omschrijving, a.regierol, a.actorrol,
                a.alle_gemeenten, a.spreiding_toelichting, a.timing_tekst, a.van_jaar,
                a.tot_jaar,
                sorted(g.code for g in a.zie_ook.all()),
                sorted(actor.naam for actor in a.actoren.all()),
            )
            for a in acties
        ],
    }


def test_fixture_equals_what_the_importer_makes_of_the_seed(loaded):
    fresh = Beleidsplan.objects.create(titel="Opnieuw ingelezen", van_jaar=2020, tot_jaar=2025)
    report = import_nota(path_or_text=SEED, plan=fresh)
    assert (report.sd_count, report.od_count, report.actie_count) == (5, 26, 79)
    expected, actual = snapshot(fresh), snapshot(loaded)
    assert len(actual["goals"]) == len(expected["goals"]) == 31
    assert [a[2] for a in actual["acties"]] == [a[2] for a in expected["acties"]]
    assert actual == expected
    assert ActieActor.objects.filter(actie__doelstelling__plan=loaded).count() == (
        report.actor_link_count
    )

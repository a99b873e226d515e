"""The plan as open data: ``cultuurregio-plan/1`` (docs/open-data.md) and ``exporteer_plan``."""

import datetime
import json
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator

from acties.models import Actie
from beleidsplan.export import build_plan_document, dump_document
from beleidsplan.models import Beleidsplan, Doelstelling

from .factories import (
    make_actie,
    make_actor,
    make_gemeente,
    make_od,
    make_plan,
    make_plan_tree,
    make_sd,
)

pytestmark = pytest.mark.django_db

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "cultuurregio-plan-1.schema.json"
REAL_FIXTURES = ["gemeenten", "actoren", "beleidsplan"]

# build_plan_document: goals, actions, their municipalities, their actors, their
# "zie ook" links, the municipalities of the region, the indicators with their measurements.
EXPORT_QUERIES = 8


def _closed(schema):
    """The schema with every object closed (additionalProperties: false).

    The published schema lets readers accept keys added later (the contract grows by
    adding fields); our own output must not carry a key the schema does not describe.
    """
    if isinstance(schema, dict):
        schema = {key: _closed(value) for key, value in schema.items()}
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)
        return schema
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


PUBLISHED_SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(
    _closed(PUBLISHED_SCHEMA), format_checker=Draft202012Validator.FORMAT_CHECKER
)


def assert_valid(doc):
    errors = sorted(VALIDATOR.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]
    )


def all_goals(doc):
    for sd in doc["doelstellingen"]:
        yield sd
        yield from sd["doelstellingen"]


def all_actions(doc):
    for goal in all_goals(doc):
        yield from goal["acties"]


def assert_consistent(doc):
    """What the schema cannot say: unique ids and codes, references that resolve."""
    goals, actions = list(all_goals(doc)), list(all_actions(doc))
    assert len({g["id"] for g in goals}) == len(goals)
    codes = [g["code"] for g in goals]
    assert len(set(codes)) == len(codes)
    assert len({a["id"] for a in actions}) == len(actions)
    names = {g["naam"] for g in doc["gemeenten"]}
    ids = {g["id"] for g in doc["gemeenten"]}
    for gemeente in doc["gemeenten"]:
        assert gemeente["opgegaan_in"] is None or gemeente["opgegaan_in"] in ids
    for action in actions:
        assert set(action["spreiding"]["gemeenten"]) <= names
        assert set(action["zie_ook"]) <= set(codes)
    for sd in doc["doelstellingen"]:
        for od in sd["doelstellingen"]:
            assert od["code"].startswith(sd["code"] + "-")


def goal_by_id(doc, pk):
    return next(g for g in all_goals(doc) if g["id"] == pk)


def action_by_id(doc, pk):
    return next(a for a in all_actions(doc) if a["id"] == pk)


@pytest.fixture
def small_plan():
    """Two SDs (the second cross-cutting), three ODs, three actions, merged municipalities."""
    pajottegem = make_gemeente("Pajottegem", nis_code="23106")
    halle = make_gemeente("Halle", nis_code="23027")
    gooik = make_gemeente(
        "Gooik", nis_code="23024", opgegaan_in=pajottegem, fusiedatum=datetime.date(2025, 1, 1)
    )
    dilbeek = make_gemeente("Dilbeek", nis_code="23016")
    make_gemeente("Écaussinnes")
    # Merged away before the plan started: not one of the plan's municipalities.
    make_gemeente("Oudegem", opgegaan_in=halle, fusiedatum=datetime.date(2019, 1, 1))

    rand = make_actor("vzw 'de Rand'")
    regiobib = make_actor("Regiobib")
    erfgoedcel = make_actor("Erfgoedcel")

    plan = make_plan(titel="Beleidsplan Pajottenland-Zennevallei")
    sd1 = make_sd(
        plan, "De cultuurparticipatie verhogen",
        tagline="CULTUURPARTICIPATIE in de regio VERGROTEN",
    )
    sd2 = make_sd(plan, "Sterke structuren", transversaal=True)
    netwerk = make_od(sd1, "Het netwerk versterken")
    spreiden = make_od(sd1, "Acties spreiden over de regio")
    structuren = make_od(sd2, "Samenwerking tussen de gemeenten")

    contact = make_actie(
        netwerk, "De regisseur legt contact met culturele sterkhouders",
        volgorde=0, van_jaar=2020, tot_jaar=2021, timing_tekst="2020 - 2021",
        actoren=[(rand, "partner"), (regiobib, "trekker"), (erfgoedcel, "partner")],
    )
    # Added in reverse plan order: the export lists them in plan order.
    contact.zie_ook.add(structuren)
    contact.zie_ook.add(spreiden)
    gekozen = make_actie(
        netwerk, "Erfgoeddag in enkele gemeenten", volgorde=1, alle_gemeenten=False,
        regierol="", spreiding_toelichting="Waar een erfgoedkring is",
    )
    gekozen.gemeenten.set([halle, gooik, dilbeek])
    later = make_actie(structuren, "Gezamenlijke communicatie", van_jaar=2022)
    return SimpleNamespace(
        plan=plan, sd1=sd1, sd2=sd2, netwerk=netwerk, spreiden=spreiden,
        structuren=structuren, contact=contact, gekozen=gekozen, later=later,
        rand=rand, regiobib=regiobib, erfgoedcel=erfgoedcel,
    )


# The schema ----------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(PUBLISHED_SCHEMA)
    Draft202012Validator.check_schema(_closed(PUBLISHED_SCHEMA))


def test_published_schema_accepts_fields_added_later(small_plan):
    """Readers validating with this schema must not break when the contract grows."""
    doc = build_plan_document(small_plan.plan)
    doc["uitgever"] = "Zender"
    doc["doelstellingen"][0]["kleur"] = "#aa0000"
    assert Draft202012Validator(PUBLISHED_SCHEMA).is_valid(doc)
    assert not VALIDATOR.is_valid(doc)


def test_small_plan_validates_against_schema(small_plan):
    doc = build_plan_document(small_plan.plan)
    assert_valid(doc)
    assert_consistent(doc)


def test_real_plan_from_fixtures_validates_against_schema():
    """The seed's plan (fixtures/*.json) exports to a valid, consistent document."""
    fixture_dir = Path(settings.BASE_DIR) / "fixtures"
    missing = [name for name in REAL_FIXTURES if not (fixture_dir / f"{name}.json").exists()]
    if missing:
        pytest.fail(
            "The real-data export test needs fixtures/"
            + ", fixtures/".join(f"{name}.json" for name in missing)
            + " (the seed's municipalities, actors and plan)."
        )
    call_command("loaddata", *REAL_FIXTURES, verbosity=0)
    # Fixtures are raw rows: make the tree and codes consistent, as laad_demo does.
    Doelstelling.objects.rebuild()
    plans = list(Beleidsplan.objects.all())
    assert plans, "fixtures/beleidsplan.json holds no plan"
    for plan in plans:
        plan.refresh_codes()
        doc = build_plan_document(plan)
        assert_valid(doc)
        assert_consistent(doc)
        goals, actions = list(all_goals(doc)), list(all_actions(doc))
        assert len(goals) == Doelstelling.objects.filter(plan=plan).count()
        assert len(actions) == Actie.objects.van_plan(plan).count()
        assert doc["doelstellingen"] and actions
        # The goals' own notes travel along: the seed's ODs are for "alle gemeenten".
        od = doc["doelstellingen"][0]["doelstellingen"][0]
        assert od["spreiding"] == "alle gemeenten"


# The document's content ----------------------------------------------------------------


def test_header_of_the_working_state(small_plan):
    doc = build_plan_document(small_plan.plan)
    assert list(doc) == ["schema", "plan", "versie", "gemeenten", "doelstellingen"]
    assert doc["schema"] == "cultuurregio-plan/1"
    assert doc["plan"] == {
        "id": small_plan.plan.pk,
        "titel": "Beleidsplan Pajottenland-Zennevallei",
        "van": 2020,
        "tot": 2025,
    }
    assert doc["versie"] is None


def test_header_of_a_published_version(small_plan):
    """The shape ``publish_version`` will store: local time with its offset."""
    versie = SimpleNamespace(
        nummer=1, naam="De nota hoe ze was",
        gepubliceerd_op=datetime.datetime(2020, 3, 1, 9, 0, tzinfo=ZoneInfo("UTC")),
    )
    doc = build_plan_document(small_plan.plan, versie=versie)
    assert doc["versie"] == {
        "nummer": 1,
        "naam": "De nota hoe ze was",
        "gepubliceerd_op": "2020-03-01T10:00:00+01:00",
    }
    assert_valid(doc)


def test_goals_are_nested_sd_over_od_in_plan_order_with_codes(small_plan):
    doc = build_plan_document(small_plan.plan)
    tree = [
        (sd["code"], sd["formulering"], [od["code"] for od in sd["doelstellingen"]])
        for sd in doc["doelstellingen"]
    ]
    assert tree == [
        ("SD1", "De cultuurparticipatie verhogen", ["SD1-OD1", "SD1-OD2"]),
        ("SD2", "Sterke structuren", ["SD2-OD1"]),
    ]
    sd1, sd2 = doc["doelstellingen"]
    assert list(sd1) == [
        "id", "soort", "code", "transversaal", "tagline", "formulering", "toelichting",
        "spreiding", "doelstellingen", "acties", "herkomst", "indicatoren",
    ]
    # A plan without a predecessor: every goal says it continues none.
    assert sd1["herkomst"] is None
    assert (sd1["id"], sd1["soort"], sd1["transversaal"]) == (small_plan.sd1.pk, "SD", False)
    assert sd1["tagline"] == "CULTUURPARTICIPATIE in de regio VERGROTEN"
    assert sd1["acties"] == []
    assert (sd2["transversaal"], sd2["tagline"]) == (True, None)
    od = sd1["doelstellingen"][0]
    # As in the contract's example, an OD has no "transversaal".
    assert list(od) == [
        "id", "soort", "code", "tagline", "formulering", "toelichting", "spreiding",
        "doelstellingen", "acties", "herkomst", "indicatoren",
    ]
    assert (od["toelichting"], od["spreiding"]) == (None, None)
    assert (od["id"], od["soort"], od["doelstellingen"]) == (small_plan.netwerk.pk, "OD", [])


def test_actions_are_listed_under_their_goal_in_order(small_plan):
    doc = build_plan_document(small_plan.plan)
    netwerk, spreiden = doc["doelstellingen"][0]["doelstellingen"]
    assert [a["id"] for a in netwerk["acties"]] == [small_plan.contact.pk, small_plan.gekozen.pk]
    assert spreiden["acties"] == []
    structuren = doc["doelstellingen"][1]["doelstellingen"][0]
    assert [a["id"] for a in structuren["acties"]] == [small_plan.later.pk]


def test_action_fields(small_plan):
    action = action_by_id(build_plan_document(small_plan.plan), small_plan.contact.pk)
    assert action == {
        "id": small_plan.contact.pk,
        "omschrijving": "De regisseur legt contact met culturele sterkhouders",
        "regierol": "Partners bovenlokaal bij elkaar brengen",
        "actorrol": "Activiteiten lokaal uitvoeren",
        "spreiding": {"alle_gemeenten": True, "gemeenten": [], "toelichting": None},
        "timing": {"van": 2020, "tot": 2021, "tekst": "2020 - 2021"},
        "zie_ook": ["SD1-OD2", "SD2-OD1"],
        "actoren": [
            {"id": small_plan.regiobib.pk, "naam": "Regiobib", "rol": "trekker"},
            {"id": small_plan.erfgoedcel.pk, "naam": "Erfgoedcel", "rol": "partner"},
            {"id": small_plan.rand.pk, "naam": "vzw 'de Rand'", "rol": "partner"},
        ],
        "voortgang": None,
        "herkomst": None,
        "indicatoren": [],
    }


def test_zie_ook_follows_renumbering_and_skips_the_own_goal(small_plan):
    small_plan.contact.zie_ook.add(small_plan.netwerk)
    Doelstelling.objects.move_node(small_plan.sd2, small_plan.sd1, "left")
    action = action_by_id(build_plan_document(small_plan.plan), small_plan.contact.pk)
    assert action["zie_ook"] == ["SD1-OD1", "SD2-OD2"]


def test_spreiding_with_chosen_municipalities(small_plan):
    action = action_by_id(build_plan_document(small_plan.plan), small_plan.gekozen.pk)
    assert action["spreiding"] == {
        "alle_gemeenten": False,
        "gemeenten": ["Dilbeek", "Gooik", "Halle"],
        "toelichting": "Waar een erfgoedkring is",
    }
    # An empty text is null, never "" nor left out.
    assert action["regierol"] is None
    assert action["timing"] == {"van": None, "tot": None, "tekst": None}
    assert action["zie_ook"] == [] and action["actoren"] == []


def test_timing_with_only_a_start_year(small_plan):
    action = action_by_id(build_plan_document(small_plan.plan), small_plan.later.pk)
    assert action["timing"] == {"van": 2022, "tot": None, "tekst": None}


def test_gemeenten_are_those_of_the_plan_period_by_name(small_plan):
    doc = build_plan_document(small_plan.plan)
    by_name = {g["naam"]: g for g in doc["gemeenten"]}
    # Gooik merged into Pajottegem on 1 January 2025, during the plan: still listed.
    # Oudegem merged before 2020: not one of the plan's municipalities.
    assert list(by_name) == ["Dilbeek", "Écaussinnes", "Gooik", "Halle", "Pajottegem"]
    assert by_name["Halle"]["nis"] == "23027"
    assert by_name["Écaussinnes"]["nis"] is None
    assert by_name["Gooik"]["opgegaan_in"] == by_name["Pajottegem"]["id"]
    assert by_name["Gooik"]["fusiedatum"] == "2025-01-01"
    assert (by_name["Halle"]["opgegaan_in"], by_name["Halle"]["fusiedatum"]) == (None, None)


def test_gemeenten_exclude_merged_ones_for_a_later_plan():
    pajottegem = make_gemeente("Pajottegem")
    make_gemeente("Gooik", opgegaan_in=pajottegem, fusiedatum=datetime.date(2025, 1, 1))
    plan = make_plan(van_jaar=2027, tot_jaar=2032)
    assert [g["naam"] for g in build_plan_document(plan)["gemeenten"]] == ["Pajottegem"]


def test_a_municipality_named_by_an_action_is_always_listed():
    halle = make_gemeente("Halle")
    oudegem = make_gemeente("Oudegem", opgegaan_in=halle, fusiedatum=datetime.date(2019, 1, 1))
    plan = make_plan()
    actie = make_actie(make_od(make_sd(plan)), alle_gemeenten=False)
    actie.gemeenten.set([oudegem])
    doc = build_plan_document(plan)
    assert [g["naam"] for g in doc["gemeenten"]] == ["Halle", "Oudegem"]
    assert_consistent(doc)


def test_ids_stay_the_same_after_renumbering(small_plan):
    before = build_plan_document(small_plan.plan)
    assert goal_by_id(before, small_plan.spreiden.pk)["code"] == "SD1-OD2"
    assert goal_by_id(before, small_plan.sd2.pk)["code"] == "SD2"

    # Swap the SDs and move an OD to the other SD, as the seed's revision does.
    Doelstelling.objects.move_node(small_plan.sd2, small_plan.sd1, "left")
    spreiden = Doelstelling.objects.get(pk=small_plan.spreiden.pk)
    spreiden.move_to(Doelstelling.objects.get(pk=small_plan.sd2.pk), "last-child")

    after = build_plan_document(small_plan.plan)
    assert_valid(after)
    assert [sd["id"] for sd in after["doelstellingen"]] == [small_plan.sd2.pk, small_plan.sd1.pk]
    assert goal_by_id(after, small_plan.sd2.pk)["code"] == "SD1"
    assert goal_by_id(after, small_plan.sd1.pk)["code"] == "SD2"
    moved = goal_by_id(after, small_plan.spreiden.pk)
    assert moved["code"] == "SD1-OD2"
    assert moved["formulering"] == "Acties spreiden over de regio"
    assert after["doelstellingen"][0]["doelstellingen"][1]["id"] == small_plan.spreiden.pk
    # The action pointing at it follows the new code; its own id is unchanged too.
    assert action_by_id(after, small_plan.contact.pk)["zie_ook"] == ["SD1-OD1", "SD1-OD2"]


def test_export_runs_a_fixed_number_of_queries(django_assert_num_queries):
    small = make_plan_tree(sds=1, ods=1, acties=1, gemeenten=1)
    large = make_plan_tree(sds=3, ods=3, acties=3, gemeenten=4)
    small, large = Beleidsplan.objects.get(pk=small.pk), Beleidsplan.objects.get(pk=large.pk)

    with django_assert_num_queries(EXPORT_QUERIES):
        small_doc = build_plan_document(small)
    with django_assert_num_queries(EXPORT_QUERIES):
        large_doc = build_plan_document(large)

    assert len(list(all_actions(small_doc))) == 1
    assert len(list(all_actions(large_doc))) == 27
    assert all(a["actoren"] and a["zie_ook"] for a in all_actions(large_doc))
    assert_valid(large_doc)


# Serialisation -------------------------------------------------------------------------


def test_two_exports_of_an_unchanged_plan_are_byte_identical(small_plan):
    first = dump_document(build_plan_document(small_plan.plan)).encode("utf-8")
    plan = Beleidsplan.objects.get(pk=small_plan.plan.pk)
    second = dump_document(build_plan_document(plan)).encode("utf-8")
    assert first == second


def test_dump_is_readable_utf8_with_a_trailing_newline(small_plan):
    text = dump_document(build_plan_document(small_plan.plan))
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '"naam": "Écaussinnes"' in text  # not "\u00c9caussinnes"
    assert text.startswith('{\n  "schema": "cultuurregio-plan/1",\n  "plan": {\n    "id": ')
    assert json.loads(text) == build_plan_document(small_plan.plan)


def test_names_are_sorted_the_same_on_every_database():
    """By name, ignoring case and accents, whatever order the rows were made in."""
    places = [make_gemeente(n) for n in ("Ternat", "affligem", "Édegem", "Beersel")]
    plan = make_plan()
    actie = make_actie(make_od(make_sd(plan)), alle_gemeenten=False)
    actie.gemeenten.set(places)
    doc = build_plan_document(plan)
    expected = ["affligem", "Beersel", "Édegem", "Ternat"]
    assert [g["naam"] for g in doc["gemeenten"]] == expected
    assert next(all_actions(doc))["spreiding"]["gemeenten"] == expected


# The command ---------------------------------------------------------------------------


def run(*args):
    out = StringIO()
    call_command("exporteer_plan", *args, stdout=out)
    return out.getvalue()


def test_command_writes_the_working_state_to_stdout(small_plan):
    assert run("--plan", str(small_plan.plan.pk)) == dump_document(
        build_plan_document(small_plan.plan)
    )


def test_command_defaults_to_the_plan_that_starts_last(small_plan):
    newer = make_plan(titel="Beleidsplan 2027-2032", van_jaar=2027, tot_jaar=2032)
    make_plan(titel="Beleidsplan 2014-2019", van_jaar=2014, tot_jaar=2019)
    assert json.loads(run())["plan"]["id"] == newer.pk


def test_command_defaults_to_the_only_plan(small_plan):
    assert json.loads(run())["plan"]["id"] == small_plan.plan.pk


def test_command_output_writes_utf8_file(small_plan, tmp_path):
    target = tmp_path / "plan.json"
    message = run("--output", str(target))
    expected = dump_document(build_plan_document(small_plan.plan)).encode("utf-8")
    assert target.read_bytes() == expected
    assert "Écaussinnes".encode() in target.read_bytes()
    assert str(target) in message


def test_command_output_refuses_a_missing_directory(small_plan, tmp_path):
    target = tmp_path / "bestaat-niet" / "plan.json"
    with pytest.raises(CommandError, match="De map .*bestaat-niet bestaat niet"):
        run("--output", str(target))
    assert not target.parent.exists()


def test_command_refuses_an_unknown_plan_in_dutch(small_plan):
    with pytest.raises(CommandError, match="Er is geen beleidsplan met id 9999"):
        run("--plan", "9999")


def test_command_without_any_plan_says_so_in_dutch():
    with pytest.raises(CommandError, match="Er is nog geen beleidsplan"):
        run()


def test_command_refuses_an_unknown_version_in_dutch(small_plan, tmp_path):
    target = tmp_path / "plan.json"
    with pytest.raises(CommandError, match="Versie 3 bestaat niet voor het beleidsplan"):
        run("--versie", "3", "--output", str(target))
    assert not target.exists()

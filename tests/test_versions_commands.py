"""The command-line side of versions: ``vergelijk_versies`` (a Dutch summary or the
``cultuurregio-vergelijking/1`` JSON) and ``exporteer_plan --versie`` (the stored
document), on the seed's plan with its two versions (loaded once for the module)."""

import json
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from beleidsplan.comparison import compare, load_side
from beleidsplan.export import dump_document
from beleidsplan.models import Beleidsplan, Doelstelling
from beleidsplan.seed_revision import load_seed_revision
from cultuurregio import roles

from .factories import make_user

pytestmark = pytest.mark.django_db

FIXTURES = ["gemeenten", "actoren", "beleidsplan"]


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *FIXTURES, verbosity=0)
        plan = Beleidsplan.objects.get()
        user = make_user("seed-coordinator", group=roles.COORDINATOREN, staff=True)
        load_seed_revision(plan=plan, user=user)
        yield SimpleNamespace(plan=plan, versies=list(plan.versies.order_by("nummer")))
        transaction.set_rollback(True)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def code_change(seed, old_code):
    """The id of the goal that had ``old_code`` in version 1."""
    return next(
        goal["id"]
        for sd in seed.versies[0].data()["doelstellingen"]
        for goal in [sd, *sd["doelstellingen"]]
        if goal["code"] == old_code
    )


# vergelijk_versies


def test_summary_of_version_1_and_2_is_readable_dutch(seed):
    output = run("vergelijk_versies", "1", "2")
    lines = output.splitlines()

    assert lines[0] == "Vergelijking van versie 1 met versie 2"
    assert "Doelstellingen:" in lines
    assert "Acties:" in lines
    # Old SD4 is new SD3: one line, renumbered and reworded.
    sd4 = code_change(seed, "SD4")
    assert f"- [{sd4}] SD4 → SD3: geherformuleerd, hernummerd" in lines
    # SD1-OD1 moved to SD2; SD2-OD4 became an action; SD1-OD5 was split.
    assert any(line.startswith(f"- [{code_change(seed, 'SD1-OD1')}] SD1-OD1 → SD2-OD")
               and line.endswith(": verplaatst") for line in lines)
    od4 = code_change(seed, "SD2-OD4")
    assert any(
        line.startswith(f"- [{od4}] SD2-OD4: omgezet naar een actie (verwant: ")
        for line in lines
    )
    assert any(
        line.startswith(f"- [{code_change(seed, 'SD1-OD5')}] SD1-OD5: gesplitst (verwant: ")
        for line in lines
    )
    assert any(line.endswith(": nieuw") for line in lines)
    # SD2-OD4's actions went to the goal that is SD2-OD4 now (the old SD1-OD1): a move
    # between two goals with the same code still reads as a move.
    for actie in seed.versies[0].data()["doelstellingen"][1]["doelstellingen"][3]["acties"]:
        assert f"- [{actie['id']}] SD2-OD4 → SD2-OD4: verplaatst" in lines
    # Each entry is followed by its (new or last) wording.
    assert "    Actieve (cultuur)participatie & Co-creatie in de regio stimuleren" in lines
    english = re.compile(
        r"\b(Comparison|Goals|Actions|new|removed|reworded|renumbered|moved|merged|split|"
        r"turned into|related)\b"
    )
    assert not [line for line in lines if english.search(line)]


def test_json_is_the_documented_comparison(seed):
    output = run("vergelijk_versies", "1", "2", "--json")

    assert output.endswith("}\n")
    doc = json.loads(output)
    # The documented fields, then what the contract grew by (docs/open-data-indicatoren.md).
    assert list(doc) == ["schema", "van", "naar", "doelstellingen", "acties", "indicatoren"]
    assert (doc["schema"], doc["van"], doc["naar"]) == ("cultuurregio-vergelijking/1", 1, 2)
    assert doc == compare(seed.plan, load_side(seed.plan, 1), load_side(seed.plan, 2))
    # UTF-8 text, not \u escapes.
    assert "initiëren" in output


def test_versions_in_either_order_compare_old_to_new(seed):
    assert run("vergelijk_versies", "2", "1", "--json") == run(
        "vergelijk_versies", "1", "2", "--json"
    )


def test_version_with_the_working_state(seed):
    summary = run("vergelijk_versies", "1", "werk")
    doc = json.loads(run("vergelijk_versies", "1", "werk", "--json"))
    published = json.loads(run("vergelijk_versies", "1", "2", "--json"))

    assert summary.splitlines()[0] == "Vergelijking van versie 1 met werkversie"
    assert (doc["van"], doc["naar"]) == (1, "werk")
    # Nothing was accepted after version 2: the working state is version 2.
    assert doc["doelstellingen"] == published["doelstellingen"]
    assert doc["acties"] == published["acties"]


def test_working_state_after_an_edit(seed):
    goal = Doelstelling.objects.get(plan=seed.plan, code="SD5-OD1")
    goal.formulering = goal.formulering + " en de partners"
    goal.save()

    summary = run("vergelijk_versies", "werk", "2")

    assert summary.splitlines() == [
        "Vergelijking van versie 2 met werkversie",
        "",
        "Doelstellingen:",
        f"- [{goal.pk}] SD5-OD1: geherformuleerd",
        f"    {goal.formulering[:89]}…",
    ]


def test_no_differences(seed):
    assert run("vergelijk_versies", "2", "werk").splitlines() == [
        "Vergelijking van versie 2 met werkversie",
        "Geen verschillen.",
    ]


@pytest.mark.parametrize("side", ["9", "twee", "0"])
def test_unknown_version_is_a_dutch_error(seed, side):
    with pytest.raises(CommandError) as info:
        run("vergelijk_versies", "1", side)

    assert str(info.value).startswith(f"{side} is geen gepubliceerde versie van ")
    assert "'werk' voor de werkversie" in str(info.value)


def test_unknown_plan_is_a_dutch_error(seed):
    with pytest.raises(CommandError, match="Er is geen beleidsplan met id 999999."):
        run("vergelijk_versies", "1", "2", "--plan", "999999")


# exporteer_plan --versie


def test_export_of_a_version_prints_the_stored_document(seed):
    for versie in seed.versies:
        output = run("exporteer_plan", "--versie", str(versie.nummer))

        assert output == versie.document
        assert json.loads(output)["versie"]["nummer"] == versie.nummer


def test_export_of_a_version_to_a_file_is_the_same_bytes(seed, tmp_path):
    target = tmp_path / "versie-1.json"

    message = run("exporteer_plan", "--versie", "1", "--output", str(target))

    assert message == f"Beleidsplan geschreven naar {target}.\n"
    assert target.read_bytes() == seed.versies[0].document.encode("utf-8")


def test_export_without_version_is_the_working_state(seed):
    doc = json.loads(run("exporteer_plan", "--plan", str(seed.plan.pk)))

    assert doc["versie"] is None
    assert doc["doelstellingen"] == seed.versies[1].data()["doelstellingen"]


def test_export_of_an_unknown_version_is_a_dutch_error(seed):
    with pytest.raises(CommandError) as info:
        run("exporteer_plan", "--versie", "9")

    assert str(info.value) == f"Versie 9 bestaat niet voor het beleidsplan {seed.plan}."


# publiceer_versie


def test_publish_prints_the_number_of_the_new_version(seed):
    output = run("publiceer_versie", "--naam", "  Na de tweede ronde  ")

    assert output == "3\n"
    versie = seed.plan.versies.get(nummer=3)
    assert versie.naam == "Na de tweede ronde"
    assert versie.gepubliceerd_door is None


def test_published_document_is_the_working_state_at_that_moment(seed):
    goal = Doelstelling.objects.get(plan=seed.plan, code="SD5-OD1")
    goal.formulering = goal.formulering + " en de partners"
    goal.save()
    working = run("exporteer_plan", "--plan", str(seed.plan.pk))

    nummer = int(run("publiceer_versie", "--plan", str(seed.plan.pk), "--naam", "Derde"))
    goal.formulering = "Later nog herschreven"
    goal.save()

    versie = seed.plan.versies.get(nummer=nummer)
    doc = versie.data()
    assert (doc["versie"]["nummer"], doc["versie"]["naam"]) == (3, "Derde")
    # Apart from naming the version, the stored bytes are the working state's export.
    doc["versie"] = None
    assert dump_document(doc) == working
    assert " en de partners" in versie.document
    assert run("exporteer_plan", "--versie", "3") == versie.document


def test_publisher_is_recorded(seed):
    user = make_user("regisseur", group=roles.COORDINATOREN, staff=True)

    run("publiceer_versie", "--naam", "Derde", "--gebruiker", "regisseur")

    assert seed.plan.versies.get(nummer=3).gepubliceerd_door == user


def test_unknown_user_is_a_dutch_error_and_publishes_nothing(seed):
    with pytest.raises(CommandError) as info:
        run("publiceer_versie", "--naam", "Derde", "--gebruiker", "niemand")

    assert str(info.value) == "Er is geen gebruiker niemand."
    assert seed.plan.versies.count() == 2


@pytest.mark.parametrize("naam", ["", "   "])
def test_empty_name_is_a_dutch_error_and_publishes_nothing(seed, naam):
    with pytest.raises(CommandError) as info:
        run("publiceer_versie", "--naam", naam)

    assert str(info.value) == "Geef de versie een naam."
    assert seed.plan.versies.count() == 2


def test_publish_in_an_unknown_plan_is_a_dutch_error(seed):
    with pytest.raises(CommandError, match="Er is geen beleidsplan met id 999999."):
        run("publiceer_versie", "--plan", "999999", "--naam", "Derde")

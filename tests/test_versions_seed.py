"""The seed's revision round, end to end: version 1 ("de nota hoe ze was"), the proposals
of the seed's first half, version 2 ("na herziening"), and their comparison as the
``cultuurregio-vergelijking/1`` document (docs/open-data.md), on the site and from
``compare()``.

The real plan is loaded and revised once for the module (about a second) and rolled back
after it; every test runs in its own transaction inside that.
"""

import json
import re
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from beleidsplan.comparison import WERK, compare, load_side
from beleidsplan.models import Beleidsplan, Wijzigingsvoorstel
from beleidsplan.seed_revision import HERZIENING_NAAM, VERSIE_1, VERSIE_2, load_seed_revision
from beleidsplan.services import accept_proposal
from cultuurregio import roles

from .factories import make_user

pytestmark = pytest.mark.django_db

FIXTURES = ["gemeenten", "actoren", "beleidsplan"]


@pytest.fixture(scope="module")
def seed(django_db_setup, django_db_blocker):
    """The real plan with versions 1 and 2 and the revision round, once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *FIXTURES, verbosity=0)
        plan = Beleidsplan.objects.get()
        user = make_user("seed-coordinator", group=roles.COORDINATOREN, staff=True)
        herziening = load_seed_revision(plan=plan, user=user)
        v1, v2 = plan.versies.order_by("nummer")
        yield SimpleNamespace(
            plan=plan, user=user, herziening=herziening, v1=v1.data(), v2=v2.data(),
            doc=compare(plan, load_side(plan, 1), load_side(plan, 2)),
        )
        transaction.set_rollback(True)


# Reading the documents


def goals(document):
    for sd in document["doelstellingen"]:
        yield sd, None
        for od in sd["doelstellingen"]:
            yield od, sd


def goal_id(document, code: str) -> int:
    return next(goal["id"] for goal, _parent in goals(document) if goal["code"] == code)


def parent_of(document, pk: int):
    return next(parent for goal, parent in goals(document) if goal["id"] == pk)


def actions(document):
    for goal, _parent in goals(document):
        yield from goal["acties"]


def entry(doc, pk: int, kind: str = "doelstellingen") -> dict:
    found = [e for e in doc[kind] if e["id"] == pk]
    assert len(found) == 1, f"{kind} {pk}: {len(found)} entries"
    return found[0]


def counts(document) -> tuple[int, int, int]:
    sds = document["doelstellingen"]
    ods = [od for sd in sds for od in sd["doelstellingen"]]
    return len(sds), len(ods), len(list(actions(document)))


# The versions


def test_version_1_is_the_nota_as_it_was(seed):
    assert seed.v1["versie"]["nummer"] == 1
    assert seed.v1["versie"]["naam"] == VERSIE_1
    assert counts(seed.v1) == (5, 26, 79)
    assert [sd["transversaal"] for sd in seed.v1["doelstellingen"]] == [False] * 5


def test_version_2_is_the_plan_after_the_revision(seed):
    assert seed.v2["versie"]["nummer"] == 2
    assert seed.v2["versie"]["naam"] == VERSIE_2
    # 26 ODs, one split in two (+1), one turned into an action (-1), one new (+1);
    # 79 actions and that new one.
    assert counts(seed.v2) == (5, 27, 80)
    # The plan's drawing: SD4 (trends) and SD5 (structures) run across the others.
    assert [sd["transversaal"] for sd in seed.v2["doelstellingen"]] == [
        False, False, False, True, True
    ]


def test_comparison_json_on_the_site_is_the_compare_document(seed, client):
    url = reverse("plan:vergelijk_json", args=[seed.plan.pk])

    response = client.get(url, {"van": 1, "naar": 2})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    assert body == seed.doc
    assert (body["schema"], body["van"], body["naar"]) == ("cultuurregio-vergelijking/1", 1, 2)
    # Asking the other way round compares from old to new all the same.
    assert json.loads(client.get(url, {"van": 2, "naar": 1}).content) == body


def test_every_entry_follows_the_contract(seed):
    allowed = {
        "nieuw", "geschrapt", "geherformuleerd", "hernummerd", "verplaatst", "samengevoegd",
        "gesplitst", "omgezet_naar_actie", "omgezet_naar_doelstelling",
    }
    for kind, keys in (
        ("doelstellingen", ["id", "soort", "wijzigingen", "van", "naar", "diff", "verwant"]),
        ("acties", ["id", "wijzigingen", "van", "naar", "diff", "verwant"]),
    ):
        assert seed.doc[kind]
        for item in seed.doc[kind]:
            assert list(item) == keys
            assert item["wijzigingen"] and set(item["wijzigingen"]) <= allowed
            assert item["van"] is not None or item["naar"] is not None
            # The diff reads as the old wording (kept and removed words) and the new one
            # (kept and added words).
            old = " ".join(text for op, text in item["diff"] if op in "=-")
            new = " ".join(text for op, text in item["diff"] if op in "=+")
            assert old == " ".join((item["van"] or {}).get("formulering", "").split())
            assert new == " ".join((item["naar"] or {}).get("formulering", "").split())


# The kinds of change in the seed


def test_old_sd4_and_new_sd3_are_one_goal_renumbered_and_reworded(seed):
    pk = goal_id(seed.v1, "SD4")
    item = entry(seed.doc, pk)

    assert goal_id(seed.v2, "SD3") == pk
    assert item["soort"] == "SD"
    assert {"hernummerd", "geherformuleerd"} <= set(item["wijzigingen"])
    assert "verplaatst" not in item["wijzigingen"]
    assert item["van"]["code"] == "SD4"
    assert item["naar"] == {
        "code": "SD3",
        "formulering": "Actieve (cultuur)participatie & Co-creatie in de regio stimuleren",
        "ouder": None,
    }
    assert ["+", "Actieve (cultuur)participatie & Co-creatie in de regio stimuleren"] in (
        item["diff"]
    )


def test_old_sd3_is_new_sd4_not_reworded_into_new_sd3(seed):
    pk = goal_id(seed.v1, "SD3")
    item = entry(seed.doc, pk)

    assert goal_id(seed.v2, "SD4") == pk
    assert (item["van"]["code"], item["naar"]["code"]) == ("SD3", "SD4")
    assert {"hernummerd", "geherformuleerd"} <= set(item["wijzigingen"])
    assert item["naar"]["formulering"] == (
        "Vanuit cultuur inspelen op actuele maatschappelijke en regio-specifieke tendensen"
    )
    # No entry pairs old SD3 with new SD3.
    assert not [
        e for e in seed.doc["doelstellingen"]
        if e["van"] and e["naar"] and e["van"]["code"] == "SD3" and e["naar"]["code"] == "SD3"
    ]


def test_sd1_od1_moved_under_sd2(seed):
    pk = goal_id(seed.v1, "SD1-OD1")
    item = entry(seed.doc, pk)

    assert item["wijzigingen"] == ["verplaatst"]
    assert (item["van"]["ouder"], item["naar"]["ouder"]) == ("SD1", "SD2")
    assert item["naar"]["code"].startswith("SD2-OD")
    assert parent_of(seed.v2, pk)["id"] == goal_id(seed.v1, "SD2")


@pytest.mark.parametrize("code", ["SD1-OD4", "SD3-OD4"])
def test_ods_moved_under_the_new_sd3(seed, code):
    pk = goal_id(seed.v1, code)
    item = entry(seed.doc, pk)

    assert "verplaatst" in item["wijzigingen"]
    assert item["naar"]["ouder"] == "SD3"
    assert item["naar"]["code"].startswith("SD3-OD")
    # Under the new SD3, which is the old SD4 (for SD3-OD4 the parent's code stays "SD3",
    # but the parent is another goal).
    assert parent_of(seed.v2, pk)["id"] == goal_id(seed.v1, "SD4")


def test_schools_od_moved_under_sd2_and_reworded(seed):
    pk = goal_id(seed.v1, "SD3-OD3")
    item = entry(seed.doc, pk)

    assert {"verplaatst", "geherformuleerd"} <= set(item["wijzigingen"])
    assert (item["van"]["ouder"], item["naar"]["ouder"]) == ("SD3", "SD2")
    added = [text for op, text in item["diff"] if op == "+"]
    assert any("onderwijs (ook DKO)" in text for text in added)
    assert ["=", "Verder uitbouwen van een gerichte culturele werking voor en met scholen"] in (
        item["diff"]
    )


def test_sd2_od4_turned_into_an_action(seed):
    pk = goal_id(seed.v1, "SD2-OD4")
    item = entry(seed.doc, pk)

    assert item["wijzigingen"] == ["omgezet_naar_actie"]
    assert item["naar"] is None
    (action_id,) = item["verwant"]
    action = entry(seed.doc, action_id, "acties")
    assert action["wijzigingen"] == ["omgezet_naar_actie"]
    assert action["verwant"] == [pk]
    assert action["van"] is None
    assert action["naar"]["formulering"] == item["van"]["formulering"]
    # The action went to the old SD1-OD1 (now under SD2), with SD2-OD4's three actions.
    target = goal_id(seed.v1, "SD1-OD1")
    old_actions = [a["id"] for a in next(
        g for g, _p in goals(seed.v1) if g["id"] == pk
    )["acties"]]
    new_actions = [a["id"] for a in next(
        g for g, _p in goals(seed.v2) if g["id"] == target
    )["acties"]]
    assert new_actions[-4:] == [*old_actions, action_id]


def test_comparison_page_shows_the_moves_of_sd2_od4s_actions(seed, client):
    """SD2-OD4's actions went to the goal that now has the code SD2-OD4 (the old
    SD1-OD1): the page still shows them as moved, from one SD2-OD4 to the other."""
    response = client.get(
        reverse("plan:vergelijk", args=[seed.plan.pk]), {"van": 1, "naar": 2}
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Gewijzigde acties" in text
    # Both goals have the code SD2-OD4: each side names its goal by its wording too.
    moves = re.findall(r">SD2-OD4 «([^»]+)» → SD2-OD4 «([^»]+)»</td>", text)
    assert len(moves) == 3
    assert all(old != new for old, new in moves)
    assert re.search(r">SD1-OD5 «[^»]+» → SD1-OD3 «[^»]+»</td>", text)
    assert "omgezet naar een actie" in text
    assert "gesplitst" in text


def test_sd1_od5_split_in_two(seed):
    pk = goal_id(seed.v1, "SD1-OD5")
    item = entry(seed.doc, pk)

    assert item["wijzigingen"] == ["gesplitst"]
    assert item["naar"] is None
    assert len(item["verwant"]) == 2
    for part_id in item["verwant"]:
        part = entry(seed.doc, part_id)
        assert part["wijzigingen"] == ["gesplitst"]
        assert part["verwant"] == [pk]
        assert part["van"] is None
        assert part["naar"]["ouder"] == "SD1"
    first, second = (entry(seed.doc, i)["naar"] for i in item["verwant"])
    assert first["formulering"].startswith("In kaart brengen van bestaande actoren")
    assert second["formulering"].startswith("(Zoeken naar geschikte) inzetten")


def test_new_od_under_the_new_sd4(seed):
    new = [e for e in seed.doc["doelstellingen"] if e["wijzigingen"] == ["nieuw"]]

    assert len(new) == 1
    (item,) = new
    assert item["van"] is None and item["verwant"] == []
    assert item["naar"]["ouder"] == "SD4"
    assert item["naar"]["formulering"].startswith(
        "Stimuleren en faciliteren van gezamenlijke initiatieven"
    )
    assert item["diff"] == [["+", item["naar"]["formulering"]]]


def test_unchanged_goals_are_left_out(seed):
    listed = {e["id"] for e in seed.doc["doelstellingen"]}

    for code in ("SD1", "SD5", "SD5-OD1", "SD5-OD7"):
        assert goal_id(seed.v1, code) not in listed, code
    # SD5 became cross-cutting, which is no change of its wording or place.
    sd5 = goal_id(seed.v1, "SD5")
    assert next(g for g, _p in goals(seed.v2) if g["id"] == sd5)["transversaal"] is True


def test_word_diff_of_sd4_od1_drops_exactly_lokaal_en(seed):
    item = entry(seed.doc, goal_id(seed.v1, "SD4-OD1"))

    assert (item["van"]["code"], item["naar"]["code"]) == ("SD4-OD1", "SD3-OD1")
    assert {"geherformuleerd", "hernummerd"} <= set(item["wijzigingen"])
    assert item["diff"][0] == ["-", "Lokaal en"]
    assert [op for op, _text in item["diff"]] == ["-", "="]
    assert item["diff"][1][1] == item["naar"]["formulering"]


# The revision round


def test_revision_round_holds_the_open_questions_open_and_the_rest_accepted(seed):
    proposals = list(seed.herziening.voorstellen.order_by("volgorde"))
    open_ = [p for p in proposals if p.is_open]
    decided = [p for p in proposals if not p.is_open]

    assert seed.herziening.naam == HERZIENING_NAAM
    assert {p.status for p in decided} == {Wijzigingsvoorstel.Status.AANVAARD}
    assert len(decided) == 17
    assert [p.soort for p in open_] == [
        Wijzigingsvoorstel.Soort.SAMENVOEGEN,
        Wijzigingsvoorstel.Soort.OPMERKING,
        Wijzigingsvoorstel.Soort.OPMERKING,
    ]
    assert "samenvoegen ?" in open_[0].motivatie
    assert all("(moet nog verscherpt worden)" in p.motivatie for p in open_[1:])
    # The merge question is about SD1's (new) OD2 and OD1.
    assert (open_[0].doelstelling.code, open_[0].doel.code) == ("SD1-OD2", "SD1-OD1")
    # The comments are about the youth work OD and the new OD.
    assert open_[1].doelstelling_id == goal_id(seed.v1, "SD3-OD4")
    new_od = next(e for e in seed.doc["doelstellingen"] if e["wijzigingen"] == ["nieuw"])
    assert open_[2].doelstelling_id == new_od["id"]


def test_accepting_the_open_merge_shows_in_the_comparison_with_the_working_state(seed):
    merge = seed.herziening.voorstellen.get(soort=Wijzigingsvoorstel.Soort.SAMENVOEGEN)
    removed, kept = merge.doelstelling_id, merge.doel_id

    accept_proposal(voorstel=merge, user=seed.user)
    doc = compare(seed.plan, load_side(seed.plan, 2), load_side(seed.plan, WERK))

    assert (doc["van"], doc["naar"]) == (2, WERK)
    gone = entry(doc, removed)
    assert gone["wijzigingen"] == ["samengevoegd"]
    assert (gone["naar"], gone["verwant"]) == (None, [kept])
    remaining = entry(doc, kept)
    assert "samengevoegd" in remaining["wijzigingen"]
    assert remaining["verwant"] == [removed]
    # Version 1 to 2 is what it was: proposals accepted after version 2 do not count.
    assert compare(seed.plan, load_side(seed.plan, 1), load_side(seed.plan, 2)) == seed.doc


def test_comparison_page_leads_with_a_summary_and_shows_only_changes(seed, client):
    """What a steering member scans first: per kind of change, the goals and actions, each
    a link to its row; unchanged goals only on request; a renumbered SD's ODs that only
    took its new number are told once, on the SD."""
    url = reverse("plan:vergelijk", args=[seed.plan.pk])
    text = client.get(url, {"van": 1, "naar": 2}).content.decode()

    summary = text.split('id="wat-veranderde"', 1)[1].split("</section>", 1)[0]
    for kind in ("geherformuleerd", "verplaatst", "hernummerd", "nieuw", "gesplitst"):
        assert f'<span class="tag">{kind}</span>' in summary, kind
    anchors = re.findall(r'href="#([ga]-\d+)"', summary)
    assert anchors and all(f'id="{anchor}"' in text for anchor in anchors)

    # Only changes by default; everything with "alles".
    unchanged = [
        g for g, _parent in goals(seed.v2)
        if g["soort"] == "OD" and not any(e["id"] == g["id"] for e in seed.doc["doelstellingen"])
    ]
    assert unchanged, "the seed's revision leaves some operational goals alone"
    assert f'id="g-{unchanged[0]["id"]}"' not in text
    everything = client.get(url, {"van": 1, "naar": 2, "alles": "on"}).content.decode()
    assert f'id="g-{unchanged[0]["id"]}"' in everything
    assert "Toon alleen wat veranderde" in everything

    # Old SD4 is SD3 now: its ODs that kept their wording are not each "hernummerd".
    assert "Zijn operationele doelstellingen kregen het nieuwe nummer mee." in text


def test_comparing_a_version_with_itself_says_there_are_no_differences(seed, client):
    text = client.get(
        reverse("plan:vergelijk", args=[seed.plan.pk]), {"van": 2, "naar": 2}
    ).content.decode()

    assert "Geen verschillen: versie 2 en versie 2 zijn gelijk." in text
    assert 'class="side-by-side"' not in text

"""The next plan beside the plan before it (issue 13): goals and actions are matched through
their "continues" links, so a goal copied into the next plan and then reworded, renumbered or
moved is that, not one goal removed and another added."""

import pytest
from django.urls import reverse

from acties.models import Actie
from beleidsplan.comparison import as_continued, compare_plans, continued_ids, load_side
from beleidsplan.models import Doelstelling, Herziening, Wijzigingsvoorstel
from beleidsplan.services import accept_proposal, publish_version
from beleidsplan.succession import start_next_plan

from .factories import make_actie, make_plan_tree
from .queries import cold
from .test_site_pages import load_seed

pytestmark = pytest.mark.django_db


def start_next(old, coordinator):
    return start_next_plan(
        van_plan=old, titel="Beleidsplan 2027-2032", van_jaar=2027, tot_jaar=2032,
        user=coordinator,
    )


@pytest.fixture
def two_plans(coordinator):
    """The seed's plan (version 1) and the next plan started from it, in which SD2 is
    reworded, one action is removed and one added."""
    old = load_seed(coordinator)
    new = start_next(old, coordinator)
    sd2 = Doelstelling.objects.get(plan=new, code="SD2")
    sd2.formulering = "Het cultuuraanbod in de regio versterken en afstemmen"
    sd2.save()
    removed = Actie.objects.filter(doelstelling__plan=new).order_by("pk").first()
    removed_from = removed.voortzetting_van_id
    removed.delete()
    od = Doelstelling.objects.filter(plan=new, parent__isnull=False).order_by("tree_id", "lft")[0]
    added = make_actie(od, "Een zomerbar in elk dorp")
    return old, new, {"sd2": sd2, "removed_from": removed_from, "added": added}


def across(old, new):
    goals, actions = continued_ids(new)
    old_side = load_side(old, 1)
    new_side = load_side(new, "werk")
    new_side.document = as_continued(new_side.document, goals, actions)
    return compare_plans(
        old_side, new_side, old_plan=old, new_plan=new, goals=goals, actions=actions
    )


def changes(doc, kind="doelstellingen"):
    return {entry["id"]: entry["wijzigingen"] for entry in doc[kind]}


def test_the_next_plan_is_compared_by_identity_with_the_plan_before(two_plans):
    old, new, made = two_plans
    doc = across(old, new)

    # SD2 is the old SD2, reworded: one entry under the old id, with its word diff.
    old_sd2 = made["sd2"].voortzetting_van_id
    assert changes(doc) == {old_sd2: ["geherformuleerd"]}
    (entry,) = doc["doelstellingen"]
    assert any(op == "+" and "cultuuraanbod" in text for op, text in entry["diff"])
    # Of the 79 actions, one is gone and one is new; the rest are the same actions.
    assert changes(doc, "acties") == {
        made["removed_from"]: ["geschrapt"], made["added"].pk: ["nieuw"],
    }
    assert (doc["van_plan"], doc["naar_plan"]) == (old.pk, new.pk)


def test_the_steering_group_compares_the_plans_on_the_site(client, stuurgroeplid, two_plans):
    old, new, _made = two_plans
    client.force_login(stuurgroeplid)
    page = reverse("plan:vergelijk_vorig_plan", args=[new.pk])

    response = client.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Vergelijken met het plan ervoor" in html
    assert "geherformuleerd" in html and "Het cultuuraanbod in de regio versterken" in html
    # Reached from the new plan's pages.
    assert page in client.get(reverse("plan:plan", args=[new.pk])).content.decode()


def test_visitors_see_the_comparison_only_once_the_next_plan_is_published(
    client, coordinator, two_plans
):
    _old, new, _made = two_plans
    page = reverse("plan:vergelijk_vorig_plan", args=[new.pk])
    assert client.get(page).status_code == 404  # in preparation: nothing of it shows

    publish_version(plan=new, naam="Eerste versie", user=coordinator)

    response = client.get(page)
    assert response.status_code == 200
    assert "geherformuleerd" in response.content.decode()


def test_a_plan_without_a_plan_before_has_no_such_comparison(client, stuurgroeplid, coordinator):
    old = load_seed(coordinator)
    client.force_login(stuurgroeplid)

    assert client.get(reverse("plan:vergelijk_vorig_plan", args=[old.pk])).status_code == 404


@pytest.mark.parametrize("query", ["?van=99&naar=werk", "?van=1&naar=7", "?van=x&naar=y"])
def test_a_version_that_does_not_exist_is_refused_in_dutch(
    client, stuurgroeplid, two_plans, query
):
    _old, new, _made = two_plans
    client.force_login(stuurgroeplid)

    response = client.get(reverse("plan:vergelijk_vorig_plan", args=[new.pk]) + query)

    assert response.status_code == 400
    assert "is geen versie van dit plan" in response.content.decode()


def test_the_comparison_runs_a_fixed_number_of_queries(client, stuurgroeplid, coordinator):
    client.force_login(stuurgroeplid)
    counts = []
    for size in (1, 3):
        old = make_plan_tree(sds=size, ods=size, acties=size)
        publish_version(plan=old, naam="Eerste", user=coordinator)
        new = start_next(old, coordinator)
        counts.append(cold(client, reverse("plan:vergelijk_vorig_plan", args=[new.pk])))
    assert counts[0] == counts[1]


# --- A goal followed across plans ----------------------------------------------------------


def test_a_goal_leads_to_its_continuation_and_back_for_who_may_read_both(
    client, stuurgroeplid, coordinator, two_plans
):
    old, new, made = two_plans
    old_sd2 = made["sd2"].voortzetting_van_id
    old_page = reverse("plan:doelstelling", args=[old.pk, old_sd2])
    new_page = reverse("plan:doelstelling", args=[new.pk, made["sd2"].pk])

    # A visitor: the next plan is in preparation, so the old goal leads nowhere.
    assert "Voortgezet in" not in client.get(old_page).content.decode()

    client.force_login(stuurgroeplid)
    html = client.get(old_page).content.decode()
    assert "Voortgezet in" in html and f'href="{new_page}"' in html
    html = client.get(new_page).content.decode()
    assert "Zet voort" in html and f'href="{old_page}"' in html
    # The new goal's history goes back to the old goal's.
    history = client.get(reverse("plan:geschiedenis", args=[new.pk, made["sd2"].pk]))
    old_history = reverse("plan:geschiedenis", args=[old.pk, old_sd2])
    assert f'href="{old_history}"' in history.content.decode()


def test_a_goal_page_with_plans_before_and_after_runs_a_fixed_number_of_queries(
    client, stuurgroeplid, coordinator
):
    client.force_login(stuurgroeplid)
    counts = []
    for size in (1, 3):
        old = make_plan_tree(sds=size, ods=size, acties=size)
        publish_version(plan=old, naam="Eerste", user=coordinator)
        new = start_next(old, coordinator)
        goal = Doelstelling.objects.filter(plan=new).order_by("tree_id", "lft").first()
        counts.append((
            cold(client, reverse("plan:doelstelling", args=[new.pk, goal.pk])),
            cold(client, reverse("plan:doelstelling", args=[old.pk, goal.voortzetting_van_id])),
        ))
    assert counts[0] == counts[1]


def test_an_action_leads_to_its_continuation_and_back(client, stuurgroeplid, two_plans):
    old, new, made = two_plans
    copy = Actie.objects.filter(doelstelling__plan=new, voortzetting_van__isnull=False).first()
    client.force_login(stuurgroeplid)

    html = client.get(reverse("plan:actie", args=[copy.voortzetting_van_id])).content.decode()
    assert "Voortgezet in" in html and f'href="{reverse("plan:actie", args=[copy.pk])}"' in html
    html = client.get(reverse("plan:actie", args=[copy.pk])).content.decode()
    assert "deze actie in Beleidsplan" in html
    assert f'href="{reverse("plan:actie", args=[copy.voortzetting_van_id])}"' in html


def test_a_merge_in_the_next_plan_shows_as_a_merge_of_the_old_goals(coordinator, two_plans):
    old, new, _made = two_plans
    sd1 = Doelstelling.objects.get(plan=new, code="SD1")
    od1, od2 = list(Doelstelling.objects.filter(parent=sd1).order_by("lft"))[:2]
    ronde = Herziening.objects.create(plan=new, naam="Eerste ronde")
    voorstel = Wijzigingsvoorstel(
        herziening=ronde, soort=Wijzigingsvoorstel.Soort.SAMENVOEGEN, auteur=coordinator,
        doelstelling=od2, doel=od1,
    )
    voorstel.full_clean()
    voorstel.save()
    accept_proposal(voorstel=voorstel, user=coordinator)

    doc = across(old, new)

    merged, kept = od2.voortzetting_van_id, od1.voortzetting_van_id
    entries = {entry["id"]: entry for entry in doc["doelstellingen"]}
    # The old goal the merged-away copy continued is merged, not just removed.
    assert entries[merged]["wijzigingen"] == ["samengevoegd"]
    assert entries[merged]["verwant"] == [kept]
    assert "samengevoegd" in entries[kept]["wijzigingen"]

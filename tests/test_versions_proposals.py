"""Change proposals applied to a small working plan, their validation, staleness, and
publishing immutable versions (beleidsplan.services, Wijzigingsvoorstel.clean)."""

from io import StringIO
from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from acties.models import Actie
from beleidsplan.export import export_plan
from beleidsplan.models import Doelstelling, Herziening, Planversie, Wijzigingsvoorstel
from beleidsplan.services import (
    ProposalNotApplicable,
    accept_proposal,
    publish_version,
    reject_proposal,
)

from .factories import make_actie, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

S = Wijzigingsvoorstel.Soort


# Helpers


def codes(plan) -> dict[int, str]:
    return dict(Doelstelling.objects.filter(plan=plan).values_list("pk", "code"))


def by_code(plan) -> dict[str, Doelstelling]:
    return {g.code: g for g in Doelstelling.objects.filter(plan=plan)}


def action_ids(goal) -> list[int]:
    return list(
        Actie.objects.filter(doelstelling=goal).order_by("volgorde", "pk").values_list(
            "pk", flat=True
        )
    )


def assert_tree_valid(plan) -> None:
    """The nested sets of the plan's goal tree are whole: every SD a root, every OD a
    child of an SD, intervals nested and contiguous, codes following the positions."""
    goals = list(Doelstelling.objects.filter(plan=plan).order_by("tree_id", "lft"))
    by_pk = {g.pk: g for g in goals}
    roots = [g for g in goals if g.parent_id is None]
    assert len({r.tree_id for r in roots}) == len(roots)
    for number, root in enumerate(roots, start=1):
        assert (root.level, root.lft) == (0, 1)
        children = [g for g in goals if g.parent_id == root.pk]
        assert root.rght == 2 * len(children) + 2
        assert root.code == f"SD{number}"
        for index, child in enumerate(sorted(children, key=lambda c: c.lft), start=1):
            assert child.tree_id == root.tree_id
            assert child.level == 1
            assert (child.lft, child.rght) == (2 * index, 2 * index + 1)
            assert child.code == f"SD{number}-OD{index}"
    for goal in goals:
        if goal.parent_id is not None:
            assert by_pk[goal.parent_id].parent_id is None


def errors_of(voorstel) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as info:
        voorstel.full_clean()
    return info.value.message_dict


@pytest.fixture
def tree(coordinator):
    """SD1 (OD1 with two actions, OD2 with one), SD2 (OD1 with one action, which also
    points to SD1-OD2), SD3 (no ODs), and an open revision round."""
    plan = make_plan()
    sd1 = make_sd(plan, "Participatie verhogen")
    od11 = make_od(sd1, "Het netwerk verkennen")
    od12 = make_od(sd1, "Drempels verlagen")
    sd2 = make_sd(plan, "Aanbod afstemmen")
    od21 = make_od(sd2, "Regiobib versterken")
    sd3 = make_sd(plan, "Co-creatie stimuleren")
    a1 = make_actie(od11, "Sterkhouders in kaart brengen", volgorde=1)
    a2 = make_actie(od11, "Overleg met de Rand", volgorde=2)
    a3 = make_actie(od12, "UiT-pas invoeren", volgorde=1)
    a4 = make_actie(od21, "Collectie delen", volgorde=1)
    a4.zie_ook.add(od12)
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2021")
    return SimpleNamespace(
        plan=plan, ronde=ronde, user=coordinator,
        sd1=sd1, od11=od11, od12=od12, sd2=sd2, od21=od21, sd3=sd3,
        a1=a1, a2=a2, a3=a3, a4=a4,
    )


def propose(tree, soort, **fields) -> Wijzigingsvoorstel:
    voorstel = Wijzigingsvoorstel(
        herziening=tree.ronde, soort=soort, auteur=tree.user, **fields
    )
    voorstel.full_clean()
    voorstel.save()
    return voorstel


def accept(tree, voorstel) -> Wijzigingsvoorstel:
    return accept_proposal(voorstel=voorstel, user=tree.user)


def refused(tree, voorstel) -> str:
    """Accepting is refused and changes nothing: the working state's export, the
    proposal's status. Returns the Dutch reason."""
    before = export_plan(tree.plan)
    with pytest.raises(ProposalNotApplicable) as info:
        accept(tree, voorstel)
    assert export_plan(tree.plan) == before
    voorstel.refresh_from_db()
    assert voorstel.status == Wijzigingsvoorstel.Status.OPEN
    assert voorstel.effect == {}
    return " ".join(info.value.messages)


# Each kind applied


def test_reword_changes_wording_short_title_and_cross_cutting_with_audit(tree):
    voorstel = propose(
        tree, S.HERFORMULEREN, doelstelling=tree.sd2,
        nieuwe_formulering="Het cultuuraanbod in de regio versterken",
        nieuwe_tagline="AANBOD versterken", nieuw_transversaal=True,
    )
    accepted = accept(tree, voorstel)

    goal = Doelstelling.objects.get(pk=tree.sd2.pk)
    assert goal.formulering == "Het cultuuraanbod in de regio versterken"
    assert goal.tagline == "AANBOD versterken"
    assert goal.transversaal is True
    assert goal.code == "SD2"
    assert accepted.status == Wijzigingsvoorstel.Status.AANVAARD
    assert accepted.beslist_door == tree.user and accepted.beslist_op is not None
    # The audit trail names who and why.
    record = goal.history.order_by("-history_date").first()
    assert record.history_user == tree.user
    assert record.history_change_reason == (
        f"Wijzigingsvoorstel #{voorstel.pk} (Herziening 2021)"
    )
    assert_tree_valid(tree.plan)


def test_move_od_to_another_sd_renumbers_codes_and_keeps_actions(tree):
    accept(tree, propose(tree, S.VERPLAATSEN, doelstelling=tree.od11, doel=tree.sd2))

    assert codes(tree.plan) == {
        tree.sd1.pk: "SD1", tree.od12.pk: "SD1-OD1",
        tree.sd2.pk: "SD2", tree.od21.pk: "SD2-OD1", tree.od11.pk: "SD2-OD2",
        tree.sd3.pk: "SD3",
    }
    moved = Doelstelling.objects.get(pk=tree.od11.pk)
    assert moved.parent_id == tree.sd2.pk
    assert moved.formulering == "Het netwerk verkennen"
    assert action_ids(moved) == [tree.a1.pk, tree.a2.pk]
    assert_tree_valid(tree.plan)


def test_move_to_a_position_with_a_new_wording(tree):
    accept(tree, propose(
        tree, S.VERPLAATSEN, doelstelling=tree.od12, doel=tree.sd2, positie=1,
        nieuwe_formulering="Drempels wegwerken",
    ))

    goal = Doelstelling.objects.get(pk=tree.od12.pk)
    assert (goal.code, goal.formulering) == ("SD2-OD1", "Drempels wegwerken")
    assert Doelstelling.objects.get(pk=tree.od21.pk).code == "SD2-OD2"
    assert_tree_valid(tree.plan)


def test_reorder_sds_renumbers_them_and_their_ods(tree):
    accept(tree, propose(tree, S.HERORDENEN, doelstelling=tree.sd3, positie=1))

    assert codes(tree.plan) == {
        tree.sd3.pk: "SD1",
        tree.sd1.pk: "SD2", tree.od11.pk: "SD2-OD1", tree.od12.pk: "SD2-OD2",
        tree.sd2.pk: "SD3", tree.od21.pk: "SD3-OD1",
    }
    assert_tree_valid(tree.plan)

    # And back to the end (a position past the last one means last).
    accept(tree, propose(tree, S.HERORDENEN, doelstelling=tree.sd3, positie=9))
    assert codes(tree.plan)[tree.sd3.pk] == "SD3"
    assert codes(tree.plan)[tree.sd1.pk] == "SD1"
    assert_tree_valid(tree.plan)


def test_reorder_ods_within_their_sd(tree):
    accept(tree, propose(tree, S.HERORDENEN, doelstelling=tree.od12, positie=1))

    assert codes(tree.plan)[tree.od12.pk] == "SD1-OD1"
    assert codes(tree.plan)[tree.od11.pk] == "SD1-OD2"
    assert_tree_valid(tree.plan)


def test_merge_hands_over_actions_and_see_also_links(tree):
    voorstel = propose(
        tree, S.SAMENVOEGEN, doelstelling=tree.od12, doel=tree.od11,
        nieuwe_formulering="Het netwerk verkennen en drempels verlagen",
    )
    accepted = accept(tree, voorstel)

    assert not Doelstelling.objects.filter(pk=tree.od12.pk).exists()
    kept = Doelstelling.objects.get(pk=tree.od11.pk)
    assert kept.formulering == "Het netwerk verkennen en drempels verlagen"
    # The removed goal's action comes after the kept goal's own ones.
    assert action_ids(kept) == [tree.a1.pk, tree.a2.pk, tree.a3.pk]
    # An action that pointed to the removed goal now points to the kept one.
    assert list(tree.a4.zie_ook.values_list("pk", flat=True)) == [tree.od11.pk]
    assert accepted.effect == {"geschrapt": [tree.od12.pk], "behouden": tree.od11.pk}
    # The proposal keeps the removed goal's id.
    assert accepted.doelstelling is None
    assert accepted.doelstelling_ref == tree.od12.pk
    assert_tree_valid(tree.plan)


def test_merge_of_two_sds_moves_the_ods_along(tree):
    accepted = accept(tree, propose(tree, S.SAMENVOEGEN, doelstelling=tree.sd1, doel=tree.sd2))

    assert not Doelstelling.objects.filter(pk=tree.sd1.pk).exists()
    assert codes(tree.plan) == {
        tree.sd2.pk: "SD1", tree.od21.pk: "SD1-OD1", tree.od11.pk: "SD1-OD2",
        tree.od12.pk: "SD1-OD3", tree.sd3.pk: "SD2",
    }
    assert accepted.effect == {"geschrapt": [tree.sd1.pk], "behouden": tree.sd2.pk}
    assert_tree_valid(tree.plan)


def test_split_puts_the_parts_after_the_original_with_its_actions_on_the_first(tree):
    accepted = accept(tree, propose(
        tree, S.SPLITSEN, doelstelling=tree.od11,
        delen="Actoren in kaart brengen\n\n  Communicatiestrategie ontwikkelen  \n",
    ))

    assert not Doelstelling.objects.filter(pk=tree.od11.pk).exists()
    first_id, second_id = accepted.effect["nieuw"]
    assert accepted.effect == {"geschrapt": [tree.od11.pk], "nieuw": [first_id, second_id]}
    goals = by_code(tree.plan)
    assert goals["SD1-OD1"].pk == first_id
    assert goals["SD1-OD1"].formulering == "Actoren in kaart brengen"
    assert goals["SD1-OD2"].pk == second_id
    assert goals["SD1-OD2"].formulering == "Communicatiestrategie ontwikkelen"
    assert goals["SD1-OD3"].pk == tree.od12.pk
    assert action_ids(goals["SD1-OD1"]) == [tree.a1.pk, tree.a2.pk]
    assert action_ids(goals["SD1-OD2"]) == []
    assert_tree_valid(tree.plan)


def test_od_into_action_moves_its_actions_and_adds_the_new_action(tree):
    accepted = accept(tree, propose(
        tree, S.OD_NAAR_ACTIE, doelstelling=tree.od12, doel=tree.od21,
    ))

    assert not Doelstelling.objects.filter(pk=tree.od12.pk).exists()
    (new_action_id,) = accepted.effect["acties"]
    assert accepted.effect == {
        "geschrapt": [tree.od12.pk], "acties": [new_action_id],
        "verhuisde_acties": [tree.a3.pk],
    }
    assert action_ids(tree.od21) == [tree.a4.pk, tree.a3.pk, new_action_id]
    new_action = Actie.objects.get(pk=new_action_id)
    assert new_action.omschrijving == "Drempels verlagen"
    # a4 lies under the target itself: its link to the removed goal is not turned into
    # a link to its own goal.
    assert list(tree.a4.zie_ook.all()) == []
    assert codes(tree.plan)[tree.od21.pk] == "SD2-OD1"
    assert_tree_valid(tree.plan)


def test_action_into_od_makes_a_goal_and_removes_the_action(tree):
    accepted = accept(tree, propose(
        tree, S.ACTIE_NAAR_OD, actie=tree.a3, doel=tree.sd3,
        nieuwe_formulering="Nieuwe vormen van participatie uitproberen",
    ))

    (new_goal_id,) = accepted.effect["nieuw"]
    assert accepted.effect == {"nieuw": [new_goal_id], "geschrapte_acties": [tree.a3.pk]}
    goal = Doelstelling.objects.get(pk=new_goal_id)
    assert (goal.code, goal.parent_id) == ("SD3-OD1", tree.sd3.pk)
    assert goal.formulering == "Nieuwe vormen van participatie uitproberen"
    assert not Actie.objects.filter(pk=tree.a3.pk).exists()
    assert accepted.actie is None and accepted.actie_ref == tree.a3.pk
    assert_tree_valid(tree.plan)


def test_action_into_od_takes_the_action_text_and_a_position(tree):
    accepted = accept(tree, propose(
        tree, S.ACTIE_NAAR_OD, actie=tree.a4, doel=tree.sd1, positie=1,
    ))

    goal = Doelstelling.objects.get(pk=accepted.effect["nieuw"][0])
    assert (goal.code, goal.formulering) == ("SD1-OD1", "Collectie delen")
    assert codes(tree.plan)[tree.od11.pk] == "SD1-OD2"
    assert_tree_valid(tree.plan)


def test_new_od_at_a_position(tree):
    accepted = accept(tree, propose(
        tree, S.NIEUW, doel=tree.sd1, positie=2, nieuwe_formulering="Urgente thema's opvolgen",
    ))

    goal = Doelstelling.objects.get(pk=accepted.effect["nieuw"][0])
    assert (goal.code, goal.parent_id) == ("SD1-OD2", tree.sd1.pk)
    assert codes(tree.plan)[tree.od12.pk] == "SD1-OD3"
    assert_tree_valid(tree.plan)


def test_new_od_at_a_position_under_an_sd_without_ods(tree):
    accepted = accept(tree, propose(
        tree, S.NIEUW, doel=tree.sd3, positie=1, nieuwe_formulering="Eerste OD van SD3",
    ))

    goal = Doelstelling.objects.get(pk=accepted.effect["nieuw"][0])
    assert (goal.code, goal.parent_id) == ("SD3-OD1", tree.sd3.pk)
    assert_tree_valid(tree.plan)


def test_new_od_without_position_comes_last(tree):
    accepted = accept(tree, propose(
        tree, S.NIEUW, doel=tree.sd1, nieuwe_formulering="Urgente thema's opvolgen",
    ))

    assert Doelstelling.objects.get(pk=accepted.effect["nieuw"][0]).code == "SD1-OD3"
    assert_tree_valid(tree.plan)


def test_new_cross_cutting_sd_at_a_position(tree):
    accepted = accept(tree, propose(
        tree, S.NIEUW, positie=1, nieuwe_formulering="Sterke structuren uitbouwen",
        nieuwe_tagline="STRUCTUREN", nieuw_transversaal=True,
    ))

    goal = Doelstelling.objects.get(pk=accepted.effect["nieuw"][0])
    assert (goal.code, goal.parent_id, goal.transversaal) == ("SD1", None, True)
    assert goal.tagline == "STRUCTUREN"
    assert codes(tree.plan)[tree.sd1.pk] == "SD2"
    assert codes(tree.plan)[tree.od21.pk] == "SD3-OD1"
    assert_tree_valid(tree.plan)


def test_remove_an_empty_goal(tree):
    accepted = accept(tree, propose(tree, S.SCHRAPPEN, doelstelling=tree.sd3))

    assert not Doelstelling.objects.filter(pk=tree.sd3.pk).exists()
    assert accepted.effect == {"geschrapt": [tree.sd3.pk]}
    assert_tree_valid(tree.plan)


def test_remove_is_refused_while_the_goal_has_actions(tree):
    voorstel = propose(tree, S.SCHRAPPEN, doelstelling=tree.od11)

    message = refused(tree, voorstel)

    assert "SD1-OD1 heeft nog acties of operationele doelstellingen" in message
    assert action_ids(tree.od11) == [tree.a1.pk, tree.a2.pk]


def test_remove_is_refused_while_an_sd_has_ods(tree):
    message = refused(tree, propose(tree, S.SCHRAPPEN, doelstelling=tree.sd2))

    assert "SD2 heeft nog acties of operationele doelstellingen" in message


def test_comment_is_accepted_without_changing_the_plan(tree):
    voorstel = propose(
        tree, S.OPMERKING, doelstelling=tree.od12, motivatie="(moet nog verscherpt worden)"
    )
    before = export_plan(tree.plan)

    accepted = accept(tree, voorstel)

    assert export_plan(tree.plan) == before
    assert accepted.status == Wijzigingsvoorstel.Status.AANVAARD
    assert accepted.effect == {}


def test_reject_keeps_the_plan_and_the_proposal_on_record(tree):
    voorstel = propose(tree, S.SCHRAPPEN, doelstelling=tree.sd3)
    before = export_plan(tree.plan)

    rejected = reject_proposal(voorstel=voorstel, user=tree.user)

    assert export_plan(tree.plan) == before
    assert rejected.status == Wijzigingsvoorstel.Status.VERWORPEN
    assert rejected.beslist_door == tree.user


# Staleness: a proposal applies only to the goal as it was written against


def test_proposal_on_a_goal_reworded_since_is_refused(tree):
    voorstel = propose(
        tree, S.HERFORMULEREN, doelstelling=tree.od12, nieuwe_formulering="Drempels wegwerken"
    )
    # The coordinator rewords the goal in the admin in the meantime.
    goal = Doelstelling.objects.get(pk=tree.od12.pk)
    goal.formulering = "Drempels voor iedereen verlagen"
    goal.save()

    message = refused(tree, voorstel)

    assert "SD1-OD2 werd geherformuleerd nadat dit voorstel geschreven werd" in message
    assert "Drempels voor iedereen verlagen" in message
    assert Doelstelling.objects.get(pk=tree.od12.pk).formulering == (
        "Drempels voor iedereen verlagen"
    )


def test_second_of_two_rewordings_of_one_goal_is_refused(tree):
    first = propose(tree, S.HERFORMULEREN, doelstelling=tree.od12, nieuwe_formulering="Eerste")
    second = propose(tree, S.HERFORMULEREN, doelstelling=tree.od12, nieuwe_formulering="Tweede")
    accept(tree, first)

    message = refused(tree, second)

    assert "werd geherformuleerd" in message
    assert Doelstelling.objects.get(pk=tree.od12.pk).formulering == "Eerste"


def test_move_of_a_goal_moved_since_is_refused(tree):
    voorstel = propose(tree, S.VERPLAATSEN, doelstelling=tree.od12, doel=tree.sd3)
    Doelstelling.objects.move_node(
        Doelstelling.objects.get(pk=tree.od12.pk), tree.sd2, "last-child"
    )

    message = refused(tree, voorstel)

    assert "werd verplaatst nadat dit voorstel geschreven werd" in message
    assert Doelstelling.objects.get(pk=tree.od12.pk).parent_id == tree.sd2.pk


def test_reword_of_a_goal_moved_since_still_applies(tree):
    """Only a move (or reorder) depends on the goal's place; a rewording does not."""
    voorstel = propose(
        tree, S.HERFORMULEREN, doelstelling=tree.od12, nieuwe_formulering="Drempels wegwerken"
    )
    Doelstelling.objects.move_node(
        Doelstelling.objects.get(pk=tree.od12.pk), tree.sd2, "last-child"
    )

    accept(tree, voorstel)

    assert Doelstelling.objects.get(pk=tree.od12.pk).formulering == "Drempels wegwerken"


def test_proposal_on_a_goal_removed_since_is_refused(tree):
    remove = propose(tree, S.SCHRAPPEN, doelstelling=tree.sd3)
    reword = propose(tree, S.HERFORMULEREN, doelstelling=tree.sd3, nieuwe_formulering="Weg")
    accept(tree, remove)

    message = refused(tree, reword)

    assert "De doelstelling van dit voorstel bestaat niet meer in het plan." in message


def test_merge_into_a_goal_removed_since_is_refused(tree):
    merge = propose(tree, S.SAMENVOEGEN, doelstelling=tree.od12, doel=tree.od11)
    accept(tree, propose(tree, S.SAMENVOEGEN, doelstelling=tree.od11, doel=tree.od21))

    message = refused(tree, merge)

    assert "van dit voorstel bestaat niet meer in het plan." in message
    assert "De doelstelling van dit voorstel" not in message  # it is the target that went


def test_an_accepted_proposal_cannot_be_accepted_again(tree):
    voorstel = accept(
        tree, propose(tree, S.HERFORMULEREN, doelstelling=tree.sd3, nieuwe_formulering="Nieuw")
    )
    before = export_plan(tree.plan)

    with pytest.raises(ProposalNotApplicable) as info:
        accept(tree, voorstel)

    assert info.value.messages == ["Over dit voorstel werd al beslist (aanvaard)."]
    assert export_plan(tree.plan) == before
    with pytest.raises(ProposalNotApplicable):
        reject_proposal(voorstel=voorstel, user=tree.user)


def test_a_rejected_proposal_cannot_be_accepted(tree):
    voorstel = propose(tree, S.SCHRAPPEN, doelstelling=tree.sd3)
    reject_proposal(voorstel=voorstel, user=tree.user)

    with pytest.raises(ProposalNotApplicable) as info:
        accept(tree, voorstel)

    assert info.value.messages == ["Over dit voorstel werd al beslist (verworpen)."]
    assert Doelstelling.objects.filter(pk=tree.sd3.pk).exists()


# Validation of a proposal (admin and site forms run full_clean)


@pytest.mark.parametrize(
    ("soort", "fields", "field", "dutch"),
    [
        (S.HERFORMULEREN, {}, "doelstelling", "Kies de doelstelling waarover dit voorstel gaat."),
        (S.HERFORMULEREN, {"doelstelling": "od12"}, "nieuwe_formulering",
         "Geef de nieuwe formulering (of een nieuwe korte titel)."),
        (S.HERFORMULEREN, {"doelstelling": "od12", "nieuwe_formulering": "Drempels verlagen"},
         "nieuwe_formulering", "De nieuwe formulering is dezelfde als de huidige."),
        (S.VERPLAATSEN, {"doelstelling": "od12"}, "doel",
         "Kies de strategische doelstelling (SD) waarnaar ze verhuist."),
        (S.VERPLAATSEN, {"doelstelling": "od12", "doel": "od21"}, "doel",
         "Kies de strategische doelstelling (SD) waarnaar ze verhuist."),
        (S.VERPLAATSEN, {"doelstelling": "od12", "doel": "sd1"}, "doel",
         "De doelstelling staat al onder deze SD."),
        (S.VERPLAATSEN, {"doelstelling": "sd1", "doel": "sd2"}, "doelstelling",
         "Alleen een operationele doelstelling (OD) kan naar een andere SD verhuizen"),
        (S.HERORDENEN, {"doelstelling": "sd1"}, "positie", "Geef de nieuwe plaats (1 = eerste)."),
        (S.SAMENVOEGEN, {"doelstelling": "od12"}, "doel",
         "Kies de doelstelling die na het samenvoegen overblijft."),
        (S.SAMENVOEGEN, {"doelstelling": "od12", "doel": "od12"}, "doel",
         "Een doelstelling kan niet met zichzelf samengevoegd worden."),
        (S.SAMENVOEGEN, {"doelstelling": "od12", "doel": "sd2"}, "doel",
         "Alleen twee SD's of twee OD's kunnen samengevoegd worden."),
        (S.SPLITSEN, {"doelstelling": "od12", "delen": "Alleen een deel"}, "delen",
         "Geef minstens twee formuleringen, één per regel"),
        (S.SPLITSEN, {"doelstelling": "sd1", "delen": "Een\nTwee"}, "doelstelling",
         "Alleen een operationele doelstelling (OD) kan gesplitst worden."),
        (S.OD_NAAR_ACTIE, {"doelstelling": "od12"}, "doel",
         "Kies de operationele doelstelling (OD) die de nieuwe actie krijgt."),
        (S.OD_NAAR_ACTIE, {"doelstelling": "od12", "doel": "od12"}, "doel",
         "Kies een andere OD dan die welke verdwijnt."),
        (S.OD_NAAR_ACTIE, {"doelstelling": "sd1", "doel": "od12"}, "doelstelling",
         "Alleen een operationele doelstelling (OD) kan een actie worden."),
        (S.ACTIE_NAAR_OD, {"doel": "sd1"}, "actie",
         "Kies de actie die een operationele doelstelling wordt."),
        (S.ACTIE_NAAR_OD, {"actie": "a1", "doel": "od12"}, "doel",
         "Kies de strategische doelstelling (SD) waaronder ze komt."),
        (S.NIEUW, {"doel": "sd1"}, "nieuwe_formulering",
         "Geef de formulering van de nieuwe doelstelling."),
        (S.NIEUW, {"doel": "od12", "nieuwe_formulering": "Nieuw"}, "doel",
         "Een nieuwe doelstelling komt onder een strategische doelstelling (SD)"),
        (S.SCHRAPPEN, {}, "doelstelling", "Kies de doelstelling waarover dit voorstel gaat."),
        (S.OPMERKING, {"doelstelling": "od12"}, "motivatie", "Schrijf de opmerking of vraag."),
    ],
)
def test_proposal_validation_explains_in_dutch(tree, soort, fields, field, dutch):
    values = {name: getattr(tree, ref) for name, ref in fields.items() if name in (
        "doelstelling", "doel", "actie"
    )}
    values.update({k: v for k, v in fields.items() if k not in values})
    voorstel = Wijzigingsvoorstel(herziening=tree.ronde, soort=soort, **values)

    errors = errors_of(voorstel)

    assert field in errors, errors
    assert any(dutch in message for message in errors[field]), errors[field]


def test_proposal_without_kind_or_round_is_refused_in_dutch(tree):
    errors = errors_of(Wijzigingsvoorstel(motivatie="Iets"))

    assert "niet leeg zijn" in errors["soort"][0]
    assert "niet leeg zijn" in errors["herziening"][0]


def test_goal_of_another_plan_is_refused(tree):
    other_sd = make_sd(make_plan(titel="Het volgende plan", van_jaar=2027, tot_jaar=2032))
    other_od = make_od(other_sd)

    errors = errors_of(Wijzigingsvoorstel(
        herziening=tree.ronde, soort=S.VERPLAATSEN, doelstelling=other_od, doel=other_sd,
    ))

    expected = ["Deze doelstelling hoort bij een ander beleidsplan dan de herziening."]
    assert errors["doelstelling"] == expected
    assert errors["doel"] == expected


def test_model_form_with_a_goal_that_does_not_exist_names_the_field(tree):
    VoorstelForm = forms.modelform_factory(
        Wijzigingsvoorstel,
        fields=["herziening", "soort", "doelstelling", "doel", "nieuwe_formulering", "motivatie"],
    )
    missing = Doelstelling.objects.order_by("-pk").first().pk + 100

    form = VoorstelForm(data={
        "herziening": tree.ronde.pk, "soort": S.HERFORMULEREN, "doelstelling": missing,
        "nieuwe_formulering": "Iets nieuws",
    })

    assert not form.is_valid()
    assert list(form.errors) == ["doelstelling"]
    assert "Selecteer een geldige keuze. Deze keuze is niet beschikbaar." in (
        form.errors["doelstelling"]
    )
    assert form["doelstelling"].label == "Doelstelling"
    assert form.errors.as_text().startswith("* doelstelling\n")
    assert not Wijzigingsvoorstel.objects.exists()


def test_model_form_with_a_target_that_does_not_exist_names_the_field(tree):
    VoorstelForm = forms.modelform_factory(
        Wijzigingsvoorstel, fields=["herziening", "soort", "doelstelling", "doel"],
    )
    missing = Doelstelling.objects.order_by("-pk").first().pk + 100

    form = VoorstelForm(data={
        "herziening": tree.ronde.pk, "soort": S.VERPLAATSEN,
        "doelstelling": tree.od12.pk, "doel": missing,
    })

    assert not form.is_valid()
    assert list(form.errors) == ["doel"]
    assert "Selecteer een geldige keuze. Deze keuze is niet beschikbaar." in form.errors["doel"]
    # The field's label is Dutch (the model's verbose name "target goal", translated).
    assert form["doel"].label not in ("", "Target goal", "Doel")
    assert form.errors.as_text().startswith("* doel\n")


def test_full_clean_with_a_goal_id_that_does_not_exist_is_a_field_error(tree):
    missing = Doelstelling.objects.order_by("-pk").first().pk + 100

    errors = errors_of(Wijzigingsvoorstel(
        herziening=tree.ronde, soort=S.HERFORMULEREN, doelstelling_id=missing,
        nieuwe_formulering="Iets nieuws",
    ))

    assert "doelstelling" in errors
    assert errors["doelstelling"] == ["Deze doelstelling bestaat niet (meer) in het plan."]


# Publishing


def test_version_numbers_count_up_per_plan(tree):
    other = make_plan(titel="Het volgende plan", van_jaar=2027, tot_jaar=2032)

    first = publish_version(plan=tree.plan, naam="De nota hoe ze was", user=tree.user)
    other_first = publish_version(plan=other, naam="Ontwerp", user=tree.user)
    second = publish_version(plan=tree.plan, naam="  Na herziening  ", user=tree.user)

    assert (first.nummer, second.nummer, other_first.nummer) == (1, 2, 1)
    assert second.naam == "Na herziening"
    assert second.gepubliceerd_door == tree.user
    assert second.data()["versie"]["nummer"] == 2
    assert second.data()["versie"]["naam"] == "Na herziening"


def test_publishing_needs_a_name(tree):
    with pytest.raises(ValidationError) as info:
        publish_version(plan=tree.plan, naam="   ", user=tree.user)

    assert info.value.message_dict == {"naam": ["Geef de versie een naam."]}
    assert not Planversie.objects.exists()


def test_published_version_never_changes_when_the_working_state_does(tree, client):
    versie = publish_version(plan=tree.plan, naam="Versie een", user=tree.user)
    url = reverse("plan:versie_json", args=[tree.plan.pk, 1])

    def exports():
        out = StringIO()
        call_command("exporteer_plan", "--plan", str(tree.plan.pk), "--versie", "1", stdout=out)
        return out.getvalue(), client.get(url).content.decode("utf-8")

    before = exports()
    working_before = export_plan(tree.plan)
    assert before == (versie.document, versie.document)

    # Reword a goal directly, accept a proposal, move a goal.
    goal = Doelstelling.objects.get(pk=tree.od21.pk)
    goal.formulering = "Regiobib uitbreiden"
    goal.save()
    accept(tree, propose(tree, S.SPLITSEN, doelstelling=tree.od11, delen="Een\nTwee"))
    Doelstelling.objects.move_node(
        Doelstelling.objects.get(pk=tree.od12.pk), tree.sd3, "last-child"
    )

    assert export_plan(tree.plan) != working_before
    assert exports() == before
    assert Planversie.objects.get(pk=versie.pk).document == versie.document


def test_a_published_version_cannot_be_saved_again(tree):
    versie = publish_version(plan=tree.plan, naam="Versie een", user=tree.user)
    stored = versie.document

    versie.naam = "Andere naam"
    versie.document = "{}"
    with pytest.raises(ValueError, match="immutable"):
        versie.save()

    fresh = Planversie.objects.get(pk=versie.pk)
    assert (fresh.naam, fresh.document) == ("Versie een", stored)


def test_merge_with_new_wording_is_refused_when_the_remaining_goal_was_reworded_since(tree):
    merge = propose(
        tree, S.SAMENVOEGEN, doelstelling=tree.od12, doel=tree.od11,
        nieuwe_formulering="Netwerk verkennen en drempels verlagen",
    )
    reword = propose(
        tree, S.HERFORMULEREN, doelstelling=tree.od11,
        nieuwe_formulering="Het netwerk en de sterkhouders verkennen",
    )
    accept(tree, reword)

    reason = refused(tree, merge)

    assert "werd geherformuleerd nadat dit voorstel geschreven werd" in reason
    tree.od11.refresh_from_db()
    assert tree.od11.formulering == "Het netwerk en de sterkhouders verkennen"

"""Proposals by kind: each kind validates, checks it still applies, applies and describes
itself (beleidsplan/proposals.py); the admin asks only the chosen kind's fields and
starts "new wording" from the current text; actions can be reworded, moved and removed
through proposals; the publish preview lists what changed with a link to the comparison."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from acties.models import Actie, Indicator, Voortgangsrapport
from beleidsplan.models import Doelstelling, Herziening, Planversie, Wijzigingsvoorstel
from beleidsplan.proposals import KINDS
from beleidsplan.services import ProposalNotApplicable, accept_proposal, publish_version

from .factories import make_actie, make_actor, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db
S = Wijzigingsvoorstel.Soort
ADD = "admin:beleidsplan_wijzigingsvoorstel_add"


@pytest.fixture
def plan_tree():
    plan = make_plan()
    sd1 = make_sd(plan, "De cultuurparticipatie verhogen")
    sd2 = make_sd(plan, "Het aanbod versterken")
    od1 = make_od(sd1, "Het netwerk verkennen")
    od2 = make_od(sd1, "Spreiding over de hele regio")
    od3 = make_od(sd2, "Samenwerken met scholen")
    a1 = make_actie(od1, "Een netwerkdag organiseren", volgorde=1)
    a2 = make_actie(od1, "Een nieuwsbrief versturen", volgorde=2)
    a3 = make_actie(od3, "Een schoolproject opzetten", volgorde=1)
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2024")
    return {"plan": plan, "ronde": ronde, "sd1": sd1, "sd2": sd2, "od1": od1, "od2": od2,
            "od3": od3, "a1": a1, "a2": a2, "a3": a3}


def propose(tree, soort, author, **fields):
    voorstel = Wijzigingsvoorstel(herziening=tree["ronde"], soort=soort, auteur=author, **fields)
    voorstel.full_clean()
    voorstel.save()
    return voorstel


def refused(voorstel, user) -> str:
    with pytest.raises(ProposalNotApplicable) as error:
        accept_proposal(voorstel=voorstel, user=user)
    voorstel.refresh_from_db()
    assert voorstel.status == Wijzigingsvoorstel.Status.OPEN
    return " ".join(error.value.messages)


# --- Each kind: applies; refused (in Dutch, nothing changed) when it no longer applies ----


def test_every_kind_has_a_class_and_the_admin_offers_each(coordinator_client):
    assert set(KINDS) == set(S.values)
    page = coordinator_client.get(reverse(ADD)).content.decode()
    for soort in S.values:
        assert f"soort={soort}" in page


def test_reword_goal_applies_and_a_stale_one_is_refused(plan_tree, coordinator):
    od1 = plan_tree["od1"]
    first = propose(plan_tree, S.HERFORMULEREN, coordinator, doelstelling=od1,
                    nieuwe_formulering="Het netwerk en de sterkhouders verkennen")
    second = propose(plan_tree, S.HERFORMULEREN, coordinator, doelstelling=od1,
                     nieuwe_formulering="Iets anders")
    accept_proposal(voorstel=first, user=coordinator)
    od1.refresh_from_db()
    assert od1.formulering == "Het netwerk en de sterkhouders verkennen"
    assert od1.history.first().history_user == coordinator
    assert "werd geherformuleerd nadat dit voorstel geschreven werd" in refused(second, coordinator)
    od1.refresh_from_db()
    assert od1.formulering == "Het netwerk en de sterkhouders verkennen"


def test_move_goal_applies_and_is_refused_once_the_goal_moved(plan_tree, coordinator):
    od2, sd2 = plan_tree["od2"], plan_tree["sd2"]
    move = propose(plan_tree, S.VERPLAATSEN, coordinator, doelstelling=od2, doel=sd2, positie=1)
    again = propose(plan_tree, S.VERPLAATSEN, coordinator, doelstelling=od2, doel=sd2)
    accept_proposal(voorstel=move, user=coordinator)
    od2.refresh_from_db()
    assert od2.parent_id == sd2.pk and od2.code == "SD2-OD1"
    assert "werd verplaatst nadat dit voorstel geschreven werd" in refused(again, coordinator)


def test_reorder_renumbers_the_sds(plan_tree, coordinator):
    sd2 = plan_tree["sd2"]
    accept_proposal(
        voorstel=propose(plan_tree, S.HERORDENEN, coordinator, doelstelling=sd2, positie=1),
        user=coordinator,
    )
    sd2.refresh_from_db()
    assert sd2.code == "SD1"


def test_merge_hands_over_the_actions_and_respects_a_later_rewording(plan_tree, coordinator):
    od1, od2 = plan_tree["od1"], plan_tree["od2"]
    stale = propose(plan_tree, S.SAMENVOEGEN, coordinator, doelstelling=od1, doel=od2,
                    nieuwe_formulering="Netwerk en spreiding")
    reword = propose(plan_tree, S.HERFORMULEREN, coordinator, doelstelling=od2,
                     nieuwe_formulering="Spreiding over alle gemeenten")
    accept_proposal(voorstel=reword, user=coordinator)
    assert "werd geherformuleerd nadat dit voorstel geschreven werd" in refused(stale, coordinator)
    assert Doelstelling.objects.filter(pk=od1.pk).exists()

    merge = propose(plan_tree, S.SAMENVOEGEN, coordinator, doelstelling=od1, doel=od2)
    accept_proposal(voorstel=merge, user=coordinator)
    assert not Doelstelling.objects.filter(pk=od1.pk).exists()
    assert set(Actie.objects.filter(doelstelling=od2).values_list("pk", flat=True)) == {
        plan_tree["a1"].pk, plan_tree["a2"].pk,
    }


def test_split_makes_the_parts_and_the_first_gets_the_actions(plan_tree, coordinator):
    od1 = plan_tree["od1"]
    split = propose(plan_tree, S.SPLITSEN, coordinator, doelstelling=od1,
                    delen="Het netwerk verkennen\nDe sterkhouders ondersteunen")
    voorstel = accept_proposal(voorstel=split, user=coordinator)
    first, second = voorstel.effect["nieuw"]
    assert Actie.objects.filter(doelstelling_id=first).count() == 2
    assert Doelstelling.objects.get(pk=second).formulering == "De sterkhouders ondersteunen"


def test_od_into_action_and_action_into_od(plan_tree, coordinator):
    od2, od1, sd2, a3 = plan_tree["od2"], plan_tree["od1"], plan_tree["sd2"], plan_tree["a3"]
    accept_proposal(
        voorstel=propose(plan_tree, S.OD_NAAR_ACTIE, coordinator, doelstelling=od2, doel=od1),
        user=coordinator,
    )
    assert Actie.objects.filter(doelstelling=od1, omschrijving=od2.formulering).exists()
    back = accept_proposal(
        voorstel=propose(plan_tree, S.ACTIE_NAAR_OD, coordinator, actie=a3, doel=sd2),
        user=coordinator,
    )
    (new_od,) = back.effect["nieuw"]
    assert Doelstelling.objects.get(pk=new_od).formulering == "Een schoolproject opzetten"
    assert not Actie.objects.filter(pk=a3.pk).exists()


def test_new_goal_and_remove_goal(plan_tree, coordinator):
    sd2, od2, od1 = plan_tree["sd2"], plan_tree["od2"], plan_tree["od1"]
    new = accept_proposal(
        voorstel=propose(plan_tree, S.NIEUW, coordinator, doel=sd2,
                         nieuwe_formulering="Gezamenlijke initiatieven"),
        user=coordinator,
    )
    assert Doelstelling.objects.get(pk=new.effect["nieuw"][0]).parent_id == sd2.pk
    accept_proposal(voorstel=propose(plan_tree, S.SCHRAPPEN, coordinator, doelstelling=od2),
                    user=coordinator)
    assert not Doelstelling.objects.filter(pk=od2.pk).exists()
    message = refused(propose(plan_tree, S.SCHRAPPEN, coordinator, doelstelling=od1), coordinator)
    assert "heeft nog acties of operationele doelstellingen" in message
    assert Doelstelling.objects.filter(pk=od1.pk).exists()


def test_a_comment_changes_nothing(plan_tree, coordinator):
    od1 = plan_tree["od1"]
    comment = propose(plan_tree, S.OPMERKING, coordinator, doelstelling=od1,
                      motivatie="(moet nog verscherpt worden)")
    accept_proposal(voorstel=comment, user=coordinator)
    od1.refresh_from_db()
    assert od1.formulering == "Het netwerk verkennen"


def test_reword_action_applies_audited_and_a_stale_one_is_refused(plan_tree, coordinator):
    a1 = plan_tree["a1"]
    first = propose(plan_tree, S.ACTIE_HERFORMULEREN, coordinator, actie=a1,
                    nieuwe_formulering="Een jaarlijkse netwerkdag organiseren")
    second = propose(plan_tree, S.ACTIE_HERFORMULEREN, coordinator, actie=a1,
                     nieuwe_formulering="Twee netwerkdagen organiseren")
    accept_proposal(voorstel=first, user=coordinator)
    a1.refresh_from_db()
    assert a1.omschrijving == "Een jaarlijkse netwerkdag organiseren"
    record = a1.history.first()
    assert record.history_user == coordinator
    assert "Wijzigingsvoorstel" in record.history_change_reason
    message = refused(second, coordinator)
    assert "De actie werd geherformuleerd nadat dit voorstel geschreven werd" in message
    assert "Een jaarlijkse netwerkdag organiseren" in message
    a1.refresh_from_db()
    assert a1.omschrijving == "Een jaarlijkse netwerkdag organiseren"


def test_reword_action_with_the_same_text_is_not_a_proposal(plan_tree, coordinator):
    with pytest.raises(ValidationError) as error:
        propose(plan_tree, S.ACTIE_HERFORMULEREN, coordinator, actie=plan_tree["a1"],
                nieuwe_formulering="Een netwerkdag organiseren")
    assert "dezelfde als de huidige" in str(error.value)


def test_move_action_to_another_od_and_number_again(plan_tree, coordinator):
    a1, a3, od3 = plan_tree["a1"], plan_tree["a3"], plan_tree["od3"]
    move = propose(plan_tree, S.ACTIE_VERPLAATSEN, coordinator, actie=a1, doel=od3, positie=1)
    stale = propose(plan_tree, S.ACTIE_VERPLAATSEN, coordinator, actie=a1,
                    doel=plan_tree["od2"])
    accept_proposal(voorstel=move, user=coordinator)
    a1.refresh_from_db()
    a3.refresh_from_db()
    assert (a1.doelstelling_id, a1.volgorde, a3.volgorde) == (od3.pk, 1, 2)
    assert "De actie werd naar SD2-OD1 verplaatst nadat" in refused(stale, coordinator)
    a1.refresh_from_db()
    assert a1.doelstelling_id == od3.pk


def test_moving_an_action_to_an_sd_or_its_own_od_is_refused(plan_tree, coordinator):
    with pytest.raises(ValidationError) as error:
        propose(plan_tree, S.ACTIE_VERPLAATSEN, coordinator, actie=plan_tree["a1"],
                doel=plan_tree["sd2"])
    assert "Kies de operationele doelstelling (OD)" in str(error.value)
    with pytest.raises(ValidationError):
        propose(plan_tree, S.ACTIE_VERPLAATSEN, coordinator, actie=plan_tree["a1"],
                doel=plan_tree["od1"])


def test_remove_action_and_refuse_once_gone_or_reported_on(plan_tree, coordinator):
    a2, a3 = plan_tree["a2"], plan_tree["a3"]
    first = propose(plan_tree, S.ACTIE_SCHRAPPEN, coordinator, actie=a2)
    second = propose(plan_tree, S.ACTIE_SCHRAPPEN, coordinator, actie=a2)
    accept_proposal(voorstel=first, user=coordinator)
    assert not Actie.objects.filter(pk=a2.pk).exists()
    second.refresh_from_db()
    assert "De actie van dit voorstel bestaat niet meer in het plan." in refused(
        second, coordinator
    )

    Voortgangsrapport.objects.create(actie=a3, actor=make_actor(), jaar=2024, status="lopend")
    message = refused(propose(plan_tree, S.ACTIE_SCHRAPPEN, coordinator, actie=a3), coordinator)
    assert "Partners rapporteerden" in message
    assert Actie.objects.filter(pk=a3.pk).exists()


def test_each_kind_describes_itself_in_dutch(plan_tree, coordinator):
    voorstel = propose(plan_tree, S.ACTIE_VERPLAATSEN, coordinator, actie=plan_tree["a1"],
                       doel=plan_tree["od3"])
    assert KINDS[S.ACTIE_VERPLAATSEN].describe(voorstel).startswith("Verplaats SD1-OD1:")
    merge = propose(plan_tree, S.SAMENVOEGEN, coordinator, doelstelling=plan_tree["od1"],
                    doel=plan_tree["od2"])
    assert KINDS[S.SAMENVOEGEN].describe(merge) == "Voeg SD1-OD1 samen met SD1-OD2"


# --- The admin: one form per kind ----------------------------------------------------------


def add_url(**params) -> str:
    from urllib.parse import urlencode

    return f"{reverse(ADD)}?{urlencode(params)}"


def test_adding_starts_with_the_choice_of_kind(coordinator_client, plan_tree):
    page = coordinator_client.get(reverse(ADD)).content.decode()
    assert "Welk soort wijziging stelt u voor?" in page
    assert "Actie herformuleren" in page
    assert 'name="delen"' not in page


def test_the_reword_action_form_asks_only_its_fields_and_starts_from_the_text(
    coordinator_client, plan_tree
):
    a1 = plan_tree["a1"]
    # Without an action, the form first asks which one.
    step = coordinator_client.get(add_url(soort=S.ACTIE_HERFORMULEREN)).content.decode()
    assert f'<option value="{a1.pk}">' in step
    assert "Een netwerkdag organiseren" in step

    page = coordinator_client.get(
        add_url(soort=S.ACTIE_HERFORMULEREN, actie=a1.pk, herziening=plan_tree["ronde"].pk)
    ).content.decode()
    assert re.search(r'<textarea name="nieuwe_formulering"[^>]*>\s*Een netwerkdag organiseren',
                     page)
    assert "Nieuwe omschrijving" in page
    for absent in ("soort", "doelstelling", "doel", "positie", "nieuwe_tagline",
                   "nieuw_transversaal", "delen"):
        assert f'name="{absent}"' not in page


def test_the_reword_goal_form_starts_from_the_current_wording(coordinator_client, plan_tree):
    od1 = plan_tree["od1"]
    page = coordinator_client.get(
        add_url(soort=S.HERFORMULEREN, doelstelling=od1.pk)
    ).content.decode()
    assert re.search(r'<textarea name="nieuwe_formulering"[^>]*>\s*Het netwerk verkennen', page)
    assert 'name="delen"' not in page and 'name="actie"' not in page


def test_the_split_form_asks_for_the_parts_not_the_wording(coordinator_client, plan_tree):
    page = coordinator_client.get(add_url(soort=S.SPLITSEN)).content.decode()
    assert 'name="delen"' in page
    assert 'name="nieuwe_formulering"' not in page and 'name="actie"' not in page


def test_coordinator_rewords_moves_and_removes_actions_through_the_admin(
    coordinator_client, plan_tree, coordinator
):
    a1, a2, od3, ronde = plan_tree["a1"], plan_tree["a2"], plan_tree["od3"], plan_tree["ronde"]
    written = [
        (S.ACTIE_HERFORMULEREN, {"actie": a1.pk, "nieuwe_formulering": "Een netwerkdag houden"}),
        (S.ACTIE_VERPLAATSEN, {"actie": a1.pk, "doel": od3.pk, "positie": ""}),
        (S.ACTIE_SCHRAPPEN, {"actie": a2.pk}),
    ]
    for soort, data in written:
        url = add_url(soort=soort, actie=data["actie"])
        response = coordinator_client.post(
            url, {"herziening": ronde.pk, "volgorde": 0, "motivatie": "", **data,
                  "reacties-TOTAL_FORMS": 0, "reacties-INITIAL_FORMS": 0}
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        voorstel = Wijzigingsvoorstel.objects.latest("pk")
        assert (voorstel.soort, voorstel.auteur) == (soort, coordinator)
        accept = reverse("admin:beleidsplan_wijzigingsvoorstel_accept", args=[voorstel.pk])
        assert "Dit voorstel aanvaarden?" in coordinator_client.get(accept).content.decode()
        follow = coordinator_client.post(accept, follow=True).content.decode()
        assert "Het voorstel is aanvaard en in het plan doorgevoerd." in follow
    a1.refresh_from_db()
    assert (a1.omschrijving, a1.doelstelling_id) == ("Een netwerkdag houden", od3.pk)
    assert not Actie.objects.filter(pk=a2.pk).exists()


def test_a_proposal_form_refuses_what_its_kind_needs(coordinator_client, plan_tree):
    response = coordinator_client.post(
        add_url(soort=S.ACTIE_HERFORMULEREN, actie=plan_tree["a1"].pk),
        {"herziening": plan_tree["ronde"].pk, "volgorde": 0, "actie": plan_tree["a1"].pk,
         "nieuwe_formulering": "", "reacties-TOTAL_FORMS": 0, "reacties-INITIAL_FORMS": 0},
    )
    assert response.status_code == 200
    assert "Geef de nieuwe omschrijving van de actie." in response.content.decode()
    assert not Wijzigingsvoorstel.objects.exists()


def test_the_publish_preview_lists_every_change_and_links_the_comparison(
    coordinator_client, plan_tree, coordinator
):
    plan, a1 = plan_tree["plan"], plan_tree["a1"]
    publish_version(plan=plan, naam="De nota hoe ze was", user=coordinator)
    accept_proposal(
        voorstel=propose(plan_tree, S.ACTIE_HERFORMULEREN, coordinator, actie=a1,
                         nieuwe_formulering="Een netwerkdag houden met alle partners"),
        user=coordinator,
    )
    accept_proposal(
        voorstel=propose(plan_tree, S.HERFORMULEREN, coordinator, doelstelling=plan_tree["od2"],
                         nieuwe_formulering="Spreiding over alle gemeenten"),
        user=coordinator,
    )
    page = coordinator_client.post(
        reverse("admin:beleidsplan_planversie_publish"), {"plan": plan.pk, "naam": "Na"}
    ).content.decode()
    compare = reverse("plan:vergelijk", args=[plan.pk]) + "?van=1&amp;naar=werk"
    assert f'href="{compare}"' in page
    assert "Een netwerkdag houden met alle partners" in page
    assert "Spreiding over alle gemeenten" in page
    assert "geherformuleerd" in page
    assert "Herformuleer de actie &quot;Een netwerkdag organiseren&quot; van SD1-OD1" in page
    assert Planversie.objects.count() == 1


@pytest.mark.parametrize("persona", ["stuurgroeplid", "partner_a"])
def test_steering_member_and_partner_cannot_write_or_accept_proposals(
    client, plan_tree, persona, request, coordinator
):
    client.force_login(request.getfixturevalue(persona))
    a1 = plan_tree["a1"]
    voorstel = propose(plan_tree, S.ACTIE_HERFORMULEREN, coordinator, actie=a1,
                       nieuwe_formulering="Gekaapt")
    url = add_url(soort=S.ACTIE_HERFORMULEREN, actie=a1.pk)
    for response in (
        client.get(reverse(ADD)),
        client.get(url),
        client.post(url, {"herziening": plan_tree["ronde"].pk, "volgorde": 0, "actie": a1.pk,
                          "nieuwe_formulering": "Ook gekaapt"}),
        client.post(reverse("admin:beleidsplan_wijzigingsvoorstel_accept", args=[voorstel.pk])),
    ):
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    a1.refresh_from_db()
    voorstel.refresh_from_db()
    assert a1.omschrijving == "Een netwerkdag organiseren"
    assert voorstel.status == Wijzigingsvoorstel.Status.OPEN
    assert Wijzigingsvoorstel.objects.count() == 1


def test_the_action_page_leads_to_the_action_kinds_with_the_open_round(
    coordinator_client, plan_tree
):
    a1, ronde = plan_tree["a1"], plan_tree["ronde"]
    page = coordinator_client.get(
        reverse("admin:acties_actie_change", args=[a1.pk])
    ).content.decode()
    assert "Wijziging voorstellen" in page
    assert f'{reverse(ADD)}?actie={a1.pk}' in page

    kinds = coordinator_client.get(f"{reverse(ADD)}?actie={a1.pk}").content.decode()
    assert "Actie herformuleren" in kinds and "Actie schrappen" in kinds
    assert "soort=splitsen" not in kinds

    form = coordinator_client.get(
        add_url(soort=S.ACTIE_HERFORMULEREN, actie=a1.pk)
    ).content.decode()
    assert re.search(rf'<option value="{ronde.pk}" selected>Herziening 2024', form)


def test_the_goal_page_leads_to_the_goal_kinds(coordinator_client, plan_tree):
    od1 = plan_tree["od1"]
    page = coordinator_client.get(
        reverse("admin:beleidsplan_doelstelling_change", args=[od1.pk])
    ).content.decode()
    assert f'{reverse(ADD)}?doelstelling={od1.pk}' in page
    kinds = coordinator_client.get(f"{reverse(ADD)}?doelstelling={od1.pk}").content.decode()
    assert "soort=splitsen" in kinds and "soort=actie_schrappen" not in kinds


def test_the_steering_group_reads_a_proposal_about_an_action_on_the_site(
    client, plan_tree, stuurgroeplid, coordinator
):
    propose(plan_tree, S.ACTIE_HERFORMULEREN, coordinator, actie=plan_tree["a1"],
            nieuwe_formulering="Een netwerkdag houden")
    client.force_login(stuurgroeplid)
    page = client.get(
        reverse("plan:herziening", args=[plan_tree["plan"].pk, plan_tree["ronde"].pk])
    ).content.decode()
    assert "Actie herformuleren: actie van SD1-OD1" in page
    assert "Een netwerkdag organiseren" in page and "Een netwerkdag houden" in page


@pytest.mark.parametrize("soort", S.values)
def test_each_kind_has_a_form_with_only_its_fields(coordinator_client, plan_tree, soort):
    kind = KINDS[soort]
    if kind.starts_from == "indicator":
        indicator = Indicator.objects.create(
            actie=plan_tree["a1"], naam="Deelnemers", eenheid="deelnemers", streefwaarde=50,
            streefjaar=plan_tree["plan"].tot_jaar,
        )
        subject = {"indicator": indicator.pk}
    elif kind.about_action:
        subject = {"actie": plan_tree["a1"].pk}
    else:
        subject = {"doelstelling": plan_tree["od1"].pk}
    page = coordinator_client.get(add_url(soort=soort, **subject)).content.decode()
    asked = {"herziening", "volgorde", "motivatie", *kind.fields}
    for name in ("doelstelling", "actie", "doel", "positie", "nieuwe_formulering",
                 "nieuwe_tagline", "nieuw_transversaal", "delen", "indicator", "indicator_naam",
                 "indicator_streefwaarde", "indicator_cumulatief", "motivatie"):
        assert (f'name="{name}"' in page) == (name in asked), name


@pytest.mark.parametrize(
    ("soort", "data"),
    [
        (S.NIEUW, {"doel": "", "positie": "", "nieuwe_formulering": "Nieuwe SD",
                   "nieuwe_tagline": "", "nieuw_transversaal": "unknown"}),
        (S.SPLITSEN, {"doelstelling": "od1", "delen": "Deel een\nDeel twee"}),
        (S.OPMERKING, {"doelstelling": "", "motivatie": "(moet nog verscherpt worden)"}),
        (S.HERFORMULEREN, {"doelstelling": "od1", "nieuwe_formulering": "Het netwerk verkennen",
                           "nieuwe_tagline": "NETWERK", "nieuw_transversaal": "unknown"}),
    ],
)
def test_goal_kinds_are_written_through_their_form(
    coordinator_client, plan_tree, coordinator, soort, data
):
    data = {name: plan_tree[value].pk if value in plan_tree else value
            for name, value in data.items()}
    response = coordinator_client.post(
        add_url(soort=soort, **({"doelstelling": data["doelstelling"]}
                                if data.get("doelstelling") else {})),
        {"herziening": plan_tree["ronde"].pk, "volgorde": 0, "motivatie": "", **data,
         "reacties-TOTAL_FORMS": 0, "reacties-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    voorstel = Wijzigingsvoorstel.objects.get()
    assert voorstel.soort == soort
    accept_proposal(voorstel=voorstel, user=coordinator)


def test_the_round_page_says_what_each_open_proposal_does(
    coordinator_client, plan_tree, coordinator, django_assert_max_num_queries
):
    ronde = plan_tree["ronde"]
    propose(plan_tree, S.ACTIE_HERFORMULEREN, coordinator, actie=plan_tree["a1"],
            nieuwe_formulering="Een netwerkdag houden")
    url = reverse("admin:beleidsplan_herziening_change", args=[ronde.pk])
    page = coordinator_client.get(url).content.decode()
    assert "Herformuleer de actie &quot;Een netwerkdag organiseren&quot; van SD1-OD1" in page
    assert "Een wijzigingsvoorstel schrijven in deze ronde" in page

    # More proposals cost no more queries.
    with django_assert_max_num_queries(60) as one:
        coordinator_client.get(url)
    for actie in ("a2", "a3"):
        propose(plan_tree, S.ACTIE_SCHRAPPEN, coordinator, actie=plan_tree[actie])
    propose(plan_tree, S.SAMENVOEGEN, coordinator, doelstelling=plan_tree["od1"],
            doel=plan_tree["od2"])
    with django_assert_max_num_queries(len(one.captured_queries)):
        coordinator_client.get(url)


def test_a_merged_goal_is_still_named_in_the_description(plan_tree, coordinator):
    od1 = plan_tree["od1"]
    merge = accept_proposal(
        voorstel=propose(plan_tree, S.SAMENVOEGEN, coordinator, doelstelling=od1,
                         doel=plan_tree["od2"]),
        user=coordinator,
    )
    merge = Wijzigingsvoorstel.objects.get(pk=merge.pk)
    # The goal that remains took the first place: its code follows.
    assert KINDS[S.SAMENVOEGEN].describe(merge) == f"Voeg doelstelling #{od1.pk} samen met SD1-OD1"


def test_a_goals_history_says_what_each_proposal_did(client, plan_tree, stuurgroeplid,
                                                      coordinator):
    od1 = plan_tree["od1"]
    accept_proposal(
        voorstel=propose(plan_tree, S.HERFORMULEREN, coordinator, doelstelling=od1,
                         nieuwe_formulering="Het netwerk en de sterkhouders verkennen"),
        user=coordinator,
    )
    client.force_login(stuurgroeplid)
    page = client.get(
        reverse("plan:geschiedenis", args=[plan_tree["plan"].pk, od1.pk])
    ).content.decode()
    assert "Herformuleer SD1-OD1: &quot;Het netwerk en de sterkhouders verkennen&quot;" in page

"""The goal tree in the admin: drag and drop, refused moves and deletes, "zie ook" from the
other side, and the history of what the coordinator changed."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from acties.models import Actie
from beleidsplan.models import Doelstelling

from .factories import make_actie, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:beleidsplan_doelstelling_changelist"


def tree(plan):
    """The plan's goals as (code, formulering, lft, rght) in tree order."""
    return list(
        Doelstelling.objects.filter(plan=plan)
        .order_by("tree_id", "lft")
        .values_list("code", "formulering", "lft", "rght")
    )


def move(client, cut_item, pasted_on, position):
    return client.post(
        reverse(CHANGELIST),
        {
            "cmd": "move_node",
            "cut_item": cut_item.pk,
            "pasted_on": pasted_on.pk,
            "position": position,
        },
    )


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def plan():
    plan = make_plan()
    participatie = make_sd(plan, "Participatie")
    aanbod = make_sd(plan, "Aanbod")
    make_od(participatie, "Netwerk")
    make_od(participatie, "Spreiden")
    make_od(aanbod, "Regiobib")
    return plan


def goal(plan, formulering):
    return Doelstelling.objects.get(plan=plan, formulering=formulering)


# --- Drag and drop ----------------------------------------------------------------------------


def test_drag_and_drop_moves_od_to_other_sd_and_renumbers(coordinator_client, coordinator, plan):
    netwerk = goal(plan, "Netwerk")

    response = move(coordinator_client, netwerk, goal(plan, "Aanbod"), "last-child")

    assert response.content == b"OK, moved."
    assert [(code, text) for code, text, *_ in tree(plan)] == [
        ("SD1", "Participatie"),
        ("SD1-OD1", "Spreiden"),
        ("SD2", "Aanbod"),
        ("SD2-OD1", "Regiobib"),
        ("SD2-OD2", "Netwerk"),
    ]
    assert any("is verplaatst" in message for message in messages_of(response))
    # The move is in the goal's history, with the coordinator and the new parent.
    record = netwerk.history.first()
    assert record.history_user == coordinator
    assert record.parent_id == goal(plan, "Aanbod").pk
    assert record.history_change_reason == "Verplaatst in de boom van doelstellingen"


def test_drag_and_drop_reorders_sds_and_renumbers_their_ods(coordinator_client, plan):
    response = move(coordinator_client, goal(plan, "Aanbod"), goal(plan, "Participatie"), "left")

    assert response.content == b"OK, moved."
    assert [(code, text) for code, text, *_ in tree(plan)] == [
        ("SD1", "Aanbod"),
        ("SD1-OD1", "Regiobib"),
        ("SD2", "Participatie"),
        ("SD2-OD1", "Netwerk"),
        ("SD2-OD2", "Spreiden"),
    ]


def test_moving_an_od_under_an_od_is_refused_in_dutch(coordinator_client, plan):
    before = tree(plan)

    response = move(coordinator_client, goal(plan, "Netwerk"), goal(plan, "Regiobib"), "last-child")

    assert response.content.startswith(b"FAIL")
    assert messages_of(response) == [
        "Een operationele doelstelling kan zelf geen operationele doelstellingen krijgen."
    ]
    assert tree(plan) == before


def test_making_an_od_with_actions_a_strategic_goal_is_refused(coordinator_client, plan):
    regiobib = goal(plan, "Regiobib")
    make_actie(regiobib)
    before = tree(plan)

    response = move(coordinator_client, regiobib, goal(plan, "Participatie"), "left")

    assert response.content.startswith(b"FAIL")
    assert messages_of(response) == [
        "SD2-OD1 heeft acties en moet dus een operationele doelstelling onder een SD blijven."
    ]
    assert tree(plan) == before


def test_refusal_message_is_on_the_reloaded_changelist(coordinator_client, plan):
    # The drag-and-drop script reloads the page after every move: the refusal is there.
    move(coordinator_client, goal(plan, "Netwerk"), goal(plan, "Regiobib"), "last-child")

    page = coordinator_client.get(reverse(CHANGELIST)).content.decode()

    assert "Een operationele doelstelling kan zelf geen operationele doelstellingen" in page


# --- Undo of a drag and drop -------------------------------------------------------------------


def undo_link(response) -> str:
    """The "Deze verplaatsing ongedaan maken" link of the message after a move."""
    for message in messages_of(response):
        if "ongedaan maken" in message:
            return re.search(r'href="([^"]+)"', message)[1].replace("&amp;", "&")
    raise AssertionError(f"no undo link in {messages_of(response)}")


def test_a_move_can_be_undone_from_the_message_after_a_confirmation(
    coordinator_client, coordinator, plan
):
    before = tree(plan)
    netwerk = goal(plan, "Netwerk")
    moved = move(coordinator_client, netwerk, goal(plan, "Aanbod"), "last-child")
    assert any("Netwerk heeft nu de code SD2-OD2" in m for m in messages_of(moved))
    link = undo_link(moved)

    page = coordinator_client.get(link)
    assert page.status_code == 200
    text = page.content.decode()
    assert "De verplaatsing van SD2-OD2 ongedaan maken?" in text
    assert "Terug als eerste doelstelling onder SD1" in text
    assert [row[:2] for row in tree(plan)] != [row[:2] for row in before]  # not yet

    response = coordinator_client.post(link)

    assert response.status_code == 302
    assert [row[:2] for row in tree(plan)] == [row[:2] for row in before]
    assert any("staat terug op de vorige plaats, als SD1-OD1" in m
               for m in messages_of(response))
    record = netwerk.history.first()
    assert record.history_user == coordinator
    assert record.history_change_reason == "Verplaatsing ongedaan gemaakt"


def test_undo_puts_an_sd_back_after_the_one_it_followed(coordinator_client, plan):
    before = tree(plan)
    link = undo_link(move(coordinator_client, goal(plan, "Aanbod"), goal(plan, "Participatie"),
                          "left"))

    coordinator_client.post(link)

    assert [row[:2] for row in tree(plan)] == [row[:2] for row in before]


def test_undo_after_the_tree_changed_is_refused_and_changes_nothing(coordinator_client, plan):
    netwerk, spreiden = goal(plan, "Netwerk"), goal(plan, "Spreiden")
    link = undo_link(move(coordinator_client, spreiden, goal(plan, "Aanbod"), "last-child"))
    # Meanwhile the goal it followed moved elsewhere.
    move(coordinator_client, netwerk, goal(plan, "Aanbod"), "last-child")
    before = tree(plan)

    response = coordinator_client.post(link, follow=True)

    assert tree(plan) == before
    assert "De vorige plaats van SD2-OD2 bestaat niet meer" in response.content.decode()


@pytest.mark.parametrize("query", ["?ouder=abc&na=", "?ouder=999999&na=", "?ouder=&na=-1"])
def test_undo_with_a_made_up_place_is_refused(coordinator_client, plan, query):
    netwerk = goal(plan, "Netwerk")
    before = tree(plan)
    url = reverse("admin:beleidsplan_doelstelling_undo_move", args=[netwerk.pk]) + query

    response = coordinator_client.post(url, follow=True)

    assert tree(plan) == before
    assert "bestaat niet meer" in response.content.decode()


def test_undo_is_refused_to_whoever_may_not_change_goals(client, stuurgroeplid, plan):
    netwerk = goal(plan, "Netwerk")
    url = reverse("admin:beleidsplan_doelstelling_undo_move", args=[netwerk.pk]) + "?ouder=&na="
    before = tree(plan)
    client.force_login(stuurgroeplid)

    response = client.post(url)

    # Not staff: the admin's login page, as for every admin page.
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert tree(plan) == before


# --- Refused deletes --------------------------------------------------------------------------


def test_delete_page_refuses_goal_with_actions(coordinator_client, plan):
    netwerk = goal(plan, "Netwerk")
    actie = make_actie(netwerk, "Boekenstoet")
    url = reverse("admin:beleidsplan_doelstelling_delete", args=[netwerk.pk])
    before = tree(plan)

    page = coordinator_client.get(url)
    posted = coordinator_client.post(url, {"post": "yes"})

    for response in (page, posted):
        assert response.status_code == 200
        html = response.content.decode()
        assert "Een doelstelling met acties" in html
        assert "Verplaats of verwijder eerst haar acties" in html
        assert "Boekenstoet" in html  # the action that stands in the way
    assert Actie.objects.filter(pk=actie.pk).exists()
    assert tree(plan) == before


def test_bulk_delete_refuses_sd_with_ods_and_od_with_actions(coordinator_client, plan):
    participatie = goal(plan, "Participatie")
    regiobib = goal(plan, "Regiobib")
    make_actie(regiobib)
    before = tree(plan)
    data = {"action": "delete_selected", "_selected_action": [participatie.pk, regiobib.pk]}

    confirm_page = coordinator_client.post(reverse(CHANGELIST), data)
    confirmed = coordinator_client.post(reverse(CHANGELIST), {**data, "post": "yes"})

    for response in (confirm_page, confirmed):
        assert response.status_code == 200
        html = response.content.decode()
        assert "kan niet verwijderd worden" in html
        assert "Verplaats of verwijder eerst" in html
    assert tree(plan) == before


def test_bulk_delete_of_free_od_renumbers_the_rest(coordinator_client, plan):
    netwerk = goal(plan, "Netwerk")

    response = coordinator_client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [netwerk.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert [code for code, *_ in tree(plan)] == ["SD1", "SD1-OD1", "SD2", "SD2-OD1"]
    assert goal(plan, "Spreiden").code == "SD1-OD1"


# --- The change form --------------------------------------------------------------------------


def test_goal_page_lists_actions_of_other_goals_that_refer_to_it(coordinator_client, plan):
    regiobib = goal(plan, "Regiobib")
    elsewhere = make_actie(goal(plan, "Netwerk"), "Gezamenlijke communicatie")
    elsewhere.zie_ook.add(regiobib)
    make_actie(regiobib, "Eigen actie")

    response = coordinator_client.get(
        reverse("admin:beleidsplan_doelstelling_change", args=[regiobib.pk])
    )

    html = response.content.decode()
    assert "acties van andere doelstellingen die hiernaar verwijzen (zie ook)" in html.lower()
    link = reverse("admin:acties_actie_change", args=[elsewhere.pk])
    assert f'<a href="{link}">SD1-OD1: Gezamenlijke communicatie</a>' in html


def test_od_page_has_actions_inline_and_sd_page_has_none(coordinator_client, plan):
    make_actie(goal(plan, "Netwerk"), "Boekenstoet")

    od_page = coordinator_client.get(
        reverse("admin:beleidsplan_doelstelling_change", args=[goal(plan, "Netwerk").pk])
    ).content.decode()
    sd_page = coordinator_client.get(
        reverse("admin:beleidsplan_doelstelling_change", args=[goal(plan, "Participatie").pk])
    ).content.decode()

    assert 'id="acties-group"' in od_page
    assert "Boekenstoet" in od_page
    assert 'id="acties-group"' not in sd_page


def test_parent_choices_are_the_sds_of_the_goal_plan(coordinator_client, plan):
    other_plan = make_plan(titel="Volgend plan", van_jaar=2027, tot_jaar=2032)
    make_sd(other_plan, "Ander plan")

    response = coordinator_client.get(
        reverse("admin:beleidsplan_doelstelling_change", args=[goal(plan, "Netwerk").pk])
    )

    choices = [label for _pk, label in response.context["adminform"].form.fields["parent"].choices]
    assert [label.split(" ")[0] for label in choices[1:]] == ["SD1", "SD2"]


def test_editing_a_goal_into_an_od_under_an_od_shows_the_model_error(coordinator_client, plan):
    spreiden = goal(plan, "Spreiden")
    url = reverse("admin:beleidsplan_doelstelling_change", args=[spreiden.pk])

    # Regiobib is an OD: not among the choices, so the form refuses it.
    response = coordinator_client.post(
        url,
        {
            "parent": goal(plan, "Regiobib").pk,
            "formulering": "Spreiden",
            "acties-TOTAL_FORMS": "0",
            "acties-INITIAL_FORMS": "0",
            "indicatoren-TOTAL_FORMS": "0",
            "indicatoren-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert goal(plan, "Spreiden").parent_id == goal(plan, "Participatie").pk


# --- History ----------------------------------------------------------------------------------


def actie_form_data(actie, **changes):
    data = {
        "doelstelling": actie.doelstelling_id,
        "volgorde": actie.volgorde,
        "omschrijving": actie.omschrijving,
        "regierol": actie.regierol,
        "actorrol": actie.actorrol,
        "spreiding_toelichting": "",
        "van_jaar": "",
        "tot_jaar": "",
        "timing_tekst": "",
        "betrokkenen-TOTAL_FORMS": "0",
        "betrokkenen-INITIAL_FORMS": "0",
        "betrokkenen-MIN_NUM_FORMS": "0",
        "betrokkenen-MAX_NUM_FORMS": "1000",
        # The indicators inline (issue 10), empty.
        "indicatoren-TOTAL_FORMS": "0",
        "indicatoren-INITIAL_FORMS": "0",
    }
    if actie.alle_gemeenten:
        data["alle_gemeenten"] = "on"
    data.update(changes)
    return data


def test_history_page_shows_user_and_changed_field_after_admin_edit(coordinator_client, plan):
    actie = make_actie(goal(plan, "Netwerk"), "Boekenstoet", regierol="Methodiek")

    response = coordinator_client.post(
        reverse("admin:acties_actie_change", args=[actie.pk]),
        actie_form_data(actie, regierol="Methodiek samen met Regiobib"),
    )
    assert response.status_code == 302

    history = coordinator_client.get(reverse("admin:acties_actie_history", args=[actie.pk]))

    html = history.content.decode()
    assert "Gewijzigd door" in html
    assert "Gewijzigde velden" in html
    assert "coordinator" in html
    change = "<strong>Regierol:</strong> Methodiek&nbsp;&rarr;&nbsp;Methodiek samen met Regiobib"
    assert change in html
    assert "Gewijzigd" in html and "Aangemaakt" in html
    latest = actie.history.first()
    assert latest.history_user.username == "coordinator"


def test_goal_history_page_opens(coordinator_client, plan):
    netwerk = goal(plan, "Netwerk")
    move(coordinator_client, netwerk, goal(plan, "Aanbod"), "last-child")

    response = coordinator_client.get(
        reverse("admin:beleidsplan_doelstelling_history", args=[netwerk.pk])
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Verplaatst in de boom van doelstellingen" in html
    assert "Strategische doelstelling:" in html  # the parent changed

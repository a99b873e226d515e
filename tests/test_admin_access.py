"""Only coordinators get the admin: steering group members, partners and anonymous visitors
are sent to the login page, whatever admin page they ask for."""

import pytest
from django.urls import reverse

from acties.models import Actie
from beleidsplan.models import Doelstelling
from cultuurregio import roles

from .factories import make_plan_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_urls():
    make_plan_tree(sds=1, ods=1, acties=1, gemeenten=1)
    actie = Actie.objects.get()
    goal = Doelstelling.objects.operationeel().get()
    return [
        reverse("admin:index"),
        reverse("admin:acties_actie_changelist"),
        reverse("admin:acties_actie_change", args=[actie.pk]),
        reverse("admin:acties_actie_history", args=[actie.pk]),
        reverse("admin:acties_actie_import"),
        reverse("admin:acties_actie_export"),
        reverse("admin:beleidsplan_doelstelling_changelist"),
        reverse("admin:beleidsplan_doelstelling_change", args=[goal.pk]),
        reverse("admin:actoren_actor_changelist"),
        reverse("admin:actoren_gemeente_changelist"),
    ]


def assert_sent_to_login(client, urls):
    login_url = reverse("admin:login")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(login_url), url


def test_anonymous_visitor_is_sent_to_login(client, admin_urls):
    assert_sent_to_login(client, admin_urls)


@pytest.mark.parametrize("persona", ["stuurgroeplid", "partner_a", "partner_b"])
def test_steering_group_member_and_partners_are_refused(client, request, persona, admin_urls):
    client.force_login(request.getfixturevalue(persona))

    assert_sent_to_login(client, admin_urls)

    # The login page tells them, in Dutch, that they have no access.
    response = client.get(reverse("admin:login"))
    assert "niet bevoegd" in response.content.decode()


@pytest.mark.parametrize("group", [roles.STUURGROEP, roles.PARTNERS])
def test_staff_flag_alone_does_not_open_the_admin(client, group, admin_urls):
    client.force_login(make_user("per-ongeluk-staff", group=group, staff=True))
    assert_sent_to_login(client, admin_urls)


def test_refused_user_cannot_move_goals(client, stuurgroeplid):
    plan = make_plan_tree(sds=2, ods=1, acties=0)
    od = Doelstelling.objects.filter(plan=plan).operationeel().first()
    sd2 = Doelstelling.objects.filter(plan=plan).strategisch().last()
    client.force_login(stuurgroeplid)

    response = client.post(
        reverse("admin:beleidsplan_doelstelling_changelist"),
        {"cmd": "move_node", "cut_item": od.pk, "pasted_on": sd2.pk, "position": "last-child"},
    )

    assert response.status_code == 302
    od.refresh_from_db()
    assert od.code == "SD1-OD1"


def test_coordinator_gets_every_admin_page(coordinator_client, admin_urls):
    for url in admin_urls:
        response = coordinator_client.get(url)
        assert response.status_code == 200, url

    index = coordinator_client.get(reverse("admin:index")).content.decode()
    assert "Doelstellingen" in index
    assert "Acties" in index
    assert "Gemeenten" in index

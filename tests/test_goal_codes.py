import pytest
from django.db.models.deletion import ProtectedError
from mptt.exceptions import InvalidMove

from beleidsplan.models import Doelstelling

from .factories import make_actie, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db


def codes(plan):
    return list(
        Doelstelling.objects.filter(plan=plan).order_by("tree_id", "lft").values_list(
            "code", "formulering"
        )
    )


def test_codes_follow_position_on_create():
    plan = make_plan()
    sd1 = make_sd(plan, "Participatie")
    sd2 = make_sd(plan, "Aanbod")
    make_od(sd1, "Netwerk")
    make_od(sd1, "Spreiden")
    make_od(sd2, "Regiobib")
    assert codes(plan) == [
        ("SD1", "Participatie"),
        ("SD1-OD1", "Netwerk"),
        ("SD1-OD2", "Spreiden"),
        ("SD2", "Aanbod"),
        ("SD2-OD1", "Regiobib"),
    ]


def test_codes_follow_position_after_move_to_other_sd():
    plan = make_plan()
    sd1 = make_sd(plan, "Participatie")
    sd2 = make_sd(plan, "Aanbod")
    netwerk = make_od(sd1, "Netwerk")
    make_od(sd1, "Spreiden")
    make_od(sd2, "Regiobib")

    netwerk.move_to(sd2, "last-child")

    netwerk.refresh_from_db()
    assert netwerk.code == "SD2-OD2"
    assert codes(plan) == [
        ("SD1", "Participatie"),
        ("SD1-OD1", "Spreiden"),
        ("SD2", "Aanbod"),
        ("SD2-OD1", "Regiobib"),
        ("SD2-OD2", "Netwerk"),
    ]


def test_codes_follow_position_after_reorder_of_sds():
    """Swapping SD3 and SD4 (as the seed's revision does) renumbers them and their ODs."""
    plan = make_plan()
    make_sd(plan, "Participatie")
    tendensen = make_sd(plan, "Tendensen")
    cocreatie = make_sd(plan, "Cocreatie")
    make_od(tendensen, "Digitale geletterdheid")
    make_od(cocreatie, "Noden detecteren")

    Doelstelling.objects.move_node(cocreatie, tendensen, "left")

    assert codes(plan) == [
        ("SD1", "Participatie"),
        ("SD2", "Cocreatie"),
        ("SD2-OD1", "Noden detecteren"),
        ("SD3", "Tendensen"),
        ("SD3-OD1", "Digitale geletterdheid"),
    ]


def test_codes_follow_position_after_reorder_within_sd():
    plan = make_plan()
    sd = make_sd(plan)
    first = make_od(sd, "Eerste")
    second = make_od(sd, "Tweede")
    Doelstelling.objects.move_node(second, first, "left")
    assert [c for c, _ in codes(plan)] == ["SD1", "SD1-OD1", "SD1-OD2"]
    assert codes(plan)[1][1] == "Tweede"


def test_codes_of_two_plans_are_independent():
    old, new = make_plan(), make_plan(van_jaar=2027, tot_jaar=2032)
    make_sd(old)
    make_sd(new)
    make_sd(old)
    assert [c for c, _ in codes(old)] == ["SD1", "SD2"]
    assert [c for c, _ in codes(new)] == ["SD1"]


def test_od_cannot_get_ods_of_its_own():
    plan = make_plan()
    sd = make_sd(plan)
    od1, od2 = make_od(sd), make_od(sd)
    with pytest.raises(InvalidMove, match="operationele doelstellingen"):
        Doelstelling.objects.move_node(od2, od1, "last-child")
    assert [c for c, _ in codes(plan)] == ["SD1", "SD1-OD1", "SD1-OD2"]


def test_od_with_actions_cannot_become_sd():
    plan = make_plan()
    sd = make_sd(plan)
    od = make_od(sd)
    make_actie(od)
    with pytest.raises(InvalidMove, match="acties"):
        Doelstelling.objects.move_node(od, sd, "right")


def test_deleting_goal_with_actions_is_refused():
    plan = make_plan()
    sd = make_sd(plan)
    od = make_od(sd)
    make_actie(od)
    with pytest.raises(ProtectedError):
        od.delete()
    with pytest.raises(ProtectedError):
        sd.delete()
    assert Doelstelling.objects.count() == 2


def test_deleting_goal_renumbers_the_rest():
    plan = make_plan()
    sd = make_sd(plan)
    first = make_od(sd, "Eerste")
    make_od(sd, "Tweede")
    first.delete()
    assert codes(plan) == [("SD1", codes(plan)[0][1]), ("SD1-OD1", "Tweede")]


def test_refused_delete_leaves_the_tree_intact():
    plan = make_plan()
    sd = make_sd(plan)
    od = make_od(sd)
    make_actie(od)
    with pytest.raises(ProtectedError):
        sd.delete()
    sd.refresh_from_db()
    od.refresh_from_db()
    # The OD is still inside its SD in the tree (lft/rght intact).
    assert list(sd.get_descendants()) == [od]
    assert od.get_ancestors().get() == sd

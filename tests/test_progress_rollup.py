"""The roll-up arithmetic (acties/progress.py) on a small known tree, the realised
spreiding with a merged municipality, and ``voortgang`` in the open-data document."""

from datetime import date
from types import SimpleNamespace

import pytest

from acties.models import Voortgangsrapport
from acties.progress import (
    ActionProgress,
    action_progress,
    latest_approved,
    period_end,
    rollup,
)
from beleidsplan.export import build_plan_document
from beleidsplan.plan_progress import load_plan_progress

from .factories import make_actie, make_gemeente, make_od, make_plan, make_sd

pytestmark = pytest.mark.django_db

S = Voortgangsrapport.Status
F = Voortgangsrapport.Fase


def make_rapport(actie, jaar=2021, *, halfjaar=0, status=S.LOPEND, percentage=None,
                 fase=F.GOEDGEKEURD, gemeenten=(), **fields) -> Voortgangsrapport:
    rapport = Voortgangsrapport.objects.create(
        actie=actie, jaar=jaar, halfjaar=halfjaar, status=status, percentage=percentage,
        fase=fase, **fields,
    )
    if gemeenten:
        rapport.gemeenten.set(gemeenten)
    return rapport


@pytest.fixture
def tree():
    """SD1 with OD1 (four actions) and OD2 (three), SD2 with an OD without actions."""
    plan = make_plan(titel="Plan met voortgang")
    sd1 = make_sd(plan, "Participatie verhogen")
    od1 = make_od(sd1, "Netwerk versterken")
    od2 = make_od(sd1, "Drempels verlagen")
    sd2 = make_sd(plan, "Aanbod afstemmen")
    od3 = make_od(sd2, "Nog zonder acties")
    a = SimpleNamespace()
    # OD1: 60 (the later of two reports), done (100), no report, only submitted.
    a.moving = make_actie(od1, "Sterkhouders in kaart brengen")
    make_rapport(a.moving, 2021, status=S.LOPEND, percentage=40)
    make_rapport(a.moving, 2022, status=S.OP_SCHEMA, percentage=60)
    a.done = make_actie(od1, "Regionale UiT-kalender")
    make_rapport(a.done, 2021, status=S.AFGEROND, percentage=80)
    a.silent = make_actie(od1, "Nog niets gemeld")
    a.submitted = make_actie(od1, "Ingediend, niet goedgekeurd")
    make_rapport(a.submitted, 2022, status=S.OP_SCHEMA, percentage=90, fase=F.INGEDIEND)
    # A later draft does not replace an approved report.
    make_rapport(a.moving, 2023, status=S.VERTRAAGD, percentage=5, fase=F.CONCEPT)
    # OD2: dropped, not started (0 %), running without a percentage.
    a.dropped = make_actie(od2, "Geschrapt")
    make_rapport(a.dropped, 2021, status=S.GESCHRAPT, percentage=10)
    a.not_started = make_actie(od2, "Niet gestart")
    make_rapport(a.not_started, 2021, status=S.NIET_GESTART)
    a.no_percentage = make_actie(od2, "Lopend zonder percentage")
    make_rapport(a.no_percentage, 2021, status=S.LOPEND)
    return SimpleNamespace(plan=plan, sd1=sd1, sd2=sd2, od1=od1, od2=od2, od3=od3, a=a)


# --- Pure functions --------------------------------------------------------------------------


def test_period_end_is_the_last_day_of_the_period():
    assert period_end(2021) == date(2021, 12, 31)
    assert period_end(2021, 1) == date(2021, 6, 30)
    assert period_end(2021, 2) == date(2021, 12, 31)


def test_latest_approved_takes_the_latest_period_and_skips_other_stages():
    def r(pk, jaar, halfjaar=0, fase=F.GOEDGEKEURD):
        return Voortgangsrapport(pk=pk, jaar=jaar, halfjaar=halfjaar, fase=fase, status=S.LOPEND)

    first_half, second_half = r(1, 2022, 1), r(2, 2022, 2)
    assert latest_approved([second_half, first_half]) is second_half
    assert latest_approved([r(3, 2023, 1, F.INGEDIEND), first_half]) is first_half
    assert latest_approved([r(4, 2021), first_half]) is first_half
    assert latest_approved([r(5, 2021, fase=F.TERUGGESTUURD)]) is None
    assert latest_approved([]) is None


def test_rollup_of_nothing_has_no_percentage():
    result = rollup([])
    assert result.percentage is None
    assert result.total == 0 and result.counted == 0 and result.mean == 0


def test_rollup_counts_done_as_100_and_leaves_out_dropped_and_unreported():
    result = rollup([
        ActionProgress(status=S.LOPEND, percentage=30),
        ActionProgress(status=S.AFGEROND, percentage=70),  # done: 100
        ActionProgress(status=S.GESCHRAPT, percentage=50),  # not counted
        ActionProgress(),  # no approved report: not counted as zero
        ActionProgress(status=S.NIET_GESTART),  # 0
        ActionProgress(status=S.VERTRAAGD),  # no percentage: not counted
    ])
    assert result.percentage == round((30 + 100 + 0) / 3)
    assert (result.counted, result.total) == (3, 6)
    assert (result.without_report, result.without_percentage) == (1, 1)
    assert (result.dropped, result.done) == (1, 1)


def test_rollup_rounds_the_mean():
    def mean(*values):
        return rollup([ActionProgress(status=S.LOPEND, percentage=p) for p in values]).percentage

    assert mean(33, 34) == 34  # 33.5: rounded half to even
    assert mean(10, 11, 11) == 11


# --- On the database ---------------------------------------------------------------------


def test_action_progress_is_its_latest_approved_report(tree):
    progress = action_progress(tree.a.moving.rapporten.all())
    assert (progress.status, progress.percentage) == (S.OP_SCHEMA, 60)
    assert progress.peildatum == date(2022, 12, 31)
    assert progress.counted_percentage == 60
    assert action_progress(tree.a.submitted.rapporten.all()).has_report is False
    assert action_progress(tree.a.done.rapporten.all()).counted_percentage == 100


def test_plan_progress_on_a_known_tree(tree, django_assert_num_queries):
    document = build_plan_document(tree.plan)
    with django_assert_num_queries(3):  # approved reports, their municipalities, municipalities
        progress = load_plan_progress(tree.plan, document=document)
    sd1, sd2 = progress.sds
    od1, od2 = sd1.children

    assert od1.progress.percentage == 80  # (60 + 100) / 2
    assert (od1.progress.counted, od1.progress.total, od1.progress.without_report) == (2, 4, 2)
    assert od2.progress.percentage == 0  # only "not started" counts: 0 %
    assert (od2.progress.dropped, od2.progress.without_percentage) == (1, 1)
    # An SD weighs every action of its ODs the same: (60 + 100 + 0) / 3.
    assert sd1.progress.percentage == 53
    assert (sd1.progress.counted, sd1.progress.total, sd1.progress.without_report) == (3, 7, 2)
    assert sd2.progress.percentage is None and sd2.progress.total == 0
    assert progress.progress.percentage == 53

    row = progress.action(tree.a.moving.pk)
    assert [r.jaar for r in row.reports] == [2021, 2022]  # the timeline: approved only
    assert row.label == f"{tree.od1.code} actie 1"


def test_an_action_counts_only_under_its_own_goal(tree):
    tree.a.done.zie_ook.add(tree.sd2)
    progress = load_plan_progress(tree.plan)
    sd1, sd2 = progress.sds
    assert sd2.progress.total == 0
    assert [row.id for row in sd2.zie_ook_acties] == [tree.a.done.pk]
    assert sd1.progress.total == 7


def test_working_state_progress_takes_a_fixed_number_of_queries(tree, django_assert_num_queries):
    # build_plan_document's eight, then reports, their municipalities, municipalities.
    with django_assert_num_queries(11):
        load_plan_progress(tree.plan)


# --- Spreiding ------------------------------------------------------------------------------


def test_spreading_adds_merged_municipalities_up_under_the_new_one():
    plan = make_plan()
    od = make_od(make_sd(plan))
    halle = make_gemeente("Halle")
    pajottegem = make_gemeente("Pajottegem")
    gooik = make_gemeente("Gooik", opgegaan_in=pajottegem, fusiedatum=date(2025, 1, 1))
    herne = make_gemeente("Herne", opgegaan_in=pajottegem, fusiedatum=date(2025, 1, 1))
    everywhere = make_actie(od, "Overal", alle_gemeenten=True)
    west = make_actie(od, "In het westen", alle_gemeenten=False)
    west.gemeenten.set([gooik, herne])
    make_rapport(west, 2021, gemeenten=[gooik])
    make_rapport(everywhere, 2021, gemeenten=[halle, herne])
    make_rapport(everywhere, 2022, fase=F.INGEDIEND, gemeenten=[pajottegem])  # not approved

    after = load_plan_progress(plan, today=date(2025, 6, 1))
    assert [g.naam for g in after.gemeenten] == ["Halle", "Pajottegem"]
    assert after.reach[pajottegem.pk].planned == {everywhere.pk, west.pk}
    assert after.reach[pajottegem.pk].realised == {everywhere.pk, west.pk}
    assert after.reach[halle.pk].planned == {everywhere.pk}
    assert after.reach[halle.pk].realised == {everywhere.pk}
    assert after.matrix[0].cells == [(1, 1), (2, 2)]

    before = load_plan_progress(plan, today=date(2024, 6, 1))
    assert [g.naam for g in before.gemeenten] == ["Gooik", "Halle", "Herne", "Pajottegem"]
    assert before.reach[gooik.pk].planned == {everywhere.pk, west.pk}
    assert before.reach[gooik.pk].realised == {west.pk}
    assert before.reach[herne.pk].realised == {everywhere.pk}
    assert before.reach[pajottegem.pk].realised == set()


# --- The open-data document ------------------------------------------------------------------


def test_document_voortgang_is_the_latest_approved_report(tree):
    document = build_plan_document(tree.plan)
    acties = {
        a["id"]: a for sd in document["doelstellingen"] for od in sd["doelstellingen"]
        for a in od["acties"]
    }
    assert acties[tree.a.moving.pk]["voortgang"] == {
        "status": "op_schema", "percentage": 60, "peildatum": "2022-12-31",
    }
    assert acties[tree.a.not_started.pk]["voortgang"] == {
        "status": "niet_gestart", "percentage": None, "peildatum": "2021-12-31",
    }
    assert acties[tree.a.silent.pk]["voortgang"] is None
    assert acties[tree.a.submitted.pk]["voortgang"] is None

"""Two coordinators deciding conflicting proposals at the same moment.

``accept_proposal`` serialises every structural change of one plan on the plan's row
(``SELECT ... FOR UPDATE``) and re-reads the proposal after taking the lock, so the second
coordinator sees the first one's result and is refused if its proposal no longer applies.

The threaded race runs on PostgreSQL only: there each thread has its own connection and
waits for the other's lock. SQLite has no row locks (it serialises whole writers), and
pytest-django's SQLite test database is an in-memory database shared between threads
whose table locks fail at once instead of waiting, so a threaded race there tests SQLite,
not our code. CI runs the suite on PostgreSQL too. The sequential test below, which
runs everywhere, checks the same rule without threads: a coordinator holding a proposal
loaded before the other one decided is refused.
"""

import threading
from unittest import mock

import pytest
from django.db import connection

from beleidsplan import services
from beleidsplan.export import build_plan_document
from beleidsplan.models import Doelstelling, Herziening, Wijzigingsvoorstel
from beleidsplan.services import ProposalNotApplicable, accept_proposal, reject_proposal
from cultuurregio import roles

from .factories import make_actie, make_od, make_plan, make_sd, make_user

S = Wijzigingsvoorstel.Soort

# Long enough that, without the plan lock, both coordinators would check their proposal
# before either had written anything.
WINDOW = 0.3


def run_together(*jobs):
    """Run each job in its own thread with its own database connection, released together
    by a barrier. Returns ("ok", result) or ("refused", ProposalNotApplicable) per job; any
    other exception fails the test."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = ("ok", job())
        except ProposalNotApplicable as error:
            results[index] = ("refused", error)
        except Exception as error:  # reported below, in the test's thread
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a coordinator is still waiting"
    errors = [r[1] for r in results if r[0] == "error"]
    assert not errors, errors
    return results


def slow_check(original):
    """``_check_applicable`` that takes its time: the other coordinator's request arrives
    while this one is deciding."""

    def check(voorstel):
        threading.Event().wait(WINDOW)
        return original(voorstel)

    return check


def later(job):
    """``job``, started a moment after the others."""

    def delayed():
        threading.Event().wait(WINDOW / 3)
        return job()

    return delayed


def assert_tree_valid(plan) -> None:
    goals = list(Doelstelling.objects.filter(plan=plan).order_by("tree_id", "lft"))
    roots = [g for g in goals if g.parent_id is None]
    for number, root in enumerate(roots, start=1):
        children = sorted((g for g in goals if g.parent_id == root.pk), key=lambda g: g.lft)
        assert (root.lft, root.rght, root.code) == (1, 2 * len(children) + 2, f"SD{number}")
        for index, child in enumerate(children, start=1):
            assert child.tree_id == root.tree_id
            assert (child.lft, child.rght) == (2 * index, 2 * index + 1)
            assert child.code == f"SD{number}-OD{index}"
    # The working state still exports.
    build_plan_document(plan)


def make_round():
    user_a = make_user("coordinator_a", group=roles.COORDINATOREN, staff=True)
    user_b = make_user("coordinator_b", group=roles.COORDINATOREN, staff=True)
    plan = make_plan()
    sd1 = make_sd(plan, "Participatie verhogen")
    od1 = make_od(sd1, "Het netwerk verkennen")
    od2 = make_od(sd1, "Drempels verlagen")
    make_actie(od2, "UiT-pas invoeren")
    ronde = Herziening.objects.create(plan=plan, naam="Herziening 2021")
    return plan, ronde, (user_a, user_b), (sd1, od1, od2)


def propose(ronde, soort, **fields):
    voorstel = Wijzigingsvoorstel(herziening=ronde, soort=soort, **fields)
    voorstel.full_clean()
    voorstel.save()
    return voorstel


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL's row locks and one connection per thread; on SQLite the "
    "shared in-memory test database fails concurrent writers instead of serialising "
    "them (see the module docstring). CI runs this on PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scenario", ["two rewordings", "merge and removal", "accept and reject"])
def test_two_coordinators_deciding_at_the_same_moment(scenario):
    plan, ronde, (user_a, user_b), (sd1, od1, od2) = make_round()

    if scenario == "two rewordings":
        first = propose(ronde, S.HERFORMULEREN, doelstelling=od1, nieuwe_formulering="Versie A")
        second = propose(ronde, S.HERFORMULEREN, doelstelling=od1, nieuwe_formulering="Versie B")
        jobs = (
            lambda: accept_proposal(voorstel=first, user=user_a),
            lambda: accept_proposal(voorstel=second, user=user_b),
        )
        refusal = "werd geherformuleerd nadat dit voorstel geschreven werd"
    elif scenario == "merge and removal":
        # Merging OD2 (with an action) into OD1, and removing OD1 (empty): after the
        # merge OD1 has an action; after the removal the merge has no goal to go to.
        first = propose(ronde, S.SAMENVOEGEN, doelstelling=od2, doel=od1)
        second = propose(ronde, S.SCHRAPPEN, doelstelling=od1)
        jobs = (
            lambda: accept_proposal(voorstel=first, user=user_a),
            lambda: accept_proposal(voorstel=second, user=user_b),
        )
        refusal = None  # depends on who wins; checked below
    else:
        first = propose(ronde, S.HERFORMULEREN, doelstelling=od1, nieuwe_formulering="Versie A")
        second = first
        # The rejection arrives while the acceptance is deciding (after it read the
        # proposal as open).
        jobs = (
            lambda: accept_proposal(voorstel=first, user=user_a),
            later(lambda: reject_proposal(voorstel=first, user=user_b)),
        )
        refusal = "Over dit voorstel werd al beslist"

    with mock.patch.object(
        services, "_check_applicable", slow_check(services._check_applicable)
    ):
        results = run_together(*jobs)

    outcomes = [kind for kind, _value in results]
    assert sorted(outcomes) == ["ok", "refused"], results
    winner = 0 if outcomes[0] == "ok" else 1
    message = " ".join(results[1 - winner][1].messages)

    if scenario == "two rewordings":
        assert refusal in message
        won, lost = (first, second) if winner == 0 else (second, first)
        assert Doelstelling.objects.get(pk=od1.pk).formulering == won.nieuwe_formulering
        won.refresh_from_db()
        lost.refresh_from_db()
        assert won.status == Wijzigingsvoorstel.Status.AANVAARD
        assert lost.status == Wijzigingsvoorstel.Status.OPEN
    elif scenario == "merge and removal":
        if winner == 0:  # merged: OD1 now has OD2's action and cannot be removed
            assert "SD1-OD1 heeft nog acties of operationele doelstellingen" in message
            assert not Doelstelling.objects.filter(pk=od2.pk).exists()
            assert Doelstelling.objects.get(pk=od1.pk).acties.count() == 1
        else:  # removed: the merge has lost the goal that would remain
            assert "van dit voorstel bestaat niet meer in het plan." in message
            assert not Doelstelling.objects.filter(pk=od1.pk).exists()
            assert Doelstelling.objects.get(pk=od2.pk).acties.count() == 1
    else:
        assert refusal in message
        first.refresh_from_db()
        if winner == 0:
            assert first.status == Wijzigingsvoorstel.Status.AANVAARD
            assert Doelstelling.objects.get(pk=od1.pk).formulering == "Versie A"
        else:
            assert first.status == Wijzigingsvoorstel.Status.VERWORPEN
            assert Doelstelling.objects.get(pk=od1.pk).formulering == "Het netwerk verkennen"
    assert_tree_valid(plan)


@pytest.mark.django_db
def test_a_proposal_loaded_before_the_other_decision_is_refused():
    """The same race without threads (runs on every database): both coordinators opened
    their proposal before either accepted; the second acceptance re-reads the plan."""
    plan, ronde, (user_a, user_b), (sd1, od1, od2) = make_round()
    first = propose(ronde, S.HERFORMULEREN, doelstelling=od1, nieuwe_formulering="Versie A")
    second = propose(ronde, S.HERFORMULEREN, doelstelling=od1, nieuwe_formulering="Versie B")
    seen_by_b = Wijzigingsvoorstel.objects.select_related("doelstelling").get(pk=second.pk)
    assert seen_by_b.doelstelling.formulering == "Het netwerk verkennen"

    accept_proposal(voorstel=first, user=user_a)
    with pytest.raises(ProposalNotApplicable) as info:
        accept_proposal(voorstel=seen_by_b, user=user_b)

    assert "werd geherformuleerd nadat dit voorstel geschreven werd" in info.value.messages[0]
    assert Doelstelling.objects.get(pk=od1.pk).formulering == "Versie A"
    assert_tree_valid(plan)

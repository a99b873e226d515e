"""Keep every plan's stamp (``Beleidsplan.stempel``) in step with its rows.

The read model (beleidsplan/reading.py) and every cached page, fragment and download of a
plan are keyed by the plan's stamp. The stamp is a counter on the plan's row, raised by the
receivers below in the same transaction as the change itself: a reader that sees the new
rows sees the new stamp, on every worker and every host, whatever cache they use.

The stamp is raised *before* the change is written (``pre_save``, ``pre_delete``,
``pre_add``...): the plan row is then locked first, in the same order as the services
that lock it explicitly (``services._lock_plan``), so two writers never wait on each other
in opposite orders.

What raises which plan:

- the plan's own row, its goals, versions, revision rounds and proposals: that plan (its
  own row and versions also the plans before and after it, whose pages link to it);
- an action, its actors and "zie ook" links, its progress reports (any stage: the pages of
  the coordinator and the partner show them), their municipalities: the action's plan
  (and, when an action moves to a goal of another plan, the old plan too);
- actors, contact persons and municipalities, which every plan shows: every plan.

``QuerySet.update()`` and ``bulk_create`` send no signals: code that writes plan rows in
bulk calls ``Beleidsplan.objects.filter(...).raise_stamp()`` itself.

Many rows in one transaction (a spreadsheet import, a nota) raise every plan's stamp once
at the start, inside that transaction, and not again per row (``once_for_every_plan``,
entered through ``cultuurregio.bulk.many_rows``): on PostgreSQL, n raises of one plan row
in one transaction cost n², as every update walks the row's earlier versions.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from mptt.signals import node_moved

from acties.models import Actie, ActieActor, Indicator, Meting, Voortgangsrapport
from actoren.models import Actor, ContactPersoon, Gemeente

from .models import Beleidsplan, Doelstelling, Herziening, Planversie, Wijzigingsvoorstel

plans = Beleidsplan.objects


def raise_for(instance) -> None:
    """Raise the stamp of the plans ``instance`` belongs to. One UPDATE (with a subquery
    when the plan is not on the row itself)."""
    if isinstance(instance, Beleidsplan):
        # Its own row, and the plans before and after it: their pages link to it while
        # it is public and published (reading.Reading.neighbours).
        ids = Q(pk=instance.vorig_plan_id) if instance.vorig_plan_id else Q(pk__in=[])
        if instance.pk:
            ids |= _with_neighbours(instance.pk)
        plans.filter(ids).raise_stamp()
    elif isinstance(instance, Planversie):
        # A plan's first version makes it visible from the plans before and after it.
        plans.filter(_with_neighbours(instance.plan_id)).raise_stamp()
    elif isinstance(instance, Doelstelling | Herziening):
        plans.filter(pk=instance.plan_id).raise_stamp()
    elif isinstance(instance, Wijzigingsvoorstel):
        plans.filter(herzieningen=instance.herziening_id).raise_stamp()
    elif isinstance(instance, Actie):
        _raise_for_action(instance)
    elif isinstance(instance, ActieActor | Voortgangsrapport):
        plans.filter(doelstellingen__acties=instance.actie_id).raise_stamp()
    elif isinstance(instance, Indicator):
        _raise_for_indicator(instance.doelstelling_id, instance.actie_id)
    elif isinstance(instance, Meting):
        # The indicator's plan: through its goal or its action (issue 10).
        plans.filter(
            Q(doelstellingen__indicatoren=instance.indicator_id)
            | Q(doelstellingen__acties__indicatoren=instance.indicator_id)
        ).raise_stamp()
    elif isinstance(instance, Actor | Gemeente | ContactPersoon):
        plans.all().raise_stamp()


def _with_neighbours(plan_id: int) -> Q:
    """Plan ``plan_id``, the plan it succeeds and the plans that succeed it."""
    return Q(pk=plan_id) | Q(volgende_plannen=plan_id) | Q(vorig_plan=plan_id)


def _raise_for_indicator(doelstelling_id, actie_id) -> None:
    if doelstelling_id:
        plans.filter(doelstellingen=doelstelling_id).raise_stamp()
    elif actie_id:
        plans.filter(doelstellingen__acties=actie_id).raise_stamp()


def _raise_for_action(actie: Actie) -> None:
    # The plan of its goal now, and of the goal it had (an action may move to another
    # plan's goal in the admin): both plans' pages change.
    targets = plans.filter(doelstellingen=actie.doelstelling_id)
    if actie.pk:
        targets = targets | plans.filter(doelstellingen__acties=actie.pk)
    plans.filter(pk__in=targets.values("pk")).raise_stamp()


_WATCHED = (
    Beleidsplan,
    Doelstelling,
    Planversie,
    Herziening,
    Wijzigingsvoorstel,
    Actie,
    ActieActor,
    Voortgangsrapport,
    Indicator,
    Meting,
    Actor,
    ContactPersoon,
    Gemeente,
)


_bulk = threading.local()


@contextmanager
def once_for_every_plan():
    """Many rows in one transaction: raise every plan's stamp once, now (before the rows:
    lock order), and skip the raises of the rows written inside. The stamp and the rows
    commit together, as with per-row raises; a rolled-back import rolls the raise back
    too. Outside a transaction (each row commits on its own) it changes nothing: a stamp
    must never be committed before the rows it stands for."""
    if not transaction.get_connection().in_atomic_block:
        yield
        return
    plans.all().raise_stamp()
    _bulk.depth = getattr(_bulk, "depth", 0) + 1
    try:
        yield
    finally:
        _bulk.depth -= 1


def _raised_already() -> bool:
    return getattr(_bulk, "depth", 0) > 0 and transaction.get_connection().in_atomic_block


def _now_or_after(instance) -> None:
    """Inside a transaction, raise now (before the change: lock order). Outside one
    (autocommit: every statement commits on its own), raise after the change: a stamp
    committed before the rows it stands for would let a reader cache the old rows under
    the new stamp."""
    if _raised_already():
        return
    if transaction.get_connection().in_atomic_block:
        raise_for(instance)
    else:
        instance._raise_stamp_after = True


def _after(instance) -> None:
    if instance.__dict__.pop("_raise_stamp_after", False):
        raise_for(instance)


@receiver(pre_save, dispatch_uid="cultuurregio_stamp_pre_save")
@receiver(pre_delete, dispatch_uid="cultuurregio_stamp_pre_delete")
def _row_changes(sender, instance, **kwargs):
    # Fixture loading (raw) counts too: the rows on the pages change.
    if sender in _WATCHED:
        _now_or_after(instance)


@receiver(post_save, dispatch_uid="cultuurregio_stamp_post_save")
@receiver(post_delete, dispatch_uid="cultuurregio_stamp_post_delete")
def _row_changed(sender, instance, **kwargs):
    if sender in _WATCHED:
        _after(instance)


_M2M = {
    Actie.gemeenten.through,
    Actie.zie_ook.through,
    Voortgangsrapport.gemeenten.through,
    Actor.gemeenten.through,
}


@receiver(m2m_changed, dispatch_uid="cultuurregio_stamp_m2m")
def _links_change(sender, instance, action, **kwargs):
    if sender not in _M2M:
        return
    # Changed from the other side (a municipality's actions, a goal's "zie ook"), the
    # plans are not known without a query: an unsaved actor stands for "every plan".
    target = instance if isinstance(instance, Actie | Voortgangsrapport) else Actor()
    if action in ("pre_add", "pre_remove", "pre_clear"):
        _now_or_after(target)
        if getattr(target, "_raise_stamp_after", False):
            instance._raise_stamp_target = target
    elif action in ("post_add", "post_remove", "post_clear"):
        _after(instance.__dict__.pop("_raise_stamp_target", instance))


@receiver(node_moved, sender=Doelstelling, dispatch_uid="cultuurregio_stamp_move")
def _goal_moved(sender, instance, **kwargs):
    # After the move, whether in a transaction or not: correct in both cases (see
    # ``_now_or_after``); mptt's moves write many rows and send no pre-signal.
    if not _raised_already():
        raise_for(instance)

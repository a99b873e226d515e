"""Workflows of the plan that touch several rows: accepting and rejecting change
proposals, publishing a version. Views, admin actions and commands call these; they do
not repeat them.

Every write records the user (and, for audited models, the reason) in the audit trail.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .export import build_plan_document, dump_document
from .models import Beleidsplan, Planversie, Wijzigingsvoorstel
from .proposals import ProposalNotApplicable, kind_of

__all__ = ["ProposalNotApplicable", "accept_proposal", "publish_version", "reject_proposal"]


def _audit(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason


def _lock_plan(plan_id: int) -> Beleidsplan:
    """Serialise every change of one plan's structure: accepting proposals and publishing
    take this row lock (PostgreSQL; SQLite serialises writers anyway)."""
    return Beleidsplan.objects.select_for_update().get(pk=plan_id)


def _closed_message(plan: Beleidsplan) -> str:
    """A closed plan (``succession.close_plan``) is read-only: no proposal is applied to
    it and no version published."""
    return _("“%(plan)s” was closed on %(date)s: it can no longer be changed.") % {
        "plan": plan,
        "date": date_format(timezone.localtime(plan.afgesloten_op), "j F Y"),
    }


def _check_applicable(voorstel: Wijzigingsvoorstel) -> None:
    """Refuse a proposal whose goal, action or target is gone or changed since it was
    written. Raises ProposalNotApplicable with the reason in Dutch. The rule per kind is
    the kind's own (beleidsplan/proposals.py)."""
    kind_of(voorstel.soort).check_applicable(voorstel)


def _apply(voorstel: Wijzigingsvoorstel, *, user) -> dict:
    """Apply the proposal to the working plan; returns what it did, by id."""
    reason = _("Change proposal #%(id)s (%(herziening)s)") % {
        "id": voorstel.pk,
        "herziening": voorstel.herziening.naam,
    }
    return kind_of(voorstel.soort).apply(voorstel, user=user, reason=reason)


@transaction.atomic
def accept_proposal(*, voorstel: Wijzigingsvoorstel, user) -> Wijzigingsvoorstel:
    """Apply an open proposal to the working plan and mark it accepted, in one
    transaction. A proposal that no longer applies (its goal removed or changed since it
    was written) raises ``ProposalNotApplicable`` and changes nothing.

    Two coordinators accepting at the same moment are serialised on the plan's row: the
    second sees the first one's result and is refused if its proposal became stale.
    """
    plan_id = (
        Wijzigingsvoorstel.objects.filter(pk=voorstel.pk)
        .values_list("herziening__plan_id", flat=True)
        .get()
    )
    plan = _lock_plan(plan_id)
    if plan.is_afgesloten:
        raise ProposalNotApplicable(_closed_message(plan))
    # Lock the proposal row too: ``reject_proposal`` takes only that lock, and without it
    # a rejection arriving while this acceptance runs would be overwritten.
    voorstel = (
        Wijzigingsvoorstel.objects.select_for_update(of=("self",))
        .with_subjects()
        .select_related("herziening")
        .get(pk=voorstel.pk)
    )
    if not voorstel.is_open:
        raise ProposalNotApplicable(
            _("This proposal was already decided (%(status)s).")
            % {"status": voorstel.get_status_display()}
        )
    _check_applicable(voorstel)
    voorstel.effect = _apply(voorstel, user=user)
    # A merge, split, conversion or removal removed the goal, action or indicator: the
    # proposal keeps its id in ``*_ref``.
    for field in ("doelstelling", "doel", "actie", "indicator"):
        related = getattr(voorstel, field)
        if related is not None and related.pk is None:
            setattr(voorstel, field, None)
    return _decide(voorstel, Wijzigingsvoorstel.Status.AANVAARD, user=user, reason=_("accepted"))


@transaction.atomic
def reject_proposal(*, voorstel: Wijzigingsvoorstel, user) -> Wijzigingsvoorstel:
    """Mark an open proposal rejected. It stays on record with its discussion."""
    voorstel = Wijzigingsvoorstel.objects.select_for_update().get(pk=voorstel.pk)
    if not voorstel.is_open:
        raise ProposalNotApplicable(
            _("This proposal was already decided (%(status)s).")
            % {"status": voorstel.get_status_display()}
        )
    return _decide(voorstel, Wijzigingsvoorstel.Status.VERWORPEN, user=user, reason=_("rejected"))


def _decide(voorstel: Wijzigingsvoorstel, status: str, *, user, reason: str):
    """Record the decision on a proposal (who, when), in its audit trail too."""
    voorstel.status = status
    voorstel.beslist_op = timezone.now()
    voorstel.beslist_door = user
    _audit(voorstel, user, reason)
    voorstel.save()
    return voorstel


@transaction.atomic
def publish_version(*, plan: Beleidsplan, naam: str, user) -> Planversie:
    """Publish the working state of ``plan`` as the next numbered, immutable version.

    The version stores its ``cultuurregio-plan/1`` document as text; that text is what its
    pages, its export and its comparisons use from then on.
    """
    naam = naam.strip()
    if not naam:
        raise ValidationError({"naam": _("Give the version a name.")})
    plan = _lock_plan(plan.pk)
    if plan.is_afgesloten:
        raise ValidationError(_closed_message(plan))
    last = plan.versies.order_by("-nummer").values_list("nummer", flat=True).first() or 0
    versie = Planversie(
        plan=plan,
        nummer=last + 1,
        naam=naam,
        gepubliceerd_op=timezone.now(),
        gepubliceerd_door=user,
    )
    versie.document = dump_document(build_plan_document(plan, versie=versie))
    versie.save()
    # The version's search index, once it is committed (robust: a failure is logged, and
    # the first search that needs the version builds it then).
    from .search import index_version

    transaction.on_commit(lambda: index_version(versie.pk), robust=True)
    # Its downloads, so that no reader waits for the PDF (robust likewise: the first
    # reader who asks makes a file that could not be made now).
    from .downloads import make_version_files

    transaction.on_commit(lambda: make_version_files(versie.pk), robust=True)
    return versie

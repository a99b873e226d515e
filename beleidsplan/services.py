"""Workflows of the plan that touch several rows: accepting and rejecting change
proposals, publishing a version. Views, admin actions and commands call these; they do
not repeat them.

Every write records the user (and, for audited models, the reason) in the audit trail.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acties.models import Actie

from .export import build_plan_document, dump_document
from .models import Beleidsplan, Doelstelling, Planversie, Wijzigingsvoorstel

S = Wijzigingsvoorstel.Soort


class ProposalNotApplicable(ValidationError):
    """The proposal cannot be applied (anymore) as written; nothing was changed."""


def _audit(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason


def _lock_plan(plan_id: int) -> Beleidsplan:
    """Serialise every change of one plan's structure: accepting proposals and publishing
    take this row lock (PostgreSQL; SQLite serialises writers anyway)."""
    return Beleidsplan.objects.select_for_update().get(pk=plan_id)


def _place(goal: Doelstelling, *, parent: Doelstelling | None, positie: int | None) -> None:
    """Move ``goal`` under ``parent`` (None: among the SDs) at 1-based ``positie``
    (None: last). Validated by the tree manager (SD > OD only)."""
    if parent is None:
        siblings = list(
            Doelstelling.objects.filter(plan_id=goal.plan_id, parent__isnull=True)
            .exclude(pk=goal.pk)
            .order_by("tree_id")
        )
    else:
        siblings = list(parent.get_children().exclude(pk=goal.pk))
    if positie and positie <= len(siblings):
        Doelstelling.objects.move_node(goal, siblings[positie - 1], "left")
    elif parent is None:
        if siblings:
            Doelstelling.objects.move_node(goal, siblings[-1], "right")
    else:
        Doelstelling.objects.move_node(goal, parent, "last-child")
    goal.refresh_from_db()


def _reword(goal: Doelstelling, voorstel: Wijzigingsvoorstel) -> None:
    if voorstel.nieuwe_formulering.strip():
        goal.formulering = voorstel.nieuwe_formulering.strip()
    if voorstel.nieuwe_tagline.strip():
        goal.tagline = voorstel.nieuwe_tagline.strip()
    if voorstel.nieuw_transversaal is not None:
        goal.transversaal = voorstel.nieuw_transversaal


def _hand_over(source: Doelstelling, target: Doelstelling, *, user, reason: str) -> list[int]:
    """Give ``source``'s actions (appended, in order) and incoming "zie ook" links to
    ``target``, so that removing ``source`` loses nothing. Returns the moved action ids."""
    start = (
        Actie.objects.filter(doelstelling=target)
        .order_by("-volgorde")
        .values_list("volgorde", flat=True)
        .first()
    )
    start = (start or 0) + 1
    moved = []
    for offset, actie in enumerate(
        Actie.objects.filter(doelstelling=source).order_by("volgorde", "pk")
    ):
        actie.doelstelling = target
        actie.volgorde = start + offset
        _audit(actie, user, reason)
        actie.save()
        moved.append(actie.pk)
    for actie in source.zie_ook_acties.all():
        actie.zie_ook.remove(source)
        if actie.doelstelling_id != target.pk:
            actie.zie_ook.add(target)
    return moved


def _remove(goal: Doelstelling, *, user, reason: str) -> None:
    _audit(goal, user, reason)
    goal.delete()


def _check_applicable(voorstel: Wijzigingsvoorstel) -> None:
    """Refuse a proposal whose goal, action or target is gone or changed since it was
    written. Raises ProposalNotApplicable with the reason in Dutch."""
    if voorstel.doelstelling_ref and voorstel.doelstelling_id is None:
        raise ProposalNotApplicable(_("The goal of this proposal no longer exists in the plan."))
    if voorstel.actie_ref and voorstel.actie_id is None:
        raise ProposalNotApplicable(_("The action of this proposal no longer exists in the plan."))
    needs_target = {S.VERPLAATSEN, S.SAMENVOEGEN, S.OD_NAAR_ACTIE, S.ACTIE_NAAR_OD}
    if voorstel.soort in needs_target and voorstel.doel_id is None:
        raise ProposalNotApplicable(
            _("The target goal of this proposal no longer exists in the plan.")
        )
    target = voorstel.doel
    if (
        voorstel.soort == S.SAMENVOEGEN
        and voorstel.nieuwe_formulering.strip()
        and target is not None
        and voorstel.basis_doel_formulering
        and target.formulering != voorstel.basis_doel_formulering
    ):
        raise ProposalNotApplicable(
            _(
                "%(code)s, the goal that remains, was reworded after this proposal was "
                "written; merging with the proposed wording would undo that."
            )
            % {"code": target.code}
        )
    goal = voorstel.doelstelling
    if goal is None:
        return
    if goal.formulering != voorstel.basis_formulering:
        raise ProposalNotApplicable(
            _(
                "%(code)s was reworded after this proposal was written; the proposal no "
                'longer applies as written. Its wording is now: "%(formulering)s"'
            )
            % {"code": goal.code, "formulering": goal.formulering}
        )
    if (
        voorstel.soort in (S.VERPLAATSEN, S.HERORDENEN)
        and goal.parent_id != voorstel.basis_ouder_ref
    ):
        raise ProposalNotApplicable(
            _(
                "%(code)s was moved after this proposal was written; the proposal no "
                "longer applies as written."
            )
            % {"code": goal.code}
        )


def _apply(voorstel: Wijzigingsvoorstel, *, user) -> dict:
    reason = _("Change proposal #%(id)s (%(herziening)s)") % {
        "id": voorstel.pk,
        "herziening": voorstel.herziening.naam,
    }
    goal = voorstel.doelstelling
    target = voorstel.doel
    soort = voorstel.soort

    if soort == S.OPMERKING:
        return {}
    if soort == S.HERFORMULEREN:
        _reword(goal, voorstel)
        _audit(goal, user, reason)
        goal.save()
        return {}
    if soort == S.VERPLAATSEN:
        _place(goal, parent=target, positie=voorstel.positie)
        _reword(goal, voorstel)
        _audit(goal, user, reason)
        goal.save()
        return {}
    if soort == S.HERORDENEN:
        _place(goal, parent=goal.parent, positie=voorstel.positie)
        _reword(goal, voorstel)
        _audit(goal, user, reason)
        goal.save()
        return {}
    if soort == S.SAMENVOEGEN:
        for child in list(goal.get_children()):
            _place(child, parent=target, positie=None)
        _hand_over(goal, target, user=user, reason=reason)
        if voorstel.nieuwe_formulering.strip():
            target.formulering = voorstel.nieuwe_formulering.strip()
            _audit(target, user, reason)
            target.save()
        removed = goal.pk
        _remove(goal, user=user, reason=reason)
        return {"geschrapt": [removed], "behouden": target.pk}
    if soort == S.SPLITSEN:
        parts = []
        after = goal
        for wording in voorstel.delen_lijst():
            part = Doelstelling(plan_id=goal.plan_id, formulering=wording, spreiding=goal.spreiding)
            part.insert_at(after, "right")
            _audit(part, user, reason)
            part.save()
            parts.append(part)
            after = part
        # The actions and links of the old goal go to the first part; the coordinator
        # can move single actions to another part afterwards.
        _hand_over(goal, parts[0], user=user, reason=reason)
        removed = goal.pk
        _remove(goal, user=user, reason=reason)
        return {"geschrapt": [removed], "nieuw": [p.pk for p in parts]}
    if soort == S.OD_NAAR_ACTIE:
        moved = _hand_over(goal, target, user=user, reason=reason)
        last = max(
            [0, *Actie.objects.filter(doelstelling=target).values_list("volgorde", flat=True)]
        )
        actie = Actie(
            doelstelling=target,
            volgorde=last + 1,
            omschrijving=goal.formulering,
            alle_gemeenten=True,
            spreiding_toelichting=goal.spreiding if goal.spreiding != "alle gemeenten" else "",
        )
        _audit(actie, user, reason)
        actie.save()
        removed = goal.pk
        _remove(goal, user=user, reason=reason)
        return {"geschrapt": [removed], "acties": [actie.pk], "verhuisde_acties": moved}
    if soort == S.ACTIE_NAAR_OD:
        actie = voorstel.actie
        new_goal = Doelstelling(
            plan_id=target.plan_id,
            formulering=voorstel.nieuwe_formulering.strip() or actie.omschrijving,
        )
        new_goal.insert_at(target, "last-child")
        _audit(new_goal, user, reason)
        new_goal.save()
        if voorstel.positie:
            _place(new_goal, parent=target, positie=voorstel.positie)
        removed = actie.pk
        _audit(actie, user, reason)
        actie.delete()
        return {"nieuw": [new_goal.pk], "geschrapte_acties": [removed]}
    if soort == S.NIEUW:
        new_goal = Doelstelling(
            plan_id=voorstel.herziening.plan_id,
            formulering=voorstel.nieuwe_formulering.strip(),
            tagline=voorstel.nieuwe_tagline.strip(),
            transversaal=bool(voorstel.nieuw_transversaal) and target is None,
        )
        if target is None:
            new_goal.insert_at(None, "last-child")
        else:
            new_goal.insert_at(target, "last-child")
        _audit(new_goal, user, reason)
        new_goal.save()
        if voorstel.positie:
            _place(new_goal, parent=target, positie=voorstel.positie)
        return {"nieuw": [new_goal.pk]}
    if soort == S.SCHRAPPEN:
        if goal.acties.exists() or goal.get_children().exists():
            raise ProposalNotApplicable(
                _(
                    "%(code)s still has actions or operational goals. Move them first, or "
                    "propose a merge instead."
                )
                % {"code": goal.code}
            )
        removed = goal.pk
        _remove(goal, user=user, reason=reason)
        return {"geschrapt": [removed]}
    raise ProposalNotApplicable(_("Unknown kind of proposal."))


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
    _lock_plan(plan_id)
    # Lock the proposal row too: ``reject_proposal`` takes only that lock, and without it
    # a rejection arriving while this acceptance runs would be overwritten.
    voorstel = (
        Wijzigingsvoorstel.objects.select_for_update(of=("self",))
        .select_related("herziening", "doelstelling", "doel", "actie")
        .get(pk=voorstel.pk)
    )
    if not voorstel.is_open:
        raise ProposalNotApplicable(
            _("This proposal was already decided (%(status)s).")
            % {"status": voorstel.get_status_display()}
        )
    _check_applicable(voorstel)
    voorstel.effect = _apply(voorstel, user=user)
    # A merge, split or conversion removed the goal or action: the proposal keeps its id
    # in ``*_ref``.
    for field in ("doelstelling", "doel", "actie"):
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
    return versie

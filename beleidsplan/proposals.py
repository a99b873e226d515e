"""What each kind of change proposal is, in one place: the fields its form asks, how it is
validated, when it no longer applies, what accepting it does, and how it reads in the
comparison and the history.

``accept_proposal`` (beleidsplan/services.py) locks, checks and decides; the kind does the
rest. To learn "what does a merge do", read ``Samenvoegen`` below.

The kinds write through the ORM one row at a time, so that every change of a goal or an
action lands in its audit trail with the user and the proposal as reason.
"""

from __future__ import annotations

import copy
import json
from typing import ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Max
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from acties.models import Actie, Indicator

from . import charts
from .models import Doelstelling, Wijzigingsvoorstel

S = Wijzigingsvoorstel.Soort

#: The fields every proposal's form has, whatever its kind.
COMMON_FIELDS = ("herziening", "volgorde")
#: Asked last, after the kind's own fields.
LAST_FIELDS = ("motivatie",)


class ProposalNotApplicable(ValidationError):
    """The proposal cannot be applied (anymore) as written; nothing was changed."""


def audit(obj, user, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason


# --- Moving rows -------------------------------------------------------------------------


def place_goal(goal: Doelstelling, *, parent: Doelstelling | None, positie: int | None) -> None:
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


def place_action(actie: Actie, *, od: Doelstelling, positie: int | None, user, reason) -> None:
    """Put ``actie`` under ``od`` at 1-based ``positie`` (None: last) and number the OD's
    actions 1, 2, ... again. Saves (audited) only the actions whose place changed."""
    others = list(
        Actie.objects.filter(doelstelling=od).exclude(pk=actie.pk).order_by("volgorde", "pk")
    )
    index = min(positie - 1, len(others)) if positie else len(others)
    others.insert(index, actie)
    if actie.doelstelling_id != od.pk:
        actie.doelstelling = od
        # "Zie ook" its own OD says nothing any more.
        actie.zie_ook.remove(od)
    for number, row in enumerate(others, start=1):
        if row is actie or row.volgorde != number:
            row.volgorde = number
            audit(row, user, reason)
            row.save()


def hand_over(source: Doelstelling, target: Doelstelling, *, user, reason: str) -> list[int]:
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
        audit(actie, user, reason)
        actie.save()
        moved.append(actie.pk)
    for actie in source.zie_ook_acties.all():
        actie.zie_ook.remove(source)
        if actie.doelstelling_id != target.pk:
            actie.zie_ook.add(target)
    return moved


def move_indicators(source: Doelstelling | Actie, *, to: Doelstelling | Actie, user,
                    reason: str) -> list[int]:
    """Give the indicators of ``source`` (a goal or action that is going away) to ``to``
    (an OD or an action), after its own, with their values: measurements are history and
    follow their indicator. Returns the moved indicator ids."""
    field = "actie" if isinstance(to, Actie) else "doelstelling"
    last = Indicator.objects.filter(**{field: to}).aggregate(last=Max("volgorde"))["last"] or 0
    moved = []
    for offset, indicator in enumerate(source.indicatoren.order_by("volgorde", "pk"), start=1):
        indicator.doelstelling = to if field == "doelstelling" else None
        indicator.actie = to if field == "actie" else None
        indicator.volgorde = last + offset
        audit(indicator, user, reason)
        indicator.save()
        moved.append(indicator.pk)
    return moved


def refuse_if_measured(row: Doelstelling | Actie) -> None:
    """A goal or action whose indicators have values is not removed: the values would be
    lost (the database refuses it too: PROTECT)."""
    if Indicator.objects.filter(**{_owner_field(row): row}, metingen__isnull=False).exists():
        raise ProposalNotApplicable(
            gettext(
                "Values were measured for an indicator of %(subject)s; removing it would lose "
                "them. Move or merge it instead."
            )
            % {"subject": row.code if isinstance(row, Doelstelling) else str(row)}
        )


def _owner_field(row: Doelstelling | Actie) -> str:
    return "actie" if isinstance(row, Actie) else "doelstelling"


def _moved(indicators: list[int]) -> dict[str, list[int]]:
    """The effect's record of indicators that went with their goal or action."""
    return {"verhuisde_indicatoren": indicators} if indicators else {}


def _removed(indicators: list[int]) -> dict[str, list[int]]:
    """The effect's record of indicators without values removed with their goal or
    action."""
    return {"geschrapte_indicatoren": indicators} if indicators else {}


def remove(row, *, user, reason: str) -> list[int]:
    """Delete a goal or action (audited) with its indicators that have no values (call
    ``refuse_if_measured`` first). Returns the removed indicator ids."""
    removed = []
    for indicator in row.indicatoren.all():
        removed.append(indicator.pk)
        audit(indicator, user, reason)
        indicator.delete()
    audit(row, user, reason)
    row.delete()
    return removed


def _reword_goal(goal: Doelstelling, voorstel: Wijzigingsvoorstel) -> None:
    if voorstel.nieuwe_formulering.strip():
        goal.formulering = voorstel.nieuwe_formulering.strip()
    if voorstel.nieuwe_tagline.strip():
        goal.tagline = voorstel.nieuwe_tagline.strip()
    if voorstel.nieuw_transversaal is not None:
        goal.transversaal = voorstel.nieuw_transversaal


def _code(goal: Doelstelling | None) -> str:
    return goal.code if goal is not None else "?"


def _goal_label(voorstel: Wijzigingsvoorstel) -> str:
    """The goal's code; a goal that a merge, split or conversion removed has none left."""
    if voorstel.doelstelling_id:
        return voorstel.doelstelling.code
    if voorstel.doelstelling_ref:
        return gettext("goal #%(id)s") % {"id": voorstel.doelstelling_ref}
    return "?"


def _action_label(voorstel: Wijzigingsvoorstel) -> str:
    if voorstel.actie_id:
        return str(voorstel.actie)
    return gettext("action #%(id)s") % {"id": voorstel.actie_ref}


# --- The kinds ---------------------------------------------------------------------------


class Kind:
    """One kind of proposal. Subclasses say which fields the form asks (``fields``, in
    order, with labels fitting the kind) and implement the four steps."""

    soort: ClassVar[str]
    #: The kind's own form fields, between COMMON_FIELDS and LAST_FIELDS.
    fields: ClassVar[tuple[str, ...]] = ()
    #: Labels and help texts that fit this kind better than the model's generic ones.
    labels: ClassVar[dict[str, Promise]] = {}
    help_texts: ClassVar[dict[str, Promise]] = {}
    #: The proposal is about an action (its subject is ``actie``), not a goal.
    about_action: ClassVar[bool] = False
    #: The proposal is about an indicator (a new one, or ``indicator``).
    about_indicator: ClassVar[bool] = False
    #: When the form has a ``doelstelling`` field: it must be filled in.
    goal_required: ClassVar[bool] = True
    #: The form starts from the current wording of this subject ("doelstelling", "actie"
    #: or "indicator"): the admin asks which one before showing the form.
    starts_from: ClassVar[str | None] = None
    #: What a coordinator reads when choosing the kind.
    explanation: ClassVar[Promise | str] = ""

    @property
    def label(self) -> str:
        return str(S(self.soort).label)

    def form_fields(self) -> tuple[str, ...]:
        return COMMON_FIELDS + self.fields + LAST_FIELDS

    def initial(self, *, goal: Doelstelling | None, actie: Actie | None,
                indicator: Indicator | None = None) -> dict:
        """Initial values of the form when written from ``goal``, ``actie`` or
        ``indicator``."""
        initial = {}
        if goal is not None and "doelstelling" in self.fields:
            initial["doelstelling"] = goal.pk
        if actie is not None and "actie" in self.fields:
            initial["actie"] = actie.pk
        return initial

    def validate(self, voorstel, *, goal, target, actie) -> dict[str, str]:
        """Errors per field (Dutch), for what this kind needs. ``goal``, ``target`` and
        ``actie`` are the proposal's related rows (None when not chosen)."""
        return {}

    def check_applicable(self, voorstel: Wijzigingsvoorstel) -> None:
        """Raise ProposalNotApplicable when the proposal no longer applies as written.
        Called with the plan locked, right before ``apply``."""
        if voorstel.doelstelling_ref and voorstel.doelstelling_id is None:
            raise ProposalNotApplicable(
                gettext("The goal of this proposal no longer exists in the plan.")
            )
        if voorstel.actie_ref and voorstel.actie_id is None:
            raise ProposalNotApplicable(
                gettext("The action of this proposal no longer exists in the plan.")
            )
        if voorstel.indicator_ref and voorstel.indicator_id is None:
            raise ProposalNotApplicable(
                gettext("The indicator of this proposal no longer exists in the plan.")
            )

    def apply(self, voorstel: Wijzigingsvoorstel, *, user, reason: str) -> dict:
        """Change the working plan; return what it did, by id (``Wijzigingsvoorstel.effect``)."""
        raise NotImplementedError

    def describe(self, voorstel: Wijzigingsvoorstel) -> str:
        """One Dutch sentence: what the proposal does (comparison, history, confirmation)."""
        raise NotImplementedError

    def indicator_changes(self, voorstel: Wijzigingsvoorstel) -> list[tuple[str, str, str]]:
        """What the proposal changes in an indicator (only the indicator kinds do)."""
        return []


class GoalKind(Kind):
    """A kind about an existing goal: stale when the goal was reworded (or moved, for the
    kinds that place it) after the proposal was written."""

    checks_parent: ClassVar[bool] = False
    needs_target: ClassVar[bool] = False
    target_missing = _("The target goal of this proposal no longer exists in the plan.")

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        if self.needs_target and voorstel.doel_id is None:
            raise ProposalNotApplicable(str(self.target_missing))
        goal = voorstel.doelstelling
        if goal is None:
            return
        if goal.formulering != voorstel.basis_formulering:
            raise ProposalNotApplicable(
                gettext(
                    "%(code)s was reworded after this proposal was written; the proposal no "
                    'longer applies as written. Its wording is now: "%(formulering)s"'
                )
                % {"code": goal.code, "formulering": goal.formulering}
            )
        if self.checks_parent and goal.parent_id != voorstel.basis_ouder_ref:
            raise ProposalNotApplicable(
                gettext(
                    "%(code)s was moved after this proposal was written; the proposal no "
                    "longer applies as written."
                )
                % {"code": goal.code}
            )


def _needs_od(goal, field="doelstelling", message=None) -> dict[str, str]:
    if goal is not None and goal.parent_id is None:
        return {field: message}
    return {}


class Herformuleren(GoalKind):
    soort = S.HERFORMULEREN
    fields = ("doelstelling", "nieuwe_formulering", "nieuwe_tagline", "nieuw_transversaal")
    labels = {"doelstelling": _("goal to reword")}
    starts_from = "doelstelling"
    help_texts = {"nieuwe_formulering": _("Starts from the current wording: edit it.")}
    explanation = _("A new wording, short title or cross-cutting mark for a goal.")

    def initial(self, *, goal, actie, indicator=None):
        initial = super().initial(goal=goal, actie=actie)
        if goal is not None:
            initial["nieuwe_formulering"] = goal.formulering
            initial["nieuwe_tagline"] = goal.tagline
        return initial

    def validate(self, voorstel, *, goal, target, actie):
        changes = bool(voorstel.nieuwe_formulering.strip() or voorstel.nieuwe_tagline.strip())
        if not changes and voorstel.nieuw_transversaal is None:
            return {"nieuwe_formulering": gettext("Give the new wording (or a new short title).")}
        if (
            goal is not None
            and voorstel.nieuwe_formulering.strip() == goal.formulering.strip()
            and voorstel.nieuwe_tagline.strip() in ("", goal.tagline.strip())
            and voorstel.nieuw_transversaal in (None, goal.transversaal)
        ):
            return {
                "nieuwe_formulering": gettext("The new wording is the same as the current one.")
            }
        return {}

    def apply(self, voorstel, *, user, reason):
        goal = voorstel.doelstelling
        _reword_goal(goal, voorstel)
        audit(goal, user, reason)
        goal.save()
        return {}

    def describe(self, voorstel):
        return gettext('Reword %(code)s: "%(text)s"') % {
            "code": _goal_label(voorstel),
            "text": voorstel.nieuwe_formulering.strip() or voorstel.nieuwe_tagline.strip(),
        }


class Verplaatsen(GoalKind):
    soort = S.VERPLAATSEN
    fields = ("doelstelling", "doel", "positie", "nieuwe_formulering")
    labels = {
        "doelstelling": _("operational goal (OD) to move"),
        "doel": _("strategic goal (SD) it moves to"),
    }
    help_texts = {"nieuwe_formulering": _("Empty: the wording stays as it is.")}
    explanation = _("An operational goal goes to another strategic goal.")
    checks_parent = True
    needs_target = True

    def validate(self, voorstel, *, goal, target, actie):
        if goal is not None and goal.parent_id is None:
            return {
                "doelstelling": gettext(
                    "Only an operational goal (OD) can move to another SD; to renumber an "
                    'SD, choose "reorder".'
                )
            }
        if target is None or target.parent_id is not None:
            return {"doel": gettext("Choose the strategic goal (SD) it moves to.")}
        if goal is not None and target.pk == goal.parent_id:
            return {"doel": gettext("The goal already lies under this SD.")}
        return {}

    def apply(self, voorstel, *, user, reason):
        goal = voorstel.doelstelling
        place_goal(goal, parent=voorstel.doel, positie=voorstel.positie)
        _reword_goal(goal, voorstel)
        audit(goal, user, reason)
        goal.save()
        return {}

    def describe(self, voorstel):
        return gettext("Move %(code)s to %(target)s") % {
            "code": _goal_label(voorstel),
            "target": _code(voorstel.doel),
        }


class Herordenen(GoalKind):
    soort = S.HERORDENEN
    fields = ("doelstelling", "positie", "nieuwe_formulering")
    labels = {"positie": _("new position")}
    help_texts = {
        "positie": _("1 = first. The codes follow the new order."),
        "nieuwe_formulering": _("Empty: the wording stays as it is."),
    }
    explanation = _("Renumber a goal among its siblings (e.g. SD4 becomes SD3).")
    checks_parent = True

    def validate(self, voorstel, *, goal, target, actie):
        if not voorstel.positie:
            return {"positie": gettext("Give the new position (1 = first).")}
        return {}

    def apply(self, voorstel, *, user, reason):
        goal = voorstel.doelstelling
        place_goal(goal, parent=goal.parent, positie=voorstel.positie)
        _reword_goal(goal, voorstel)
        audit(goal, user, reason)
        goal.save()
        return {}

    def describe(self, voorstel):
        return gettext("Put %(code)s at position %(positie)s") % {
            "code": _goal_label(voorstel),
            "positie": voorstel.positie,
        }


class Samenvoegen(GoalKind):
    """The goal disappears into the target: its ODs and actions go to the target (last),
    "zie ook" links follow, and the target may get a new wording."""

    soort = S.SAMENVOEGEN
    fields = ("doelstelling", "doel", "nieuwe_formulering")
    labels = {
        "doelstelling": _("goal that disappears"),
        "doel": _("goal that remains"),
        "nieuwe_formulering": _("new wording of the goal that remains"),
    }
    help_texts = {"nieuwe_formulering": _("Empty: the wording stays as it is.")}
    explanation = _("Two goals become one; the actions go to the goal that remains.")
    needs_target = True

    def validate(self, voorstel, *, goal, target, actie):
        if target is None:
            return {"doel": gettext("Choose the goal that remains after the merge.")}
        if goal is not None and target.pk == goal.pk:
            return {"doel": gettext("A goal cannot merge with itself.")}
        if goal is not None and (target.parent_id is None) != (goal.parent_id is None):
            return {"doel": gettext("Only two SDs or two ODs can be merged.")}
        return {}

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        target = voorstel.doel
        if (
            voorstel.nieuwe_formulering.strip()
            and voorstel.basis_doel_formulering
            and target.formulering != voorstel.basis_doel_formulering
        ):
            raise ProposalNotApplicable(
                gettext(
                    "%(code)s, the goal that remains, was reworded after this proposal was "
                    "written; merging with the proposed wording would undo that."
                )
                % {"code": target.code}
            )

    def apply(self, voorstel, *, user, reason):
        goal, target = voorstel.doelstelling, voorstel.doel
        for child in list(goal.get_children()):
            place_goal(child, parent=target, positie=None)
        hand_over(goal, target, user=user, reason=reason)
        indicators = move_indicators(goal, to=target, user=user, reason=reason)
        if voorstel.nieuwe_formulering.strip():
            target.formulering = voorstel.nieuwe_formulering.strip()
            audit(target, user, reason)
            target.save()
        removed = goal.pk
        remove(goal, user=user, reason=reason)
        return {"geschrapt": [removed], "behouden": target.pk, **_moved(indicators)}

    def describe(self, voorstel):
        return gettext("Merge %(code)s into %(target)s") % {
            "code": _goal_label(voorstel),
            "target": _code(voorstel.doel),
        }


class Splitsen(GoalKind):
    """The OD is replaced by one new OD per line of ``delen``, in its place; its actions
    and links go to the first part (the coordinator moves single actions afterwards)."""

    soort = S.SPLITSEN
    fields = ("doelstelling", "delen")
    labels = {"doelstelling": _("operational goal (OD) to split")}
    explanation = _("One operational goal becomes two or more.")

    def validate(self, voorstel, *, goal, target, actie):
        errors = {}
        if len(voorstel.delen_lijst()) < 2:
            errors["delen"] = gettext(
                "Give at least two wordings, one per line, for the goals it splits into."
            )
        errors.update(
            _needs_od(goal, message=gettext("Only an operational goal (OD) can be split."))
        )
        return errors

    def apply(self, voorstel, *, user, reason):
        goal = voorstel.doelstelling
        parts = []
        after = goal
        for wording in voorstel.delen_lijst():
            part = Doelstelling(plan_id=goal.plan_id, formulering=wording, spreiding=goal.spreiding)
            part.insert_at(after, "right")
            audit(part, user, reason)
            part.save()
            parts.append(part)
            after = part
        hand_over(goal, parts[0], user=user, reason=reason)
        indicators = move_indicators(goal, to=parts[0], user=user, reason=reason)
        removed = goal.pk
        remove(goal, user=user, reason=reason)
        return {"geschrapt": [removed], "nieuw": [p.pk for p in parts], **_moved(indicators)}

    def describe(self, voorstel):
        return gettext("Split %(code)s into %(count)s goals") % {
            "code": _goal_label(voorstel),
            "count": len(voorstel.delen_lijst()),
        }


class OdNaarActie(GoalKind):
    """The OD disappears; its wording becomes a new action of the target OD, which also
    gets the OD's actions."""

    soort = S.OD_NAAR_ACTIE
    fields = ("doelstelling", "doel")
    labels = {
        "doelstelling": _("operational goal (OD) that becomes an action"),
        "doel": _("operational goal (OD) that gets the action"),
    }
    explanation = _("An operational goal is really an action of another OD.")
    needs_target = True

    def validate(self, voorstel, *, goal, target, actie):
        if goal is not None and goal.parent_id is None:
            return {"doelstelling": gettext("Only an operational goal (OD) can become an action.")}
        if target is None or target.parent_id is None:
            return {"doel": gettext("Choose the operational goal (OD) that gets the new action.")}
        if goal is not None and target.pk == goal.pk:
            return {"doel": gettext("Choose another OD than the one that disappears.")}
        return {}

    def apply(self, voorstel, *, user, reason):
        goal, target = voorstel.doelstelling, voorstel.doel
        moved = hand_over(goal, target, user=user, reason=reason)
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
        audit(actie, user, reason)
        actie.save()
        # What measured the OD now measures the action it became.
        indicators = move_indicators(goal, to=actie, user=user, reason=reason)
        removed = goal.pk
        remove(goal, user=user, reason=reason)
        return {
            "geschrapt": [removed], "acties": [actie.pk], "verhuisde_acties": moved,
            **_moved(indicators),
        }

    def describe(self, voorstel):
        return gettext("Turn %(code)s into an action of %(target)s") % {
            "code": _goal_label(voorstel),
            "target": _code(voorstel.doel),
        }


class ActionKind(Kind):
    """A kind about an existing action: stale when the action's description or OD changed
    after the proposal was written (``basis_formulering`` / ``basis_ouder_ref`` hold the
    action's then; proposals written before those were kept are not checked)."""

    about_action = True
    checks_parent: ClassVar[bool] = False

    def _base_errors(self, voorstel, actie) -> dict[str, str]:
        if actie is None:
            return {"actie": gettext("Choose the action this proposal is about.")}
        return {}

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        actie = voorstel.actie
        if actie is None:
            return
        if voorstel.basis_formulering and actie.omschrijving != voorstel.basis_formulering:
            raise ProposalNotApplicable(
                gettext(
                    "The action was reworded after this proposal was written; the proposal no "
                    'longer applies as written. Its description is now: "%(omschrijving)s"'
                )
                % {"omschrijving": actie.omschrijving}
            )
        if (
            self.checks_parent
            and voorstel.basis_ouder_ref
            and actie.doelstelling_id != voorstel.basis_ouder_ref
        ):
            raise ProposalNotApplicable(
                gettext(
                    "The action was moved to %(code)s after this proposal was written; the "
                    "proposal no longer applies as written."
                )
                % {"code": actie.doelstelling.code}
            )

    def _refuse_if_reported(self, actie: Actie) -> None:
        # Progress reports are the partners' record: removing their action would lose them
        # (the database refuses it too: PROTECT).
        if actie.rapporten.exists():
            raise ProposalNotApplicable(
                gettext(
                    "Partners reported progress on this action; it cannot be removed. Reword "
                    "it or move it instead."
                )
            )


class ActieNaarOd(ActionKind):
    soort = S.ACTIE_NAAR_OD
    fields = ("actie", "doel", "positie", "nieuwe_formulering")
    labels = {
        "actie": _("action that becomes an operational goal"),
        "doel": _("strategic goal (SD) it goes under"),
        "nieuwe_formulering": _("wording of the new operational goal"),
    }
    help_texts = {"nieuwe_formulering": _("Starts from the action's description: edit it.")}
    starts_from = "actie"
    explanation = _("An action becomes an operational goal of its own.")

    def initial(self, *, goal, actie, indicator=None):
        initial = super().initial(goal=goal, actie=actie)
        if actie is not None:
            initial["nieuwe_formulering"] = actie.omschrijving
        return initial

    def validate(self, voorstel, *, goal, target, actie):
        errors = {}
        if actie is None:
            errors["actie"] = gettext("Choose the action that becomes an operational goal.")
        if target is None or target.parent_id is not None:
            errors["doel"] = gettext("Choose the strategic goal (SD) it goes under.")
        return errors

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        if voorstel.doel_id is None:
            raise ProposalNotApplicable(
                gettext("The target goal of this proposal no longer exists in the plan.")
            )
        self._refuse_if_reported(voorstel.actie)

    def apply(self, voorstel, *, user, reason):
        actie, target = voorstel.actie, voorstel.doel
        new_goal = Doelstelling(
            plan_id=target.plan_id,
            formulering=voorstel.nieuwe_formulering.strip() or actie.omschrijving,
        )
        new_goal.insert_at(target, "last-child")
        audit(new_goal, user, reason)
        new_goal.save()
        if voorstel.positie:
            place_goal(new_goal, parent=target, positie=voorstel.positie)
        # What measured the action now measures the OD it became.
        indicators = move_indicators(actie, to=new_goal, user=user, reason=reason)
        removed = actie.pk
        remove(actie, user=user, reason=reason)
        return {"nieuw": [new_goal.pk], "geschrapte_acties": [removed], **_moved(indicators)}

    def describe(self, voorstel):
        return gettext("Turn %(actie)s into an operational goal under %(target)s") % {
            "actie": _action_label(voorstel),
            "target": _code(voorstel.doel),
        }


class Nieuw(Kind):
    soort = S.NIEUW
    fields = ("doel", "positie", "nieuwe_formulering", "nieuwe_tagline", "nieuw_transversaal")
    labels = {
        "doel": _("strategic goal (SD) it goes under"),
        "nieuwe_formulering": _("wording of the new goal"),
        "nieuwe_tagline": _("short title"),
        "nieuw_transversaal": _("cross-cutting"),
    }
    help_texts = {
        "doel": _("Empty: a new strategic goal (SD)."),
        "nieuw_transversaal": _("Only for a new SD."),
    }
    explanation = _("A new strategic or operational goal.")

    def validate(self, voorstel, *, goal, target, actie):
        errors = {}
        if not voorstel.nieuwe_formulering.strip():
            errors["nieuwe_formulering"] = gettext("Give the wording of the new goal.")
        if target is not None and target.parent_id is not None:
            errors["doel"] = gettext(
                "A new goal goes under a strategic goal (SD), or leave this empty for a new SD."
            )
        return errors

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        if voorstel.basis_doel_formulering and voorstel.doel_id is None:
            raise ProposalNotApplicable(
                gettext("The target goal of this proposal no longer exists in the plan.")
            )

    def apply(self, voorstel, *, user, reason):
        target = voorstel.doel
        new_goal = Doelstelling(
            plan_id=voorstel.herziening.plan_id,
            formulering=voorstel.nieuwe_formulering.strip(),
            tagline=voorstel.nieuwe_tagline.strip(),
            transversaal=bool(voorstel.nieuw_transversaal) and target is None,
        )
        new_goal.insert_at(target, "last-child")
        audit(new_goal, user, reason)
        new_goal.save()
        if voorstel.positie:
            place_goal(new_goal, parent=target, positie=voorstel.positie)
        return {"nieuw": [new_goal.pk]}

    def describe(self, voorstel):
        if voorstel.doel_id:
            return gettext('New goal under %(target)s: "%(text)s"') % {
                "target": _code(voorstel.doel),
                "text": voorstel.nieuwe_formulering.strip(),
            }
        return gettext('New strategic goal: "%(text)s"') % {
            "text": voorstel.nieuwe_formulering.strip()
        }


class Schrappen(GoalKind):
    soort = S.SCHRAPPEN
    fields = ("doelstelling",)
    labels = {"doelstelling": _("goal to remove")}
    explanation = _(
        "Remove a goal without actions or operational goals (its indicators without values "
        "go with it)."
    )

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        goal = voorstel.doelstelling
        if goal.acties.exists() or goal.get_children().exists():
            raise ProposalNotApplicable(
                gettext(
                    "%(code)s still has actions or operational goals. Move them first, or "
                    "propose a merge instead."
                )
                % {"code": goal.code}
            )
        refuse_if_measured(goal)

    def apply(self, voorstel, *, user, reason):
        goal = voorstel.doelstelling
        removed = goal.pk
        indicators = remove(goal, user=user, reason=reason)
        return {"geschrapt": [removed], **_removed(indicators)}

    def describe(self, voorstel):
        return gettext("Remove %(code)s") % {"code": _goal_label(voorstel)}


class Opmerking(GoalKind):
    """A comment or open question: accepting it changes nothing (it is answered). Like
    any proposal about a goal, it no longer applies once the goal was reworded."""

    soort = S.OPMERKING
    fields = ("doelstelling",)
    goal_required = False
    labels = {"doelstelling": _("goal it is about")}
    help_texts = {"doelstelling": _("Empty: about the plan as a whole.")}
    explanation = _('A remark or open question, e.g. "moet nog verscherpt worden".')

    def validate(self, voorstel, *, goal, target, actie):
        if not voorstel.motivatie.strip():
            return {"motivatie": gettext("Write the comment or question.")}
        return {}

    def apply(self, voorstel, *, user, reason):
        return {}

    def describe(self, voorstel):
        about_goal = voorstel.doelstelling_ref or voorstel.doelstelling_id
        about = _goal_label(voorstel) if about_goal else gettext("the plan")
        return gettext("Comment on %(about)s") % {"about": about}


class ActieHerformuleren(ActionKind):
    soort = S.ACTIE_HERFORMULEREN
    fields = ("actie", "nieuwe_formulering")
    labels = {"actie": _("action to reword"), "nieuwe_formulering": _("new description")}
    starts_from = "actie"
    help_texts = {"nieuwe_formulering": _("Starts from the current description: edit it.")}
    explanation = _("A new description for an action.")

    def initial(self, *, goal, actie, indicator=None):
        initial = super().initial(goal=goal, actie=actie)
        if actie is not None:
            initial["nieuwe_formulering"] = actie.omschrijving
        return initial

    def validate(self, voorstel, *, goal, target, actie):
        errors = self._base_errors(voorstel, actie)
        new = voorstel.nieuwe_formulering.strip()
        if not new:
            errors["nieuwe_formulering"] = gettext("Give the new description of the action.")
        elif actie is not None and new == actie.omschrijving.strip():
            errors["nieuwe_formulering"] = gettext(
                "The new description is the same as the current one."
            )
        return errors

    def apply(self, voorstel, *, user, reason):
        actie = voorstel.actie
        actie.omschrijving = voorstel.nieuwe_formulering.strip()
        audit(actie, user, reason)
        actie.save()
        return {"acties": [actie.pk]}

    def describe(self, voorstel):
        # The description it had when the proposal was written: after accepting, the
        # action's own text is already the new one.
        current = voorstel.actie if voorstel.actie_id else None
        old = voorstel.basis_formulering or (current.omschrijving if current else "")
        code = current.doelstelling.code if current else "?"
        return gettext('Reword the action "%(old)s" of %(code)s: "%(text)s"') % {
            "old": old if len(old) <= 80 else old[:79] + "…",
            "code": code,
            "text": voorstel.nieuwe_formulering.strip(),
        }


class ActieVerplaatsen(ActionKind):
    soort = S.ACTIE_VERPLAATSEN
    fields = ("actie", "doel", "positie")
    labels = {
        "actie": _("action to move"),
        "doel": _("operational goal (OD) it moves to"),
        "positie": _("position among its actions"),
    }
    help_texts = {"positie": _("1 = first. Empty: last.")}
    explanation = _("An action goes to another operational goal.")
    checks_parent = True

    def validate(self, voorstel, *, goal, target, actie):
        errors = self._base_errors(voorstel, actie)
        if target is None or target.parent_id is None:
            errors["doel"] = gettext("Choose the operational goal (OD) the action moves to.")
        elif actie is not None and target.pk == actie.doelstelling_id:
            errors["doel"] = gettext("The action already lies under this OD.")
        return errors

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        if voorstel.doel_id is None:
            raise ProposalNotApplicable(
                gettext("The target goal of this proposal no longer exists in the plan.")
            )

    def apply(self, voorstel, *, user, reason):
        actie = voorstel.actie
        place_action(actie, od=voorstel.doel, positie=voorstel.positie, user=user, reason=reason)
        return {"acties": [actie.pk]}

    def describe(self, voorstel):
        return gettext("Move %(actie)s to %(target)s") % {
            "actie": _action_label(voorstel),
            "target": _code(voorstel.doel),
        }


class ActieSchrappen(ActionKind):
    soort = S.ACTIE_SCHRAPPEN
    fields = ("actie",)
    labels = {"actie": _("action to remove")}
    explanation = _("Remove an action from the plan (not one partners reported on).")

    def validate(self, voorstel, *, goal, target, actie):
        return self._base_errors(voorstel, actie)

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        self._refuse_if_reported(voorstel.actie)
        refuse_if_measured(voorstel.actie)

    def apply(self, voorstel, *, user, reason):
        actie = voorstel.actie
        removed = actie.pk
        indicators = remove(actie, user=user, reason=reason)
        return {"geschrapte_acties": [removed], **_removed(indicators)}

    def describe(self, voorstel):
        return gettext("Remove %(actie)s") % {"actie": _action_label(voorstel)}


# --- Indicators ----------------------------------------------------------------------------

#: The proposal's field for each thing the plan says of an indicator.
PROPOSED = {f"indicator_{name}": name for name in Indicator.DEFINITION_FIELDS}


def _indicator_label(voorstel: Wijzigingsvoorstel) -> str:
    """The indicator's name (as it was when the proposal was written, when it is gone)
    and what it measures."""
    if voorstel.indicator_id:
        indicator = voorstel.indicator
        return f"“{indicator.naam}” ({indicator.onderwerp})"
    name = _basis(voorstel).get("naam")
    if name:
        return f"“{name}”"
    return gettext("indicator #%(id)s") % {"id": voorstel.indicator_ref}


def _basis(voorstel: Wijzigingsvoorstel) -> dict:
    """The indicator as the plan stated it when the proposal was written (``{}`` for
    proposals without one)."""
    try:
        basis = json.loads(voorstel.basis_formulering or "{}")
    except ValueError:
        return {}
    return basis if isinstance(basis, dict) else {}


def _shown(name: str, value) -> str:
    """A value of an indicator as the coordinator reads it."""
    if value in (None, ""):
        return "–"
    if name == "richting":
        return str(Indicator.Richting(value).label)
    if name in ("basiswaarde", "streefwaarde"):
        return charts.fmt(value)
    return str(value)


class IndicatorKind(Kind):
    """A kind about an indicator of an OD or an action. The rules of an indicator are its
    own (``Indicator.clean`` and its fields): the proposal is checked against them on the
    indicator as accepting would leave it, and again when it is accepted."""

    about_indicator = True
    goal_required = False

    def _proposed(self, voorstel, indicator: Indicator) -> Indicator:
        """``indicator`` (unsaved, or a copy) with the values the proposal gives."""
        for field, name in PROPOSED.items():
            if field in self.fields:
                value = getattr(voorstel, field)
                setattr(indicator, name, value.strip() if isinstance(value, str) else value)
        if "indicator_cumulatief" in self.fields:
            indicator.cumulatief = voorstel.indicator_cumulatief
        return indicator

    def _errors(self, indicator: Indicator) -> dict[str, str]:
        """The indicator's own rules, as errors on the proposal's fields."""
        try:
            indicator.full_clean(exclude=["rapporteur"])
        except ValidationError as error:
            errors: dict[str, list[str]] = {}
            for name, messages in error.message_dict.items():
                field = name if name in ("doelstelling", "actie") else f"indicator_{name}"
                if field not in self.fields:
                    field = NON_FIELD_ERRORS
                errors.setdefault(field, []).extend(messages)
            return {field: " ".join(messages) for field, messages in errors.items()}
        return {}

    def indicator_changes(self, voorstel) -> list[tuple[str, str, str]]:
        """(what, before, proposed) for each thing of the indicator the proposal changes,
        from the indicator as it was when the proposal was written (nothing, for a new
        one). No query."""
        basis = _basis(voorstel)
        rows = []
        for field, name in PROPOSED.items():
            if field not in self.fields:
                continue
            before, after = basis.get(name), getattr(voorstel, field)
            if isinstance(after, str):
                after = after.strip()
            if _shown(name, before) != _shown(name, after):
                label = str(Indicator._meta.get_field(name).verbose_name)
                rows.append((label, _shown(name, before), _shown(name, after)))
        return rows

    def _save(self, indicator: Indicator, *, user, reason) -> None:
        """Check the indicator once more (the plan may have changed since the proposal
        was written) and save it, audited."""
        errors = self._errors(indicator)
        if errors:
            raise ProposalNotApplicable(" ".join(errors.values()))
        audit(indicator, user, reason)
        indicator.save()


class IndicatorNieuw(IndicatorKind):
    soort = S.INDICATOR_NIEUW
    fields = (
        "doelstelling", "actie", *PROPOSED, "indicator_cumulatief",
    )
    labels = {
        "doelstelling": _("operational goal (OD) it measures"),
        "actie": _("or the action it measures"),
    }
    help_texts = {
        "doelstelling": _("Fill in an operational goal or an action, not both."),
        "indicator_basiswaarde": _("Optional: the value at the start, with its year."),
    }
    explanation = _("A measurable indicator with a target, for an operational goal or an action.")

    def initial(self, *, goal, actie, indicator=None):
        return {**super().initial(goal=goal, actie=actie), "indicator_richting": "meer"}

    def validate(self, voorstel, *, goal, target, actie):
        if goal is None and actie is None:
            return {
                "doelstelling": gettext(
                    "Choose the operational goal (OD) or the action the indicator measures."
                )
            }
        if goal is not None and actie is not None:
            return {"actie": gettext("Choose an operational goal or an action, not both.")}
        return self._errors(self._proposed(voorstel, Indicator(doelstelling=goal, actie=actie)))

    def apply(self, voorstel, *, user, reason):
        owner = {"doelstelling": voorstel.doelstelling} if voorstel.doelstelling_id else {
            "actie": voorstel.actie
        }
        last = Indicator.objects.filter(**owner).aggregate(last=Max("volgorde"))["last"] or 0
        indicator = self._proposed(voorstel, Indicator(**owner, volgorde=last + 1))
        self._save(indicator, user=user, reason=reason)
        return {"nieuwe_indicatoren": [indicator.pk]}

    def describe(self, voorstel):
        if voorstel.doelstelling_id or voorstel.doelstelling_ref:
            subject = _goal_label(voorstel)
        else:
            subject = _action_label(voorstel)
        return gettext(
            "New indicator for %(subject)s: “%(naam)s”, target %(target)s %(unit)s in %(year)s"
        ) % {
            "subject": subject,
            "naam": voorstel.indicator_naam.strip(),
            "target": _shown("streefwaarde", voorstel.indicator_streefwaarde),
            "unit": voorstel.indicator_eenheid.strip(),
            "year": _shown("streefjaar", voorstel.indicator_streefjaar),
        }


class ExistingIndicatorKind(IndicatorKind):
    """A kind about an existing indicator: stale when the plan's words on the indicator
    changed after the proposal was written (``basis_formulering`` holds them then)."""

    def _base_errors(self, indicator) -> dict[str, str]:
        if indicator is None:
            return {"indicator": gettext("Choose the indicator this proposal is about.")}
        return {}

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        indicator = voorstel.indicator
        if indicator is not None and _basis(voorstel) != indicator.definitie():
            raise ProposalNotApplicable(
                gettext(
                    "The indicator %(indicator)s was changed after this proposal was written; "
                    "the proposal no longer applies as written."
                )
                % {"indicator": _indicator_label(voorstel)}
            )


class IndicatorWijzigen(ExistingIndicatorKind):
    soort = S.INDICATOR_WIJZIGEN
    fields = ("indicator", *PROPOSED)
    labels = {"indicator": _("indicator to change")}
    help_texts = {"indicator_naam": _("Starts from the indicator as it is: edit what changes.")}
    starts_from = "indicator"
    explanation = _("A new target, base, name or direction for an indicator.")

    def initial(self, *, goal, actie, indicator=None):
        initial = super().initial(goal=goal, actie=actie)
        if indicator is not None:
            initial["indicator"] = indicator.pk
            initial.update(
                {field: getattr(indicator, name) for field, name in PROPOSED.items()}
            )
        return initial

    def validate(self, voorstel, *, goal, target, actie):
        indicator = voorstel.indicator if voorstel.indicator_id else None
        errors = self._base_errors(indicator)
        if errors:
            return errors
        current = indicator.definitie()
        proposed = self._proposed(voorstel, copy.copy(indicator))
        errors = self._errors(proposed)
        if errors:
            return errors
        if proposed.definitie() == current:
            return {
                NON_FIELD_ERRORS: gettext(
                    "The proposed values are the same as the indicator's current ones."
                )
            }
        return self._unit_errors(indicator, proposed.eenheid)

    @staticmethod
    def _unit_errors(indicator: Indicator, eenheid: str) -> dict[str, str]:
        # Values already measured were counted in the old unit: another unit would make
        # them say something else.
        if eenheid.casefold() != indicator.eenheid.casefold() and indicator.metingen.exists():
            return {
                "indicator_eenheid": gettext(
                    "Values of this indicator were already measured in %(unit)s: its unit "
                    "cannot change. Propose a new indicator instead."
                )
                % {"unit": indicator.eenheid}
            }
        return {}

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        errors = self._unit_errors(voorstel.indicator, voorstel.indicator_eenheid.strip())
        if errors:
            raise ProposalNotApplicable(" ".join(errors.values()))

    def apply(self, voorstel, *, user, reason):
        indicator = self._proposed(voorstel, voorstel.indicator)
        self._save(indicator, user=user, reason=reason)
        return {"indicatoren": [indicator.pk]}

    def describe(self, voorstel):
        changes = "; ".join(
            f"{what} {old} → {new}" for what, old, new in self.indicator_changes(voorstel)
        )
        return gettext("Change the indicator %(indicator)s: %(changes)s") % {
            "indicator": _indicator_label(voorstel),
            "changes": changes or "–",
        }


class IndicatorSchrappen(ExistingIndicatorKind):
    soort = S.INDICATOR_SCHRAPPEN
    fields = ("indicator",)
    labels = {"indicator": _("indicator to remove")}
    explanation = _("Remove an indicator that has no values yet.")

    def validate(self, voorstel, *, goal, target, actie):
        return self._base_errors(voorstel.indicator if voorstel.indicator_id else None)

    def check_applicable(self, voorstel):
        super().check_applicable(voorstel)
        if voorstel.indicator.metingen.exists():
            raise ProposalNotApplicable(
                gettext(
                    "Values were already measured for the indicator %(indicator)s; removing "
                    "it would lose them. Propose to change it instead."
                )
                % {"indicator": _indicator_label(voorstel)}
            )

    def apply(self, voorstel, *, user, reason):
        indicator = voorstel.indicator
        removed = indicator.pk
        audit(indicator, user, reason)
        indicator.delete()
        return {"geschrapte_indicatoren": [removed]}

    def describe(self, voorstel):
        return gettext("Remove the indicator %(indicator)s") % {
            "indicator": _indicator_label(voorstel)
        }


#: Every kind, in the order the admin offers them.
KINDS: dict[str, Kind] = {
    kind.soort: kind()
    for kind in (
        Herformuleren,
        Verplaatsen,
        Herordenen,
        Samenvoegen,
        Splitsen,
        OdNaarActie,
        Nieuw,
        Schrappen,
        Opmerking,
        ActieHerformuleren,
        ActieVerplaatsen,
        ActieSchrappen,
        ActieNaarOd,
        IndicatorNieuw,
        IndicatorWijzigen,
        IndicatorSchrappen,
    )
}


def kind_of(soort: str) -> Kind:
    """The kind for ``soort``; ProposalNotApplicable for an unknown one."""
    try:
        return KINDS[soort]
    except KeyError:
        raise ProposalNotApplicable(gettext("Unknown kind of proposal.")) from None

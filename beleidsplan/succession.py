"""Plan succession: starting the next plan from a version of the old one, and closing the
old one when its period is over (issue 13, docs/domain.md "The plan's structure").

The next plan is built from a published version's stored ``cultuurregio-plan/1``
document, never from the old plan's working rows: the version is what the steering group
approved, and it cannot drift while the copy is made. Every copied goal and action records
the row of the old plan it continues (``voortzetting_van``), by identity (the document's
``id``), so it can be followed across plans whatever later happens to its code or wording.

Views, admin actions and the ``start_volgend_plan`` command call these; they do not repeat
them. Refusals are ``SuccessionRefused`` with a Dutch message; nothing is written then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from acties.models import Actie, ActieActor, Voortgangsrapport
from actoren.models import Actor, Gemeente
from cultuurregio import bulk

from .models import Beleidsplan, Doelstelling, Planversie, Wijzigingsvoorstel

__all__ = [
    "SuccessionRefused",
    "close_plan",
    "open_items",
    "start_next_plan",
    "successor_of",
]

_REASON_MAX = 100  # simple-history's history_change_reason is a CharField(100)


class SuccessionRefused(ValidationError):
    """The next plan cannot be started, or the plan cannot be closed, as asked; nothing
    was written. The message is Dutch, for the coordinator."""


def _audit(obj, user, reason: str):
    obj._history_user = user
    obj._change_reason = reason
    return obj


def successor_of(plan: Beleidsplan) -> Beleidsplan | None:
    """The plan started from ``plan``, if any. One query."""
    return Beleidsplan.objects.filter(vorig_plan=plan).order_by("pk").first()


def _source_version(plan: Beleidsplan, versie_nummer: int | None) -> Planversie:
    versies = plan.versies.order_by("-nummer")
    if versie_nummer is None:
        versie = versies.first()
        if versie is None:
            raise SuccessionRefused(
                _(
                    "“%(plan)s” has no published version yet: publish the version the next "
                    "plan starts from first."
                )
                % {"plan": plan}
            )
        return versie
    versie = versies.filter(nummer=versie_nummer).first()
    if versie is None:
        raise SuccessionRefused(
            _("“%(plan)s” has no published version %(nummer)s.")
            % {"plan": plan, "nummer": versie_nummer}
        )
    return versie


def _check_period(van_plan: Beleidsplan, van_jaar: int, tot_jaar: int) -> None:
    if tot_jaar < van_jaar:
        raise SuccessionRefused(_("The end year cannot lie before the start year."))
    if van_jaar <= van_plan.tot_jaar and tot_jaar >= van_plan.van_jaar:
        raise SuccessionRefused(
            _(
                "The period %(van)s-%(tot)s overlaps the period of “%(plan)s”: the next plan "
                "starts after %(end)s."
            )
            % {"van": van_jaar, "tot": tot_jaar, "plan": van_plan, "end": van_plan.tot_jaar}
        )


@dataclass
class _Copy:
    """What the copy wrote, for the callers' messages."""

    doelstellingen: int = 0
    acties: int = 0


@transaction.atomic
def start_next_plan(
    *,
    van_plan: Beleidsplan,
    titel: str,
    van_jaar: int,
    tot_jaar: int,
    versie_nummer: int | None = None,
    user,
) -> Beleidsplan:
    """Create the plan that succeeds ``van_plan`` for ``van_jaar``-``tot_jaar``, in
    preparation (no published version: only insiders see it), from ``van_plan``'s last
    published version or version ``versie_nummer``.

    Copies every goal (wording, short title, cross-cutting, explanation, note on
    spreading) and every action (description, regierol, actorrol, spreading with the
    municipalities that still exist, a merged one replaced by the one it merged into,
    "zie ook" mapped to the new goals, actors with their roles), each with
    ``voortzetting_van`` set to the row it continues. Timing and progress are not copied:
    they belong to the old plan's period. The reporting settings are copied.

    Refused (``SuccessionRefused``, Dutch, nothing written): no published version (or
    no version ``versie_nummer``), an empty title, years reversed, overlapping the old
    plan's period or outside the allowed years, or an old plan that already has a
    successor. A closed old plan may still be succeeded.

    Cost: a handful of queries per goal and action (mptt insert, code refresh, audit
    records), as the nota import; well under a second for the seed's plan.
    """
    titel = (titel or "").strip()
    if not titel:
        raise SuccessionRefused(_("Give the new policy plan a title."))
    # Serialise two coordinators starting the next plan of one plan at once: the second
    # waits here and then sees the first one's successor.
    van_plan = Beleidsplan.objects.select_for_update().get(pk=van_plan.pk)
    if Beleidsplan.objects.filter(vorig_plan=van_plan).exists():
        raise SuccessionRefused(
            _("“%(plan)s” already has a next plan: %(next)s.")
            % {"plan": van_plan, "next": successor_of(van_plan)}
        )
    _check_period(van_plan, van_jaar, tot_jaar)
    versie = _source_version(van_plan, versie_nummer)
    document = versie.data()

    plan = Beleidsplan(
        titel=titel,
        van_jaar=van_jaar,
        tot_jaar=tot_jaar,
        beschrijving="",
        rapportering=van_plan.rapportering,
        rapportering_marge_maanden=van_plan.rapportering_marge_maanden,
        publiek=van_plan.publiek,
        vorig_plan=van_plan,
    )
    try:
        plan.full_clean()
    except ValidationError as error:
        raise SuccessionRefused(" ".join(error.messages)) from None

    reason = (
        _("Carried over from %(plan)s, version %(nummer)s")
        % {"plan": van_plan, "nummer": versie.nummer}
    )[:_REASON_MAX]
    _audit(plan, user, reason).save()
    with bulk.many_rows():  # the plans' stamps once, not once per goal and action
        _copy_document(document, plan, user=user, reason=reason)
    return plan


def _current_places(document: dict, plan: Beleidsplan) -> dict[str, int]:
    """Municipality id by the name the document uses, for the municipalities that still
    exist; one that merged before the new plan starts stands for the one it merged into
    (an action for Gooik reaches Pajottegem in 2027). One query."""
    by_name = {g["naam"]: g["id"] for g in document.get("gemeenten", [])}
    start = date(plan.van_jaar, 1, 1)
    rows = Gemeente.objects.filter(pk__in=by_name.values()).values_list(
        "pk", "opgegaan_in_id", "fusiedatum"
    )
    current: dict[int, int] = {}
    for pk, opgegaan_in_id, fusiedatum in rows:
        merged = opgegaan_in_id is not None and (fusiedatum is None or fusiedatum <= start)
        current[pk] = opgegaan_in_id if merged else pk
    return {naam: current[pk] for naam, pk in by_name.items() if pk in current}


def _copy_document(document: dict, plan: Beleidsplan, *, user, reason: str) -> _Copy:
    """Write the goals and actions of a version's document into the new ``plan``, in the
    document's order. Goals one by one (mptt places each as the last root or child; the
    post_save signal refreshes the codes), never ``bulk_create``."""
    counts = _Copy()
    places = _current_places(document, plan)
    old_goal_ids: set[int] = set()
    old_action_ids: set[int] = set()
    actor_ids: set[int] = set()

    def walk(goals):
        for goal in goals:
            old_goal_ids.add(goal["id"])
            for actie in goal.get("acties", []):
                old_action_ids.add(actie["id"])
                actor_ids.update(a["id"] for a in actie.get("actoren", []))
            walk(goal.get("doelstellingen", []))

    walk(document.get("doelstellingen", []))
    # The rows the copies continue, when they still exist (a version outlives a deleted
    # row: then the copy has no link, rather than a dangling id).
    existing_goals = set(
        Doelstelling.objects.filter(pk__in=old_goal_ids).values_list("pk", flat=True)
    )
    existing_actions = set(
        Actie.objects.filter(pk__in=old_action_ids).values_list("pk", flat=True)
    )
    existing_actors = set(Actor.objects.filter(pk__in=actor_ids).values_list("pk", flat=True))

    new_goal_by_code: dict[str, Doelstelling] = {}
    pending: list[tuple[Actie, dict]] = []

    def copy_goal(goal: dict, parent: Doelstelling | None) -> None:
        instance = _audit(
            Doelstelling(
                plan=plan,
                parent=parent,
                formulering=goal["formulering"],
                tagline=goal.get("tagline") or "",
                transversaal=bool(goal.get("transversaal")) and parent is None,
                toelichting=goal.get("toelichting") or "",
                spreiding=goal.get("spreiding") or "",
                voortzetting_van_id=goal["id"] if goal["id"] in existing_goals else None,
            ),
            user,
            reason,
        )
        instance.save()
        counts.doelstellingen += 1
        new_goal_by_code[goal["code"]] = instance
        for volgorde, actie in enumerate(goal.get("acties", []), start=1):
            spreiding = actie.get("spreiding") or {}
            copy = _audit(
                Actie(
                    doelstelling=instance,
                    volgorde=volgorde,
                    omschrijving=actie["omschrijving"],
                    regierol=actie.get("regierol") or "",
                    actorrol=actie.get("actorrol") or "",
                    alle_gemeenten=bool(spreiding.get("alle_gemeenten", True)),
                    spreiding_toelichting=spreiding.get("toelichting") or "",
                    voortzetting_van_id=actie["id"] if actie["id"] in existing_actions else None,
                ),
                user,
                reason,
            )
            copy.save()
            counts.acties += 1
            pending.append((copy, actie))
        for child in goal.get("doelstellingen", []):
            copy_goal(child, instance)

    for sd in document.get("doelstellingen", []):
        copy_goal(sd, None)

    # Links once every goal exists: "zie ook" may point forward in the plan.
    for copy, actie in pending:
        spreiding = actie.get("spreiding") or {}
        if not copy.alle_gemeenten:
            gemeenten = sorted(
                {places[naam] for naam in spreiding.get("gemeenten", []) if naam in places}
            )
            if gemeenten:
                copy.gemeenten.set(gemeenten)
        codes = actie.get("zie_ook", [])
        zie_ook = [new_goal_by_code[c].pk for c in codes if c in new_goal_by_code]
        if zie_ook:
            copy.zie_ook.set(zie_ook)
        for betrokkene in actie.get("actoren", []):
            if betrokkene["id"] not in existing_actors:
                continue
            rol = betrokkene.get("rol")
            if rol not in ActieActor.Rol.values:
                rol = ActieActor.Rol.PARTNER
            _audit(
                ActieActor(actie=copy, actor_id=betrokkene["id"], rol=rol), user, reason
            ).save()
    return counts


# --- Closing a plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenItems:
    """What is still open in a plan when it is closed: the confirmation page lists it."""

    rapporten: list[Voortgangsrapport]
    voorstellen: list[Wijzigingsvoorstel]


OPEN_REPORT_STAGES = (
    Voortgangsrapport.Fase.CONCEPT,
    Voortgangsrapport.Fase.INGEDIEND,
    Voortgangsrapport.Fase.TERUGGESTUURD,
)


def open_items(plan: Beleidsplan) -> OpenItems:
    """The plan's draft, submitted and sent-back reports and its open proposals. Two
    queries."""
    rapporten = list(
        Voortgangsrapport.objects.filter(
            actie__doelstelling__plan=plan, fase__in=OPEN_REPORT_STAGES
        )
        .select_related("actie__doelstelling", "actor")
        .order_by("jaar", "halfjaar", "actie__doelstelling__tree_id", "actie__doelstelling__lft")
    )
    voorstellen = list(
        Wijzigingsvoorstel.objects.filter(
            herziening__plan=plan, status=Wijzigingsvoorstel.Status.OPEN
        ).with_subjects().select_related("herziening")
    )
    return OpenItems(rapporten=rapporten, voorstellen=voorstellen)


@transaction.atomic
def close_plan(*, plan: Beleidsplan, user) -> Beleidsplan:
    """Close ``plan``: from now on its goals and actions cannot be edited and partners
    cannot report on it; its pages, versions, progress and annual reports stay readable.
    Open reports and proposals stay as they are (the confirmation page lists them).
    Refused (``SuccessionRefused``) when the plan is closed already."""
    plan = Beleidsplan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_afgesloten:
        raise SuccessionRefused(
            _("“%(plan)s” was already closed on %(date)s.")
            % {"plan": plan, "date": _format_date(plan.afgesloten_op)}
        )
    plan.afgesloten_op = timezone.now()
    _audit(plan, user, _("Plan closed")).save()
    return plan


def _format_date(moment) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "j F Y")

"""The plan as open data: the ``cultuurregio-plan/1`` document (docs/open-data.md).

The document is a public contract that only grows by adding fields, and a published
version will be stored as the exact bytes ``dump_document`` returns. So everything here is
deterministic: lists are ordered by plan position or by name in Python (never by the
database's collation, which differs between SQLite and PostgreSQL), and the serialisation
is fixed.

Null rules (docs/cultuurregio-plan-1.schema.json repeats them):

- every key is always present; a value the plan does not give is ``null``, a list with
  nothing in it is ``[]``;
- an optional text that is empty (regierol, actorrol, tagline, the note on spreiding, the
  timing as written) is ``null``, not ``""``;
- ``timing.van`` / ``timing.tot`` are ``null`` when the year is unknown, ``timing.tekst``
  is the timing as the plan writes it, ``null`` when it writes none (never derived from
  the years);
- ``voortgang`` is ``null`` until there is an approved progress report (``_actie``);
- ``versie`` is ``null`` for the working state.

Fields added to the contract's example (allowed: the contract grows by adding fields):
``tagline``, ``toelichting`` and ``spreiding`` (the goal's note on spreading) on every goal,
and ``opgegaan_in`` / ``fusiedatum`` on municipalities so that a
reader can add up a merged municipality's actions under the new one; ``herkomst`` on every
goal and action: the goal or action of the previous plan it continues
(``{"plan": id, "id": id}``), ``null`` when it continues none (versions published before
this field was added lack it); ``indicatoren`` on every goal and action (``[]`` when it has
none; versions published before this field was added lack it): each indicator with its
base, target, direction and the measurements that count (``_indicatoren``).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.utils import timezone

from acties.models import Actie, ActieActor, Indicator, Voortgangsrapport
from acties.perioden import period_param
from acties.progress import action_progress
from actoren.models import Gemeente

from .models import Beleidsplan, Doelstelling

SCHEMA = "cultuurregio-plan/1"

# Trekkers (leads) before partners; a role added later sorts after these.
_ROLE_RANK = {rol: rank for rank, rol in enumerate(ActieActor.Rol.values)}


class VersieNotFound(LookupError):
    """The plan has no published version with this number."""

    def __init__(self, plan: Beleidsplan, nummer: int):
        super().__init__(f"plan {plan.pk} has no published version {nummer}")
        self.plan = plan
        self.nummer = nummer


def export_plan(plan: Beleidsplan, *, versie: int | None = None) -> str:
    """The document of ``plan`` as text: the working state, or published version ``versie``.

    A published version is its own stored document (design note in docs/domain.md), so
    its export is the stored text, never rebuilt from the current rows. Raises
    ``VersieNotFound`` for a version that does not exist.
    """
    if versie is None:
        return dump_document(build_plan_document(plan))
    row = plan.versies.filter(nummer=versie).only("document").first()
    if row is None:
        raise VersieNotFound(plan, versie)
    return row.document


def dump_document(doc: dict) -> str:
    """Serialise a document the one way we publish it: UTF-8 text (no ``\\u`` escapes),
    two-space indent, keys in the order the document was built, a trailing newline.

    Identical documents give identical text, so two exports of an unchanged plan are
    byte-identical (a published version is stored as these bytes).
    """
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def build_plan_document(plan: Beleidsplan, *, versie=None) -> dict[str, Any]:
    """The ``cultuurregio-plan/1`` document of ``plan`` as it is now in the database.

    ``versie`` is the published version the document is made for (an object with
    ``nummer``, ``naam`` and ``gepubliceerd_op``, as ``Planversie`` will have), or ``None``
    for the working state.

    Eight queries, whatever the size of the plan (four when it has no actions): the goals,
    the actions, their municipalities, their actors, their approved progress reports,
    their "zie ook" links, the municipalities of the region, and the indicators of goals
    and actions with their measurements (one joined query). ``plan`` itself is not read
    again.

    The top-level ``gemeenten`` are the municipalities of the plan's period: every
    municipality that had not merged into another before the plan started (merged ones
    stay in for a plan that ran while they existed: Gooik, merged on 1 January 2025, is in
    the 2020-2025 plan, not in the 2027 one), plus any municipality an action names, so
    that every name in a ``spreiding`` is one of them.
    """
    # Plain values, not model instances: a plan ten times the seed's has a few thousand
    # rows here, and this runs after every change of the working state.
    goals = list(
        Doelstelling.objects.filter(plan=plan).order_by("tree_id", "lft").values(
            "id", "parent_id", "code", "formulering", "tagline", "transversaal",
            "toelichting", "spreiding", "voortzetting_van_id",
        )
    )
    position = {goal["id"]: index for index, goal in enumerate(goals)}
    code_of = {goal["id"]: goal["code"] for goal in goals}

    acties = list(
        Actie.objects.van_plan(plan).in_plan_order().values(
            "id", "doelstelling_id", "omschrijving", "regierol", "actorrol", "alle_gemeenten",
            "spreiding_toelichting", "van_jaar", "tot_jaar", "timing_tekst",
            "voortzetting_van_id",
        )
    )
    places: dict[int, list[Gemeente]] = {}
    betrokkenen: dict[int, list[tuple[int, str, str]]] = {}
    reports: dict[int, list[Voortgangsrapport]] = {}
    zie_ook: dict[int, list[int]] = {}
    if acties:
        in_plan = {"actie__doelstelling__plan": plan}
        named = Actie.gemeenten.through.objects.filter(**in_plan).values_list(
            "actie_id", "gemeente_id", "gemeente__naam", "gemeente__nis_code",
            "gemeente__opgegaan_in_id", "gemeente__fusiedatum",
        )
        for actie_id, pk, naam, nis, opgegaan_in_id, fusiedatum in named:
            places.setdefault(actie_id, []).append(Gemeente(
                pk=pk, naam=naam, nis_code=nis, opgegaan_in_id=opgegaan_in_id,
                fusiedatum=fusiedatum,
            ))
        involved = ActieActor.objects.filter(**in_plan).values_list(
            "actie_id", "actor_id", "actor__naam", "rol"
        )
        for actie_id, actor_id, naam, rol in involved:
            betrokkenen.setdefault(actie_id, []).append((actor_id, naam, rol))
        # The approved reports, for ``voortgang`` (the latest of them).
        approved = Voortgangsrapport.objects.goedgekeurd().filter(**in_plan).only(
            "id", "actie_id", "jaar", "halfjaar", "status", "percentage", "fase"
        )
        for rapport in approved:
            reports.setdefault(rapport.actie_id, []).append(rapport)
        links = Actie.zie_ook.through.objects.filter(**in_plan).values_list(
            "actie_id", "doelstelling_id"
        )
        for actie_id, goal_id in links:
            # A link to a goal of another plan has no code in this document: left out.
            if goal_id in position:
                zie_ook.setdefault(actie_id, []).append(goal_id)

    indicatoren_of = _indicatoren(plan)

    region = {
        g.pk: g for g in Gemeente.objects.huidig(op=date(plan.van_jaar, 1, 1))
    }
    for named_places in places.values():
        for gemeente in named_places:
            region.setdefault(gemeente.pk, gemeente)

    acties_of: dict[int, list[dict]] = {}
    for actie in acties:
        pk = actie["id"]
        goal_ids = sorted(
            (g for g in zie_ook.get(pk, ()) if g != actie["doelstelling_id"]),
            key=position.__getitem__,
        )
        acties_of.setdefault(actie["doelstelling_id"], []).append(
            _actie(
                actie, gemeenten=places.get(pk, []), betrokkenen=betrokkenen.get(pk, []),
                reports=reports.get(pk, []), zie_ook_codes=[code_of[g] for g in goal_ids],
                vorig_plan_id=plan.vorig_plan_id,
                indicatoren=indicatoren_of.get(("actie", pk), []),
            )
        )

    children: dict[int | None, list[dict]] = {}
    for goal in goals:
        children.setdefault(goal["parent_id"], []).append(goal)

    def goal_document(goal: dict) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": goal["id"],
            "soort": str(Doelstelling.Soort.SD if goal["parent_id"] is None
                         else Doelstelling.Soort.OD),
            "code": goal["code"],
        }
        if goal["parent_id"] is None:
            # Only an SD can be cross-cutting; the contract's ODs have no such key.
            doc["transversaal"] = goal["transversaal"]
        doc["tagline"] = goal["tagline"] or None
        doc["formulering"] = goal["formulering"]
        # Added to the contract's example (it grows by adding fields).
        doc["toelichting"] = goal["toelichting"] or None
        doc["spreiding"] = goal["spreiding"] or None
        doc["doelstellingen"] = [goal_document(c) for c in children.get(goal["id"], [])]
        doc["acties"] = acties_of.get(goal["id"], [])
        doc["herkomst"] = _herkomst(plan.vorig_plan_id, goal["voortzetting_van_id"])
        doc["indicatoren"] = indicatoren_of.get(("doelstelling", goal["id"]), [])
        return doc

    return {
        "schema": SCHEMA,
        "plan": {
            "id": plan.pk,
            "titel": plan.titel,
            "van": plan.van_jaar,
            "tot": plan.tot_jaar,
        },
        "versie": _versie(versie),
        "gemeenten": [
            _gemeente(g) for g in sorted(region.values(), key=lambda g: _name_key(g.naam))
        ],
        "doelstellingen": [goal_document(sd) for sd in children.get(None, [])],
    }


def _actie(
    actie: dict,
    *,
    gemeenten: list[Gemeente],
    betrokkenen: list[tuple[int, str, str]],
    reports: list[Voortgangsrapport],
    zie_ook_codes: list[str],
    vorig_plan_id: int | None = None,
    indicatoren: list[dict] | None = None,
) -> dict[str, Any]:
    """One action, from its row's values and its loaded links. No query."""
    if actie["alle_gemeenten"]:
        # Meant for every municipality: a chosen set would contradict that.
        namen: list[str] = []
    else:
        namen = sorted((g.naam for g in gemeenten), key=_name_key)
    betrokkenen = sorted(
        betrokkenen,
        key=lambda b: (_ROLE_RANK.get(b[2], len(_ROLE_RANK)), _name_key(b[1])),
    )
    return {
        "id": actie["id"],
        "omschrijving": actie["omschrijving"],
        "regierol": actie["regierol"] or None,
        "actorrol": actie["actorrol"] or None,
        "spreiding": {
            "alle_gemeenten": actie["alle_gemeenten"],
            "gemeenten": namen,
            "toelichting": actie["spreiding_toelichting"] or None,
        },
        "timing": {
            "van": actie["van_jaar"],
            "tot": actie["tot_jaar"],
            "tekst": actie["timing_tekst"] or None,
        },
        "zie_ook": zie_ook_codes,
        "actoren": [{"id": pk, "naam": naam, "rol": rol} for pk, naam, rol in betrokkenen],
        # The action's progress from its latest approved report (acties.progress):
        # ``{"status", "percentage", "peildatum"}`` with the end of the report's period as
        # ``peildatum``, or ``None`` when it has none.
        "voortgang": action_progress(reports).as_document(),
        "herkomst": _herkomst(vorig_plan_id, actie.get("voortzetting_van_id")),
        "indicatoren": indicatoren or [],
    }


def number_value(value: Decimal | None) -> int | float | None:
    """A stored decimal as a JSON number: 240, 12.5 (never "240.00")."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _indicatoren(plan: Beleidsplan) -> dict[tuple[str, int], list[dict]]:
    """The indicators of the plan's goals and actions, keyed ("doelstelling", id) or
    ("actie", id), in their order, each with the measurements that count (coordinator
    entered, or from an approved report) in time order. One query: indicators left-joined
    to their measurements and those measurements' reports."""
    rows = (
        Indicator.objects.van_plan(plan)
        .order_by("volgorde", "pk", "metingen__jaar", "metingen__halfjaar")
        .values_list(
            "id", "doelstelling_id", "actie_id", "naam", "eenheid", "basiswaarde",
            "basisjaar", "streefwaarde", "streefjaar", "richting", "cumulatief", "op_home",
            "metingen__jaar", "metingen__halfjaar", "metingen__waarde",
            "metingen__rapport_id", "metingen__rapport__fase",
        )
    )
    approved = Voortgangsrapport.Fase.GOEDGEKEURD
    by_id: dict[int, dict] = {}
    result: dict[tuple[str, int], list[dict]] = {}
    for (pk, doel_id, actie_id, naam, eenheid, basis, basisjaar, doel, doeljaar, richting,
         cumulatief, op_home, jaar, halfjaar, waarde, rapport_id, fase) in rows:
        doc = by_id.get(pk)
        if doc is None:
            doc = by_id[pk] = {
                "id": pk,
                "naam": naam,
                "eenheid": eenheid,
                "basis": {"waarde": number_value(basis), "jaar": basisjaar},
                "doel": {"waarde": number_value(doel), "jaar": doeljaar},
                "richting": richting,
                "cumulatief": cumulatief,
                "kernindicator": op_home,
                "metingen": [],
            }
            key = ("actie", actie_id) if actie_id else ("doelstelling", doel_id)
            result.setdefault(key, []).append(doc)
        if jaar is not None and (rapport_id is None or fase == approved):
            doc["metingen"].append(
                {"periode": period_param((jaar, halfjaar)), "waarde": number_value(waarde)}
            )
    return result


def _herkomst(vorig_plan_id: int | None, pk: int | None) -> dict[str, int] | None:
    """Where a goal or action of a next plan comes from: the plan it succeeds and the
    row it continues (a continued row always belongs to that plan: the models'
    ``clean`` and ``succession.start_next_plan`` hold to it). No query."""
    if pk is None or vorig_plan_id is None:
        return None
    return {"plan": vorig_plan_id, "id": pk}


def _versie(versie) -> dict[str, Any] | None:
    if versie is None:
        return None
    return {
        "nummer": versie.nummer,
        "naam": versie.naam or None,
        # Local time with its offset, as in the contract: "2020-03-01T10:00:00+01:00".
        "gepubliceerd_op": timezone.localtime(versie.gepubliceerd_op).isoformat(
            timespec="seconds"
        ),
    }


def _gemeente(gemeente: Gemeente) -> dict[str, Any]:
    return {
        "id": gemeente.pk,
        "naam": gemeente.naam,
        "nis": gemeente.nis_code or None,
        "opgegaan_in": gemeente.opgegaan_in_id,
        "fusiedatum": gemeente.fusiedatum.isoformat() if gemeente.fusiedatum else None,
    }


@lru_cache(maxsize=4096)  # the region's municipality and actor names, sorted per action
def _name_key(naam: str) -> tuple[str, str]:
    """Sort key for names, the same on every database: case- and accent-insensitive
    ("Écaussinnes" between "Dilbeek" and "Gooik"), ties broken by the exact name."""
    folded = unicodedata.normalize("NFKD", naam.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c)), naam

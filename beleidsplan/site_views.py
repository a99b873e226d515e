"""The plan online (issue 4): the plan as the nota shows it, a goal's page, the spreiding
matrix and search. The home page (views_home.py) reads the plan the same way.

Every page reads the plan through ``beleidsplan.reading``: the steering group and
coordinators read the working state, anyone else the latest published version of a public
plan; both as one typed document (beleidsplan/document.py) with the approved progress laid
on it, memoised by the plan's stamp. The big pages keep their rendered content in the cache
under the same stamp (``{% cache %}`` with ``page_key``); the page around it is rendered
per request.

Every page runs a fixed number of queries whatever the size of the plan (the docstrings
count them; tests/test_site_queries.py holds them to it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acties.models import Voortgangsrapport
from cultuurregio.roles import can_see_working_state

from . import search as site_search
from .charts import Chart, Tile, tile_map
from .document import Action, Goal
from .pagecache import digest, plan_page, release, visitor_page
from .plan_progress import PlanProgress
from .reading import Reading, current_reading, goal_across_plans, readings_of


def page_key(request, name: str) -> str:
    """The key of a page's cached content (``{% cache %}``): the code that renders it, the
    reading (plan stamp, state, role) and the query string. Never the viewer."""
    reading: Reading = request.reading
    return digest((release(), name, reading.key, reading.role, request.GET.urlencode()))


def _goal_section(goal: Goal, rows: list[Action]) -> dict:
    return {"goal": goal, "colour": goal.colour, "acties": rows}


def _table_key(plan_id: int, section: dict) -> str:
    """The key of one goal's rendered table (``{% cache %}`` in site/plan.html): by its
    content, so after an edit only the tables that changed are rendered again."""
    return digest((release(), plan_id, section["goal"].content_key(section["acties"])))


def _sd_key(plan_id: int, section: dict) -> str:
    """The key of one SD's rendered part of the nota (``{% cache %}`` in site/plan.html):
    its heading and progress, and per OD the heading and the table's own key. After an
    edit only the SD that holds the change is rendered again (a big plan has dozens)."""
    sd = section["sd"]
    return digest((
        release(), plan_id, sd.id, sd.code, sd.formulering, sd.tagline, sd.transversaal,
        sd.colour, repr(sd.progress), section["own"] and section["own"]["key"],
        [(g["goal"].id, g["goal"].code, g["goal"].formulering, bool(g["acties"]), g["key"])
         for g in section["goals"]],
    ))


# --- The plan as the nota shows it --------------------------------------------------------

NO_REPORT = "geen"


class NotaFilterForm(forms.Form):
    """The nota table's filters. Choices come from the plan the visitor reads; a value
    that is not one of them gets a message and is left out, the other filters still
    apply."""

    sd = forms.TypedChoiceField(
        label=gettext_lazy("Strategic goal"), required=False, coerce=int, empty_value=None
    )
    gemeente = forms.TypedChoiceField(
        label=gettext_lazy("Municipality"), required=False, coerce=int, empty_value=None
    )
    actor = forms.TypedChoiceField(
        label=gettext_lazy("Actor"), required=False, coerce=int, empty_value=None
    )
    jaar = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=gettext_lazy("Progress"), required=False)

    def __init__(self, data, *, reading: Reading):
        super().__init__(data)
        plan, model = reading.plan, reading.model
        everything = [("", _("all"))]
        self.fields["sd"].choices = everything + [
            (sd.id, f"{sd.code} {sd.title}"[:90]) for sd in model.sds
        ]
        self.fields["gemeente"].choices = everything + municipality_choices(model)
        self.fields["actor"].choices = everything + sorted(
            model.document.actor_names().items(), key=lambda item: item[1].casefold()
        )
        self.fields["jaar"].choices = everything + [
            (year, str(year)) for year in range(plan.van_jaar, plan.tot_jaar + 1)
        ]
        self.fields["status"].choices = (
            everything
            + list(Voortgangsrapport.Status.choices)
            + [(NO_REPORT, _("no approved report"))]
        )
        messages = {
            "sd": _("“%(value)s” is not a strategic goal of this plan."),
            "gemeente": _("“%(value)s” is not a municipality of the region."),
            "actor": _("“%(value)s” is not an actor of the actions of this plan."),
            "jaar": _("“%(value)s” is not a year of the plan period (%(van)s-%(tot)s).")
            % {"value": "%(value)s", "van": plan.van_jaar, "tot": plan.tot_jaar},
            "status": _("“%(value)s” is not a progress status."),
        }
        for name, message in messages.items():
            self.fields[name].error_messages["invalid_choice"] = message + " " + _(
                "This filter was left out; choose a value from the list."
            )

    def filters(self) -> NotaFilters:
        """The valid filters (call after is_valid(); invalid ones are left out)."""
        data = getattr(self, "cleaned_data", {})
        return NotaFilters(
            sd=data.get("sd"),
            gemeente=data.get("gemeente"),
            actor=data.get("actor"),
            jaar=data.get("jaar"),
            status=data.get("status") or None,
        )


def municipality_choices(model: PlanProgress) -> list[tuple[int, str]]:
    """Today's municipalities, then those that merged into one of them ("Gooik (now
    Pajottegem)"): a filter on a merged one finds the actions that named it. No query."""
    current = {g.pk: g.naam for g in model.gemeenten}
    choices = [(pk, naam) for pk, naam in current.items()]
    former = [
        g for g in model.document.gemeenten
        if g.id not in current and g.opgegaan_in in current
    ]
    for g in sorted(former, key=lambda g: g.naam.casefold()):
        choices.append((g.id, _("%(naam)s (now %(nieuw)s)") % {
            "naam": g.naam, "nieuw": current[g.opgegaan_in],
        }))
    return choices


@dataclass(frozen=True)
class NotaFilters:
    sd: int | None = None
    gemeente: int | None = None
    actor: int | None = None
    jaar: int | None = None
    status: str | None = None

    @property
    def narrows(self) -> bool:
        """True when a filter leaves out actions (the SD filter only chooses the SD)."""
        return any(v is not None for v in (self.gemeente, self.actor, self.jaar, self.status))

    def matches(self, row: Action, model: PlanProgress) -> bool:
        """Whether an action passes the filters. No query."""
        if self.gemeente is not None and not reaches(row, self.gemeente, model):
            return False
        if self.actor is not None and not any(a.id == self.actor for a in row.actoren):
            return False
        # Without known years an action is not left out (as acties.progress.running_in).
        if self.jaar is not None and not row.timing.covers(self.jaar):
            return False
        if self.status == NO_REPORT:
            return not row.progress.has_report
        if self.status is not None:
            return row.progress.status == self.status
        return True


def reaches(row: Action, gemeente_id: int, model: PlanProgress) -> bool:
    """Whether an action reaches a municipality, as ``ActieQuerySet.bereikt``: an action
    for all municipalities reaches every one; a municipality of today is reached by the
    actions naming it or a municipality that merged into it; a merged municipality by
    those naming it. No query."""
    if row.spreiding.alle_gemeenten:
        return True
    reach = model.reach.get(gemeente_id)
    if reach is not None:
        return row.id in reach.planned
    return model.document.gemeente_names.get(gemeente_id) in row.spreiding.gemeenten


class NotaPage:
    """What the nota table shows, worked out only when the page's cached content is
    missing (the template reads it inside ``{% cache %}``)."""

    def __init__(self, model: PlanProgress, filters: NotaFilters):
        self.model = model
        self.filters = filters

    @cached_property
    def sections(self) -> list[dict]:
        filters, model = self.filters, self.model
        sections = []
        for sd in model.sds:
            if filters.sd is not None and sd.id != filters.sd:
                continue
            goals = []
            for goal in (sd, *sd.children):
                rows = [row for row in goal.acties if filters.matches(row, model)]
                if filters.narrows and not rows:
                    continue
                if goal is sd and not goal.acties:
                    continue  # an SD's own table only when it has actions of its own
                section = _goal_section(goal, rows)
                section["key"] = _table_key(model.document.id, section)
                goals.append(section)
            if filters.narrows and not goals:
                continue
            section = {
                "sd": sd, "colour": sd.colour,
                "goals": [g for g in goals if g["goal"] is not sd],
                "own": next((g for g in goals if g["goal"] is sd), None),
            }
            section["key"] = _sd_key(model.document.id, section)
            sections.append(section)
        return sections

    @cached_property
    def shown(self) -> int:
        return sum(
            len(g["acties"]) for s in self.sections
            for g in ([s["own"]] if s["own"] else []) + s["goals"]
        )

    @property
    def total(self) -> int:
        return len(self.model.actions)


@plan_page
def plan(request, plan_id: int):
    """The plan as the nota shows it: per SD its ODs, per OD the table of its actions,
    with filters that combine and stay in the URL.

    Queries: the reading (one; plus the session, user and groups of a logged-in visitor);
    when this process has no model for the plan's stamp, the model's (beleidsplan.reading).
    """
    reading = request.reading
    form = NotaFilterForm(request.GET or None, reading=reading)
    valid = form.is_valid() if request.GET else True
    filters = form.filters()
    return render(
        request,
        "site/plan.html",
        {
            "plan": reading.plan, "versie": reading.versie, "form": form,
            "page": NotaPage(reading.model, filters), "page_key": page_key(request, "nota"),
            "form_key": digest((
                release(), plan_id, request.GET.urlencode(),
                [list(field.choices) for field in form.fields.values()],
            )),
            "filtered": filters.narrows or filters.sd is not None,
        },
        status=200 if valid else 400,
    )


# --- A goal ----------------------------------------------------------------------------------


@plan_page
def doelstelling(request, plan_id: int, pk: int):
    """A goal by identity (its id: the URL survives renumbering and moving): its code,
    wording, tagline, explanation, spreiding, its SD or ODs, its actions, the actions of
    other goals that refer to it and those of its own that refer elsewhere ("zie ook",
    both ways), its progress and a link to its history.

    Queries: the reading's; the page shows only the goal's part of the plan; one for
    each plan before or after it (reading.goal_across_plans).
    """
    reading = request.reading
    goal = reading.document.goal(pk)
    if goal is None:
        # Not (or no longer) in what this visitor reads: say so, and point to the history.
        return render(
            request, "site/doelstelling_niet_gevonden.html",
            {"plan": reading.plan, "doelstelling_id": pk, "versie": reading.versie},
            status=404,
        )
    if goal.is_sd:
        tables = [_goal_section(od, od.acties) for od in goal.children]
        if goal.acties:
            tables.insert(0, _goal_section(goal, goal.acties))
    else:
        tables = [_goal_section(goal, goal.acties)]
    # "Zie ook" both ways: own actions that also serve other goals, and actions of other
    # goals that also serve this one.
    refers_to = [
        {"row": row, "goals": row.zie_ook_goals} for row in goal.all_actions() if row.zie_ook
    ]
    referred_by = [{"row": row, "goal": row.goal} for row in goal.zie_ook_acties]
    return render(
        request,
        "site/doelstelling.html",
        {
            "plan": reading.plan, "versie": reading.versie, "goal": goal,
            "parent": goal.parent, "colour": goal.colour,
            "details": {"toelichting": goal.toelichting or "", "spreiding": goal.spreiding or ""},
            "tables": tables, "refers_to": refers_to, "referred_by": referred_by,
            "across": goal_across_plans(reading, goal.id),
        },
    )


# --- Spreiding -----------------------------------------------------------------------------


class SpreidingForm(forms.Form):
    toon = forms.ChoiceField(
        label=gettext_lazy("Show"),
        required=False,
        choices=[
            ("", gettext_lazy("all actions")),
            ("gekozen", gettext_lazy("only actions for chosen municipalities")),
        ],
        error_messages={
            "invalid_choice": gettext_lazy(
                "“%(value)s” is not a choice of this list; all actions are shown."
            )
        },
    )


class SpreidingPage:
    """What the spreiding matrix shows, worked out only when its cached content is
    missing."""

    def __init__(self, model: PlanProgress, *, only_chosen: bool):
        self.model = model
        self.only_chosen = only_chosen
        self.columns = model.gemeenten
        self.span = len(self.columns) + 2

    @cached_property
    def groups(self) -> list[dict]:
        model = self.model
        planned: dict[int, set[int]] = {}
        realised: dict[int, set[int]] = {}
        for gemeente_id, reach in model.reach.items():
            for actie_id in reach.planned:
                planned.setdefault(actie_id, set()).add(gemeente_id)
            for actie_id in reach.realised:
                realised.setdefault(actie_id, set()).add(gemeente_id)
        per_sd = {line.goal.id: line.cells for line in model.matrix}
        groups = []
        for sd in model.sds:
            ods = []
            for goal in (sd, *sd.children):
                rows = []
                for row in goal.acties:
                    if self.only_chosen and row.spreiding.alle_gemeenten:
                        continue
                    here, done = planned.get(row.id, set()), realised.get(row.id, set())
                    rows.append({
                        "row": row,
                        "alle": row.spreiding.alle_gemeenten,
                        "cells": [(g.pk in here, g.pk in done) for g in self.columns],
                        "planned": len(here), "realised": len(done),
                    })
                # An OD without actions still shows (a gap in the plan), unless the visitor
                # asked for the actions with chosen municipalities only.
                if rows or (goal is not sd and not self.only_chosen):
                    ods.append({"goal": goal, "rows": rows})
            groups.append({
                "sd": sd, "colour": sd.colour, "ods": ods, "totals": per_sd.get(sd.id, []),
            })
        return groups

    @cached_property
    def totals(self) -> list[tuple[int, int]]:
        reach = self.model.reach
        return [(len(reach[g.pk].planned), len(reach[g.pk].realised)) for g in self.columns]

    @cached_property
    def tiles(self) -> Chart:
        """The municipalities of today as tiles on the region's grid (their own tegel_rij
        and tegel_kolom), with the totals of the matrix: every action, whatever the
        filter. No query."""
        merged = self.model.merged
        return tile_map(
            title=_("Actions planned and realised by municipality"),
            tiles=[
                Tile(g.naam, g.tegel_rij, g.tegel_kolom, planned, realised,
                     tuple(merged.get(g.pk, ())))
                for g, (planned, realised) in zip(self.columns, self.totals, strict=True)
            ],
        )


@plan_page
def spreiding(request, plan_id: int):
    """Actions (rows, grouped by SD and OD) by municipality of today (columns; merged
    municipalities count under the new one): planned and realised reach side by side,
    with totals per municipality and per SD.

    Queries: as the nota page.
    """
    reading = request.reading
    form = SpreidingForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    only_chosen = getattr(form, "cleaned_data", {}).get("toon") == "gekozen"
    return render(
        request,
        "site/spreiding.html",
        {
            "plan": reading.plan, "versie": reading.versie, "form": form,
            "page": SpreidingPage(reading.model, only_chosen=only_chosen),
            "page_key": page_key(request, "spreiding"),
        },
        status=200 if valid else 400,
    )


# --- Search --------------------------------------------------------------------------------


ALL_PLANS = "alle"


def _search_scope(value: str | None, readings: list[Reading]):
    """The plans a search covers: ``?plan=<id>`` one of the readable plans, ``?plan=alle``
    every one, nothing the current plan (``current_reading``). Returns (readings, chosen
    value, error): a plan that is not one of the visitor's gives an error (the same
    whether it exists or not). No query."""
    known = value in ("", None, ALL_PLANS) or any(str(r.plan.pk) == value for r in readings)
    if not known:
        return [], value, _("Choose one of the plans in the list, or all plans.")
    if len(readings) <= 1:
        return readings, "", None
    if value == ALL_PLANS:
        return readings, ALL_PLANS, None
    if not value:
        current = current_reading(readings)
        return [current], str(current.plan.pk), None
    return [r for r in readings if str(r.plan.pk) == value], value, None


@visitor_page
def zoeken(request):
    """Search goals, actions and actors in what the visitor may read (beleidsplan.search),
    in one plan (``?plan=``, by default the current one) or all of them (``?plan=alle``).

    Queries: the readable plans (one) and the search's own (beleidsplan.search: none for
    an empty or too short query); plus the session, user and groups of a logged-in
    visitor.
    """
    query = request.GET.get("q", "")
    insider = can_see_working_state(request.user)
    readings = readings_of(request)
    scope, chosen, error = _search_scope(request.GET.get("plan"), readings)
    outcome = site_search.search("" if error else query, readings=scope, insider=insider)
    return render(
        request, "site/zoeken.html",
        {
            "outcome": outcome, "q": query if error else outcome.query, "insider": insider,
            "plans": [r.plan for r in readings] if len(readings) > 1 else [],
            "chosen": chosen, "all_plans": ALL_PLANS, "scope_error": error,
            # The results are looked up only when this content is not kept yet: the key
            # holds every reading's stamp and the actors' state (beleidsplan.search).
            "results_key": digest((release(), "zoeken", outcome.key, chosen)),
        },
        status=400 if error else 200,
    )

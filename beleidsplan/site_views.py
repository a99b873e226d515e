"""The plan online (issue 4): the plan as the nota shows it, a goal's page, the spreiding
matrix and search. The home page (views_home.py) shares the loading below.

What a visitor reads: the steering group and coordinators read the working state, built
from the current rows (``build_plan_document``); anyone else reads the latest published
version of a public plan, from its stored document. Both are the same
``cultuurregio-plan/1`` shape, so every page renders, filters and counts one shape in
Python, and the public never sees what changed after the last publication. Progress comes
from the approved reports (acties.progress), laid on that document.

Every page runs a fixed number of queries whatever the size of the plan (the docstrings
count them; tests/test_site_queries.py holds them to it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from acties.models import Voortgangsrapport
from acties.progress import ActionRow, GoalRow, PlanProgress, load_plan_progress
from cultuurregio.roles import can_see_working_state

from . import caching
from . import search as site_search
from .access import login_or_404, reading_of
from .export import build_plan_document
from .models import Beleidsplan, Doelstelling, Planversie

# --- What a visitor reads of a plan ----------------------------------------------------------

# SD colours: classes of static/css/site.css ("SD colours"), by position. The column SDs
# (not cross-cutting) take the column palette in order, the cross-cutting ones the band
# palette; a plan with more SDs than colours starts the palette again.
COLUMN_COLOURS = 4
BAND_COLOURS = 3


def sd_colours(sds: list[dict]) -> dict[int, str]:
    """The CSS colour class of every SD of a document, by goal id. No query."""
    colours: dict[int, str] = {}
    columns = bands = 0
    for sd in sds:
        if sd.get("transversaal"):
            colours[sd["id"]] = f"sd-t{bands % BAND_COLOURS + 1}"
            bands += 1
        else:
            colours[sd["id"]] = f"sd-c{columns % COLUMN_COLOURS + 1}"
            columns += 1
    return colours


@dataclass
class PlanState:
    """A plan as one visitor reads it: its document (working state or published version)
    with the progress of its actions, and lookups the pages need."""

    plan: Beleidsplan
    versie: Planversie | None  # None: the working state
    insider: bool
    progress: PlanProgress
    colours: dict[int, str] = field(default_factory=dict)  # SD id -> CSS class
    goals: dict[int, GoalRow] = field(default_factory=dict)  # goal id -> row
    by_code: dict[str, GoalRow] = field(default_factory=dict)
    parents: dict[int, GoalRow] = field(default_factory=dict)  # OD id -> its SD
    gemeente_names: dict[int, str] = field(default_factory=dict)  # the document's

    def __post_init__(self):
        self.colours = sd_colours([sd.data for sd in self.progress.sds])
        self.gemeente_names = {g["id"]: g["naam"] for g in self.document["gemeenten"]}
        for sd in self.progress.sds:
            self.goals[sd.id] = sd
            self.by_code[sd.code] = sd
            for od in sd.children:
                self.goals[od.id] = od
                self.by_code[od.code] = od
                self.parents[od.id] = sd
                self.colours[od.id] = self.colours[sd.id]

    @property
    def document(self) -> dict:
        return self.progress.document

    @property
    def sds(self) -> list[GoalRow]:
        return self.progress.sds

    def colour(self, goal_id: int) -> str:
        return self.colours.get(goal_id, "")

    def zie_ook(self, row: ActionRow) -> list[GoalRow]:
        """The other goals an action contributes to, as goal rows. No query."""
        return [self.by_code[code] for code in row.data["zie_ook"] if code in self.by_code]


def load_state(plan: Beleidsplan, *, insider: bool, versie: Planversie | None) -> PlanState:
    """The plan's document and progress: the working state for an insider, else the
    stored document of ``versie``. Queries: build_plan_document's seven for the working
    state (none for a version whose document is loaded), plus the progress's two or three
    (the approved reports, their municipalities when there are any, the municipalities).
    """
    document = build_plan_document(plan) if insider else versie.data()
    # Progress: acties.progress (helper 5b) lays the approved reports on the document.
    progress = load_plan_progress(plan, document=document)
    return PlanState(plan=plan, versie=None if insider else versie, insider=insider,
                     progress=progress)


def _get_state(request, plan_id: int) -> PlanState:
    """The plan as the visitor may read it, or raise: a 404 for what they may not know
    exists (a non-public plan, a public plan without a published version), the login page
    first for an anonymous visitor of a non-public plan (as beleidsplan.views._get_plan).
    Queries: the plan, the user's groups (logged in), the version with its document (the
    public), and load_state's."""
    reading = reading_of(request, get_object_or_404(Beleidsplan, pk=plan_id))
    return load_state(reading.plan, insider=reading.insider, versie=reading.versie)


def _action_entry(state: PlanState, row: ActionRow) -> dict:
    """An action as a row of the nota table."""
    return {"row": row, "actie": row.data, "zie_ook": state.zie_ook(row)}


def _goal_section(state: PlanState, goal: GoalRow, rows: list[ActionRow]) -> dict:
    return {
        "goal": goal,
        "colour": state.colour(goal.id),
        "acties": [_action_entry(state, row) for row in rows],
    }


# --- The plan as the nota shows it --------------------------------------------------------

NO_REPORT = "geen"


class NotaFilterForm(forms.Form):
    """The nota table's filters. Choices come from the document the visitor reads; a value
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

    def __init__(self, data, *, state: PlanState):
        super().__init__(data)
        plan = state.plan
        everything = [("", _("all"))]
        self.fields["sd"].choices = everything + [
            (sd.id, f"{sd.code} {sd.data['tagline'] or sd.data['formulering']}"[:90])
            for sd in state.sds
        ]
        self.fields["gemeente"].choices = everything + municipality_choices(state)
        actors = {
            actor["id"]: actor["naam"]
            for row in state.progress.actions.values()
            for actor in row.data["actoren"]
        }
        self.fields["actor"].choices = everything + sorted(
            actors.items(), key=lambda item: item[1].casefold()
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


def municipality_choices(state: PlanState) -> list[tuple[int, str]]:
    """Today's municipalities, then those that merged into one of them ("Gooik (now
    Pajottegem)"): a filter on a merged one finds the actions that named it. No query."""
    current = {g.pk: g.naam for g in state.progress.gemeenten}
    choices = [(pk, naam) for pk, naam in current.items()]
    former = [
        g for g in state.document["gemeenten"]
        if g["id"] not in current and g.get("opgegaan_in") in current
    ]
    for g in sorted(former, key=lambda g: g["naam"].casefold()):
        choices.append((g["id"], _("%(naam)s (now %(nieuw)s)") % {
            "naam": g["naam"], "nieuw": current[g["opgegaan_in"]],
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

    def matches(self, row: ActionRow, state: PlanState) -> bool:
        """Whether an action passes the filters. No query."""
        actie = row.data
        if self.gemeente is not None and not reaches(row, self.gemeente, state):
            return False
        if self.actor is not None and not any(
            a["id"] == self.actor for a in actie["actoren"]
        ):
            return False
        if self.jaar is not None:
            van, tot = actie["timing"]["van"], actie["timing"]["tot"]
            # Without known years an action is not left out (as acties.progress.running_in).
            if (van is not None and van > self.jaar) or (tot is not None and tot < self.jaar):
                return False
        if self.status == NO_REPORT:
            return not row.progress.has_report
        if self.status is not None:
            return row.progress.status == self.status
        return True


def reaches(row: ActionRow, gemeente_id: int, state: PlanState) -> bool:
    """Whether an action reaches a municipality, as ``ActieQuerySet.bereikt``: an action
    for all municipalities reaches every one; a municipality of today is reached by the
    actions naming it or a municipality that merged into it; a merged municipality by
    those naming it. No query."""
    spreiding = row.data["spreiding"]
    if spreiding["alle_gemeenten"]:
        return True
    reach = state.progress.reach.get(gemeente_id)
    if reach is not None:
        return row.id in reach.planned
    return state.gemeente_names.get(gemeente_id) in spreiding["gemeenten"]


@caching.cached_page(caching.plan_reading("nota"))
@login_or_404
def plan(request, plan_id: int):
    """The plan as the nota shows it: per SD its ODs, per OD the table of its actions,
    with filters that combine and stay in the URL.

    Queries: the plan and the document (one for the public: the version; seven for the
    working state), the progress (two or three); plus the session, user and groups of a
    logged-in visitor.
    """
    state = _get_state(request, plan_id)
    form = NotaFilterForm(request.GET or None, state=state)
    valid = form.is_valid() if request.GET else True
    filters = form.filters()

    sections = []
    shown = 0
    for sd in state.sds:
        if filters.sd is not None and sd.id != filters.sd:
            continue
        goals = []
        for goal in (sd, *sd.children):
            rows = [row for row in goal.acties if filters.matches(row, state)]
            if filters.narrows and not rows:
                continue
            if goal is sd and not goal.acties:
                continue  # an SD's own table only when it has actions of its own
            shown += len(rows)
            goals.append(_goal_section(state, goal, rows))
        if filters.narrows and not goals:
            continue
        sections.append({
            "sd": sd, "colour": state.colour(sd.id),
            "goals": [g for g in goals if g["goal"] is not sd],
            "own": next((g for g in goals if g["goal"] is sd), None),
        })
    return render(
        request,
        "site/plan.html",
        {
            "plan": state.plan, "state": state, "versie": state.versie, "form": form,
            "sections": sections, "shown": shown, "total": len(state.progress.actions),
            "filtered": filters.narrows or filters.sd is not None,
        },
        status=200 if valid else 400,
    )


# --- A goal ----------------------------------------------------------------------------------


@login_or_404
def doelstelling(request, plan_id: int, pk: int):
    """A goal by identity (its id: the URL survives renumbering and moving): its code,
    wording, tagline, explanation, spreiding, its SD or ODs, its actions, the actions of
    other goals that refer to it and those of its own that refer elsewhere ("zie ook",
    both ways), its progress and a link to its history.

    Queries: as the nota page, plus the goal's row for the working state (explanation and
    spreiding are not in the document).
    """
    state = _get_state(request, plan_id)
    goal = state.goals.get(pk)
    if goal is None:
        # Not (or no longer) in what this visitor reads: say so, and point to the history.
        return render(
            request, "site/doelstelling_niet_gevonden.html",
            {"plan": state.plan, "doelstelling_id": pk, "versie": state.versie}, status=404,
        )
    details = {
        "toelichting": goal.data.get("toelichting") or "",
        "spreiding": goal.data.get("spreiding") or "",
    }
    if state.insider:
        row = Doelstelling.objects.filter(plan=state.plan, pk=pk).values(
            "toelichting", "spreiding"
        ).first()
        details.update(row or {})

    parent = state.parents.get(goal.id)
    if parent is None:
        tables = [_goal_section(state, od, od.acties) for od in goal.children]
        if goal.acties:
            tables.insert(0, _goal_section(state, goal, goal.acties))
    else:
        tables = [_goal_section(state, goal, goal.acties)]
    # "Zie ook" both ways: own actions that also serve other goals, and actions of other
    # goals that also serve this one.
    refers_to = [
        {"row": row, "goals": state.zie_ook(row)}
        for row in goal.all_actions() if row.data["zie_ook"]
    ]
    referred_by = [
        {"row": row, "goal": state.by_code.get(row.goal_code)} for row in goal.zie_ook_acties
    ]
    return render(
        request,
        "site/doelstelling.html",
        {
            "plan": state.plan, "state": state, "versie": state.versie, "goal": goal,
            "parent": parent, "colour": state.colour(goal.id), "details": details,
            "tables": tables, "refers_to": refers_to, "referred_by": referred_by,
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


@caching.cached_page(caching.plan_reading("spreiding"))
@login_or_404
def spreiding(request, plan_id: int):
    """Actions (rows, grouped by SD and OD) by municipality of today (columns; merged
    municipalities count under the new one): planned and realised reach side by side,
    with totals per municipality and per SD.

    Queries: as the nota page.
    """
    state = _get_state(request, plan_id)
    form = SpreidingForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    only_chosen = getattr(form, "cleaned_data", {}).get("toon") == "gekozen"
    columns = state.progress.gemeenten
    planned: dict[int, set[int]] = {}
    realised: dict[int, set[int]] = {}
    for gemeente_id, reach in state.progress.reach.items():
        for actie_id in reach.planned:
            planned.setdefault(actie_id, set()).add(gemeente_id)
        for actie_id in reach.realised:
            realised.setdefault(actie_id, set()).add(gemeente_id)

    per_sd = {line.goal.id: line.cells for line in state.progress.matrix}
    groups = []
    for sd in state.sds:
        ods = []
        for goal in (sd, *sd.children):
            rows = []
            for row in goal.acties:
                if only_chosen and row.data["spreiding"]["alle_gemeenten"]:
                    continue
                here, done = planned.get(row.id, set()), realised.get(row.id, set())
                rows.append({
                    "row": row,
                    "alle": row.data["spreiding"]["alle_gemeenten"],
                    "cells": [(g.pk in here, g.pk in done) for g in columns],
                    "planned": len(here), "realised": len(done),
                })
            # An OD without actions still shows (a gap in the plan), unless the visitor
            # asked for the actions with chosen municipalities only.
            if rows or (goal is not sd and not only_chosen):
                ods.append({"goal": goal, "rows": rows})
        groups.append({
            "sd": sd, "colour": state.colour(sd.id), "ods": ods,
            "totals": per_sd.get(sd.id, []),
        })
    totals = [
        (len(state.progress.reach[g.pk].planned), len(state.progress.reach[g.pk].realised))
        for g in columns
    ]
    return render(
        request,
        "site/spreiding.html",
        {
            "plan": state.plan, "state": state, "versie": state.versie, "form": form,
            "columns": columns, "groups": groups, "totals": totals,
            "span": len(columns) + 2,
        },
        status=200 if valid else 400,
    )


# --- Search --------------------------------------------------------------------------------


def zoeken(request):
    """Search goals, actions and actors in what the visitor may read (beleidsplan.search).

    Queries: none for an empty or too short query; otherwise the corpus (four for the
    steering group and coordinators: plans, goals, actions, actors; two for others: the
    latest published versions of public plans, the actors) and on PostgreSQL the ranking
    query; plus the session, user and groups of a logged-in visitor.
    """
    query = request.GET.get("q", "")
    insider = can_see_working_state(request.user)
    outcome = site_search.search(query, insider=insider)
    return render(
        request, "site/zoeken.html",
        {"outcome": outcome, "q": outcome.query, "insider": insider},
    )

"""The plan as pages read it: a typed ``cultuurregio-plan/1`` document with the lookups pages
need.

One shape for both kinds of reading: ``PlanDocument.from_dict`` takes the document of the
working state (``export.build_plan_document``) or a published version's stored JSON, so
every page, download and search walks the plan one way, here, and never by hand. The JSON
contract itself (``export.py``) is untouched: this is how the application reads it.

The progress of actions and goals (``progress``, ``reports``) is laid on the goals and
actions afterwards by ``plan_progress.build_plan_progress``; a document is built for one
reading (beleidsplan/reading.py memoises it by the plan's stamp), so each reading has its
own objects.

Everything here is pure: no query, no cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from acties.models import Indicator

from . import charts


@dataclass(frozen=True, slots=True)
class GemeenteRef:
    """A municipality as the document names it (those of the plan's period)."""

    id: int
    naam: str
    nis: str | None
    opgegaan_in: int | None
    fusiedatum: date | None


@dataclass(frozen=True, slots=True)
class ActorRef:
    id: int
    naam: str
    rol: str


@dataclass(frozen=True, slots=True)
class Spreiding:
    alle_gemeenten: bool
    gemeenten: tuple[str, ...]  # names, as the document writes them
    toelichting: str | None


@dataclass(frozen=True, slots=True)
class Timing:
    van: int | None
    tot: int | None
    tekst: str | None

    @property
    def text(self) -> str:
        """The timing as written, else the years ("2020 - 2021", "2021"), as
        ``Actie.timing``."""
        if self.tekst:
            return self.tekst
        if self.van and self.tot and self.van != self.tot:
            return f"{self.van} - {self.tot}"
        return str(self.van or self.tot or "")

    def covers(self, jaar: int) -> bool:
        """Whether the action runs in ``jaar``; without known years it is not left out."""
        return not ((self.van is not None and self.van > jaar) or
                    (self.tot is not None and self.tot < jaar))


@dataclass(frozen=True, slots=True)
class MetingRef:
    """A measurement that counts, as the document gives it."""

    periode: str  # "2021", or "2021-1" for a half year
    waarde: float


@dataclass(eq=False)
class IndicatorRef:
    """An indicator of a goal or an action, with the measurements that count (open data's
    ``indicatoren``). Its status follows the charts' rule (``charts.expected_value``,
    ``charts.on_track``): on track when the last value is at least the straight line from
    base to target at its period (at most, when less is better). No query."""

    OP_KOERS = "op_koers"
    ACHTER = "achter"
    GEEN_DATA = "geen_data"

    id: int
    naam: str
    eenheid: str
    basis: tuple[str, float] | None  # (year, value)
    doel: tuple[str, float] | None
    richting: str
    cumulatief: bool
    metingen: tuple[MetingRef, ...]
    code: str = ""  # the code of its goal (or its action's goal)
    kernindicator: bool = False  # a headline indicator, for the home page
    action: Action | None = field(default=None, repr=False)

    @classmethod
    def from_dict(cls, raw: dict, *, code: str, action: Action | None = None) -> IndicatorRef:
        def pair(part):
            if not part or part.get("waarde") is None or part.get("jaar") is None:
                return None
            return (str(part["jaar"]), float(part["waarde"]))

        return cls(
            id=raw["id"], naam=raw["naam"], eenheid=raw["eenheid"], basis=pair(raw["basis"]),
            doel=pair(raw["doel"]), richting=raw["richting"], cumulatief=raw["cumulatief"],
            metingen=tuple(MetingRef(m["periode"], float(m["waarde"])) for m in raw["metingen"]),
            code=code, action=action, kernindicator=bool(raw.get("kernindicator")),
        )

    @property
    def more_is_better(self) -> bool:
        return self.richting != "minder"

    @property
    def richting_label(self) -> str:
        """Its direction in words, as the indicator's own choices say it."""
        return str(Indicator.Richting(self.richting).label)

    @cached_property
    def points(self) -> list[tuple[str, float]]:
        """(period, value) in time order; a cumulative indicator's running total."""
        total, rows = 0.0, []
        for meting in self.metingen:
            total = total + meting.waarde if self.cumulatief else meting.waarde
            rows.append((meting.periode, total))
        return rows

    @property
    def last(self) -> tuple[str, float] | None:
        return self.points[-1] if self.points else None

    @cached_property
    def status(self) -> str:
        """"op_koers", "achter" or "geen_data" (no measurement or no target). Without a
        base, the line starts at the first measurement."""
        if not self.points or self.doel is None:
            return self.GEEN_DATA
        base = self.basis or self.points[0]
        period, value = self.points[-1]
        expected = charts.expected_value(base=base, target=self.doel, period=period)
        if expected is None:
            return self.GEEN_DATA
        on_track = charts.on_track(
            value=value, expected=expected, more_is_better=self.more_is_better
        )
        return self.OP_KOERS if on_track else self.ACHTER

    @property
    def status_label(self) -> str:
        """Its status in words (the pages, the downloads, the annual report)."""
        return {
            self.OP_KOERS: _("On course for the target"),
            self.ACHTER: _("Behind the course to the target"),
            self.GEEN_DATA: _("No data yet"),
        }[self.status]

    @cached_property
    def chart(self):
        """Its course against its target (beleidsplan.charts.Chart, with the table)."""
        return charts.course_chart(
            title=self.naam, unit=self.eenheid, points=self.points, base=self.basis,
            target=self.doel, more_is_better=self.more_is_better,
        )


@dataclass(eq=False)
class Goal:
    """An SD or OD. ``children`` are an SD's ODs, ``acties`` its own actions."""

    id: int
    soort: str
    code: str
    transversaal: bool
    tagline: str | None
    formulering: str
    toelichting: str | None
    spreiding: str | None
    # The links between goals and actions are left out of repr: the tree holds cycles.
    children: list[Goal] = field(default_factory=list, repr=False)
    acties: list[Action] = field(default_factory=list, repr=False)
    parent: Goal | None = field(default=None, repr=False)
    # Actions of other goals that also contribute to this one ("zie ook"): shown, not
    # counted in its progress.
    zie_ook_acties: list[Action] = field(default_factory=list, repr=False)
    colour: str = ""  # CSS class of its SD's colour (static/css/site.css)
    # Its indicators (an OD's; open data's ``indicatoren``, [] in versions without them).
    indicatoren: list[IndicatorRef] = field(default_factory=list, repr=False)
    # acties.progress.GoalProgress, laid on by build_plan_progress
    progress: Any = field(default=None, repr=False)
    raw: dict = field(default_factory=dict, repr=False)  # its entry in the document

    def content_key(self, rows: list[Action]) -> tuple:
        """What a table of ``rows`` (some of its actions) shows of this goal, as a value to
        key rendered content by: its own entry (wording, code, its actions as the document
        has them), and per row its progress and the goals of its "zie ook". Two goals or
        two readings with the same key render the same table. No query."""
        own = {key: value for key, value in self.raw.items() if key != "doelstellingen"}
        return (
            self.colour,
            repr(own),
            tuple(
                (
                    row.id, row.progress.status, row.progress.percentage,
                    row.progress.peildatum, tuple((g.id, g.code) for g in row.zie_ook_goals),
                )
                for row in rows
            ),
        )

    @property
    def is_sd(self) -> bool:
        return self.parent is None

    @property
    def sd(self) -> Goal:
        return self.parent or self

    @property
    def title(self) -> str:
        """The short title, else the wording."""
        return self.tagline or self.formulering

    def all_actions(self) -> list[Action]:
        """Its own actions, then those of its ODs, in plan order."""
        rows = list(self.acties)
        for child in self.children:
            rows.extend(child.all_actions())
        return rows


@dataclass(eq=False)
class Action:
    id: int
    omschrijving: str
    regierol: str | None
    actorrol: str | None
    spreiding: Spreiding
    timing: Timing
    zie_ook: tuple[str, ...]  # codes of the other goals it contributes to
    actoren: tuple[ActorRef, ...]
    voortgang: dict | None  # as published in the document
    goal: Goal = field(repr=False)
    number: int  # its position under its goal, from 1
    progress: Any = field(default=None, repr=False)  # acties.progress.ActionProgress
    # Approved reports, oldest period first; the goals of ``zie_ook``.
    reports: list = field(default_factory=list, repr=False)
    zie_ook_goals: list[Goal] = field(default_factory=list, repr=False)
    indicatoren: list[IndicatorRef] = field(default_factory=list, repr=False)

    @property
    def goal_code(self) -> str:
        return self.goal.code

    @property
    def label(self) -> str:
        return _("%(goal)s action %(number)s") % {"goal": self.goal.code, "number": self.number}

    def rol_van(self, actor_id: int) -> str:
        return next((a.rol for a in self.actoren if a.id == actor_id), "")


# SD colours: classes of static/css/site.css ("SD colours"), by position. The column SDs
# (not cross-cutting) take the column palette in order, the cross-cutting ones the band
# palette; a plan with more SDs than colours starts the palette again.
COLUMN_COLOURS = 4
BAND_COLOURS = 3


class PlanDocument:
    """A plan document, typed, with its lookups. Build with ``from_dict``; every lookup is
    a dictionary access."""

    def __init__(self, raw: dict):
        self.raw = raw  # the cultuurregio-plan/1 dict it was made from
        self.plan: dict = raw["plan"]
        self.versie: dict | None = raw["versie"]
        self.gemeenten = [
            GemeenteRef(
                id=g["id"], naam=g["naam"], nis=g.get("nis"),
                opgegaan_in=g.get("opgegaan_in"),
                fusiedatum=date.fromisoformat(g["fusiedatum"]) if g.get("fusiedatum") else None,
            )
            for g in raw["gemeenten"]
        ]
        self.gemeente_names = {g.id: g.naam for g in self.gemeenten}
        self.sds: list[Goal] = []
        self.goals: dict[int, Goal] = {}
        self.by_code: dict[str, Goal] = {}
        self.actions: dict[int, Action] = {}  # in plan order
        # Every indicator of the plan's goals and actions, in plan order.
        self.indicators: list[IndicatorRef] = []
        self._by_actor: dict[int, list[Action]] = {}
        columns = bands = 0
        for entry in raw["doelstellingen"]:
            sd = self._goal(entry, parent=None)
            if sd.transversaal:
                sd.colour = f"sd-t{bands % BAND_COLOURS + 1}"
                bands += 1
            else:
                sd.colour = f"sd-c{columns % COLUMN_COLOURS + 1}"
                columns += 1
            for od in sd.children:
                od.colour = sd.colour
            self.sds.append(sd)
        for action in self.actions.values():
            action.zie_ook_goals = [self.by_code[c] for c in action.zie_ook if c in self.by_code]
            for goal in action.zie_ook_goals:
                if goal is not action.goal:
                    goal.zie_ook_acties.append(action)
            for actor in action.actoren:
                self._by_actor.setdefault(actor.id, []).append(action)

    @classmethod
    def from_dict(cls, raw: dict) -> PlanDocument:
        return cls(raw)

    def _goal(self, entry: dict, parent: Goal | None) -> Goal:
        goal = Goal(
            id=entry["id"], soort=entry["soort"], code=entry["code"],
            transversaal=bool(entry.get("transversaal")), tagline=entry.get("tagline"),
            formulering=entry["formulering"], toelichting=entry.get("toelichting"),
            spreiding=entry.get("spreiding"), parent=parent, raw=entry,
        )
        self.goals[goal.id] = goal
        self.by_code[goal.code] = goal
        goal.indicatoren = [
            IndicatorRef.from_dict(i, code=goal.code) for i in entry.get("indicatoren", ())
        ]
        self.indicators.extend(goal.indicatoren)
        for number, raw in enumerate(entry["acties"], start=1):
            spreiding, timing = raw["spreiding"], raw["timing"]
            action = Action(
                id=raw["id"], omschrijving=raw["omschrijving"], regierol=raw["regierol"],
                actorrol=raw["actorrol"],
                spreiding=Spreiding(
                    alle_gemeenten=spreiding["alle_gemeenten"],
                    gemeenten=tuple(spreiding["gemeenten"]),
                    toelichting=spreiding["toelichting"],
                ),
                timing=Timing(van=timing["van"], tot=timing["tot"], tekst=timing["tekst"]),
                zie_ook=tuple(raw["zie_ook"]),
                actoren=tuple(ActorRef(a["id"], a["naam"], a["rol"]) for a in raw["actoren"]),
                voortgang=raw["voortgang"], goal=goal, number=number,
            )
            action.indicatoren = [
                IndicatorRef.from_dict(i, code=goal.code, action=action)
                for i in raw.get("indicatoren", ())
            ]
            self.indicators.extend(action.indicatoren)
            goal.acties.append(action)
            self.actions[action.id] = action
        goal.children = [self._goal(child, parent=goal) for child in entry["doelstellingen"]]
        return goal

    # --- Lookups (no query) ------------------------------------------------------------

    @property
    def headline_indicators(self) -> list[IndicatorRef]:
        """The indicators the coordinator picked for the home page, in plan order."""
        return [indicator for indicator in self.indicators if indicator.kernindicator]

    @property
    def indicator_counts(self) -> dict[str, int]:
        """How many indicators are on course, behind, without data (the progress page)."""
        counts = {IndicatorRef.OP_KOERS: 0, IndicatorRef.ACHTER: 0, IndicatorRef.GEEN_DATA: 0}
        for indicator in self.indicators:
            counts[indicator.status] += 1
        return counts

    @property
    def id(self) -> int:
        return self.plan["id"]

    def goal(self, pk: int) -> Goal | None:
        return self.goals.get(pk)

    def action(self, pk: int) -> Action | None:
        return self.actions.get(pk)

    def actions_of(self, goal: Goal) -> list[Action]:
        """A goal's own actions (an SD's ODs' actions: ``goal.all_actions()``)."""
        return goal.acties

    def actions_of_actor(self, actor_id: int) -> list[Action]:
        """The actions an actor takes part in, in plan order."""
        return self._by_actor.get(actor_id, [])

    def actor_names(self) -> dict[int, str]:
        """Every actor of the document's actions: id -> name."""
        return {pk: next(a.naam for a in actions[0].actoren if a.id == pk)
                for pk, actions in self._by_actor.items()}

    def existed_during(self, gemeente_fusiedatum: date | None) -> bool:
        """Whether a municipality with this merger date is one of the plan's period: one
        that merged into another before the plan started is not ("alle gemeenten" of a
        2027 plan does not reach Gooik)."""
        return not (gemeente_fusiedatum and gemeente_fusiedatum <= date(self.plan["van"], 1, 1))

    def names_place(self, action: Action, names: set[str]) -> bool:
        """Whether an action names one of ``names`` in its spreiding (not "alle
        gemeenten")."""
        return any(naam in names for naam in action.spreiding.gemeenten)

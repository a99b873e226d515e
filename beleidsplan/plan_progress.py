"""A plan's progress as the pages show it: the approved reports laid on a plan document
(``beleidsplan.document``), goals rolled up and the spreiding per municipality worked out,
by the rules of ``acties.progress``.

The document is the stored one of a published version for the public and the working state
for the steering group and coordinators, so the public never sees goals or actions that
have not been published, and every page renders goals and actions from one shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from acties.models import Meting, Voortgangsrapport
from acties.perioden import period_param
from acties.progress import (
    GoalProgress,
    Reach,
    action_progress,
    approved_reports,
    current_municipality,
    period_key,
    rollup,
    spreading,
)
from actoren.models import Gemeente

from .document import Action, Goal, MetingRef, PlanDocument
from .export import build_plan_document, number_value


@dataclass
class MatrixRow:
    goal: Goal
    cells: list[tuple[int, int]]  # (planned, realised) per municipality column


@dataclass
class PlanProgress:
    """A plan document with the progress of its actions and goals laid on it, and the
    planned and realised spreiding per municipality of today."""

    document: PlanDocument
    progress: GoalProgress  # the whole plan
    gemeenten: list[Gemeente]  # the matrix's columns: municipalities of today
    matrix: list[MatrixRow]
    reach: dict[int, Reach]
    # Per municipality of today, the names of those merged into it (the tile map says so).
    merged: dict[int, list[str]] = field(default_factory=dict)

    @property
    def sds(self) -> list[Goal]:
        return self.document.sds

    @property
    def actions(self) -> dict[int, Action]:
        return self.document.actions

    def action(self, pk: int) -> Action | None:
        return self.document.actions.get(pk)


def build_plan_progress(
    document: PlanDocument | dict,
    reports: Iterable[Voortgangsrapport],
    gemeenten: Iterable[Gemeente],
    *,
    today: date | None = None,
) -> PlanProgress:
    """Lay the progress of loaded reports on a document (its actions' ``progress`` and
    ``reports``, its goals' ``progress``) and work out the spreiding. No query (the
    reports' municipalities must be prefetched). A dict is read as a new document; a
    ``PlanDocument`` is changed in place, so give each reading its own."""
    if isinstance(document, dict):
        document = PlanDocument.from_dict(document)
    today = today or timezone.localdate()
    by_action: dict[int, list[Voortgangsrapport]] = {}
    for rapport in reports:
        by_action.setdefault(rapport.actie_id, []).append(rapport)
    for rows in by_action.values():
        rows.sort(key=period_key)

    for action in document.actions.values():
        action.reports = by_action.get(action.id, [])
        action.progress = action_progress(action.reports)

    def roll(goal: Goal) -> None:
        for child in goal.children:
            roll(child)
        goal.progress = rollup(a.progress for a in goal.all_actions())

    for sd in document.sds:
        roll(sd)

    gemeenten_by_pk = {g.pk: g for g in gemeenten}
    realised_in = {
        pk: {g.pk for rapport in rows for g in rapport.gemeenten.all()}
        for pk, rows in by_action.items()
    }
    reach = spreading(document.actions.values(), realised_in, gemeenten_by_pk, today=today)
    columns = sorted((gemeenten_by_pk[pk] for pk in reach), key=lambda g: g.naam.casefold())
    merged: dict[int, list[str]] = {}
    for pk, today_pk in current_municipality(gemeenten_by_pk, today=today).items():
        if pk != today_pk:
            merged.setdefault(today_pk, []).append(gemeenten_by_pk[pk].naam)
    for names in merged.values():
        names.sort(key=str.casefold)
    matrix = []
    for sd in document.sds:
        ids = {a.id for a in sd.all_actions()}
        matrix.append(MatrixRow(goal=sd, cells=[
            (len(reach[g.pk].planned & ids), len(reach[g.pk].realised & ids)) for g in columns
        ]))
    return PlanProgress(
        document=document,
        progress=rollup(a.progress for a in document.actions.values()),
        gemeenten=columns, matrix=matrix, reach=reach, merged=merged,
    )


def refresh_measurements(document: PlanDocument) -> None:
    """Lay the values that count now on the indicators of a published version's document:
    the indicators are as published, their values as approved since (as progress is).
    One query."""
    by_indicator: dict[int, list[MetingRef]] = {i.id: [] for i in document.indicators}
    rows = (
        Meting.objects.telt()
        .filter(indicator_id__in=list(by_indicator))
        .order_by("indicator_id", "jaar", "halfjaar")
        .values_list("indicator_id", "jaar", "halfjaar", "waarde")
    )
    for indicator_id, jaar, halfjaar, waarde in rows:
        by_indicator[indicator_id].append(
            MetingRef(period_param((jaar, halfjaar)), number_value(waarde))
        )
    for indicator in document.indicators:
        indicator.metingen = tuple(by_indicator[indicator.id])


def load_plan_progress(plan, *, document: dict | None = None, today: date | None = None):
    """Load and build the progress of ``plan``: from ``document`` (a stored published
    version's document), or from the working state when it is ``None``.

    A fixed number of queries: three with a document (the approved reports, their
    municipalities, all municipalities), plus build_plan_document's eight without one;
    one more for a published version with indicators (their values that count now).
    Pages read the plan through beleidsplan.reading, which memoises this.
    """
    if document is None:
        document = build_plan_document(plan)
    typed = PlanDocument.from_dict(document)
    if document.get("versie") is not None and typed.indicators:
        refresh_measurements(typed)
    reports = list(approved_reports(typed.actions)) if typed.actions else []
    gemeenten = list(Gemeente.objects.all())
    return build_plan_progress(typed, reports, gemeenten, today=today)

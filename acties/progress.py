"""How far the plan is: an action's progress from its approved reports, the roll-up to its
goals, and the realised spreiding.

The pure functions (``period_end``, ``latest_approved``, ``action_progress``, ``rollup``,
``spreading``) work on data that is already loaded. ``beleidsplan.plan_progress`` lays them
on a plan document (the published version for the public, the working state for the
steering group and coordinators), which is what the pages show.

The roll-up rule (``ROLLUP_RULE`` says it in words on the pages):

- an action's progress is its latest approved report (latest period): its status, its
  percentage and the end of that period as the peildatum;
- a goal's progress is the mean of the counted percentages of its actions: a done action
  counts as 100 %, a not-started one without percentage as 0 %, a dropped action does not
  count; an SD's actions are all the actions of its ODs, each weighing the same;
- an action without approved report, or whose approved report gives no percentage, is not
  counted as zero: it is left out of the mean and counted apart, so the page can say
  "3 acties zonder goedgekeurd rapport";
- an action counts only under the goal it belongs to, not under its "zie ook" goals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from actoren.models import Gemeente

if TYPE_CHECKING:  # the plan document's types, for the hints only (acties sits below it)
    from beleidsplan.document import Action

from .models import Actie, Voortgangsrapport

Status = Voortgangsrapport.Status

ROLLUP_RULE = _(
    "The progress of a goal is the mean of the latest approved percentage of each of its "
    "actions. A finished action counts as 100 %, a not started one without a percentage as "
    "0 %, a dropped action does not count. For a strategic goal every action of its "
    "operational goals weighs the same. Actions without an approved report (or whose "
    "report gives no percentage) are not counted as 0 %: they are left out of the mean and "
    "counted separately. An action counts only under its own goal, not under its "
    "\"see also\" goals."
)

# Statuses after which an action needs no further reports.
CLOSED_STATUSES = (Status.AFGEROND, Status.GESCHRAPT)


# --- One action --------------------------------------------------------------------------


def period_end(jaar: int, halfjaar: int = 0) -> date:
    """The last day of a reporting period: 30 June for the first half year, else 31
    December."""
    if halfjaar == 1:
        return date(jaar, 6, 30)
    return date(jaar, 12, 31)


def period_key(rapport: Voortgangsrapport) -> tuple:
    # A whole-year report and a second-half report end on the same day; the whole year
    # (reported later, after the year) sorts last. Then the later review wins.
    return (period_end(rapport.jaar, rapport.halfjaar), rapport.halfjaar == 0, rapport.pk)


def latest_approved(reports: Iterable[Voortgangsrapport]) -> Voortgangsrapport | None:
    """The approved report of the latest period among ``reports`` (which may hold reports
    of every stage: the others are skipped), or ``None``. No query."""
    approved = [r for r in reports if r.fase == Voortgangsrapport.Fase.GOEDGEKEURD]
    return max(approved, key=period_key) if approved else None


@dataclass(frozen=True)
class ActionProgress:
    """An action's progress: its latest approved report, or nothing."""

    status: str | None = None
    percentage: int | None = None
    peildatum: date | None = None
    rapport: Voortgangsrapport | None = None

    @property
    def has_report(self) -> bool:
        return self.status is not None

    @property
    def dropped(self) -> bool:
        return self.status == Status.GESCHRAPT

    @property
    def counted_percentage(self) -> int | None:
        """The percentage the roll-up uses: 100 for a finished action, the reported one
        otherwise (0 for "not started" when none was given); ``None`` when the action
        does not count (dropped, no report, no percentage)."""
        if self.status is None or self.status == Status.GESCHRAPT:
            return None
        if self.status == Status.AFGEROND:
            return 100
        if self.percentage is None and self.status == Status.NIET_GESTART:
            return 0
        return self.percentage

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label) if self.status else ""

    def as_document(self) -> dict[str, Any] | None:
        """``voortgang`` of the ``cultuurregio-plan/1`` document."""
        if self.status is None:
            return None
        return {
            "status": self.status,
            "percentage": self.percentage,
            "peildatum": self.peildatum.isoformat(),
        }


NO_PROGRESS = ActionProgress()


def action_progress(reports: Iterable[Voortgangsrapport]) -> ActionProgress:
    """The progress of an action from its reports (any stage; only approved ones count).
    No query."""
    rapport = latest_approved(reports)
    if rapport is None:
        return NO_PROGRESS
    return ActionProgress(
        status=rapport.status,
        percentage=rapport.percentage,
        peildatum=period_end(rapport.jaar, rapport.halfjaar),
        rapport=rapport,
    )


# --- Roll-up -----------------------------------------------------------------------------


# The kinds of state an action is in, for the distribution shown beside every share: its
# latest approved report's status ("on track" is running), or no approved report yet.
NO_REPORT = "geen_rapport"
DISTRIBUTION = (
    (Status.AFGEROND, _("done")),
    (Status.LOPEND, _("running")),
    (Status.VERTRAAGD, _("delayed")),
    (Status.NIET_GESTART, _("not started")),
    (Status.GESCHRAPT, _("dropped")),
    (NO_REPORT, _("no approved report yet")),
)


@dataclass(frozen=True)
class Segment:
    """One kind of the distribution: how many actions, and its place on a bar of 100."""

    key: str
    label: str
    count: int
    start: float
    width: float


@dataclass(frozen=True)
class GoalProgress:
    """The roll-up of a goal's actions (see the module docstring for the rule)."""

    percentage: int | None  # rounded mean; None when no action counts
    counted: int  # actions in the mean
    total: int  # all actions of the goal
    without_report: int  # no approved report
    without_percentage: int  # approved report, but no percentage to count
    dropped: int
    done: int
    # Actions per kind of DISTRIBUTION, in its order (done, running, delayed, ...).
    by_kind: tuple[int, ...] = (0,) * len(DISTRIBUTION)

    @property
    def mean(self) -> int:
        """The percentage for a progress bar (0 when nothing counts)."""
        return self.percentage or 0

    @property
    def segments(self) -> list[Segment]:
        """The distribution of the actions over the kinds that occur, as segments of a
        bar of 100 (start and width), in DISTRIBUTION's order."""
        segments, start = [], 0.0
        for (key, label), count in zip(DISTRIBUTION, self.by_kind, strict=True):
            if count:
                width = 100 * count / self.total
                segments.append(Segment(str(key), str(label), count, round(start, 2),
                                        round(width, 2)))
                start += width
        return segments


def rollup(progresses: Iterable[ActionProgress]) -> GoalProgress:
    """Roll up the progress of a goal's actions. No query."""
    values: list[int] = []
    total = without_report = without_percentage = dropped = done = 0
    kinds = dict.fromkeys((key for key, _label in DISTRIBUTION), 0)
    for progress in progresses:
        total += 1
        if not progress.has_report:
            without_report += 1
            kinds[NO_REPORT] += 1
            continue
        kinds[Status.LOPEND if progress.status == Status.OP_SCHEMA else progress.status] += 1
        if progress.dropped:
            dropped += 1
            continue
        if progress.status == Status.AFGEROND:
            done += 1
        value = progress.counted_percentage
        if value is None:
            without_percentage += 1
        else:
            values.append(value)
    percentage = round(sum(values) / len(values)) if values else None
    return GoalProgress(
        percentage=percentage, counted=len(values), total=total,
        without_report=without_report, without_percentage=without_percentage,
        dropped=dropped, done=done, by_kind=tuple(kinds.values()),
    )


NO_ROLLUP = rollup(())


# --- Spreiding: planned and realised per municipality --------------------------------------


def current_municipality(gemeenten: dict[int, Gemeente], *, today: date) -> dict[int, int]:
    """For every municipality, the one it is part of today: itself, or the municipality it
    merged into (following chains of mergers) once the merger date has passed. As
    ``ActieQuerySet.bereikt``: Gooik's actions add up under Pajottegem. No query."""
    target: dict[int, int] = {}
    for pk in gemeenten:
        seen = {pk}
        current = gemeenten[pk]
        while (
            current.opgegaan_in_id
            and current.fusiedatum
            and current.fusiedatum <= today
            and current.opgegaan_in_id in gemeenten
            and current.opgegaan_in_id not in seen
        ):
            seen.add(current.opgegaan_in_id)
            current = gemeenten[current.opgegaan_in_id]
        target[pk] = current.pk
    return target


@dataclass
class Reach:
    planned: set[int] = field(default_factory=set)  # action ids
    realised: set[int] = field(default_factory=set)


def spreading(
    acties: Iterable[Action],
    realised_in: dict[int, set[int]],
    gemeenten: dict[int, Gemeente],
    *,
    today: date,
) -> dict[int, Reach]:
    """Per municipality of today, the actions planned there and those realised there.

    ``acties`` are actions of a plan document (their ``spreiding`` names
    municipalities); an action "for all municipalities" is planned in every one.
    ``realised_in`` maps an action id to the municipality ids of its approved reports.
    Municipalities that merged count under the new one. No query.
    """
    target = current_municipality(gemeenten, today=today)
    by_name = {g.naam: g.pk for g in gemeenten.values()}
    current = sorted({target[pk] for pk in gemeenten})
    reach = {pk: Reach() for pk in current}
    for actie in acties:
        pk = actie.id
        if actie.spreiding.alle_gemeenten:
            planned = current
        else:
            planned = {
                target[by_name[naam]] for naam in actie.spreiding.gemeenten if naam in by_name
            }
        for gemeente_id in planned:
            reach[gemeente_id].planned.add(pk)
        for gemeente_id in realised_in.get(pk, ()):
            if gemeente_id in target:
                reach[target[gemeente_id]].realised.add(pk)
    return reach


# --- Approved reports ----------------------------------------------------------------------


def approved_reports(actie_ids: Iterable[int], *, jaar: int | None = None):
    """Approved reports of these actions (of year ``jaar`` only, when given), oldest period
    first, with their municipalities: two queries when evaluated (one when there are
    none)."""
    reports = (
        Voortgangsrapport.objects.goedgekeurd()
        .filter(actie_id__in=list(actie_ids))
        .prefetch_related(Prefetch("gemeenten", queryset=Gemeente.objects.order_by("naam")))
        .order_by("actie_id", "jaar", "halfjaar", "pk")
    )
    if jaar is not None:
        reports = reports.filter(jaar=jaar)
    return reports


# --- What is due ---------------------------------------------------------------------------


def running_in(queryset, jaar: int):
    """Actions whose timing covers ``jaar`` (no timing: always), and that were not closed
    (finished or dropped) by an approved report of an earlier year. A filter: no extra
    query. An action closed in a period still needs no report after it."""
    closed_before = Voortgangsrapport.objects.filter(
        actie=OuterRef("pk"), fase=Voortgangsrapport.Fase.GOEDGEKEURD,
        status__in=CLOSED_STATUSES, jaar__lt=jaar,
    )
    return queryset.filter(
        Q(van_jaar__isnull=True) | Q(van_jaar__lte=jaar),
        Q(tot_jaar__isnull=True) | Q(tot_jaar__gte=jaar),
    ).exclude(Exists(closed_before))


def due_actions(plan, jaar: int, halfjaar: int = 0):
    """The actions of ``plan`` that need a report for the period: running in its year, and
    without a submitted or approved report for it yet (a draft or a sent-back report does
    not count). A queryset: no query until evaluated."""
    done = Voortgangsrapport.objects.filter(
        actie=OuterRef("pk"), jaar=jaar, halfjaar=halfjaar,
        fase__in=[Voortgangsrapport.Fase.INGEDIEND, Voortgangsrapport.Fase.GOEDGEKEURD],
    )
    return running_in(Actie.objects.van_plan(plan), jaar).exclude(Exists(done))

"""Reporting periods as one value: what a period is, how it is written and shown, and which
periods are open for reporting on a given day.

A report covers a year (``halfjaar`` 0) or, when the plan reports per half year
(``Beleidsplan.rapportering``), the first or second half of a year (``halfjaar`` 1 or 2).

Partners write a period's report after it ends (January-March for last year). So a period
stays open for a grace window after its end, ``Beleidsplan.rapportering_marge_maanden``
months (default three): during that window the partner pages offer it next to the current
period, and the reminders and the coordinator's "who has not reported" are about it.

Everything here is pure: no queries, the plan is only read (its years, its reporting rhythm
and its grace window). ``acties`` may not import ``beleidsplan`` at run time (the layers
are beleidsplan -> acties -> actoren), so the plan is whatever object has those attributes.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Rapportering, Voortgangsrapport

if TYPE_CHECKING:  # for the hints only: beleidsplan sits above acties and imports it
    from beleidsplan.models import Beleidsplan

# The plan's field has this default too; used for a plan object without the attribute.
DEFAULT_GRACE_MONTHS = 3


class Periode(NamedTuple):
    """A reporting period: (jaar, halfjaar), halfjaar 0 for a whole year. A tuple, so
    ``Periode(2021, 0) == (2021, 0)`` and periods sort in time."""

    jaar: int
    halfjaar: int = 0


def local_today() -> datetime.date:
    """Today in the site's time zone: the day every "now" here is measured on (one place,
    so that a test can set the day)."""
    return timezone.localdate()


def _per_half_year(plan: Beleidsplan) -> bool:
    return plan.rapportering == Rapportering.HALFJAARLIJKS


def grace_months(plan: Beleidsplan) -> int:
    """How many months after its end a period stays open for reporting (the plan's
    ``rapportering_marge_maanden``). No query."""
    value = getattr(plan, "rapportering_marge_maanden", None)
    return DEFAULT_GRACE_MONTHS if value is None else int(value)


def current_period(plan: Beleidsplan, *, today: datetime.date | None = None) -> Periode:
    """The period that runs now: (jaar, halfjaar), halfjaar 0 for plans that report per
    year, else 1 (January-June) or 2 (July-December). Clamped to the plan: before it starts,
    its first period; after it ends, its last. No query."""
    today = today or local_today()
    half = _per_half_year(plan)
    if today.year < plan.van_jaar:
        return Periode(plan.van_jaar, 1 if half else 0)
    if today.year > plan.tot_jaar:
        return Periode(plan.tot_jaar, 2 if half else 0)
    return Periode(today.year, (1 if today.month <= 6 else 2) if half else 0)


def periods_of(plan: Beleidsplan) -> list[Periode]:
    """Every reporting period of the plan, in order. No query."""
    halves = (1, 2) if _per_half_year(plan) else (0,)
    return [
        Periode(year, half) for year in range(plan.van_jaar, plan.tot_jaar + 1) for half in halves
    ]


def period_label(periode) -> str:
    """ "2021", or "2021, 1e helft" for a half year (the model's wording)."""
    jaar, halfjaar = periode
    return Voortgangsrapport(jaar=jaar, halfjaar=halfjaar).periode_label


def period_param(periode) -> str:
    """The ``?periode=`` value of a period: "2021" or "2021-1"."""
    if isinstance(periode, tuple | list):
        jaar, halfjaar = periode
        return f"{jaar}-{halfjaar}" if halfjaar else str(jaar)
    return str(periode)


def period_bounds(periode) -> tuple[datetime.date, datetime.date]:
    """First and last day of a period."""
    jaar, halfjaar = periode
    start = datetime.date(jaar, 7 if halfjaar == 2 else 1, 1)
    end = datetime.date(jaar, 6, 30) if halfjaar == 1 else datetime.date(jaar, 12, 31)
    return start, end


def open_until(plan: Beleidsplan, periode) -> datetime.date:
    """The last day partners may still report on a period that ended: its last day plus
    the plan's grace window (2025 with three months: 31 March 2026). No query."""
    _start, end = period_bounds(periode)
    months = end.month + grace_months(plan)  # the grace window ends at a month's end
    first_after = datetime.date(end.year + months // 12, months % 12 + 1, 1)
    return first_after - datetime.timedelta(days=1)


def open_periods(plan: Beleidsplan, *, today: datetime.date | None = None) -> list[Periode]:
    """The periods open for reporting on ``today``, oldest first: the current one
    (``current_period``, so a plan that has ended keeps its last period), and before it
    each period of the plan that ended no longer ago than the grace window (in January to
    March, with the default of three months, last year). No query."""
    today = today or local_today()
    now = current_period(plan, today=today)
    earlier = [
        periode
        for periode in periods_of(plan)
        if periode < now and period_bounds(periode)[1] < today <= open_until(plan, periode)
    ]
    return [*earlier, now]


def reporting_period(plan: Beleidsplan, *, today: datetime.date | None = None) -> Periode:
    """The period reports are asked for now: during the grace window the one that ended
    (the reminders and "who has not reported" are about it), else the current one. No
    query."""
    return open_periods(plan, today=today)[0]


def is_open(plan: Beleidsplan, periode, *, today: datetime.date | None = None) -> bool:
    """Whether partners may start a report for ``periode`` on ``today``. No query."""
    return tuple(periode) in open_periods(plan, today=today)


def check_period(plan: Beleidsplan, periode) -> None:
    """Refuse a period that is not one of the plan's (ValidationError, Dutch). No query."""
    jaar, halfjaar = periode
    if not plan.van_jaar <= jaar <= plan.tot_jaar:
        raise ValidationError(
            _("%(year)s lies outside the plan period %(start)s-%(end)s.")
            % {"year": jaar, "start": plan.van_jaar, "end": plan.tot_jaar},
            code="period",
        )
    if _per_half_year(plan) and halfjaar not in (1, 2):
        raise ValidationError(
            _("This plan reports per half year: choose the first or the second half of %(year)s.")
            % {"year": jaar},
            code="period",
        )
    if not _per_half_year(plan) and halfjaar != 0:
        raise ValidationError(_("This plan reports per year, not per half year."), code="period")


def check_open(plan: Beleidsplan, periode, *, today: datetime.date | None = None) -> None:
    """Refuse a new report for a period of the plan that is not open (ValidationError,
    Dutch, naming the periods that are). No query."""
    open_now = open_periods(plan, today=today)
    if tuple(periode) not in open_now:
        raise ValidationError(
            _(
                "You cannot start a report for %(period)s: that period is not open for "
                "reporting. You can report on %(open)s now."
            )
            % {
                "period": period_label(periode),
                "open": ", ".join(period_label(p) for p in open_now),
            },
            code="period_closed",
        )


_PERIOD_RE = re.compile(r"^\s*(\d{4})(?:-([12]))?\s*$")


def parse_period(plan: Beleidsplan, value: str | None, *, today=None) -> Periode:
    """Read ``?periode=`` ("2021" or "2021-1"); empty means the current period. Raises
    ValidationError (Dutch) for anything else or a period outside the plan. No query."""
    if not value:
        return current_period(plan, today=today)
    match = _PERIOD_RE.match(value)
    if not match:
        raise ValidationError(
            _(
                "“%(value)s” is not a period. Write a year (2021) or a year and a half year "
                "(2021-1 or 2021-2)."
            )
            % {"value": value[:20]},
            code="period",
        )
    periode = Periode(int(match[1]), int(match[2] or 0))
    check_period(plan, periode)
    return periode

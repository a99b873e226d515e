"""The annual report (jaarverslag) of a year: per SD, OD and action the status, what was
done, the numbers and the realised spreiding, from approved reports; as a page, as XLSX
(openpyxl) and as PDF (WeasyPrint, from an HTML template).

An action's status in the annual report is its progress at the end of the year: its
latest approved report up to that year (an action finished in 2021 is still finished in
2022). What was done, the numbers and the municipalities are those of the year's own
approved reports. Municipalities are named as the reports name them: a report of 2021
says Gooik, also after Gooik merged into Pajottegem.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from io import BytesIO

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML

from acties.models import Voortgangsrapport
from acties.progress import ROLLUP_RULE, approved_reports
from actoren.models import Gemeente
from beleidsplan.document import Action, Goal, IndicatorRef, PlanDocument
from cultuurregio.cells import append_row

from .charts import Chart, reports_per_year_chart, status_per_sd_chart
from .export import build_plan_document
from .plan_progress import PlanProgress, build_plan_progress, refresh_measurements


@dataclass
class AnnualAction:
    row: Action  # progress at the end of the year
    reports: list[Voortgangsrapport]  # the year's approved reports

    @property
    def activiteiten(self) -> int | None:
        values = [r.aantal_activiteiten for r in self.reports if r.aantal_activiteiten is not None]
        return sum(values) if values else None

    @property
    def deelnemers(self) -> int | None:
        values = [r.aantal_deelnemers for r in self.reports if r.aantal_deelnemers is not None]
        return sum(values) if values else None

    @property
    def gemeenten(self) -> list[str]:
        names = {g.naam for r in self.reports for g in r.gemeenten.all()}
        return sorted(names, key=str.casefold)

    @property
    def links(self) -> list[str]:
        seen: list[str] = []
        for rapport in self.reports:
            for line in rapport.links.splitlines():
                if line.strip() and line.strip() not in seen:
                    seen.append(line.strip())
        return seen

    @property
    def wat_gedaan(self) -> list[tuple[str, str]]:
        """(period, text) of each of the year's reports that says what was done."""
        return [(r.periode_label, r.wat_gedaan) for r in self.reports if r.wat_gedaan.strip()]

    @property
    def gemeenten_text(self) -> str:
        return ", ".join(self.gemeenten)


@dataclass
class AnnualReport:
    plan: object
    jaar: int
    versie: object | None
    progress: PlanProgress  # at the end of the year (reports up to the year)
    year_progress: PlanProgress  # the year's own reports: its realised spreiding
    actions: dict[int, AnnualAction] = field(default_factory=dict)

    @property
    def sds(self) -> list[Goal]:
        return self.progress.sds

    def action(self, pk: int) -> AnnualAction:
        return self.actions[pk]

    @property
    def status_chart(self) -> Chart:
        """How the actions of each SD stand at the end of the year. No query."""
        return status_per_sd_chart(self.sds, title=_(
            "How the actions of each strategic goal stand at the end of %(year)s"
        ) % {"year": self.jaar})

    @property
    def reports_chart(self) -> Chart:
        """The approved reports per year of the plan, up to this year. No query."""
        return reports_per_year_chart(
            self.progress.actions.values(), range(self.plan.van_jaar, self.jaar + 1),
            title=_("Approved progress reports per year, up to %(year)s") % {
                "year": self.jaar},
        )

    @property
    def totals(self) -> dict[str, int]:
        activities = sum(a.activiteiten or 0 for a in self.actions.values())
        participants = sum(a.deelnemers or 0 for a in self.actions.values())
        reported = sum(1 for a in self.actions.values() if a.reports)
        return {"activiteiten": activities, "deelnemers": participants, "gerapporteerd": reported}

    def year_value(self, indicator: IndicatorRef) -> float | None:
        return year_value(indicator, self.jaar)

    @property
    def indicators(self) -> list[IndicatorRef]:
        """Every indicator of the plan as it stood at the end of the year: its values of
        the periods up to the year (issue 10). No query."""
        rows = []
        for indicator in self.progress.document.indicators:
            upto = tuple(m for m in indicator.metingen if int(m.periode[:4]) <= self.jaar)
            rows.append(replace(indicator, metingen=upto))
        return rows

    def rows(self):
        """The report as flat rows, in plan order: ``("SD"|"OD"|"actie", goal or action
        row, annual action or None)``, for the spreadsheet and the templates."""
        for sd in self.sds:
            yield "SD", sd, None
            for action in sd.acties:
                yield "actie", action, self.actions[action.id]
            for od in sd.children:
                yield "OD", od, None
                for action in od.acties:
                    yield "actie", action, self.actions[action.id]


def load_annual_report(plan, jaar: int, *, document: dict | None = None, versie=None):
    """Load the annual report of ``jaar`` for ``plan`` (goals and actions from
    ``document``, or the working state). A fixed number of queries: the approved reports up
    to the year with their municipalities, and the municipalities (plus
    build_plan_document's eight for the working state; one for a published version with
    indicators: their values that count now)."""
    if document is None:
        document = build_plan_document(plan)
    # Two readings of one document: progress at the end of the year, and the year's own.
    at_end, of_year = PlanDocument.from_dict(document), PlanDocument.from_dict(document)
    if document.get("versie") is not None and at_end.indicators:
        refresh_measurements(at_end)
    ids = list(at_end.actions)
    reports = list(approved_reports(ids).filter(jaar__lte=jaar)) if ids else []
    gemeenten = list(Gemeente.objects.all())
    year_end = date(jaar, 12, 31)
    progress = build_plan_progress(at_end, reports, gemeenten, today=year_end)
    year_progress = build_plan_progress(
        of_year, [r for r in reports if r.jaar == jaar], gemeenten, today=year_end
    )
    report = AnnualReport(
        plan=plan, jaar=jaar, versie=versie, progress=progress, year_progress=year_progress
    )
    for pk, row in progress.actions.items():
        report.actions[pk] = AnnualAction(row=row, reports=year_progress.actions[pk].reports)
    return report


def _goal_status(goal: Goal) -> str:
    p = goal.progress
    if p.percentage is None:
        text = _("no progress to count")
    else:
        text = _("%(percentage)s %% (mean of %(counted)s of %(total)s actions)") % {
            "percentage": p.percentage, "counted": p.counted, "total": p.total,
        }
    if p.without_report:
        text += "; " + _("%(count)s without approved report") % {"count": p.without_report}
    return text


def render_xlsx(report: AnnualReport) -> bytes:
    """The annual report as a spreadsheet: one row per SD, OD and action."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Annual report %(year)s") % {"year": report.jaar}
    headers = [
        _("Code"), _("Level"), _("Description"), _("Status"), _("Percentage"),
        _("Reference date"), _("What was done"), _("Activities"), _("Participants"),
        _("Municipalities where it happened"), _("Links"),
    ]
    append_row(sheet, [str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for level, row, annual in report.rows():
        if annual is None:
            append_row(sheet, [
                row.code, level, row.formulering, _goal_status(row),
                row.progress.percentage, None, None, None, None, None, None,
            ])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
            continue
        progress = row.progress
        append_row(sheet, [
            row.goal_code, _("action %(number)s") % {"number": row.number},
            row.omschrijving,
            progress.status_label or _("no approved report"),  # plain str, not lazy
            progress.percentage,
            progress.peildatum,
            "\n\n".join(f"{period}: {text}" for period, text in annual.wat_gedaan) or None,
            annual.activiteiten,
            annual.deelnemers,
            annual.gemeenten_text or None,
            "\n".join(annual.links) or None,
        ])
    widths = [12, 10, 60, 24, 11, 13, 60, 11, 11, 30, 40]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row_cells[5].number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    _indicator_sheet(workbook, report)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def year_value(indicator: IndicatorRef, jaar: int) -> float | None:
    """An indicator's value of a year: the sum of its periods' values for a cumulative
    one (two half years add up), else the last. None without a value. No query."""
    values = [m.waarde for m in indicator.metingen if m.periode.startswith(str(jaar))]
    if not values:
        return None
    return sum(values) if indicator.cumulatief else values[-1]


def _indicator_sheet(workbook, report: AnnualReport) -> None:
    """A second sheet: every indicator with its base, target, the value of the year and
    its status at the end of the year (issue 10). None when the plan has no indicators."""
    from openpyxl.styles import Font

    indicators = report.indicators
    if not indicators:
        return
    sheet = workbook.create_sheet(_("Indicators"))
    append_row(sheet, [str(h) for h in (
        _("Code"), _("Action"), _("Indicator"), _("Unit"), _("Base value"), _("Base year"),
        _("Target value"), _("Target year"), _("Value in %(year)s") % {"year": report.jaar},
        _("Status at the end of %(year)s") % {"year": report.jaar},
    )])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for indicator in indicators:
        of_year = year_value(indicator, report.jaar)
        append_row(sheet, [
            indicator.code, indicator.action.label if indicator.action else None,
            indicator.naam, indicator.eenheid,
            indicator.basis[1] if indicator.basis else None,
            int(indicator.basis[0]) if indicator.basis else None,
            indicator.doel[1] if indicator.doel else None,
            int(indicator.doel[0]) if indicator.doel else None,
            of_year,
            indicator.status_label,
        ])
    for index, width in enumerate([12, 16, 40, 14, 11, 10, 11, 10, 12, 30]):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"


def _refuse_fetch(url, *args, **kwargs):
    # The PDF template is self-contained: nothing is fetched from the network or disk,
    # whatever a report's text or link says.
    raise ValueError(f"not fetched: {url}")


def pdf_document(report: AnnualReport, *, base_url: str | None = None):
    """The laid-out WeasyPrint document (pages) of templates/acties/jaarverslag_pdf.html,
    before writing it as PDF."""
    html = render_to_string(
        "acties/jaarverslag_pdf.html",
        {"report": report, "plan": report.plan, "jaar": report.jaar, "rule": ROLLUP_RULE},
    )
    return HTML(string=html, base_url=base_url, url_fetcher=_refuse_fetch).render()


def render_pdf(report: AnnualReport, *, base_url: str | None = None) -> bytes:
    """The annual report as a tagged PDF: headings, paragraphs, the matrix's table and the
    document's language for screen readers. Tags cost about a sixth of the time (measured
    at ten times the seed's size), worth it."""
    return pdf_document(report, base_url=base_url).write_pdf(pdf_tags=True)

"""Downloads of the plan: its actions as CSV and XLSX, the whole plan as PDF.

Everything is made from the plan's ``cultuurregio-plan/1`` document: a published version's
stored document (so the download shows the plan exactly as it was published), or the
working state built from the current rows (insiders only). One shape in, so the three
formats and the JSON never disagree.

Access is the plan's (beleidsplan.reading): a public plan's versions for anyone; otherwise
the steering group and coordinators; an anonymous visitor is sent to the login page first,
a partner gets a 404. Every file is made once and kept in the database
(``pagecache.stored_file``): a version's under the version, the working state's under the
plan's stamp.

The indicators (issue 10) are part of a version: the PDF shows each under its OD or action
with its course chart and the table of its numbers, the XLSX has a sheet "Indicatoren". Both
read them through the typed document (``document.PlanDocument``), as the site's pages do,
so a chart in the PDF is the one on the page. The CSV stays one row per action.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from cultuurregio.cells import append_row, cell_value

from .charts import with_unit
from .document import IndicatorRef, PlanDocument
from .models import Beleidsplan, Planversie
from .pagecache import conditional_file, digest, file_response, release, stored_file
from .reading import (
    Reading,
    insiders_only,
    login_or_404,
    published_version,
    read_plan,
    refuse_role,
)


@dataclass(frozen=True)
class ActionRow:
    """One action of a document, flattened for a spreadsheet."""

    id: int
    sd_code: str
    sd: str
    od_code: str
    od: str
    omschrijving: str
    regierol: str
    actorrol: str
    spreiding: str
    spreiding_toelichting: str
    timing: str
    van: int | None
    tot: int | None
    actoren: str
    zie_ook: str


def columns() -> list[tuple[str, int]]:
    """The column headings (Dutch) with their width in an XLSX sheet, in order."""
    return [
        (_("Action id"), 9),
        (_("SD"), 7),
        (_("Strategic goal"), 40),
        (_("OD"), 10),
        (_("Operational goal"), 40),
        (_("Action"), 60),
        (_("Regierol"), 40),
        (_("Actorrol"), 40),
        (_("Spreiding"), 28),
        (_("Note on spreading"), 28),
        (_("Timing"), 14),
        (_("From year"), 9),
        (_("To year"), 9),
        (_("Actors"), 40),
        (_("See also"), 16),
    ]


def action_rows(document: dict) -> list[ActionRow]:
    """Every action of a ``cultuurregio-plan/1`` document in the plan's order. No query."""
    rows: list[ActionRow] = []

    def walk(goals: list[dict], sd: dict | None) -> None:
        for goal in goals:
            top = sd or goal
            od = goal if sd is not None else None
            for actie in goal.get("acties", []):
                rows.append(_row(actie, top, od))
            walk(goal.get("doelstellingen", []), top)

    walk(document.get("doelstellingen", []), None)
    return rows


def _row(actie: dict, sd: dict, od: dict | None) -> ActionRow:
    spreiding = actie.get("spreiding") or {}
    timing = actie.get("timing") or {}
    van, tot = timing.get("van"), timing.get("tot")
    if timing.get("tekst"):
        timing_text = timing["tekst"]
    elif van and tot and van != tot:
        timing_text = f"{van} - {tot}"
    else:
        timing_text = str(van or tot or "")
    return ActionRow(
        id=actie["id"],
        sd_code=sd["code"],
        sd=sd["formulering"],
        od_code=od["code"] if od else "",
        od=od["formulering"] if od else "",
        omschrijving=actie["omschrijving"],
        regierol=actie.get("regierol") or "",
        actorrol=actie.get("actorrol") or "",
        spreiding=(
            _("all municipalities")
            if spreiding.get("alle_gemeenten")
            else ", ".join(spreiding.get("gemeenten") or [])
        ),
        spreiding_toelichting=spreiding.get("toelichting") or "",
        timing=timing_text,
        van=van,
        tot=tot,
        # The role as the document writes it: trekker, partner.
        actoren="; ".join(f"{a['naam']} ({a['rol']})" for a in actie.get("actoren") or []),
        zie_ook=", ".join(actie.get("zie_ook") or []),
    )


def _values(row: ActionRow) -> list:
    return [
        row.id, row.sd_code, row.sd, row.od_code, row.od, row.omschrijving, row.regierol,
        row.actorrol, row.spreiding, row.spreiding_toelichting, row.timing, row.van, row.tot,
        row.actoren, row.zie_ook,
    ]


def render_csv(rows: list[ActionRow]) -> bytes:
    """CSV as Dutch Excel opens it by double-clicking: UTF-8 with a byte order mark, ";"
    between fields. Every cell goes through ``cultuurregio.cells.cell_value``: no control
    characters, and text that would start a formula gets a leading apostrophe."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([heading for heading, _width in columns()])
    for row in rows:
        writer.writerow(
            ["" if value is None else cell_value(value) for value in _values(row)]
        )
    return out.getvalue().encode("utf-8")


def render_xlsx(
    rows: list[ActionRow], *, title: str, indicators: Sequence[IndicatorRef] = ()
) -> bytes:
    """An XLSX workbook with a sheet of actions: a bold header row that stays in view, a
    filter on every column, wrapped text in columns of readable widths. When the plan has
    indicators, a second sheet of them (``indicator_sheet``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.properties.title = title
    workbook.properties.creator = "cultuurregio"
    sheet = workbook.active
    sheet.title = _("Actions")
    heads = columns()
    sheet.append([heading for heading, _width in heads])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F4F6F8")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    top = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        # Cleaned, and text stays text: never a formula, never a character XLSX refuses.
        append_row(sheet, _values(row))
        for cell in sheet[sheet.max_row]:
            cell.alignment = top
    for index, (_heading, width) in enumerate(heads, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{max(sheet.max_row, 1)}"
    if indicators:
        indicator_sheet(workbook, indicators)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def indicator_columns() -> list[tuple[str, int]]:
    """The headings (Dutch) of the indicators' sheet with their widths, in order."""
    return [
        (_("Code"), 10),
        (_("Action"), 16),
        (_("Indicator"), 40),
        (_("Unit"), 14),
        (_("Base value"), 11),
        (_("Base year"), 10),
        (_("Target value"), 11),
        (_("Target year"), 10),
        (_("Direction"), 16),
        (_("Last value"), 12),
        (_("Period of the last value"), 12),
        (_("Status"), 30),
    ]


def indicator_sheet(workbook, indicators: Sequence[IndicatorRef]) -> None:
    """The sheet "Indicatoren": one row per indicator in plan order, numbers as numbers.
    The last value is the chart's (a cumulative indicator's running total)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(_("Indicators"))
    heads = indicator_columns()
    sheet.append([heading for heading, _width in heads])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F4F6F8")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for indicator in indicators:
        basis, doel, last = indicator.basis, indicator.doel, indicator.last
        append_row(sheet, [
            indicator.code,
            indicator.action.label if indicator.action else None,
            indicator.naam,
            indicator.eenheid,
            basis[1] if basis else None,
            int(basis[0]) if basis else None,
            doel[1] if doel else None,
            int(doel[0]) if doel else None,
            indicator.richting_label,
            last[1] if last else None,
            last[0] if last else None,
            indicator.status_label,
        ])
    for index, (_heading, width) in enumerate(heads, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


@dataclass(frozen=True)
class IndicatorBlock:
    """An indicator as the PDF shows it: the typed indicator (its chart, its status) and
    its base and target written out the Dutch way ("100 deelnemers (2020)"; "" when not
    set)."""

    indicator: IndicatorRef
    basis: str
    doel: str

    @classmethod
    def of(cls, indicator: IndicatorRef) -> IndicatorBlock:
        def text(pair: tuple[str, float] | None) -> str:
            return f"{with_unit(pair[1], indicator.eenheid)} ({pair[0]})" if pair else ""

        return cls(indicator=indicator, basis=text(indicator.basis), doel=text(indicator.doel))


def _refuse_fetch(url, *args, **kwargs):
    # The PDF template is self-contained: nothing is fetched from the network or the disk,
    # whatever a text of the plan says.
    raise ValueError(f"not fetched: {url}")


def plan_html(document: dict, *, plan: Beleidsplan, versie: Planversie | None) -> str:
    """The HTML the PDF is made from (templates/downloads/plan_pdf.html). Per SD its
    groups of actions: each OD's, then the SD's own (if any), so the template has one
    loop over actions. Each OD and each action comes with its indicators
    (``IndicatorBlock``, [] without), read by ``PlanDocument``; a plan without indicators
    gives the same HTML as before they were added."""
    typed = PlanDocument.from_dict(document)

    def blocks(indicators: list[IndicatorRef]) -> list[IndicatorBlock]:
        return [IndicatorBlock.of(indicator) for indicator in indicators]

    def entries(goal: dict) -> list[tuple[dict | None, list[IndicatorBlock]]]:
        """(action, its indicators) in order, after (None, the goal's own indicators) when
        it has any: one loop in the template, one place for an indicator's markup."""
        own = blocks(typed.goal(goal["id"]).indicatoren)
        return ([(None, own)] if own else []) + [
            (actie, blocks(typed.action(actie["id"]).indicatoren)) for actie in goal["acties"]
        ]

    sections = [
        {
            "sd": sd,
            "groups": [{"od": od, "acties": entries(od)} for od in sd["doelstellingen"]]
            + ([{"od": None, "acties": entries(sd)}] if sd["acties"] else []),
        }
        for sd in document["doelstellingen"]
    ]
    return render_to_string(
        "downloads/plan_pdf.html",
        {
            "plan": plan,
            "versie": versie,
            "document": document,
            "sections": sections,
            "opgemaakt_op": timezone.localtime(),
            "aantal_acties": len(action_rows(document)),
            "has_indicators": bool(typed.indicators),
        },
    )


def pdf_document(document: dict, *, plan: Beleidsplan, versie: Planversie | None):
    """The laid-out WeasyPrint document (pages), before writing it as PDF."""
    html = plan_html(document, plan=plan, versie=versie)
    return HTML(string=html, url_fetcher=_refuse_fetch).render()


def render_pdf(document: dict, *, plan: Beleidsplan, versie: Planversie | None) -> bytes:
    """The whole plan as a tagged PDF: headings, paragraphs and the document's language
    for screen readers. Tags cost about a sixth of the time (measured at ten times the
    seed's size), worth it."""
    return pdf_document(document, plan=plan, versie=versie).write_pdf(pdf_tags=True)


# --- Views -----------------------------------------------------------------------------------

_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _make(kind: str, document: dict, *, plan: Beleidsplan, versie: Planversie | None) -> bytes:
    if kind == "pdf":
        return render_pdf(document, plan=plan, versie=versie)
    rows = action_rows(document)
    if kind == "csv":
        return render_csv(rows)
    title = f"{plan.titel}: {versie}" if versie else f"{plan.titel}: {_('Working state')}"
    indicators = PlanDocument.from_dict(document).indicators
    return render_xlsx(rows, title=title, indicators=indicators)


def _filename(kind: str, name: str) -> str:
    return f"{name}.pdf" if kind == "pdf" else f"{name}-acties.{kind}"


def _version_file(reading: Reading, kind: str):
    """The stored file ``kind`` of the version ``reading`` reads, made now if it is not."""
    plan, versie = reading.plan, reading.versie

    def make():
        document = Planversie.objects.get(pk=versie.pk).data()
        return _make(kind, document, plan=plan, versie=versie)

    return stored_file(
        reading, name=kind, content_type=_TYPES[kind],
        filename=_filename(kind, f"plan-{plan.pk}-versie-{versie.nummer}"), make=make,
    )


def make_version_files(versie_id: int) -> None:
    """Make a newly published version's downloads (PDF, XLSX, CSV) and keep them, so that
    no reader waits for them: publishing calls this once the version is committed. The
    PDF of a plan ten times the seed's takes a few seconds; a visitor who asks for it
    meanwhile waits for this making (``stored_file``), not for a second one."""
    versie = Planversie.objects.defer("document").select_related("plan").get(pk=versie_id)
    reading = Reading(plan=versie.plan, versie=versie, insider=False)
    for kind in ("pdf", "xlsx", "csv"):
        _version_file(reading, kind)


def _version_view(kind: str):
    @login_or_404
    def view(request, plan_id: int, nummer: int):
        """A published version's download, made once from its stored document and kept
        (pagecache.stored_file). Queries: the reading, the version, the stored file."""
        reading = read_plan(request, plan_id)
        versie = published_version(reading, nummer)
        plan = reading.plan

        def respond():
            return file_response(_version_file(reading.with_version(versie), kind))

        return conditional_file(
            request, respond, etag=digest((release(), versie.pk, kind)),
            last_modified=versie.gepubliceerd_op, public=plan.publiek,
        )

    view.__name__ = f"versie_{kind}"
    return view


def _working_view(kind: str):
    @login_or_404
    def view(request, plan_id: int):
        """The working state's download (steering group and coordinators), made once per
        stamp of the plan and kept. Queries: the reading, the stored file (and the
        making)."""
        reading = read_plan(request, plan_id)
        if not reading.insider:
            refuse_role(request, insiders_only())
        plan = reading.plan

        def respond():
            row = stored_file(
                reading, name=kind, content_type=_TYPES[kind],
                filename=_filename(kind, f"plan-{plan.pk}-werkversie"),
                make=lambda: _make(kind, reading.document.raw, plan=plan, versie=None),
            )
            return file_response(row)

        return conditional_file(
            request, respond, etag=digest((release(), reading.key, kind)), public=False
        )

    view.__name__ = f"werkversie_{kind}"
    return view


versie_csv = _version_view("csv")
versie_xlsx = _version_view("xlsx")
versie_pdf = _version_view("pdf")
werkversie_csv = _working_view("csv")
werkversie_xlsx = _working_view("xlsx")
werkversie_pdf = _working_view("pdf")

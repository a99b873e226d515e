"""Word documents (.docx) of the seed's plan, made with python-docx, for the import tests.

The seed (fixtures/nota/beleidsplan-2020-2025.txt) is Word pasted as text; these functions
put it back into Word the ways regions write it:

- ``seed_docx("per_sd")``: one table per SD, as the seed, each under a heading
  "Doelstelling N", the revision half before it as plain paragraphs;
- ``seed_docx("one_table")``: one table for the whole plan, its column titles marked as
  Word's repeated header row and also copied down every few rows (as pasted page by page),
  and the current "doelstelling N" header copied before every row that continues an
  action (a table that broke across a page).

Both italicise the OD wordings, merge cells (an SD's wording across the empty role columns,
"alle gemeenten" across spreiding and timing, an action's timing down into its continuation
row, the loose "Actie 6" line across the whole row) and break cells into lines: every
regierol and actorrol has a line break (Shift+Enter) between its phrases, and an action's
"zie (ook) SD n OD m" is a paragraph of its own. So the imported texts equal the text
import's up to whitespace (a line break where the paste had a space).
"""

import io
import re

from django.conf import settings
from docx import Document
from docx.oxml import OxmlElement

SEED = settings.BASE_DIR / "fixtures" / "nota" / "beleidsplan-2020-2025.txt"
PLAN_START = "Hieronder de nota hoe ze was"
COLUMNS = 6
TITLES = ["", "doelstelling", "regierol", "actorrol", "spreiding", "timing"]

_ITALIC_RE = re.compile(r"^<i>(.*)</i>$", re.DOTALL)
_TAG_RE = re.compile(r"</?i>")
# Where the paste joined the phrases of a role cell: a capital after a lower-case word.
_PHRASE_RE = re.compile(r"(?<=[a-zë)]) (?=[A-Z])")
_ZIE_RE = re.compile(r" (?=zie (?:ook )?SD)")
_HEADER_RE = re.compile(r"^doelstelling \d+$")


def seed_lines() -> tuple[list[str], list[str]]:
    """The seed's revision half and its plan half ("nota hoe ze was"), as lines."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(PLAN_START))
    return lines[:start + 1], lines[start + 1:]


def _cells(line: str) -> list[str]:
    cells = line.split("\t")
    return (cells + [""] * COLUMNS)[:COLUMNS]


def _is_rule(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(set(c.strip()) <= set("-") for c in filled)


def _is_header(cells: list[str]) -> bool:
    return not cells[0] and bool(_HEADER_RE.match(cells[1].strip()))


def fill(cell, text: str, *, column: int) -> None:
    """Write ``text`` into ``cell`` the way a coordinator types it in Word."""
    italic = bool(_ITALIC_RE.match(text.strip()))
    text = _TAG_RE.sub("", text).strip()
    if column == 1:
        paragraphs = [[part] for part in _ZIE_RE.split(text)]
    elif column in (2, 3):
        paragraphs = [_PHRASE_RE.split(text)]
    else:
        paragraphs = [[text]]
    first = True
    for lines in paragraphs:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.italic = italic or None
            if index < len(lines) - 1:
                run.add_break()  # <w:br/>: Shift+Enter


def mark_header(row) -> None:
    """Word's "repeat as header row at the top of each page"."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _add_row(table, cells: list[str]):
    row = table.add_row()
    for column, text in enumerate(cells):
        if text.strip():
            fill(row.cells[column], text, column=column)
    return row


def _merge(table, row, cells: list[str]) -> None:
    """Merge the cells a coordinator would merge in this row."""
    first = cells[0].strip()
    if re.match(r"^(<i>)?SD\d(</i>)?$", first) and not any(c.strip() for c in cells[2:]):
        row.cells[1].merge(row.cells[5])  # an SD's wording across the empty columns
    elif re.match(r"^(<i>)?SD\d OD\d", first) and cells[4].strip() and not cells[5].strip():
        row.cells[4].merge(row.cells[5])  # "alle gemeenten" across spreiding and timing


def seed_docx(layout: str = "per_sd") -> bytes:
    """The seed as a .docx in ``layout`` "per_sd" or "one_table" (see the docstring)."""
    revision, plan = seed_lines()
    document = Document()
    document.add_heading("Beleidsplan bovenlokale cultuurwerking 2020-2025", level=1)
    for line in revision:
        if line.strip():
            document.add_paragraph(" ".join(line.replace("\t", " ").split()))
    table = None
    header: list[str] | None = None
    previous_row = None
    previous_cells: list[str] | None = None
    rows_since_titles = 0
    if layout == "one_table":
        table = document.add_table(rows=0, cols=COLUMNS)
        titles = table.add_row()
        for column, text in enumerate(TITLES):
            titles.cells[column].text = text
        mark_header(titles)
    for line in plan:
        if not line.strip():
            continue
        cells = _cells(line)
        if _is_rule(cells):
            continue
        if "\t" not in line:
            # Loose text ("Actie 6: ..."): a paragraph between the tables, or a merged row.
            if layout == "one_table":
                row = table.add_row()
                row.cells[0].merge(row.cells[5])
                fill(row.cells[0], line, column=0)
            else:
                document.add_paragraph(line.strip())
                table = None
            previous_row = previous_cells = None
            continue
        if _is_header(cells):
            header = cells
            if layout == "per_sd":
                number = cells[1].split()[-1]
                document.add_heading(f"Doelstelling {number}", level=2)
                table = document.add_table(rows=0, cols=COLUMNS)
                mark_header(_add_row(table, cells))
                previous_row = previous_cells = None
                continue
        continuation = not cells[0].strip() and not _is_header(cells)
        if layout == "one_table":
            rows_since_titles += 1
            if rows_since_titles >= 15 and not continuation:
                # The column titles again, as pasted at the top of the next page.
                copy = table.add_row()
                for column, text in enumerate(TITLES):
                    copy.cells[column].text = text
                rows_since_titles = 0
            if continuation and header is not None and previous_row is not None:
                # The table broke across a page: its header is repeated before the rest.
                _add_row(table, header)
        if table is None:
            table = document.add_table(rows=0, cols=COLUMNS)
        row = _add_row(table, cells)
        _merge(table, row, cells)
        if (
            continuation
            and previous_row is not None
            and layout == "per_sd"
            and previous_cells[0] == "actie"
            and not cells[5].strip()
        ):
            # The action's timing cell runs down into its continuation row.
            previous_row.cells[5].merge(row.cells[5])
        if not continuation:
            previous_row, previous_cells = row, cells
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_of(*rows: list[str], header: list[str] | None = None, before=(), after=()) -> bytes:
    """A small .docx: paragraphs ``before``, one table (``header`` then ``rows``), and
    paragraphs ``after``."""
    document = Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=0, cols=COLUMNS)
    for cells in [header or ["", "doelstelling 1", "regierol", "actorrol", "spreiding", ""]]:
        row = table.add_row()
        for column, text in enumerate(cells):
            row.cells[column].text = text
    for cells in rows:
        row = table.add_row()
        for column, text in enumerate((list(cells) + [""] * COLUMNS)[:COLUMNS]):
            if text:
                row.cells[column].text = text
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

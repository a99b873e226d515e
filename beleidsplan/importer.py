"""Import the plan tables of a nota (a Word document saved as text) into a Beleidsplan.

The nota format, as in the seed's "nota hoe ze was" (docs/seed-import.md has the details):

- one table per strategic goal, starting at a header row whose second cell is
  "doelstelling N"; cells are separated by tabs;
- columns: code or "actie", text, regierol, actorrol, spreiding and sometimes a timing;
- an "SDn" row is a strategic goal, an "SDn ODm" row an operational goal under it, an
  "actie" row an action under the operational goal above it;
- a row whose first cell is empty continues the row above (the table broke across a page);
- "zie (ook) SD 4 OD 3" in an action's text links the action to that goal as well.

The source is hand-made, so the importer never drops a row silently: whatever it cannot use
as plan data, or uses in a way a coordinator should check, becomes a warning with the line
number. Goal codes in the database follow position (``Beleidsplan.refresh_codes``); the
labels in the file are only checked against them.

``import_nota`` is the one entry point (the management command ``importeer_nota``, the
admin's "Nota importeren" page and the tests call it). It reads and validates the whole file
before it writes anything, and it writes in one transaction.

A Word document (.docx) is read by ``beleidsplan.docx_reader`` into the same rows (the
format follows from the file's content, not its name); the same ``_Parser`` reads them.
Its warnings name the place as Word shows it ("tabel 3, rij 12") instead of a line number.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from acties.models import Actie, ActieActor
from actoren.models import Actor, Gemeente
from beleidsplan.models import Beleidsplan, Doelstelling
from cultuurregio import bulk

# Word's italics survive the paste as <i>...</i>, also around codes ("<i>SD4 OD1</i>").
_MARKUP_RE = re.compile(r"</?(?:i|b|u|em|strong)\s*>", re.IGNORECASE)
_SPACE_RE = re.compile(r"\s+")
_HEADER_RE = re.compile(r"^doelstelling\s+(\d+)$", re.IGNORECASE)
_SD_RE = re.compile(r"^SD\s*(\d+)$", re.IGNORECASE)
_OD_RE = re.compile(r"^SD\s*(\d+)\s*[-–]?\s*OD\s*(\d+)$", re.IGNORECASE)
# "Actie 6: ..." in the seed is a goal-to-be written as loose text, not an action row.
_NUMBERED_ACTIE_RE = re.compile(r"^actie\s*\d+\s*:", re.IGNORECASE)
# A table rule: cells of dashes ("--", "-----------------").
_RULE_CELL_RE = re.compile(r"^[-–—_=]+$")
_HEADER_WORDS = {"regierol", "actorrol", "spreiding"}
_REVISION_MARK = "➤"
# "zie ook SD 4 OD 3", "zie SD 5 OD 4 & SD4 OD 3", "zie SD 1 OD 2, SD 1 OD 4, ...":
# every goal code after the word "zie" in the same cell.
_ZIE_RE = re.compile(r"\bzie\b", re.IGNORECASE)
_REFERENCE_RE = re.compile(r"SD\s*(\d+)\s*[-–]?\s*OD\s*(\d+)", re.IGNORECASE)
_TIMING_RE = re.compile(r"^(\d{4})(?:\s*[-–]\s*(\d{4}))?$")
_ALLE_GEMEENTEN_RE = re.compile(r"^alle\s+gemeenten\W*$", re.IGNORECASE)

# Columns of a table row after the first (code) cell. The names are the model fields.
_GOAL_COLUMNS = {1: "formulering", 2: "regierol", 3: "actorrol", 4: "spreiding", 5: "timing"}
_ACTIE_COLUMNS = {1: "omschrijving", 2: "regierol", 3: "actorrol", 4: "spreiding", 5: "timing"}

_TIMING_MAX = Actie._meta.get_field("timing_tekst").max_length
_REASON_MAX = 100  # simple-history's history_change_reason is a CharField(100)


class NotaImportError(Exception):
    """The nota cannot be imported at all; nothing was written. The message is Dutch."""

    def __init__(self, message: str, *, errors: Sequence[str] = (), truncated: bool = False):
        self.message = message
        self.errors = list(errors)
        # The file looks cut off and the coordinator has not confirmed it is complete.
        self.truncated = truncated
        super().__init__("\n".join([message, *self.errors]))


@dataclass
class ImportWarning:
    """Something in the nota a coordinator should check. ``message`` is Dutch.

    ``line`` is the line number of a text nota; for a Word document it is the row's position
    in the reader's stream (it only orders the warnings) and ``place`` says where the row is
    as Word shows it ("tabel 3, rij 12").
    """

    line: int | None
    message: str
    end_line: int | None = None
    place: str | None = None
    #: The file looks cut off here: importing it needs the coordinator's confirmation
    #: (``import_nota(confirmed_complete=True)``).
    truncated: bool = False

    def __str__(self) -> str:
        if self.place:
            return _("%(place)s: %(message)s") % {"place": self.place, "message": self.message}
        if self.line is None:
            return self.message
        if self.end_line and self.end_line != self.line:
            return _("lines %(start)s-%(end)s: %(message)s") % {
                "start": self.line, "end": self.end_line, "message": self.message,
            }
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class _Row:
    """A goal or action as read from the table: its cells, possibly over several rows.

    Every piece of text keeps its line number, so that what is found in it later (a "zie
    ook" reference) can be reported on the line where it stands.
    """

    line: int
    parts: dict[str, list[tuple[int, str]]]

    def add(self, column: str, line: int, text: str) -> None:
        self.parts.setdefault(column, []).append((line, text))

    def text(self, column: str) -> str:
        return " ".join(text for _line, text in self.parts.get(column, []))


@dataclass(eq=False)
class ParsedGoal(_Row):
    line: int
    label: str
    code: str
    parent: ParsedGoal | None = None
    parts: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    children: list[ParsedGoal] = field(default_factory=list)
    acties: list[ParsedActie] = field(default_factory=list)
    instance: Doelstelling | None = None

    @property
    def formulering(self) -> str:
        return self.text("formulering")

    @property
    def spreiding(self) -> str:
        return self.text("spreiding")

    @property
    def werknotitie(self) -> str:
        return "\n".join(self.notes)


@dataclass(eq=False)
class ParsedActie(_Row):
    line: int
    goal: ParsedGoal
    volgorde: int
    parts: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # Filled in when the whole file has been read (``_finish_actie``).
    van_jaar: int | None = None
    tot_jaar: int | None = None
    timing_tekst: str = ""
    alle_gemeenten: bool = True
    gemeenten: list[Gemeente] = field(default_factory=list)
    zie_ook: list[ParsedGoal] = field(default_factory=list)

    @property
    def omschrijving(self) -> str:
        return self.text("omschrijving")

    @property
    def regierol(self) -> str:
        return self.text("regierol")

    @property
    def actorrol(self) -> str:
        return self.text("actorrol")

    @property
    def spreiding_toelichting(self) -> str:
        return self.text("spreiding")


@dataclass
class ParsedNota:
    goals: list[ParsedGoal]
    warnings: list[ImportWarning]
    errors: list[str]

    @property
    def truncation(self) -> list[ImportWarning]:
        return [warning for warning in self.warnings if warning.truncated]

    @property
    def operationele(self) -> list[ParsedGoal]:
        return [od for sd in self.goals for od in sd.children]

    @property
    def acties(self) -> list[ParsedActie]:
        return [actie for od in self.operationele for actie in od.acties]


@dataclass
class ImportReport:
    """What an import created (or, in a dry run, would create), and what to check."""

    plan: Beleidsplan
    dry_run: bool
    goals: list[ParsedGoal]
    sd_count: int
    od_count: int
    actie_count: int
    zie_ook_count: int
    actor_link_count: int
    warnings: list[ImportWarning]

    @property
    def truncation(self) -> list[ImportWarning]:
        """The warnings that say the file looks cut off (the coordinator must confirm)."""
        return [warning for warning in self.warnings if warning.truncated]


@dataclass
class NotaRow:
    """One row of a nota read from a document with real tables (``docx_reader``).

    ``place`` names it as Word shows it ("tabel 3, rij 12"); ``cells`` are plain text, line
    breaks inside a cell kept. A row with a ``warning`` carries no cells: it is something
    the reader noticed at that place (a nested table, a heading that was not imported).
    """

    place: str
    cells: list[str] = field(default_factory=list)
    warning: str = ""


@dataclass
class NotaTables:
    """The plan tables of a Word document, as rows in document order, and its name."""

    source: str
    rows: list[NotaRow]


@dataclass
class NotaText:
    """A nota saved as text, and its name."""

    source: str
    text: str


def clean_cell(raw: str) -> str:
    """Plain text of a cell: markup removed, whitespace runs collapsed, ends stripped."""
    return _SPACE_RE.sub(" ", _MARKUP_RE.sub("", raw)).strip()


def _snippet(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _is_rule(cells: list[str]) -> bool:
    filled = [cell for cell in cells if cell]
    return bool(filled) and all(_RULE_CELL_RE.match(cell) for cell in filled)


def _is_header(cells: list[str]) -> re.Match | None:
    if len(cells) < 2 or cells[0]:
        return None
    return _HEADER_RE.match(cells[1])


def _looks_like_header(cells: list[str]) -> bool:
    return any(cell.lower() in _HEADER_WORDS for cell in cells[2:])


def read_nota(
    path_or_text: str | bytes | os.PathLike, *, name: str | None = None
) -> tuple[str, str]:
    """The nota's text and a name for it (the file name, or "tekst").

    A ``Path`` (or any path-like) and a ``str`` without a line break are read as a file;
    a ``str`` with line breaks is the text itself; ``bytes`` are the file's content, named
    ``name`` when given (an upload's file name).
    Raises ``NotaImportError`` for a missing file and for content that is not UTF-8 text.
    """
    if isinstance(path_or_text, str) and "\n" in path_or_text:
        data: bytes | str = path_or_text
        name = name or _("the given text")
    elif isinstance(path_or_text, bytes):
        data = path_or_text
        name = name or _("the given text")
    else:
        path = Path(path_or_text)
        name = path.name
        if not path.is_file():
            raise NotaImportError(
                _("The file %(path)s does not exist (or is not a file).") % {"path": path}
            )
        data = path.read_bytes()
    if isinstance(data, bytes):
        if b"\x00" in data:
            raise NotaImportError(_not_text_message(name))
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise NotaImportError(
                _(
                    "%(name)s is not UTF-8 text (unreadable byte at position %(position)s). "
                    "Save the nota as plain text with UTF-8 encoding and try again."
                ) % {"name": name, "position": exc.start}
            ) from None
    if "\x00" in data:
        raise NotaImportError(_not_text_message(name))
    return data, name


def _not_text_message(name: str) -> str:
    return _(
        "%(name)s is not a text file (it contains binary data). Save the nota as plain "
        "text with UTF-8 encoding and try again."
    ) % {"name": name}


# The first bytes of a zip archive (.docx, .xlsx, .odt) and of an OLE compound file (the old
# .doc, and every password-protected Office file, .docx included).
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def load_nota(
    path_or_text: str | bytes | os.PathLike | NotaText | NotaTables, *, name: str | None = None
) -> NotaText | NotaTables:
    """The nota, read: its text, or for a Word document its table rows.

    The format follows from the content (a zip with ``word/document.xml`` is a .docx; an
    OLE file is an old .doc or a protected file, refused with a message saying what to do),
    never from the file name. ``name`` names ``bytes`` in messages (an upload's file name).
    Raises ``NotaImportError``.
    """
    if isinstance(path_or_text, NotaText | NotaTables):
        return path_or_text
    data: bytes | None = None
    if isinstance(path_or_text, bytes):
        data = path_or_text
    elif not (isinstance(path_or_text, str) and "\n" in path_or_text):
        path = Path(path_or_text)
        if path.is_file():
            with path.open("rb") as file:
                head = file.read(len(_OLE_MAGIC))
            if head.startswith(_ZIP_MAGIC) or head == _OLE_MAGIC:
                data, name = path.read_bytes(), path.name
    if data is not None and (data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC)):
        from .docx_reader import read_docx

        return read_docx(data, name=name)
    text, source = read_nota(path_or_text, name=name)
    return NotaText(source=source, text=text)


def parse_rows(
    rows: Sequence[NotaRow],
    *,
    gemeenten: Iterable[Gemeente] = (),
    periode: tuple[int, int] | None = None,
) -> ParsedNota:
    """Read the rows of a Word document's plan tables (``docx_reader``) with the same rules
    as ``parse_nota``; no queries. The warnings name each row's place."""
    parser = _Parser(
        gemeenten=list(gemeenten), periode=periode, places=[row.place for row in rows]
    )
    for number, row in enumerate(rows, start=1):
        if row.warning:
            parser.warn(number, row.warning)
        else:
            parser.feed(number, row.cells)
    return parser.finish()


def parse_nota(
    text: str,
    *,
    gemeenten: Iterable[Gemeente] = (),
    periode: tuple[int, int] | None = None,
) -> ParsedNota:
    """Read the plan tables of ``text`` without touching the database.

    ``gemeenten`` are the municipalities an action's spreiding cell may name; ``periode``
    (start and end year) is the plan period the timing must fall in. Linear in the number
    of lines. Raises ``NotaImportError`` when the text holds no plan table.
    """
    lines = text.split("\n")
    rows = [[clean_cell(cell) for cell in line.rstrip("\r").split("\t")] for line in lines]
    first = next((i for i, cells in enumerate(rows) if _is_header(cells)), None)
    if first is None:
        raise NotaImportError(
            _(
                "No plan table found. A table starts with a row whose second column "
                "reads “doelstelling 1”, followed by rows for SD, OD and actie."
            )
        )
    parser = _Parser(gemeenten=list(gemeenten), periode=periode)
    if any(any(cells) for cells in rows[:first]):
        # One warning for the whole stretch: in the seed it is the revision half, which
        # is text about the plan, not the plan's table.
        parser.warnings.append(
            ImportWarning(
                1,
                _(
                    "Not imported: this text stands before the first plan table (the row "
                    "with “doelstelling” in its second column)."
                ),
                end_line=first,
            )
        )
    for index in range(first, len(rows)):
        parser.feed(index + 1, rows[index])
    if text and not text.endswith(("\n", "\r")) and any(rows[-1]) and len(rows) > first + 1:
        # Word and every editor end a saved text with a line break; a copy that stopped
        # while it was written (a full disk, an interrupted download) ends in the middle.
        parser.warn(len(rows), _(
            "Cut off? The file ends without a line break, in the middle of this row: it may "
            "have been cut off there. Check that the last row is complete."
        ), truncated=True)
    return parser.finish()


class _Parser:
    """The state of one pass over the table rows (see ``parse_nota``)."""

    def __init__(
        self,
        *,
        gemeenten: list[Gemeente],
        periode: tuple[int, int] | None,
        places: Sequence[str] | None = None,
    ):
        self.gemeenten = gemeenten
        self.periode = periode
        # A Word document's rows are named by place ("tabel 3, rij 12"), indexed by line - 1;
        # a text nota's by line number (None).
        self.places = places
        self.goals: list[ParsedGoal] = []
        self.by_code: dict[str, ParsedGoal] = {}
        self.labels: dict[str, int] = {}
        self.warnings: list[ImportWarning] = []
        self.errors: list[str] = []
        self.header_number: int | None = None
        self.current_od: ParsedGoal | None = None
        # The goal or action the next continuation row belongs to.
        self.last: ParsedGoal | ParsedActie | None = None

    def place(self, line: int | None) -> str | None:
        if self.places is None or line is None:
            return None
        return self.places[line - 1]

    def warn(self, line: int | None, message: str, *, truncated: bool = False) -> None:
        self.warnings.append(
            ImportWarning(line, message, place=self.place(line), truncated=truncated)
        )

    def error(self, line: int, message: str) -> None:
        if place := self.place(line):
            self.errors.append(
                _("%(place)s: %(message)s") % {"place": place, "message": message}
            )
        else:
            self.errors.append(
                _("line %(line)s: %(message)s") % {"line": line, "message": message}
            )

    # Rows ------------------------------------------------------------------------------

    def feed(self, line: int, cells: list[str]) -> None:
        if not any(cells) or _is_rule(cells):
            return
        header = _is_header(cells)
        if header:
            self.header_number = int(header.group(1))
            self.last = None
            return
        code_cell = cells[0]
        if not code_cell:
            if _looks_like_header(cells):
                self.warn(line, _(
                    "Not imported: this looks like a table header, but its second column "
                    "is not “doelstelling” with a number: “%(text)s”."
                ) % {"text": _snippet(" | ".join(c for c in cells if c))})
            else:
                self.continue_row(line, cells)
            return
        if match := _OD_RE.match(code_cell):
            self.od_row(line, cells, code_cell, match)
        elif match := _SD_RE.match(code_cell):
            self.sd_row(line, cells, code_cell, match)
        elif code_cell.lower() == "actie":
            self.actie_row(line, cells)
        elif _NUMBERED_ACTIE_RE.match(code_cell):
            self.warn(line, _(
                "“%(text)s” was not imported as an action: it stands outside the table "
                "rows, without regierol or actorrol, and it describes a goal rather than an "
                "action of an operational goal. Add it by hand as a goal or an action if it "
                "belongs in the plan."
            ) % {"text": _snippet(" ".join(c for c in cells if c))})
        else:
            self.warn(line, _(
                "Not imported: this line is not a row of the plan table: “%(text)s”."
            ) % {"text": _snippet(" ".join(c for c in cells if c))})

    def sd_row(self, line: int, cells: list[str], label: str, match: re.Match) -> None:
        position = len(self.goals) + 1
        goal = ParsedGoal(line=line, label=label, code=f"SD{position}")
        self.check_label(line, label, f"SD{int(match.group(1))}", goal.code)
        if self.header_number is not None and self.header_number != position:
            self.warn(line, _(
                "The table header says “doelstelling %(number)s”, but this is strategic "
                "goal %(position)s of the plan."
            ) % {"number": self.header_number, "position": position})
        self.goals.append(goal)
        self.by_code[goal.code] = goal
        self.current_od = None
        self.fill_goal(goal, line, cells)
        self.last = goal

    def od_row(self, line: int, cells: list[str], label: str, match: re.Match) -> None:
        if not self.goals:
            self.error(line, _(
                "An operational goal (OD) must come after a strategic goal (SD)."
            ))
            self.last = None
            return
        sd = self.goals[-1]
        goal = ParsedGoal(
            line=line, label=label, code=f"{sd.code}-OD{len(sd.children) + 1}", parent=sd
        )
        self.check_label(
            line, label, f"SD{int(match.group(1))}-OD{int(match.group(2))}", goal.code
        )
        sd.children.append(goal)
        self.by_code[goal.code] = goal
        self.current_od = goal
        self.fill_goal(goal, line, cells)
        self.last = goal

    def check_label(self, line: int, label: str, normalised: str, code: str) -> None:
        if normalised != code:
            self.warn(line, _(
                "The row is labelled “%(label)s”, but by its place in the table it is "
                "%(code)s. It was kept in its place, as %(code)s."
            ) % {"label": label, "code": code})
        if normalised in self.labels and self.places is not None:
            self.warn(line, _(
                "The label “%(label)s” was already used in %(place)s."
            ) % {"label": label, "place": self.place(self.labels[normalised])})
        elif normalised in self.labels:
            self.warn(line, _(
                "The label “%(label)s” was already used on line %(line)s."
            ) % {"label": label, "line": self.labels[normalised]})
        else:
            self.labels[normalised] = line

    def fill_goal(self, goal: ParsedGoal, line: int, cells: list[str]) -> None:
        for index, cell in enumerate(cells[1:], start=1):
            if cell := self.take_notes(goal, line, cell):
                self.add_to_goal(goal, index, line, cell)

    def take_notes(self, goal: ParsedGoal, line: int, cell: str) -> str:
        """Keep the cell's revision notes (lines starting with ➤, as "➤ SD 2 OD1 > =
        aanbod") in ``goal``'s coordinator's note, with a warning; return the rest of the
        cell.

        A text nota's cell is one line; a Word cell may hold the note below the wording.
        """
        if _REVISION_MARK not in cell:
            return cell
        rest = []
        for part in cell.split("\n"):
            if part.startswith(_REVISION_MARK):
                # A revision proposal pasted under the goal: it is not part of the wording,
                # but it must not be lost either.
                goal.notes.append(part)
                self.warn(line, _(
                    "Revision note “%(text)s” was not added to the wording; it was kept in "
                    "the coordinator's note of %(code)s (not shown on the site)."
                ) % {"text": _snippet(part), "code": goal.code})
            else:
                rest.append(part)
        return "\n".join(rest)

    def add_to_goal(self, goal: ParsedGoal, index: int, line: int, text: str) -> str | None:
        """Put a cell's text in the goal; return the field it went to (None: not kept)."""
        column = _GOAL_COLUMNS.get(index)
        if column in ("formulering", "spreiding"):
            goal.add(column, line, text)
            return column
        if column is None:
            self.extra_cell(line, index, text)
            return None
        if text == "-":
            self.warn(line, _(
                "A goal has no %(column)s; the “-” in that column was ignored."
            ) % {"column": column})
            return None
        # A goal has no regierol, actorrol or timing of its own; keep the text where the
        # coordinator will see it, and readers will not.
        goal.notes.append(f"{column}: {text}")
        self.warn(line, _(
            "A goal has no %(column)s; the text “%(text)s” was kept in the coordinator's "
            "note of %(code)s (not shown on the site)."
        ) % {"column": column, "text": _snippet(text), "code": goal.code})
        return "werknotitie"

    def extra_cell(self, line: int, index: int, text: str) -> None:
        self.warn(line, _(
            "Column %(number)s is not part of the plan table; its text “%(text)s” was not "
            "imported."
        ) % {"number": index + 1, "text": _snippet(text)})

    def actie_row(self, line: int, cells: list[str]) -> None:
        od = self.current_od
        if od is None:
            self.error(line, _("An action must come after an operational goal (OD)."))
            self.last = None
            return
        actie = ParsedActie(line=line, goal=od, volgorde=len(od.acties) + 1)
        od.acties.append(actie)
        for index, cell in enumerate(cells[1:], start=1):
            if cell := self.take_notes(od, line, cell):
                self.add_to_actie(actie, index, line, cell)
        self.last = actie

    def add_to_actie(self, actie: ParsedActie, index: int, line: int, text: str) -> str | None:
        """Put a cell's text in the action; return the field it went to (None: not kept)."""
        column = _ACTIE_COLUMNS.get(index)
        if column is None:
            self.extra_cell(line, index, text)
        else:
            actie.add(column, line, text)
        return column

    def continue_row(self, line: int, cells: list[str]) -> None:
        target = self.last
        if target is None:
            self.warn(line, _(
                "Not imported: this row continues no goal or action (there is none above "
                "it in this table): “%(text)s”."
            ) % {"text": _snippet(" ".join(c for c in cells if c))})
            return
        goal = target if isinstance(target, ParsedGoal) else target.goal
        columns = []
        for index, cell in enumerate(cells[1:], start=1):
            if not (cell := self.take_notes(goal, line, cell)):
                continue
            if isinstance(target, ParsedGoal):
                columns.append(self.add_to_goal(target, index, line, cell))
            else:
                columns.append(self.add_to_actie(target, index, line, cell))
        columns = [column for column in columns if column]
        if columns and self.places is not None:
            self.warn(line, _(
                "Continuation of the row in %(place)s (the table broke across a page): "
                "added to its %(columns)s."
            ) % {"place": self.place(target.line), "columns": ", ".join(dict.fromkeys(columns))})
        elif columns:
            self.warn(line, _(
                "Continuation of the row on line %(line)s (the table broke across a page): "
                "added to its %(columns)s."
            ) % {"line": target.line, "columns": ", ".join(dict.fromkeys(columns))})

    # After the last row ----------------------------------------------------------------

    def finish(self) -> ParsedNota:
        for sd in self.goals:
            self.finish_goal(sd)
            for od in sd.children:
                self.finish_goal(od)
                if not od.acties:
                    self.warn(od.line, _("%(code)s has no actions.") % {"code": od.code})
                for actie in od.acties:
                    self.finish_actie(actie)
        self.check_end()
        self.warnings.sort(key=lambda warning: warning.line or 0)
        return ParsedNota(goals=self.goals, warnings=self.warnings, errors=self.errors)

    def check_end(self) -> None:
        """Warn (``truncated``) when the tables stop where a plan cannot end: in an SD
        without ODs, an OD without actions, or an action row without its regierol or
        actorrol. Anywhere else these are ordinary warnings; at the very end they are
        what a file cut off in the middle looks like."""
        if not self.goals:
            return
        sd = self.goals[-1]
        if not sd.children:
            self.warn(sd.line, _(
                "Cut off? The tables stop after %(code)s, which has no operational goals: "
                "the file may have been cut off in the middle of this SD."
            ) % {"code": sd.code}, truncated=True)
            return
        od = sd.children[-1]
        if not od.acties:
            self.warn(od.line, _(
                "Cut off? The tables stop after %(code)s, which has no actions: the file "
                "may have been cut off in the middle of %(sd)s."
            ) % {"code": od.code, "sd": sd.code}, truncated=True)
            return
        actie = od.acties[-1]
        missing = [column for column in ("regierol", "actorrol") if not actie.text(column)]
        if missing and self.last is actie:
            self.warn(actie.line, _(
                "Cut off? The last row of the tables has no %(columns)s: the file may have "
                "been cut off in the middle of this row."
            ) % {"columns": _(" and ").join(missing)}, truncated=True)

    def finish_goal(self, goal: ParsedGoal) -> None:
        if not goal.formulering:
            self.warn(goal.line, _("%(code)s has no wording.") % {"code": goal.code})

    def finish_actie(self, actie: ParsedActie) -> None:
        line = actie.line
        if not actie.omschrijving:
            self.warn(line, _("The action has no description (omschrijving)."))
        if not actie.regierol:
            self.warn(line, _("The action has no regierol (the column is empty)."))
        if not actie.actorrol:
            self.warn(line, _("The action has no actorrol (the column is empty)."))
        self.finish_timing(actie)
        self.finish_spreiding(actie)
        self.resolve_references(actie)

    def finish_timing(self, actie: ParsedActie) -> None:
        text = actie.text("timing")
        if not text:
            return
        if len(text) > _TIMING_MAX:
            self.warn(actie.line, _(
                "Timing “%(text)s” is longer than %(max)s characters; it was shortened."
            ) % {"text": _snippet(text), "max": _TIMING_MAX})
        actie.timing_tekst = text[:_TIMING_MAX]
        match = _TIMING_RE.match(text)
        if not match:
            self.warn(actie.line, _(
                "Timing “%(text)s” is not a year or a range of years (e.g. “2020 - 2021”); "
                "it was kept as text only."
            ) % {"text": _snippet(text)})
            return
        start = int(match.group(1))
        end = int(match.group(2) or start)
        if end < start:
            self.warn(actie.line, _(
                "Timing “%(text)s” ends before it starts; it was kept as text only."
            ) % {"text": text})
            return
        if self.periode and not (
            self.periode[0] <= start and end <= self.periode[1]
        ):
            self.warn(actie.line, _(
                "Timing “%(text)s” lies outside the plan period %(start)s-%(end)s; it was "
                "kept as text only."
            ) % {"text": text, "start": self.periode[0], "end": self.periode[1]})
            return
        actie.van_jaar, actie.tot_jaar = start, end

    def finish_spreiding(self, actie: ParsedActie) -> None:
        text = actie.spreiding_toelichting
        if not text or _ALLE_GEMEENTEN_RE.match(text):
            actie.alle_gemeenten = True
            return
        named = [gemeente for gemeente in self.gemeenten if _mentions(text, [gemeente.naam])]
        if named:
            actie.alle_gemeenten = False
            actie.gemeenten = named
        else:
            self.warn(actie.line, _(
                "Spreiding “%(text)s” names no known municipality; the action stays meant "
                "for all municipalities and the text was kept as a note."
            ) % {"text": _snippet(text)})

    def resolve_references(self, actie: ParsedActie) -> None:
        for column in ("omschrijving", "regierol"):
            for line, text in actie.parts.get(column, []):
                zie = _ZIE_RE.search(text)
                if not zie:
                    continue
                for match in _REFERENCE_RE.finditer(text, zie.end()):
                    code = f"SD{int(match.group(1))}-OD{int(match.group(2))}"
                    goal = self.by_code.get(code)
                    if goal is None:
                        self.warn(line, _(
                            "“%(reference)s” refers to %(code)s, which does not exist in "
                            "this plan; no link was made."
                        ) % {"reference": match.group(0), "code": code})
                    elif goal is actie.goal:
                        self.warn(line, _(
                            "“%(reference)s” refers to the action's own goal %(code)s; no "
                            "link was made."
                        ) % {"reference": match.group(0), "code": code})
                    elif goal not in actie.zie_ook:
                        actie.zie_ook.append(goal)


def _pattern(names: Iterable[str]) -> re.Pattern | None:
    """One case-insensitive pattern for any of ``names`` as whole words."""
    alternatives = [
        r"\s+".join(re.escape(word) for word in name.split())
        for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    ]
    if not alternatives:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def _normalise_quotes(text: str) -> str:
    # Word turns 'de Rand' into ‘de Rand’; match either.
    return text.replace("‘", "'").replace("’", "'")


def _mentions(text: str, names: Iterable[str]) -> bool:
    pattern = _pattern(_normalise_quotes(name) for name in names)
    return bool(pattern and pattern.search(_normalise_quotes(text)))


def actor_names(actor: Actor) -> list[str]:
    """The actor's name and its other spellings (one per line in ``aliassen``)."""
    return [actor.naam, *(line.strip() for line in actor.aliassen.splitlines())]


def match_actors(
    acties: Iterable[ParsedActie], actors: Iterable[Actor]
) -> list[tuple[ParsedActie, Actor]]:
    """Pairs of action and actor whose name or other spelling occurs, as whole words and in
    any case, in the action's omschrijving, regierol or actorrol. No queries; linear in
    actions times actors."""
    patterns = []
    for actor in actors:
        pattern = _pattern(_normalise_quotes(name) for name in actor_names(actor))
        if pattern:
            patterns.append((actor, pattern))
    pairs = []
    for actie in acties:
        text = _normalise_quotes(" ".join([actie.omschrijving, actie.regierol, actie.actorrol]))
        pairs.extend((actie, actor) for actor, pattern in patterns if pattern.search(text))
    return pairs


@transaction.atomic
def import_nota(
    *,
    path_or_text: str | bytes | os.PathLike | NotaText | NotaTables,
    plan: Beleidsplan,
    dry_run: bool = False,
    user=None,
    confirmed_complete: bool = False,
) -> ImportReport:
    """Import the plan tables of a nota into ``plan``, which must have no goals yet.

    ``path_or_text`` is a file (text or .docx, told apart by content), the text itself, the
    file's bytes, or a nota already read by ``load_nota``.

    ``plan`` may be unsaved: it is then validated and saved with the import (not in a dry
    run). The whole file is read and checked before anything is written, and the import is
    one transaction. A dry run only reads (the file, the municipalities and the actors) and
    reports what it would create. Every write is audited with ``user`` and the file name as
    reason. Raises ``NotaImportError`` (Dutch message) when the file cannot be imported,
    and when it looks cut off (``ImportReport.truncation``) unless ``confirmed_complete``:
    the coordinator saw those warnings and says the file is complete. A dry run reports them.

    Cost: a handful of queries per goal, action and link (mptt insert, code refresh, audit
    record): about 800 for the seed (31 goals, 79 actions, 100 links), well under a second
    on SQLite. A dry run costs a few queries (the plan, the municipalities, the actors).
    """
    nota = load_nota(path_or_text)
    source = nota.source
    if plan.pk is None:
        try:
            plan.full_clean()
        except ValidationError as exc:
            raise NotaImportError(
                _("The policy plan is not valid: %(errors)s")
                % {"errors": " ".join(exc.messages)}
            ) from None
    elif plan.doelstellingen.exists():
        raise NotaImportError(
            _(
                "The policy plan “%(plan)s” already has goals; importing the nota again "
                "would duplicate them. Import into a new plan."
            ) % {"plan": plan}
        )
    if isinstance(nota, NotaTables):
        parsed = parse_rows(
            nota.rows, gemeenten=Gemeente.objects.all(), periode=(plan.van_jaar, plan.tot_jaar)
        )
    else:
        parsed = parse_nota(
            nota.text,
            gemeenten=Gemeente.objects.all(),
            periode=(plan.van_jaar, plan.tot_jaar),
        )
    if parsed.errors:
        raise NotaImportError(
            _("The nota was not imported; nothing was saved:"), errors=parsed.errors
        )
    links = match_actors(parsed.acties, Actor.objects.filter(actief=True))
    report = ImportReport(
        plan=plan,
        dry_run=dry_run,
        goals=parsed.goals,
        sd_count=len(parsed.goals),
        od_count=len(parsed.operationele),
        actie_count=len(parsed.acties),
        zie_ook_count=sum(len(actie.zie_ook) for actie in parsed.acties),
        actor_link_count=len(links),
        warnings=parsed.warnings,
    )
    if dry_run:
        return report
    if report.truncation and not confirmed_complete:
        raise NotaImportError(
            _(
                "The nota looks cut off; nothing was saved. Check the file at these places; "
                "if it is complete, confirm that and import again:"
            ),
            errors=[str(warning) for warning in report.truncation],
            truncated=True,
        )

    reason = (_("Imported from %(source)s") % {"source": source})[:_REASON_MAX]

    def audited(obj):
        obj._change_reason = reason
        if user is not None:
            obj._history_user = user
        return obj

    if plan.pk is None:
        audited(plan).save()
    with bulk.many_rows():  # the plans' stamps once, not once per goal and action
        _write(parsed, plan, links, audited)
    return report


def _write(parsed: ParsedNota, plan: Beleidsplan, links, audited) -> None:
    """Save the parsed goals, actions, their links and actors, in file order."""
    # Goals one by one, in file order: mptt places each as the last root or last child,
    # and the post_save signal gives it its position code.
    for sd in parsed.goals:
        sd.instance = _save_goal(audited, plan, sd, parent=None)
        for od in sd.children:
            od.instance = _save_goal(audited, plan, od, parent=sd.instance)
    acties: dict[int, Actie] = {}
    for parsed_actie in parsed.acties:
        actie = audited(
            Actie(
                doelstelling=parsed_actie.goal.instance,
                volgorde=parsed_actie.volgorde,
                omschrijving=parsed_actie.omschrijving,
                regierol=parsed_actie.regierol,
                actorrol=parsed_actie.actorrol,
                alle_gemeenten=parsed_actie.alle_gemeenten,
                spreiding_toelichting=parsed_actie.spreiding_toelichting,
                van_jaar=parsed_actie.van_jaar,
                tot_jaar=parsed_actie.tot_jaar,
                timing_tekst=parsed_actie.timing_tekst,
            )
        )
        actie.save()
        # The "zie ook" links are resolved only now that every goal exists.
        if parsed_actie.gemeenten:
            actie.gemeenten.set(parsed_actie.gemeenten)
        if parsed_actie.zie_ook:
            actie.zie_ook.set([goal.instance for goal in parsed_actie.zie_ook])
        acties[id(parsed_actie)] = actie
    for parsed_actie, actor in links:
        audited(
            ActieActor(actie=acties[id(parsed_actie)], actor=actor, rol=ActieActor.Rol.PARTNER)
        ).save()


def _save_goal(audited, plan: Beleidsplan, goal: ParsedGoal, *, parent) -> Doelstelling:
    instance = audited(
        Doelstelling(
            plan=plan,
            parent=parent,
            formulering=goal.formulering,
            spreiding=goal.spreiding,
            werknotitie=goal.werknotitie,
        )
    )
    instance.save()
    return instance

"""Read the plan tables of a Word document (.docx) into the rows the nota parser reads.

``read_docx`` turns the tables into ``NotaRow``s, each named by its place as Word shows it
("tabel 3, rij 12", both counted from 1), so that ``beleidsplan.importer`` applies the very
rules of the text import to them (all or nothing, a warning for every anomaly, never a
dropped row). What it does with Word's own ways:

- Tables: one per SD or one for the whole plan, in any mix. The plan starts at the first
  table with a plan row (SD, OD or actie in the first column) or a header row; a table
  before it is skipped with a warning, every table after it is read.
- Header rows: a row "doelstelling N" in the second column is passed on (the parser checks
  the SD number); a row of column titles ("doelstelling | regierol | actorrol | ...") is
  skipped; a header row repeated further down the same table (copied onto each page) is
  skipped silently. Word's own "repeat as header row" is one row in the file anyway.
- Merged cells: a cell's text counts once, in the first column and row it covers
  (python-docx would hand the same cell back for every grid column it spans). A cell
  merged down into a row that continues the row above (empty first cell) belongs to that
  row; merged down into a new action or goal, its text is given to that row too, with a
  warning (a regierol shared by two actions is each action's regierol).
- Text: paragraphs of a cell are joined by line breaks, and Word's line breaks (Shift+Enter:
  ``<w:br/>``, a vertical tab in Word's own text) are kept as line breaks. Formatting
  (italic OD wordings) is dropped: plain text. Tracked changes count as accepted
  (insertions kept, deletions left out). Text boxes and field codes are left out.
- Revision notes: a line starting with "➤", or a paragraph whose list bullet is an arrow
  (as the seed's notes were), reaches the parser as "➤ ..." and is kept in the goal's
  coordinator's note (werknotitie, admin only), never in a wording or the explanation.
- Outside the tables: text is not plan data and is ignored, except
  - a heading that names an SD ("Strategische doelstelling 2", "SD 2: ..."): it works as a
    table's "doelstelling N" header (the SD that follows is checked against its number, and
    a row after it does not continue the table before it); its further text is not
    imported, with a warning (a short title is for the goal's tagline, by hand);
  - a paragraph "Actie N: ..." after the first plan table (the seed's goal-to-be): passed
    on, so that it gets the text import's warning.
- A table inside a cell is not read, with a warning.

Files that are not a readable .docx (another zip, a damaged one, an old .doc, a
password-protected document: Office encrypts those into an OLE file, the old .doc's
container) are refused with a Dutch ``NotaImportError`` that says what to do.
Cost: linear in the document's size; python-docx parses the XML once.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.utils.translation import gettext as _

from .importer import (
    _HEADER_WORDS,
    _NUMBERED_ACTIE_RE,
    _OD_RE,
    _REVISION_MARK,
    _SD_RE,
    NotaImportError,
    NotaRow,
    NotaTables,
    _is_header,
    _snippet,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_TBL, _TR, _TC, _P = f"{_W}tbl", f"{_W}tr", f"{_W}tc", f"{_W}p"
_T, _TAB, _PTAB, _BR, _CR = f"{_W}t", f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"
_NO_BREAK_HYPHEN, _SYM = f"{_W}noBreakHyphen", f"{_W}sym"
# Wrappers Word puts around paragraphs, rows or cells (content controls, custom XML): read
# through them.
_WRAPPERS = {f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml", f"{_W}smartTag"}
# Never text of the document as it reads: deleted (tracked) text, field codes, text boxes
# (and their fallback copies), properties.
_SKIP = {
    f"{_W}del", f"{_W}moveFrom", f"{_W}delText", f"{_W}instrText", f"{_W}txbxContent",
    f"{_MC}Fallback", f"{_W}pPr", f"{_W}rPr", f"{_W}tcPr", f"{_W}trPr", f"{_W}tblPr",
}
# Arrow glyphs that mark a revision note: as text, and as Word stores an arrow bullet or
# symbol in the Wingdings font (private-use code points, or the Latin-1 letters the font
# draws as arrows).
_ARROWS = {"➤", "➢", "➣", "►", "▶", "→", "⇒", "⮚"}
_WINGDINGS_ARROWS = {"\uf0d8", "\uf0e0", "\uf0e8", "\uf0f0", "Ø", "à", "è", "ð", "Ü"}
_LINE_BREAKS_RE = re.compile(r"\r\n|[\r\x0b\x0c\u2028\u2029]")
_INLINE_SPACE_RE = re.compile(r"[^\S\n]+")
# A heading naming an SD: "SD 2", "Strategische doelstelling 2: ...", "Doelstelling 2", but
# not an OD ("SD2 OD1").
_SD_HEADING_RE = re.compile(
    r"^(?:SD|(?:strategische\s+)?doelstelling)\s*(\d+)\b(?!\s*[-–]?\s*OD)\s*[:.\-–]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_HEADING_STYLES = ("heading", "kop", "title", "titel")
# First cells and second cells of a row of column titles.
_COLUMN_TITLES = {
    "", "code", "nr", "nummer", "doelstelling", "doelstellingen", "omschrijving",
    "formulering", "tekst", "actie", "acties", "doelstelling/actie", "doelstelling / actie",
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def read_docx(data: bytes, *, name: str) -> NotaTables:
    """The plan-table rows of the .docx ``data`` (``name`` for messages).

    Raises ``NotaImportError`` (Dutch) for anything that is not a readable Word document
    with at least one plan table.
    """
    document = _open(data, name)
    body = document.element.body
    reader = _Reader(document)
    for block in _blocks(body):
        if block.tag == _TBL:
            reader.table(block)
        else:
            reader.paragraph(block)
    if not reader.started:
        raise NotaImportError(
            _(
                "No plan table found in %(name)s (tables in the document: %(count)s). A plan "
                "table has rows with SD, OD or actie in its first column, as in “SD1 | "
                "wording | regierol | actorrol | spreiding”. Text outside tables is not read."
            ) % {"name": name, "count": reader.table_number}
        )
    return NotaTables(source=name, rows=reader.rows)


# The file ------------------------------------------------------------------------------------


def _open(data: bytes, name: str):
    from docx import Document

    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotaImportError(_ole_message(data, name))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise NotaImportError(_damaged_message(name)) from None
    if "word/document.xml" not in names:
        if mimetype.startswith(_ODT_MIMETYPE):
            raise NotaImportError(
                _(
                    "%(name)s is an OpenDocument text (.odt), not a Word document. Save the "
                    "nota as a Word document (.docx) and try again."
                ) % {"name": name}
            )
        raise NotaImportError(
            _(
                "%(name)s is not a text file and not a Word document (.docx): it is a zip "
                "archive without word/document.xml (perhaps an Excel or PowerPoint file). "
                "Save the nota as a Word document (.docx) and try again."
            ) % {"name": name}
        )
    try:
        return Document(io.BytesIO(data))
    except ValueError:
        # python-docx refuses a package whose main part is not a document (.docm, .dotx).
        raise NotaImportError(
            _(
                "%(name)s is a Word file of another kind (a template or a document with "
                "macros). Save the nota as a Word document (.docx) and try again."
            ) % {"name": name}
        ) from None
    except Exception:
        # Whatever a damaged package makes python-docx or lxml raise (a missing part, a
        # failing checksum, broken XML): the coordinator can only save the file again.
        raise NotaImportError(_damaged_message(name)) from None


def _damaged_message(name: str) -> str:
    return _(
        "%(name)s is not a text file and not a readable Word document (.docx): the file is "
        "damaged or incomplete. Open it in Word, save it again as a Word document (.docx) "
        "and try again."
    ) % {"name": name}


def _ole_message(data: bytes, name: str) -> str:
    """An OLE compound file: an old Office file, or any Office file with a password.

    The names of its streams, in UTF-16 in its directory, tell which one.
    """
    if "EncryptedPackage".encode("utf-16-le") in data:
        return _(
            "%(name)s is protected with a password. Remove the password in Word (File > Info "
            "> Protect Document > Encrypt with Password, and empty the field), save the "
            "nota as a Word document (.docx) and try again."
        ) % {"name": name}
    if "WordDocument".encode("utf-16-le") in data:
        return _(
            "%(name)s is a Word document in the old format (.doc). Open it in Word and save "
            "it as a Word document (.docx), then try again."
        ) % {"name": name}
    return _(
        "%(name)s is not a Word document (.docx): it is an older Office file, or one "
        "protected with a password. Save the nota as a Word document (.docx); if it is "
        "protected, remove the password first."
    ) % {"name": name}


# The document's blocks -----------------------------------------------------------------------


def _blocks(parent):
    """The body's paragraphs and top-level tables, in document order."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _blocks(child)


def _children(parent, tag: str):
    """``parent``'s children with ``tag``, also inside content controls and custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _val(parent, path: str) -> str | None:
    element = parent.find(path)
    if element is None:
        return None
    return element.get(f"{_W}val", "")


class _Cell:
    __slots__ = ("text", "merged_down")

    def __init__(self, text: str, merged_down: bool = False):
        self.text = text
        self.merged_down = merged_down


class _Reader:
    def __init__(self, document):
        self.document = document
        self.rows: list[NotaRow] = []
        self.table_number = 0
        self.started = False
        self.skipped_before: list[int] = []
        self._bullets: dict[tuple[str, str], bool] = {}
        self._styles: dict[str, bool] = {}

    # Tables ---------------------------------------------------------------------------------

    def table(self, tbl) -> None:
        self.table_number += 1
        number = self.table_number
        rows = []
        above: dict[int, str] = {}  # text of the cell that started a vertical merge, by column
        for index, tr in enumerate(_children(tbl, _TR), start=1):
            place = _("table %(table)s, row %(row)s") % {"table": number, "row": index}
            cells, nested = self.row_cells(tr, above)
            rows.append((place, cells, nested))
        if not self.started:
            if not any(_is_plan_row(cells) for _place, cells, _nested in rows):
                self.rows.append(NotaRow(
                    place=_("table %(table)s") % {"table": number},
                    warning=_(
                        "Not imported: this table stands before the first plan table (it "
                        "has no rows with SD, OD or actie in the first column)."
                    ),
                ))
                return
            self.started = True
        headers: list[list[str]] = []
        for place, cells, nested in rows:
            for text in nested:
                self.rows.append(NotaRow(place=place, warning=_(
                    "A table inside a cell was not imported: “%(text)s”."
                ) % {"text": _snippet(text)}))
            plain = [cell.text for cell in cells]
            if _is_header(plain) or _is_column_titles(plain):
                if plain in headers:
                    continue  # The header repeated on the next page.
                headers.append(plain)
                if not _is_header(plain):
                    continue  # Column titles only: nothing to read.
            self.rows.append(NotaRow(place=place, cells=self.merge_down(place, cells)))

    def row_cells(self, tr, above: dict[int, str]) -> tuple[list[_Cell], list[str]]:
        """The row's cells by grid column (a merged cell once, in its first column), and
        the text of any table inside a cell."""
        cells: list[_Cell] = []
        nested: list[str] = []
        before = _val(tr, f"{_W}trPr/{_W}gridBefore")
        cells.extend(_Cell("") for _ in range(_int(before)))
        for tc in _children(tr, _TC):
            span = max(_int(_val(tc, f"{_W}tcPr/{_W}gridSpan"), 1), 1)
            vmerge = _val(tc, f"{_W}tcPr/{_W}vMerge")
            hmerge = _val(tc, f"{_W}tcPr/{_W}hMerge")
            column = len(cells)
            if vmerge is not None and vmerge != "restart":
                cell = _Cell(above.get(column, ""), merged_down=True)
            elif hmerge is not None and hmerge != "restart":
                cell = _Cell("")  # Word's old horizontal merge: the text is to the left.
            else:
                cell = _Cell(self.cell_text(tc, nested))
                if vmerge == "restart":
                    above[column] = cell.text
                else:
                    above.pop(column, None)
            cells.append(cell)
            cells.extend(_Cell("") for _ in range(span - 1))
        return cells, nested

    def merge_down(self, place: str, cells: list[_Cell]) -> list[str]:
        """Plain cells, with the text of cells merged down from the row above given only to
        a row that starts a new goal or action."""
        new_row = bool(cells) and bool(cells[0].text) and not cells[0].merged_down
        plain = []
        for index, cell in enumerate(cells):
            if not cell.merged_down:
                plain.append(cell.text)
            elif new_row and index > 0 and cell.text:
                plain.append(cell.text)
                self.rows.append(NotaRow(place=place, warning=_(
                    "Column %(number)s is merged with the row above; its text “%(text)s” "
                    "was given to this row as well."
                ) % {"number": index + 1, "text": _snippet(cell.text)}))
            else:
                plain.append("")
        return plain

    # Text -----------------------------------------------------------------------------------

    def cell_text(self, tc, nested: list[str]) -> str:
        lines = []
        for child in tc:
            if child.tag == _TBL:
                nested.append(" | ".join(
                    self.paragraph_text(p) for p in child.iter(_P) if self.paragraph_text(p)
                ))
            elif child.tag == _P:
                lines.append(self.paragraph_text(child))
            elif child.tag in _WRAPPERS:
                lines.extend(self.paragraph_text(p) for p in _children(child, _P))
        return clean_docx_text("\n".join(lines))

    def paragraph_text(self, p) -> str:
        parts: list[str] = []
        _collect(p, parts)
        text = "".join(parts)
        if self.arrow_bullet(p) and not text.lstrip().startswith(_REVISION_MARK):
            text = f"{_REVISION_MARK} {text.lstrip()}"
        return text

    def arrow_bullet(self, p) -> bool:
        """Whether the paragraph is a list item whose bullet is an arrow (one lookup in the
        numbering definitions per list and level)."""
        num_id = _val(p, f"{_W}pPr/{_W}numPr/{_W}numId")
        if not num_id or num_id == "0":
            return False
        level = _val(p, f"{_W}pPr/{_W}numPr/{_W}ilvl") or "0"
        key = (num_id, level)
        if key not in self._bullets:
            self._bullets[key] = self._is_arrow_level(num_id, level)
        return self._bullets[key]

    def _is_arrow_level(self, num_id: str, level: str) -> bool:
        try:
            numbering = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return False
        for num in numbering.iterchildren(f"{_W}num"):
            if num.get(f"{_W}numId") != num_id:
                continue
            abstract_id = _val(num, f"{_W}abstractNumId")
            for abstract in numbering.iterchildren(f"{_W}abstractNum"):
                if abstract.get(f"{_W}abstractNumId") != abstract_id:
                    continue
                for lvl in abstract.iterchildren(f"{_W}lvl"):
                    if lvl.get(f"{_W}ilvl") == level:
                        fonts = lvl.find(f"{_W}rPr/{_W}rFonts")
                        font = "" if fonts is None else fonts.get(f"{_W}ascii") or ""
                        return _is_arrow(
                            _val(lvl, f"{_W}lvlText") or "", wingdings="wingdings" in font.lower()
                        )
        return False

    # Outside the tables ---------------------------------------------------------------------

    def paragraph(self, p) -> None:
        text = clean_docx_text(self.paragraph_text(p))
        if not text:
            return
        if self.table_number:
            where = {"table": self.table_number}
            heading_place = _("heading after table %(table)s") % where
            text_place = _("text after table %(table)s") % where
        else:
            heading_place = _("heading before the first table")
            text_place = _("text before the first table")
        match = _SD_HEADING_RE.match(text) if self.is_heading(p) else None
        if match:
            # Like a table's "doelstelling N" header row (see the module's docstring).
            self.rows.append(
                NotaRow(place=heading_place, cells=["", f"doelstelling {int(match.group(1))}"])
            )
            if match.group(2).strip():
                self.rows.append(NotaRow(place=heading_place, warning=_(
                    "The heading “%(text)s” was not imported: a goal's wording comes from "
                    "its SD row in the table. If the heading is a short title, add it to the "
                    "goal as its tagline."
                ) % {"text": _snippet(text)}))
        elif self.started and _NUMBERED_ACTIE_RE.match(text):
            self.rows.append(NotaRow(place=text_place, cells=[text]))

    def is_heading(self, p) -> bool:
        if p.find(f"{_W}pPr/{_W}outlineLvl") is not None:
            return True
        style_id = _val(p, f"{_W}pPr/{_W}pStyle")
        if not style_id:
            return False
        if style_id not in self._styles:
            name = style_id
            try:
                style = self.document.styles.element.get_by_id(style_id)
                if style is not None and style.name_val:
                    name = style.name_val
            except (KeyError, AttributeError):
                pass
            self._styles[style_id] = name.lower().startswith(_HEADING_STYLES)
        return self._styles[style_id]


def _collect(element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append(" ")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif tag == _SYM:
            char = chr(int(child.get(f"{_W}char", "0"), 16)) if child.get(f"{_W}char") else ""
            if _is_arrow(char, wingdings="wingdings" in (child.get(f"{_W}font") or "").lower()):
                parts.append(_REVISION_MARK)
        elif tag in _SKIP or not isinstance(tag, str):
            continue  # also comments and processing instructions
        else:
            _collect(child, parts)


def _is_arrow(text: str, *, wingdings: bool) -> bool:
    return text in _ARROWS or (text in _WINGDINGS_ARROWS and (wingdings or text > "\uf000"))


def clean_docx_text(text: str) -> str:
    """A cell's plain text: Word's line breaks (``<w:br/>``, a vertical tab, a paragraph
    end) kept as line breaks, blank lines dropped, spaces within a line collapsed."""
    lines = (
        _INLINE_SPACE_RE.sub(" ", line).strip()
        for line in _LINE_BREAKS_RE.sub("\n", text).split("\n")
    )
    return "\n".join(line for line in lines if line)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _is_plan_row(cells: list[_Cell]) -> bool:
    plain = [cell.text for cell in cells]
    if not plain:
        return False
    first = plain[0]
    return bool(
        _is_header(plain)
        or _is_column_titles(plain)
        or _SD_RE.match(first)
        or _OD_RE.match(first)
        or first.lower() == "actie"
    )


def _is_column_titles(cells: list[str]) -> bool:
    """A row of column titles ("| doelstelling | regierol | actorrol | spreiding | timing")."""
    if len(cells) < 3 or cells[0].lower() not in _COLUMN_TITLES:
        return False
    if cells[1].lower() not in _COLUMN_TITLES:
        return False
    titles = {cell.lower() for cell in cells[2:]}
    return len(titles & _HEADER_WORDS) >= 2

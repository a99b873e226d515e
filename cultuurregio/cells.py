"""One cleaning step for every cell of every spreadsheet we write (XLSX and CSV): the site's
downloads, the annual report and the admin's exports.

Two things go wrong with text as people type it:

- **Control characters.** Word's Shift+Enter is a vertical tab (``\\x0b``); XLSX (XML) cannot
  hold it or most other C0 characters, so openpyxl refuses the whole file. A vertical tab or
  form feed becomes a line break (what the writer meant); the others are removed. Tab, line
  feed and carriage return stay.
- **Formulas.** A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
  (also after spaces or a tab) as a formula: ``=HYPERLINK(...)`` in a goal's wording would
  become a live link in every downloaded copy. Such text is written as text, never a formula:
  in CSV with a leading apostrophe (which Excel and LibreOffice read as "this is text"),
  in an XLSX we write ourselves as a string cell with Excel's "quote prefix" (the text shows
  exactly as typed, and stays text when someone edits the cell).

Imports no app: every layer uses it.
"""

from __future__ import annotations

import re

# C0 controls (and DEL) except \t \n \r; vertical tab and form feed are line breaks.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
# What a spreadsheet reads as the start of a formula, after optional blanks.
_FORMULA_START = re.compile(r"^[\s]*[=+\-@]")


def clean_text(text: str) -> str:
    """The text without characters a spreadsheet cannot hold: a vertical tab or form feed
    becomes a line break, other control characters are removed."""
    return _CONTROL.sub("", _LINE_BREAKS.sub("\n", text))


def starts_formula(text: str) -> bool:
    """True when a spreadsheet program would read the text as a formula."""
    return bool(_FORMULA_START.match(text))


def cell_value(value):
    """A value for a CSV cell, or for a spreadsheet written by a library that sets only
    values (the admin's exports): text cleaned, and text that would start a formula
    prefixed with an apostrophe. Other values (numbers, dates, None) as they are."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return "'" + text if starts_formula(text) else text


def set_cell(cell, value) -> None:
    """Write one value into an openpyxl cell: text cleaned and always stored as text
    (never a formula: openpyxl would store "=..." as one), with Excel's quote prefix when
    it starts like a formula. Other values as they are."""
    if not isinstance(value, str):
        cell.value = value
        return
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"
    if starts_formula(text):
        cell.quotePrefix = True


def append_row(sheet, values) -> None:
    """``sheet.append(values)``, every cell written as ``set_cell`` writes it."""
    values = list(values)
    sheet.append([clean_text(v) if isinstance(v, str) else v for v in values])
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        set_cell(cell, value)

"""Spreadsheet import and export (django-import-export): the formats, widgets and base
resource every app's resources share.

What every resource built on these promises the coordinator:

- every row is validated on its own (``full_clean``, so the model's rules and Dutch
  messages apply) and a bad row is listed with its number and the message, in the preview;
- row numbers are the spreadsheet's own: the headings are row 1, so the first row of data
  is row 2 (``excel_row``), in every message and in the preview alike;
- the columns have the same Dutch headings in the export as in the import, and the cells
  the same values (ja/nee, names, codes): an exported file imports again unchanged;
- a value that cannot be read (an unknown goal code or municipality, "ja" where a year
  belongs) is such a row error too, never a traceback;
- the import runs in one transaction (``IMPORT_EXPORT_USE_TRANSACTIONS``): with one bad row
  nothing is written.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export import resources, results, widgets
from import_export.formats import base_formats

from . import bulk
from .cells import cell_value, starts_formula

# --- Formats ------------------------------------------------------------------------------


def _clean_dataset(dataset) -> None:
    """Every cell of an export through ``cells.cell_value``: no control characters (an
    XLSX with one cannot be written), no text that a spreadsheet would run as a formula."""
    rows = [[cell_value(value) for value in row] for row in dataset]
    del dataset[:]
    for row in rows:
        dataset.append(row)


class CSV(base_formats.CSV):
    """CSV that also reads the semicolon-separated files a Dutch-language Excel writes,
    and writes every cell cleaned (``cultuurregio.cells``)."""

    def export_data(self, dataset, **kwargs):
        _clean_dataset(dataset)
        return super().export_data(dataset, **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        first_line = in_stream.split("\n", 1)[0]
        if "delimiter" not in kwargs and first_line.count(";") > first_line.count(","):
            kwargs["delimiter"] = ";"
        return super().create_dataset(in_stream, **kwargs)


class XLSX(base_formats.XLSX):
    """Excel, every cell cleaned (``cultuurregio.cells``)."""

    def export_data(self, dataset, **kwargs):
        _clean_dataset(dataset)
        return super().export_data(dataset, **kwargs)


SPREADSHEET_FORMATS = [XLSX, CSV]


class ImportCSV(CSV):
    """The CSV of an import, handed over as bytes in the preview and the confirmation alike
    (the library would decode it with one fixed encoding, and fail with a traceback): read
    as UTF-8 (with or without the byte order mark Excel writes), else as Windows-1252, what
    a Dutch-language Excel on Windows saves as "CSV (gescheiden door lijstscheidingsteken)".
    Every byte sequence but five reads as Windows-1252; a file with one of those is refused
    with a message naming both encodings."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_csv(in_stream)
        return super().create_dataset(in_stream, **kwargs)


class UnreadableEncoding(ValueError):
    """A CSV file in an encoding we cannot read; the message says which ones we can."""


def decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableEncoding(
            gettext(
                "This file could not be read: as CSV it is neither UTF-8 nor Windows-1252 "
                '(ANSI). Save it again as "CSV UTF-8" in Excel, or as an Excel file (.xlsx).'
            )
        ) from None


#: What the admin's import reads, at the positions of SPREADSHEET_FORMATS (the import form
#: names a format by its position).
SPREADSHEET_IMPORT_FORMATS = [XLSX, ImportCSV]

#: The most rows one import reads. Each row is validated and saved one by one, with its
#: history and "zie ook" links, and the preview and the confirmation each read the whole
#: file; gunicorn stops a request after 30 seconds. Measured on PostgreSQL, the preview of
#: an actions CSV through the admin: 200 rows 5.8 s, 400 rows 14 s, 500 rows 17 s (before
#: the plans' stamps were raised once per import instead of once per row: 500 rows 55 s);
#: on a busy two-core machine about half as fast again. A bigger file is refused before any
#: row is read, with this number in the message, and goes in parts.
MAX_IMPORT_ROWS = 400


# --- Row numbers and results --------------------------------------------------------------


def excel_row(number: int) -> int:
    """The spreadsheet's number of the library's row ``number`` (1 = the first row of data).

    Excel and LibreOffice number the heading row 1, so data row 1 is row 2 on screen; in a
    CSV it is line 2 too. (Not so for a CSV cell with a line break in it, which no
    coordinator's file has been seen to hold.)
    """
    return number + 1


class SpreadsheetRowResult(results.RowResult):
    """A row's result that knows its spreadsheet row number (set by ``import_row``)."""

    number: int | None = None


class SpreadsheetResult(results.Result):
    """The library's import result with the spreadsheet's row numbers (``excel_row``) and
    the preview's order: what the import changes first, unchanged rows after."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(excel_row(number), row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(excel_row(number), row, errors)

    def row_errors(self):
        # The library counts the rows it kept, which is not the row in the file.
        return [(row.number, row.errors) for row in self.rows if row.errors]

    def changed_rows(self):
        """New, updated and deleted rows, in file order: what the preview shows first."""
        return [row for row in self.valid_rows() if not row.is_skip()]

    def unchanged_rows(self):
        """Rows that would change nothing, folded away under the changes."""
        return [row for row in self.valid_rows() if row.is_skip()]


# --- Widgets ------------------------------------------------------------------------------


class TextWidget(widgets.CharWidget):
    """Text that may be empty: an empty spreadsheet cell becomes "" (not NULL)."""

    def __init__(self, coerce_to_string=True, allow_blank=True):
        super().__init__(coerce_to_string=coerce_to_string, allow_blank=allow_blank)

    def clean(self, value, row=None, **kwargs):
        # An export wrote "'=..." so that no spreadsheet runs it: read it back as typed.
        if isinstance(value, str) and value.startswith("'") and starts_formula(value[1:]):
            value = value[1:]
        return super().clean(value, row, **kwargs)


class YesNoWidget(widgets.BooleanWidget):
    """Yes/no cells as people type them: ja/nee, 1/0, x, true/false (Excel's WAAR/ONWAAR).

    An empty cell gives the model's default. Anything else is a row error: the library's
    BooleanWidget would silently read "ja" as False.
    """

    YES = {"1", "ja", "j", "x", "true", "waar", "yes", "y"}
    NO = {"0", "nee", "n", "false", "onwaar", "no"}

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text == "":
            return None
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(
            gettext('"%(value)s" is not yes or no; write ja or nee.') % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        # "ja"/"nee" in every format, what the import reads and the coordinator writes
        # (a spreadsheet's own TRUE/WAAR is read too, but would show as "True" in a CSV).
        if value is None:
            return ""
        return "ja" if value else "nee"


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number, with a Dutch message (not a Python traceback) when it is none."""

    def clean(self, value, row=None, **kwargs):
        if self.is_empty(value):
            return None
        try:
            number = Decimal(str(value).strip().replace(" ", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(
                gettext('"%(value)s" is not a whole number.') % {"value": value}
            )
        return int(number)

    def render(self, value, obj=None, **kwargs):
        # A number cell, not text that Excel flags as "number stored as text".
        return "" if value is None else value


class DayWidget(widgets.DateWidget):
    """A date as a spreadsheet holds it (a date cell) or as text: 2025-01-01 or 1/1/2025."""

    FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Export writes the first; import reads any of them.
        self.formats = self.FORMATS

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                gettext('"%(value)s" is not a date; write it as 2025-01-01 or 1/1/2025.')
                % {"value": value}
            ) from None


class ChoiceWidget(widgets.CharWidget):
    """A choice by its stored value ("instelling") or by its Dutch label, any case."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        wanted = text.strip().lower()
        for stored, label in self.choices:
            if wanted in (str(stored).lower(), str(label).lower()):
                return stored
        # Left as it is: the model's full_clean reports it with the list of choices.
        return text.strip()

    def render(self, value, obj=None, **kwargs):
        """The Dutch label, as the admin shows it; the import reads it back."""
        if value in (None, ""):
            return ""
        return str(dict(self.choices).get(value, value))


class LookupWidget(widgets.ForeignKeyWidget):
    """ForeignKeyWidget that reports an unknown value as a row error with a Dutch message
    (a ValueError, which the import lists under the row's number), not a DoesNotExist."""

    def __init__(self, model, field="pk", *, unknown_message, **kwargs):
        self.unknown_message = unknown_message
        super().__init__(model, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            return super().clean(value, row, **kwargs)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise ValueError(self.unknown_message % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return getattr(value, self.field)


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Many-to-many by a readable key (a name, a code), comma-separated.

    Unlike the library's widget, a value that matches nothing is a row error (Dutch
    message naming the values), not silently dropped.
    """

    def __init__(self, model, field, *, unknown_message, separator=",", **kwargs):
        self.unknown_message = unknown_message
        super().__init__(model, separator=separator, field=field, **kwargs)

    def get_queryset(self, row):
        return self.model.objects.all()

    def normalise(self, value: str) -> str:
        return value

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return self.model.objects.none()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        wanted = [self.normalise(part.strip()) for part in str(value).split(self.separator)]
        wanted = [part for part in wanted if part]
        found = self.get_queryset(row).filter(**{f"{self.field}__in": wanted})
        known = {str(getattr(obj, self.field)) for obj in found}
        missing = [part for part in wanted if part not in known]
        if missing:
            raise ValueError(self.unknown_message % {"values": ", ".join(missing)})
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{self.separator} ".join(str(getattr(o, self.field)) for o in value.all())


# --- The base resource --------------------------------------------------------------------


class ValidatedResource(resources.ModelResource):
    """A ModelResource that validates each row completely before anything is saved.

    Subclasses set ``clean_model_instances = True`` in their Meta, so the model's
    ``full_clean`` (field validators, ``clean()``, constraints, uniqueness) runs per row.
    On top of that the many-to-many columns are read before the row is saved, so that an
    unknown name there is reported with the row, like every other error.
    """

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "TextField": TextWidget,
        "CharField": TextWidget,
        "BooleanField": YesNoWidget,
        "DateField": DayWidget,
        "IntegerField": WholeNumberWidget,
        "PositiveIntegerField": WholeNumberWidget,
        "PositiveSmallIntegerField": WholeNumberWidget,
        "SmallIntegerField": WholeNumberWidget,
        "BigIntegerField": WholeNumberWidget,
        "AutoField": WholeNumberWidget,
        "BigAutoField": WholeNumberWidget,
    }

    #: The column headings of the model's fields, in Dutch words as the admin labels them
    #: ("Alle gemeenten", not "alle_gemeenten"). They are the file's format, the same in
    #: export and import whatever the language of the page, so not translated. Declared
    #: fields set their own ``column_name``. The import reads the field's name too.
    HEADINGS: dict[str, str] = {}

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        field = super().field_from_django_field(field_name, django_field, readonly)
        field.column_name = cls.HEADINGS.get(field_name, field.column_name)
        return field

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    @classmethod
    def get_row_result_class(cls):
        return SpreadsheetRowResult

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        row_result.number = excel_row(kwargs["row_number"])
        return row_result

    def import_data_inner(self, *args, **kwargs):
        # Inside import_data's transaction: what the apps need once per transaction (the
        # plans' stamps) is done once for the file, not once per row (cultuurregio/bulk.py).
        with bulk.many_rows():
            return super().import_data_inner(*args, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Refuse a file whose columns do not fit, before reading any row: a misspelt
        column would otherwise be ignored without a word."""
        super().before_import(dataset, **kwargs)
        if len(dataset) > MAX_IMPORT_ROWS:
            rows = len(dataset)
            del dataset[:]
            raise ValueError(
                gettext(
                    "This file has %(rows)s rows; one import reads at most %(limit)s. "
                    "Split it into files of at most %(limit)s rows, each with the column "
                    "headings on top, and import them one after the other. Nothing was "
                    "imported."
                ) % {"rows": rows, "limit": MAX_IMPORT_ROWS}
            )
        # Empty spreadsheet cells come as None: make them "" like empty CSV cells, so the
        # widgets see one kind of empty and the preview shows blanks, not "None".
        for index, row in enumerate(dataset):
            if any(value is None for value in row):
                dataset[index] = ["" if value is None else value for value in row]
        self.read_headings(dataset)
        headers = [str(h).strip() for h in (dataset.headers or []) if h not in (None, "")]
        known = [field.column_name for field in self.get_import_fields()]
        id_columns = [self.fields[name].column_name for name in self.get_import_id_fields()]
        # Without an "id" column every row is a new record; other keys must be there.
        missing = [c for c in id_columns if c not in headers and id_columns != ["id"]]
        unknown = [h for h in headers if h not in known]
        problem = None
        if missing:
            problem = gettext(
                "The file lacks the column(s) %(missing)s, which identify the rows."
            ) % {"missing": ", ".join(missing)}
        elif unknown:
            problem = gettext(
                "Unknown column(s): %(unknown)s. The columns this import reads are: %(known)s."
            ) % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
        if problem:
            # The library goes on to the rows after this error: give it none, so the page
            # shows this one message instead of one per row.
            del dataset[:]
            raise ValueError(problem)

    def read_headings(self, dataset) -> None:
        """Each column by its heading as the export writes it ("Alle gemeenten"), in any
        case and spacing, or by the field's name ("alle_gemeenten", as files made before
        the headings were Dutch words): renamed to the export's heading, which the rows'
        keys then are."""

        def key(heading) -> str:
            return " ".join(str(heading).replace("_", " ").split()).casefold()

        columns = {}
        for name, field in self.fields.items():
            columns[key(name)] = field.column_name
            columns[key(field.column_name)] = field.column_name
        if dataset.headers:
            dataset.headers = [
                columns.get(key(h), h) if h not in (None, "") else h for h in dataset.headers
            ]

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if (
                isinstance(field.widget, widgets.ManyToManyWidget)
                and not field.readonly
                and field.column_name in row
            ):
                try:
                    field.clean(row, **kwargs)
                except ValueError as exc:
                    errors.setdefault(field.attribute, []).append(
                        ValidationError(str(exc), code="invalid")
                    )
        self.validate_row(instance, row, errors)
        if errors:
            raise ValidationError(errors)

    def validate_row(self, instance, row, errors: dict) -> None:
        """Hook for rules across columns that the model cannot check (many-to-many)."""

    def export_field(self, field, instance, **kwargs):
        # Keep cells of export files plain values (no "None").
        value = super().export_field(field, instance, **kwargs)
        return "" if value is None else value

"""Spreadsheet import and export (django-import-export) of the goal tree, and goals by
code for the action resource (``resources_acties``). The shared formats, widgets and the
validating base resource, with what they promise the coordinator, are in
``cultuurregio.spreadsheets``.
"""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from cultuurregio.spreadsheets import StrictManyToManyWidget, ValidatedResource

from .models import Beleidsplan, Doelstelling

# --- Goals by code ------------------------------------------------------------------------

_CODE = re.compile(r"SD(\d+)(?:OD(\d+))?")


def normalise_code(value) -> str:
    """A goal code as the plan writes it ("SD 1 OD 2", "sd1-od2") in our form: "SD1-OD2"."""
    text = re.sub(r"[\s\-_.]+", "", str(value)).upper()
    match = _CODE.fullmatch(text)
    if not match:
        return str(value).strip()
    sd, od = match.groups()
    return f"SD{int(sd)}-OD{int(od)}" if od else f"SD{int(sd)}"


#: The plan column's heading, in both the goals' and the actions' files.
PLAN_COLUMN = "Plan"


def find_plan(value) -> Beleidsplan:
    """The plan a cell names: as the export writes it, "Titel (2020-2025)"; or by its
    title alone when no other plan has that title; or by its number (files exported before
    the plan was written by title). Any case and spacing. One query.

    Raises ValueError (a row error, in Dutch) when no plan, or more than one, fits.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    wanted = text.casefold()
    plans = list(Beleidsplan.objects.all())
    for plan in plans:
        if str(plan).casefold() == wanted:
            return plan
    by_title = [plan for plan in plans if " ".join(plan.titel.split()).casefold() == wanted]
    if len(by_title) == 1:
        return by_title[0]
    if by_title:
        raise ValueError(
            gettext(
                'More than one policy plan is called "%(value)s": write it with its '
                'period, as the export does, e.g. "%(example)s".'
            ) % {"value": text, "example": by_title[0]}
        )
    if text.isdigit():
        for plan in plans:
            if plan.pk == int(text):
                return plan
    raise ValueError(
        gettext(
            'There is no policy plan "%(value)s". Write its title as the export does, '
            'e.g. "%(example)s".'
        ) % {"value": text, "example": plans[0] if plans else "?"}
    )


def plan_from_row(row) -> Beleidsplan:
    """The plan a row belongs to: its plan column (``find_plan``), or the only plan.

    One query. Raises ValueError (a row error) when it cannot be told.
    """
    value = row.get(PLAN_COLUMN) if row else None
    if value in (None, ""):
        plans = list(Beleidsplan.objects.all()[:2])
        if len(plans) == 1:
            return plans[0]
        raise ValueError(
            gettext("Fill in the plan column: there is more than one policy plan.")
        )
    return find_plan(value)


class PlanWidget(widgets.ForeignKeyWidget):
    """A policy plan by its title and period, "Titel (2020-2025)" (``find_plan``)."""

    def __init__(self, **kwargs):
        super().__init__(Beleidsplan, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return plan_from_row(None) if Beleidsplan.objects.count() == 1 else None
        return find_plan(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class GoalCodeWidget(widgets.ForeignKeyWidget):
    """A goal by its code within the row's plan ("SD1-OD2"); exported as the code.

    ``snapshot`` (set by a resource before the import starts) maps (plan id, code) to the
    goal as the codes were when the file was read, so that a file whose rows move goals
    around still means the codes it was written with.
    """

    def __init__(self, **kwargs):
        self.snapshot: dict[tuple[int, str], int] = {}
        super().__init__(Doelstelling, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        plan = plan_from_row(row)
        code = normalise_code(value)
        pk = self.snapshot.get((plan.pk, code))
        goals = Doelstelling.objects.filter(plan=plan)
        goal = goals.filter(pk=pk).first() if pk else goals.filter(code=code).first()
        if goal is None:
            raise ValueError(
                gettext('There is no goal with code "%(code)s" in %(plan)s.')
                % {"code": code, "plan": plan}
            )
        return goal

    def render(self, value, obj=None, **kwargs):
        return value.code if value is not None else ""


class GoalCodesWidget(StrictManyToManyWidget):
    """Several goals by code within the row's plan ("SD4-OD3, SD5"), as for "zie ook"."""

    def __init__(self, **kwargs):
        super().__init__(
            Doelstelling, "code",
            unknown_message=_("These goal codes do not exist in the plan: %(values)s."),
            **kwargs,
        )

    def get_queryset(self, row):
        return Doelstelling.objects.filter(plan=plan_from_row(row))

    def normalise(self, value: str) -> str:
        return normalise_code(value) if value else value

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        goals = sorted(value.all(), key=lambda goal: (goal.tree_id, goal.lft))
        return ", ".join(goal.code for goal in goals)


# --- Goals --------------------------------------------------------------------------------


class DoelstellingResource(ValidatedResource):
    """The goal tree, one goal a row, in plan order.

    ``parent`` is the code of the SD (empty for an SD itself), within the row's ``plan``.
    ``code`` is exported for reading only: codes follow the tree and are refreshed after
    every saved row (the model's signals), so an import never sets them. Rows are saved
    one by one (never ``bulk_create``: the tree is mptt).
    """

    plan = fields.Field(attribute="plan", column_name=PLAN_COLUMN, widget=PlanWidget())
    code = fields.Field(attribute="code", column_name="Code", readonly=True)
    parent = fields.Field(
        attribute="parent", column_name="Strategische doelstelling", widget=GoalCodeWidget()
    )
    HEADINGS = {
        "formulering": "Formulering", "tagline": "Korte titel", "transversaal": "Transversaal",
        "toelichting": "Toelichting", "spreiding": "Spreiding",
    }

    class Meta:
        model = Doelstelling
        fields = (
            "id", "plan", "code", "parent", "formulering", "tagline", "transversaal",
            "toelichting", "spreiding",
        )
        import_id_fields = ["id"]  # as the library expects: the column may be absent
        clean_model_instances = True
        skip_unchanged = True
        use_bulk = False  # never bulk_create mptt rows

    def get_queryset(self):
        return Doelstelling.objects.select_related("plan", "parent")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.fields["parent"].widget.snapshot = {
            (plan_id, code): pk
            for pk, plan_id, code in Doelstelling.objects.values_list("pk", "plan_id", "code")
        }

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("plan", "parent")

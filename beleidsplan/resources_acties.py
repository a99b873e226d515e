"""Spreadsheet import and export of actions (django-import-export).

An action's goal is its OD's code within a plan: the ``plan`` column holds the plan's
number (exported with every row; it may stay empty when there is only one plan) and
``doelstelling`` the code ("SD1-OD2"; "SD 1 OD 2" is read too). ``zie_ook`` lists codes of
the same plan, ``gemeenten`` municipality names, both comma-separated. Rows with an ``id``
update that action; rows without one are new actions.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields

from acties.models import Actie
from actoren.models import Gemeente
from beleidsplan.resources import GoalCodesWidget, GoalCodeWidget
from cultuurregio.spreadsheets import StrictManyToManyWidget, ValidatedResource


def spreiding_conflict_message() -> str:
    """The rule the model cannot check itself (gemeenten is many-to-many)."""
    return gettext(
        'Either tick "all municipalities" or choose municipalities, not both.'
    )


class ActieResource(ValidatedResource):
    plan = fields.Field(column_name="plan", readonly=True)
    doelstelling = fields.Field(
        attribute="doelstelling", column_name="doelstelling", widget=GoalCodeWidget()
    )
    gemeenten = fields.Field(
        attribute="gemeenten", column_name="gemeenten",
        widget=StrictManyToManyWidget(
            Gemeente, "naam",
            unknown_message=_("These municipalities do not exist: %(values)s."),
        ),
    )
    zie_ook = fields.Field(attribute="zie_ook", column_name="zie_ook", widget=GoalCodesWidget())

    class Meta:
        model = Actie
        fields = (
            "id", "plan", "doelstelling", "volgorde", "omschrijving", "regierol", "actorrol",
            "alle_gemeenten", "gemeenten", "spreiding_toelichting", "van_jaar", "tot_jaar",
            "timing_tekst", "zie_ook",
        )
        import_id_fields = ["id"]  # as the library expects: the column may be absent
        clean_model_instances = True
        skip_unchanged = True

    def dehydrate_plan(self, actie):
        return actie.doelstelling.plan_id if actie.doelstelling_id else ""

    def before_import_row(self, row, **kwargs):
        # Municipalities listed with "alle_gemeenten" left empty: the action is meant for
        # those only (the model's default would be "all").
        if row.get("gemeenten") and row.get("alle_gemeenten") in (None, ""):
            row["alle_gemeenten"] = "nee"
        super().before_import_row(row, **kwargs)

    def validate_row(self, instance, row, errors):
        if "gemeenten" in errors or "alle_gemeenten" in errors or "gemeenten" not in row:
            return
        if instance.alle_gemeenten and self.fields["gemeenten"].clean(row).exists():
            errors["gemeenten"] = [
                ValidationError(spreiding_conflict_message(), code="spreiding")
            ]

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("doelstelling").prefetch_related("gemeenten", "zie_ook")

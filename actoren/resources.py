"""Spreadsheet import and export of municipalities and actors (django-import-export).

Rows are recognised by name (the column "Naam"; ``naam`` is unique for both), so a file
exported, edited and imported again updates the rows it came from. Choices (soort, niveau)
are written with their Dutch labels and read by label or value. Validation is per row with
Dutch messages; see ``cultuurregio.spreadsheets``.
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from cultuurregio.spreadsheets import (
    ChoiceWidget,
    LookupWidget,
    StrictManyToManyWidget,
    ValidatedResource,
)

from .models import Actor, Gemeente


class NisCodeWidget(widgets.CharWidget):
    """The NIS code: empty is NULL (the column is unique, so "" would clash), and a
    number cell (23027 or 23027.0) is read as its digits."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        return text or None


class GemeenteResource(ValidatedResource):
    """Municipalities; ``opgegaan_in`` is the name of the municipality it merged into."""

    nis_code = fields.Field(
        attribute="nis_code", column_name="NIS-code", widget=NisCodeWidget()
    )

    opgegaan_in = fields.Field(
        attribute="opgegaan_in", column_name="Opgegaan in",
        widget=LookupWidget(
            Gemeente, "naam",
            unknown_message=_('There is no municipality named "%(value)s".'),
        ),
    )

    HEADINGS = {
        "naam": "Naam", "faciliteitengemeente": "Faciliteitengemeente",
        "fusiedatum": "Fusiedatum",
    }

    class Meta:
        model = Gemeente
        fields = ("naam", "nis_code", "faciliteitengemeente", "opgegaan_in", "fusiedatum")
        import_id_fields = ("naam",)
        clean_model_instances = True
        skip_unchanged = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("opgegaan_in")


class ActorResource(ValidatedResource):
    """Actors; ``soort`` and ``niveau`` by value or Dutch label, ``gemeenten`` by name."""

    soort = fields.Field(
        attribute="soort", column_name="Soort", widget=ChoiceWidget(Actor.Soort.choices)
    )
    niveau = fields.Field(
        attribute="niveau", column_name="Niveau", widget=ChoiceWidget(Actor.Niveau.choices),
        default=Actor.Niveau.LOKAAL,
    )
    gemeenten = fields.Field(
        attribute="gemeenten", column_name="Gemeenten",
        widget=StrictManyToManyWidget(
            Gemeente, "naam",
            unknown_message=_("These municipalities do not exist: %(values)s."),
        ),
    )

    HEADINGS = {
        "naam": "Naam", "aliassen": "Andere schrijfwijzen", "email": "E-mail",
        "telefoon": "Telefoon", "website": "Website", "beschrijving": "Beschrijving",
        "actief": "Actief",
    }

    class Meta:
        model = Actor
        fields = (
            "naam", "aliassen", "soort", "niveau", "gemeenten", "email", "telefoon",
            "website", "beschrijving", "actief",
        )
        import_id_fields = ("naam",)
        clean_model_instances = True
        skip_unchanged = True

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("gemeenten")

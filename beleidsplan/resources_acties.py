"""Spreadsheet import and export of actions (django-import-export).

The columns have the Dutch headings of the admin's form, the same in export and import.
An action's goal is its OD's code within a plan: "Plan" names the plan by title and
period as the export writes it ("Beleidsplan cultuurregio (2020-2025)"; it may stay empty
when there is only one plan) and "Doelstelling" holds the code ("SD1-OD2"; "SD 1 OD 2" is
read too). "Zie ook" lists codes of the same plan, "Gemeenten" municipality names, both
comma-separated; "Actoren" the actors by name with their role, semicolon-separated:
"vzw 'de Rand' (trekker); Erfgoedcel (partner)". Rows with an ``id`` update that action;
rows without one are new actions.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from acties.models import Actie, ActieActor
from actoren.models import Actor, Gemeente
from beleidsplan.resources import PLAN_COLUMN, GoalCodesWidget, GoalCodeWidget, PlanWidget
from cultuurregio.spreadsheets import StrictManyToManyWidget, ValidatedResource


def spreiding_conflict_message() -> str:
    """The rule the model cannot check itself (gemeenten is many-to-many)."""
    return gettext(
        'Either tick "all municipalities" or choose municipalities, not both.'
    )


class ActorRolesWidget(widgets.Widget):
    """The actors of an action by name, each with its role in brackets, separated by
    semicolons: "vzw 'de Rand' (trekker); Erfgoedcel (partner)". A name without a role
    is a partner. Names and roles in any case.

    ``actors`` (set by the resource before the import starts) maps each actor's name,
    case-folded, to the actor: one query for the file, none per row.
    """

    SEPARATOR = ";"
    _ROLE = re.compile(r"^(?P<name>.*?)\s*\((?P<role>[^()]*)\)$")

    def __init__(self, **kwargs):
        self.actors: dict[str, Actor] = {}
        super().__init__(**kwargs)

    @staticmethod
    def key(name: str) -> str:
        return " ".join(name.split()).casefold()

    def role(self, text: str) -> str | None:
        wanted = text.strip().casefold()
        for stored, label in ActieActor.Rol.choices:
            if wanted in (stored.casefold(), str(label).casefold()):
                return stored
        return None

    def clean(self, value, row=None, **kwargs) -> list[tuple[Actor, str]]:
        """[(actor, role)] in the cell's order. Raises ValueError with a Dutch message
        naming the first name or role it does not know."""
        if value is None or not str(value).strip():
            return []
        found, seen = [], set()
        for part in str(value).replace("\n", self.SEPARATOR).split(self.SEPARATOR):
            part = part.strip()
            if not part:
                continue
            name, role = part, ActieActor.Rol.PARTNER
            match = self._ROLE.match(part)
            # "Cultuurcentrum (Halle)" may be a name with brackets in it: only a known
            # actor without a known role is read that way.
            if match and self.key(part) not in self.actors:
                name, role = match["name"], self.role(match["role"])
                if role is None:
                    raise ValueError(
                        gettext(
                            '"%(role)s" (at %(name)s) is not a role; write trekker or partner.'
                        ) % {"role": match["role"].strip(), "name": name}
                    )
            actor = self.actors.get(self.key(name))
            if actor is None:
                raise ValueError(
                    gettext(
                        'There is no actor named "%(name)s". Write the name as the '
                        "actors' list has it, or add the actor there first."
                    ) % {"name": name}
                )
            if actor.pk in seen:
                raise ValueError(
                    gettext('The actor "%(name)s" is named twice.') % {"name": actor.naam}
                )
            seen.add(actor.pk)
            found.append((actor, role))
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        """``value``: the action's ``betrokkenen`` (prefetched for the export); leads
        first, then by name."""
        if value is None or value.instance.pk is None:  # a new action (the preview's diff)
            return ""
        rows = value.all()
        if rows._result_cache is None:  # not prefetched (the preview's diff): one query
            rows = rows.select_related("actor")
        rows = sorted(
            rows, key=lambda b: (b.rol != ActieActor.Rol.TREKKER, b.actor.naam.casefold())
        )
        return f"{self.SEPARATOR} ".join(f"{b.actor.naam} ({b.rol})" for b in rows)


class ActieResource(ValidatedResource):
    # Read-only for the library: "Plan" is read by the goal's widget (the code is the
    # plan's), "Actoren" in validate_row and written in save_m2m, each ActieActor row saved
    # on its own (history, role). Through the attributes, the preview's diff shows them.
    plan = fields.Field(
        attribute="doelstelling__plan", column_name=PLAN_COLUMN, widget=PlanWidget(),
        readonly=True,
    )
    doelstelling = fields.Field(
        attribute="doelstelling", column_name="Doelstelling", widget=GoalCodeWidget()
    )
    gemeenten = fields.Field(
        attribute="gemeenten", column_name="Gemeenten",
        widget=StrictManyToManyWidget(
            Gemeente, "naam",
            unknown_message=_("These municipalities do not exist: %(values)s."),
        ),
    )
    zie_ook = fields.Field(attribute="zie_ook", column_name="Zie ook", widget=GoalCodesWidget())
    actoren = fields.Field(
        attribute="betrokkenen", column_name="Actoren", widget=ActorRolesWidget(),
        readonly=True,
    )

    HEADINGS = {
        "volgorde": "Volgorde", "omschrijving": "Omschrijving", "regierol": "Regierol",
        "actorrol": "Actorrol", "alle_gemeenten": "Alle gemeenten",
        "spreiding_toelichting": "Toelichting bij de spreiding", "van_jaar": "Vanaf jaar",
        "tot_jaar": "Tot en met jaar", "timing_tekst": "Timing zoals in het plan",
    }

    class Meta:
        model = Actie
        fields = (
            "id", "plan", "doelstelling", "volgorde", "omschrijving", "regierol", "actorrol",
            "alle_gemeenten", "gemeenten", "spreiding_toelichting", "van_jaar", "tot_jaar",
            "timing_tekst", "zie_ook", "actoren",
        )
        import_id_fields = ["id"]  # as the library expects: the column may be absent
        clean_model_instances = True
        skip_unchanged = True

    def get_queryset(self):
        # The rows an import updates, with what the preview's "Plan" column reads.
        return Actie.objects.select_related("doelstelling__plan")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        widget = self.fields["actoren"].widget
        widget.actors = {widget.key(actor.naam): actor for actor in Actor.objects.all()}

    def before_import_row(self, row, **kwargs):
        # Municipalities listed with "Alle gemeenten" left empty: the action is meant for
        # those only (the model's default would be "all").
        all_column = self.fields["alle_gemeenten"].column_name
        if row.get("Gemeenten") and row.get(all_column) in (None, ""):
            row[all_column] = "nee"
        super().before_import_row(row, **kwargs)

    def validate_row(self, instance, row, errors):
        field = self.fields["actoren"]
        if field.column_name in row:
            try:
                instance._imported_actors = field.clean(row)
            except ValueError as exc:
                errors["actoren"] = [ValidationError(str(exc), code="invalid")]
        if "gemeenten" in errors or "alle_gemeenten" in errors or "Gemeenten" not in row:
            return
        if instance.alle_gemeenten and self.fields["gemeenten"].clean(row).exists():
            errors["gemeenten"] = [
                ValidationError(spreiding_conflict_message(), code="spreiding")
            ]

    @staticmethod
    def _actor_roles(instance) -> dict[int, str]:
        if instance.pk is None:
            return {}
        return dict(instance.betrokkenen.values_list("actor_id", "rol"))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        skip = super().skip_row(instance, original, row, import_validation_errors)
        wanted = getattr(instance, "_imported_actors", None)
        if skip and wanted is not None:
            return {actor.pk: role for actor, role in wanted} == self._actor_roles(original)
        return skip

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        wanted = getattr(instance, "_imported_actors", None)
        if wanted is None:
            return
        roles = {actor.pk: role for actor, role in wanted}
        # Row by row, not bulk: each change is in the action's history, with the user.
        for betrokkene in instance.betrokkenen.all():
            role = roles.pop(betrokkene.actor_id, None)
            if role is None:
                betrokkene.delete()
            elif betrokkene.rol != role:
                betrokkene.rol = role
                betrokkene.save()
        for actor_id, role in roles.items():
            ActieActor.objects.create(actie=instance, actor_id=actor_id, rol=role)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("doelstelling__plan").prefetch_related(
            "gemeenten", "zie_ook", "betrokkenen__actor"
        )

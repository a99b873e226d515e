"""The coordinator's admin for actions: the list with its filters, the action form with
its municipalities, timing, "zie ook" and actors, history and spreadsheet import/export."""

from collections import defaultdict

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Max, Min, Q
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from acties.models import Actie, ActieActor, Indicator
from actoren.models import Gemeente
from beleidsplan.models import Beleidsplan, Doelstelling
from beleidsplan.resources import normalise_code
from cultuurregio.admin import (
    ExplainProtectedDeleteMixin,
    HistoryAdmin,
    SpreadsheetImportExportMixin,
)

from .admin_closed import ClosedPlanInlineMixin, ClosedPlanReadOnlyMixin
from .resources_acties import ActieResource, spreiding_conflict_message

# --- Filters ---------------------------------------------------------------------------------


def goal_label(goal: Doelstelling, *, with_plan: bool) -> str:
    label = f"{goal.code} {Truncator(goal.tagline or goal.formulering).chars(40)}"
    if with_plan:
        label += f" ({goal.plan.van_jaar}-{goal.plan.tot_jaar})"
    return label


class GoalFilter(admin.SimpleListFilter):
    """Goals by code, in plan order (newest plan first); the plan is named only when
    there is more than one. One query."""

    def goals(self, request):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        goals = list(
            self.goals(request).select_related("plan").order_by("-plan__van_jaar", "tree_id", "lft")
        )
        with_plan = len({goal.plan_id for goal in goals}) > 1
        return [(goal.pk, goal_label(goal, with_plan=with_plan)) for goal in goals]


class StrategischeDoelstellingFilter(GoalFilter):
    title = _("strategic goal")
    parameter_name = "sd"

    def goals(self, request):
        return Doelstelling.objects.strategisch()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(doelstelling__parent_id=self.value())
        return queryset


class OperationeleDoelstellingFilter(GoalFilter):
    title = _("operational goal")
    parameter_name = "od"

    def goals(self, request):
        goals = Doelstelling.objects.operationeel()
        # With an SD chosen, only its ODs.
        sd = request.GET.get(StrategischeDoelstellingFilter.parameter_name)
        if sd and sd.isdigit():
            goals = goals.filter(parent_id=sd)
        return goals

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(doelstelling_id=self.value())
        return queryset


class GemeenteFilter(admin.SimpleListFilter):
    """The actions that reach a municipality.

    An action for "all municipalities" reaches every municipality, so it is always in the
    result. A municipality formed by a merger also gets the actions of the municipalities
    that merged into it (Pajottegem: Galmaarden, Gooik and Herne), as the domain asks:
    history keeps the old names, the current view adds them up.
    """

    title = _("municipality reached")
    parameter_name = "gemeente"

    def lookups(self, request, model_admin):
        gemeenten = list(Gemeente.objects.order_by("naam").values_list("pk", "naam", "opgegaan_in"))
        merged = defaultdict(list)
        for _pk, naam, into in gemeenten:
            if into:
                merged[into].append(naam)
        return [
            (
                pk,
                gettext("%(name)s (with %(merged)s)")
                % {"name": naam, "merged": ", ".join(merged[pk])}
                if pk in merged
                else naam,
            )
            for pk, naam, _into in gemeenten
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            raise IncorrectLookupParameters(value)
        return queryset.bereikt(int(value))


class JaarFilter(admin.SimpleListFilter):
    """The actions running in a year: van_jaar..tot_jaar covers it (one year given: that
    year). Years from the plans' periods. One query."""

    title = _("year")
    parameter_name = "jaar"
    WITHOUT = "geen"

    def lookups(self, request, model_admin):
        bounds = Beleidsplan.objects.aggregate(start=Min("van_jaar"), end=Max("tot_jaar"))
        years = []
        if bounds["start"] and bounds["end"]:
            years = [(str(y), str(y)) for y in range(bounds["start"], bounds["end"] + 1)]
        return [*years, (self.WITHOUT, _("without year"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == self.WITHOUT:
            return queryset.filter(van_jaar__isnull=True, tot_jaar__isnull=True)
        if not value.isdigit():
            # A hand-edited URL: the admin answers with its "invalid filter" redirect.
            raise IncorrectLookupParameters(value)
        year = int(value)
        return queryset.filter(
            Q(van_jaar__lte=year, tot_jaar__gte=year)
            | Q(van_jaar=year, tot_jaar__isnull=True)
            | Q(van_jaar__isnull=True, tot_jaar=year)
        )


# --- Form and inline -------------------------------------------------------------------------


class ActieForm(forms.ModelForm):
    class Meta:
        model = Actie
        fields = (
            "doelstelling", "volgorde", "omschrijving", "regierol", "actorrol",
            "alle_gemeenten", "gemeenten", "spreiding_toelichting", "van_jaar", "tot_jaar",
            "timing_tekst", "zie_ook",
        )
        help_texts = {
            "alle_gemeenten": _(
                "Ticked: the action is meant for every municipality of the region, and "
                "the municipality filter of the action list counts it for each of them. "
                "Untick it to choose the municipalities below."
            ),
        }

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("alle_gemeenten") and cleaned_data.get("gemeenten"):
            self.add_error("gemeenten", spreiding_conflict_message())
        return cleaned_data


class ActieActorInline(ClosedPlanInlineMixin, admin.TabularInline):
    model = ActieActor
    fields = ("actor", "rol")
    autocomplete_fields = ("actor",)
    extra = 0

    def parent_plan(self, obj):
        return obj.doelstelling.plan

    def get_queryset(self, request):
        # The row's title (str of ActieActor) names the actor: no query per row for it.
        return super().get_queryset(request).select_related("actor")


class IndicatorInline(ClosedPlanInlineMixin, admin.StackedInline):
    """The indicators of an action; their values are entered on the indicator's own page
    (the change link)."""

    model = Indicator
    fk_name = "actie"
    fields = (
        ("naam", "eenheid"), ("basiswaarde", "basisjaar"), ("streefwaarde", "streefjaar"),
        ("richting", "cumulatief"), "rapporteur", ("op_home", "volgorde"),
    )
    autocomplete_fields = ("rapporteur",)
    extra = 0
    show_change_link = True
    verbose_name_plural = _("indicators (values: open the indicator)")

    def parent_plan(self, obj):
        return obj.doelstelling.plan


class DoelstellingIndicatorInline(IndicatorInline):
    """The indicators of an operational goal (OD)."""

    fk_name = "doelstelling"

    def parent_plan(self, obj):
        return obj.plan


# --- Actie -----------------------------------------------------------------------------------


@admin.register(Actie)
class ActieAdmin(
    ClosedPlanReadOnlyMixin,
    ExplainProtectedDeleteMixin,
    SpreadsheetImportExportMixin,
    HistoryAdmin,
):
    form = ActieForm
    resource_classes = [ActieResource]
    import_help = _(
        "One action a row, with the column headings of the export. Plan: the title and "
        "period of the policy plan as the export writes them (may stay empty when there is "
        "only one). Doelstelling: the code of its operational goal, e.g. SD1-OD2. Gemeenten "
        "and Zie ook: names and codes separated by commas. Alle gemeenten: ja or nee. "
        "Actoren: names as in the actors' list, each with its role, separated by "
        "semicolons: vzw 'de Rand' (trekker); Erfgoedcel (partner). A row with an id "
        "changes that action, a row without id adds one."
    )

    list_display = (
        "goal_code", "short_omschrijving", "short_regierol", "spreiding_summary",
        "timing_display",
    )
    list_display_links = ("short_omschrijving",)
    list_filter = (
        "doelstelling__plan",
        StrategischeDoelstellingFilter,
        OperationeleDoelstellingFilter,
        GemeenteFilter,
        ("actoren", admin.RelatedOnlyFieldListFilter),
        JaarFilter,
    )
    list_select_related = ("doelstelling",)
    search_fields = ("omschrijving", "regierol", "actorrol", "doelstelling__code")
    search_help_text = _(
        "Search in description, director's and actor's role, and goal code (SD1-OD2)."
    )
    autocomplete_fields = ("doelstelling", "gemeenten", "zie_ook")
    inlines = [ActieActorInline, IndicatorInline]
    fieldsets = (
        (None, {"fields": ("doelstelling", "volgorde", "omschrijving", "regierol", "actorrol")}),
        (_("Spreading"), {"fields": ("alle_gemeenten", "gemeenten", "spreiding_toelichting")}),
        (_("Timing"), {"fields": (("van_jaar", "tot_jaar"), "timing_tekst")}),
        (_("See also"), {"fields": ("zie_ook",)}),
    )

    class Media:
        css = {"all": ["admin-extra/admin.css"]}

    def get_queryset(self, request):
        # Goal and municipalities in one query each for the whole page.
        return (
            super().get_queryset(request).select_related("doelstelling").prefetch_related("gemeenten")
        )

    def plan_of(self, obj):
        return obj.doelstelling.plan

    def get_fieldsets(self, request, obj=None):
        # An action of a next plan says which action of the old plan it continues (set
        # when the plan was started, never by hand).
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.voortzetting_van_id:
            return fieldsets
        (name, options), *rest = fieldsets
        return ((name, {**options, "fields": (*options["fields"], "voortzetting_van")}), *rest)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "voortzetting_van")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "doelstelling":
            # Under an OD of a plan that is not closed (a closed plan gets no actions).
            kwargs["queryset"] = Doelstelling.objects.operationeel().filter(
                plan__afgesloten_op__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        code = normalise_code(search_term)
        if code.startswith("SD") and code[2:3].isdigit():
            search_term = code
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("goal"))
    def goal_code(self, actie):
        return actie.doelstelling.code

    @admin.display(description=_("description"))
    def short_omschrijving(self, actie):
        return Truncator(actie.omschrijving).chars(90)

    @admin.display(description=_("director's role (regierol)"))
    def short_regierol(self, actie):
        return Truncator(actie.regierol).chars(60)

    @admin.display(description=_("spreading"))
    def spreiding_summary(self, actie):
        """Uses the prefetched municipalities: no query."""
        if actie.alle_gemeenten:
            return gettext("all municipalities")
        names = [gemeente.naam for gemeente in actie.gemeenten.all()]
        if not names:
            return "-"
        if len(names) > 3:
            return gettext("%(names)s and %(count)s more") % {
                "names": ", ".join(names[:3]), "count": len(names) - 3,
            }
        return ", ".join(names)

    @admin.display(description=_("timing"), ordering="van_jaar")
    def timing_display(self, actie):
        return actie.timing or "-"


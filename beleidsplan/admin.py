"""The coordinator's admin for plans and the goal tree, and the admin base classes the
other apps share (history, spreadsheet import/export, clear refusals of deletes).

Base-class order matters. Import/export first (it wraps the changelist template and adds
its URLs), then django-simple-history (history view, the user on every save), then the
tree's DraggableMPTTAdmin, then ModelAdmin.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import models, transaction
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from mptt.admin import DraggableMPTTAdmin, MPTTAdminForm
from simple_history.admin import SimpleHistoryAdmin

from acties.models import Actie

from .models import Beleidsplan, Doelstelling
from .resources import SPREADSHEET_FORMATS, DoelstellingResource, normalise_code

# Messages of django-import-export, django-simple-history and django-mptt that their own
# catalogs lack in Dutch (or translate badly). Marked here so that makemessages puts them in
# our catalog, which takes precedence over the libraries' (LOCALE_PATHS).
LIBRARY_MESSAGES = (
    # django-import-export
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data "
        "for import."
    ),
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop(
        "The following fields are declared in 'import_id_fields' but are not present "
        "in the file headers: %s"
    ),
    gettext_noop("This exporter will export the following fields: "),
    gettext_noop("This importer will import the following fields: "),
    gettext_noop("Select all"),
    gettext_noop("Some rows failed to validate"),
    gettext_noop(
        "Please correct these errors in your data where possible, then reupload it "
        "using the form above."
    ),
    gettext_noop("Confirm import"),
    gettext_noop("Line number"),
    gettext_noop("Row"),
    gettext_noop("Non field specific"),
    gettext_noop("new through import_export"),
    gettext_noop("update through import_export"),
    gettext_noop("delete through import_export"),
    gettext_noop("export failed due to IllegalCharacterError"),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    # django-simple-history
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("Revert %s"),
    gettext_noop("View %s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
    gettext_noop('The %(name)s "%(obj)s" was changed successfully.'),
    gettext_noop("You may edit it again below"),
    # django-mptt
    gettext_noop("%s has been successfully moved."),
    gettext_noop("Did not understand moving instruction."),
    gettext_noop("Objects have disappeared, try again."),
    gettext_noop("No permission"),
    gettext_noop("Database error: %s"),
    gettext_noop("move node before node"),
    gettext_noop("move node to child position"),
    gettext_noop("move node after node"),
    gettext_noop("Collapse tree"),
    gettext_noop("Expand tree"),
    gettext_noop("Successfully deleted %(count)d items."),
    gettext_noop("Invalid parent"),
    gettext_noop("A node may not be made a sibling of itself."),
    gettext_noop("A node may not be made a child of itself."),
    gettext_noop("A node may not be made a child of any of its descendants."),
    gettext_noop("A node may not be made a sibling of any of its descendants."),
)


# --- Shared base classes --------------------------------------------------------------------


class HistoryAdmin(SimpleHistoryAdmin):
    """Every record's "Geschiedenis": who changed what and when, with the changed fields."""

    object_history_list_template = "admin/cultuurregio/object_history_list.html"


class ExplainProtectedDeleteMixin:
    """Say in words why a delete is refused.

    The models protect what still depends on a record (a goal with actions, an SD with ODs,
    an actor involved in actions). Django's delete page and bulk delete already refuse and
    list the dependent records; this adds a message that says what to do.
    """

    protected_delete_message = _(
        "This cannot be deleted while the records listed below still depend on it. "
        "Move or delete those first."
    )

    def explain_protected(self, request, response) -> None:
        context = getattr(response, "context_data", None) or {}
        if context.get("protected"):
            self.message_user(request, self.protected_delete_message, messages.ERROR)

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        self.explain_protected(request, response)
        return response

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            func, name, description = actions["delete_selected"]

            def delete_and_explain(modeladmin, request, queryset):
                response = func(modeladmin, request, queryset)
                modeladmin.explain_protected(request, response)
                return response

            actions["delete_selected"] = (delete_and_explain, name, description)
        return actions


class SpreadsheetImportExportMixin(ImportExportMixin):
    """Import (with preview and confirmation) and export as Excel (.xlsx) or CSV."""

    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS
    import_template_name = "admin/cultuurregio/import.html"
    # With a byte order mark, Excel opens the CSV as UTF-8 (é, ë) instead of guessing.
    to_encoding = "utf-8-sig"
    #: Shown above the import form: what the columns mean.
    import_help = ""

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["import_help"] = self.import_help
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        form.add_error(
            "import_file",
            gettext(
                "This file could not be read. Choose an Excel file (.xlsx) or a CSV file, "
                "and the format that matches it."
            ),
        )


# --- Beleidsplan -----------------------------------------------------------------------------


@admin.register(Beleidsplan)
class BeleidsplanAdmin(ExplainProtectedDeleteMixin, HistoryAdmin):
    list_display = ("titel", "van_jaar", "tot_jaar")
    search_fields = ("titel", "beschrijving")
    protected_delete_message = _(
        "A policy plan with goals cannot be deleted. Delete or move its goals first."
    )


# --- Doelstelling ----------------------------------------------------------------------------


class SoortFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "soort"

    def lookups(self, request, model_admin):
        return Doelstelling.Soort.choices

    def queryset(self, request, queryset):
        if self.value() == Doelstelling.Soort.SD:
            return queryset.strategisch()
        if self.value() == Doelstelling.Soort.OD:
            return queryset.operationeel()
        return queryset


class DoelstellingForm(MPTTAdminForm):
    """The parent can only be an SD, of the goal's own plan once the goal exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parent = self.fields.get("parent")
        if parent is None:
            return
        queryset = parent.queryset.strategisch().select_related("plan")
        if self.instance.plan_id:
            queryset = queryset.filter(plan_id=self.instance.plan_id)
        parent.queryset = queryset
        parent.label_from_instance = self.parent_label
        parent.help_text = _(
            "Empty for a strategic goal (SD). For an operational goal (OD): its SD, in the "
            "same policy plan."
        )

    @staticmethod
    def parent_label(sd: Doelstelling) -> str:
        text = Truncator(sd.tagline or sd.formulering).chars(70)
        return f"{sd.code} {text} ({sd.plan.van_jaar}-{sd.plan.tot_jaar})"


class ActieInline(admin.TabularInline):
    """The actions of an OD, in their order; the full form (municipalities, actors, "zie
    ook") is one click away through the change link."""

    model = Actie
    fields = ("volgorde", "omschrijving", "regierol", "actorrol", "alle_gemeenten")
    extra = 0
    show_change_link = True
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 30})},
        models.PositiveIntegerField: {"widget": forms.NumberInput(attrs={"style": "width:4em"})},
    }

    def get_queryset(self, request):
        # Each row's title (str of the action) names its goal's code: no query per row.
        return super().get_queryset(request).select_related("doelstelling")


def actions_under(goal_ref) -> Coalesce:
    """The number of actions under a goal: its own (an OD) or its ODs' (an SD).

    A correlated subquery, so one changelist query whatever the number of goals.
    """
    acties = (
        Actie.objects.filter(Q(doelstelling=goal_ref) | Q(doelstelling__parent=goal_ref))
        .order_by()
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return Coalesce(Subquery(acties, output_field=models.IntegerField()), 0)


@admin.register(Doelstelling)
class DoelstellingAdmin(
    ExplainProtectedDeleteMixin, SpreadsheetImportExportMixin, HistoryAdmin, DraggableMPTTAdmin
):
    form = DoelstellingForm
    resource_classes = [DoelstellingResource]
    import_help = _(
        "One goal a row. plan: the number of the policy plan. parent: the code of the SD "
        "for an operational goal, empty for a strategic goal. A row with an id changes that "
        "goal, a row without id adds one. The codes follow the place in the tree and are "
        "renumbered after the import; the code column is not read."
    )

    list_display = (
        "tree_actions", "indented_title", "soort_display", "transversaal", "acties_count",
        "plan_period",
    )
    list_display_links = ("indented_title",)
    list_filter = ("plan", SoortFilter)
    list_select_related = ("plan",)
    search_fields = ("code", "formulering", "tagline")
    search_help_text = _('Search in code, wording and short title, e.g. "SD1-OD2".')
    # The list is the tree: sorting by a column would break it (and the drag and drop).
    sortable_by = ()
    # A plan has some thirty goals: show the whole tree, SDs can still be collapsed.
    expand_tree_by_default = True
    inlines = [ActieInline]
    protected_delete_message = _(
        "A goal with actions, or a strategic goal with operational goals, cannot be "
        "deleted. Move or delete its actions and operational goals first."
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(acties_count=actions_under(OuterRef("pk")))

    # Changelist columns

    @admin.display(description=_("goal"))
    def indented_title(self, goal):
        return format_html(
            '<div style="padding-left:{}px"><strong>{}</strong> {}</div>',
            goal.level * self.mptt_level_indent,
            goal.code,
            Truncator(goal.formulering).chars(120),
        )

    @admin.display(description=_("kind"))
    def soort_display(self, goal):
        return format_html('<abbr title="{}">{}</abbr>', goal.get_soort_display(), goal.soort)

    @admin.display(description=_("policy plan"))
    def plan_period(self, goal):
        return f"{goal.plan.van_jaar}-{goal.plan.tot_jaar}"

    @admin.display(description=_("actions"))
    def acties_count(self, goal):
        return goal.acties_count

    # Change form

    def get_fields(self, request, obj=None):
        fields = [
            "plan", "parent", "code", "formulering", "tagline", "transversaal",
            "toelichting", "spreiding",
        ]
        if obj is not None:
            fields.append("zie_ook_acties_list")
        return fields

    def get_readonly_fields(self, request, obj=None):
        # A goal stays in its plan: moving it (and its ODs and actions) to another plan
        # would tear the tree apart. A new plan starts from a copy instead.
        if obj is None:
            return ("code",)
        return ("plan", "code", "zie_ook_acties_list")

    def get_inline_instances(self, request, obj=None):
        # Actions belong under an OD only.
        if obj is None or obj.parent_id is None:
            return []
        return super().get_inline_instances(request, obj)

    @admin.display(description=_("actions of other goals that refer here (see also)"))
    def zie_ook_acties_list(self, goal):
        acties = (
            goal.zie_ook_acties.exclude(doelstelling=goal)
            .select_related("doelstelling")
            .in_plan_order()
        )
        links = [(reverse("admin:acties_actie_change", args=[a.pk]), str(a)) for a in acties]
        if not links:
            return gettext("No action of another goal refers to this goal.")
        return format_html(
            '<ul class="zie-ook">{}</ul>',
            format_html_join("", '<li><a href="{}">{}</a></li>', links),
        )

    def get_search_results(self, request, queryset, search_term):
        code = normalise_code(search_term)
        if code.startswith("SD") and code[2:3].isdigit():
            search_term = code
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        # The autocomplete of an action's goal offers operational goals only.
        if (
            request.GET.get("app_label") == "acties"
            and request.GET.get("model_name") == "actie"
            and request.GET.get("field_name") == "doelstelling"
        ):
            queryset = queryset.operationeel()
        return queryset, may_have_duplicates

    def revert_disabled(self, request, obj=None):
        # Reverting would set a parent without the tree fields (excluded from history);
        # the tree changes through moves and the form, which keep it whole.
        return True

    # Drag and drop

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if (
            request.method == "POST"
            and request.POST.get("cmd") == "move_node"
            and response.status_code == 200
            and response.content.startswith(b"OK")
        ):
            self.record_move(request, request.POST.get("cut_item"))
        return response

    def record_move(self, request, pk) -> None:
        """mptt moves with queryset updates, which the audit trail does not see: record
        the moved goal's new place (parent, refreshed code) with the user. Two queries."""
        goal = Doelstelling.objects.get(pk=pk)
        Doelstelling.history.bulk_history_create(
            [goal], update=True, default_user=request.user,
            default_change_reason=gettext("Moved in the goal tree"),
        )

    def delete_selected_tree(self, modeladmin, request, queryset):
        # mptt's bulk delete deletes on the confirming POST without looking at protected
        # objects, which would end in a ProtectedError (a 500) and, outside a transaction,
        # a torn tree. Refuse like Django's own delete_selected does, in one transaction.
        if request.POST.get("post"):
            protected = modeladmin.get_deleted_objects(queryset, request)[3]
            if protected:
                return delete_selected(modeladmin, request, queryset)
            with transaction.atomic():
                return super().delete_selected_tree(modeladmin, request, queryset)
        return super().delete_selected_tree(modeladmin, request, queryset)


# Revision rounds, proposals and published versions.
from . import admin_versies  # noqa: E402, F401

"""The coordinator's admin site, and the base classes every app's admin shares (history,
spreadsheet import/export, clear refusals of deletes)."""

from django.contrib import admin, messages
from django.forms.models import _get_foreign_key
from django.template.loader import select_template
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from . import conflicts
from .roles import is_coordinator
from .spreadsheets import SPREADSHEET_FORMATS, SPREADSHEET_IMPORT_FORMATS, UnreadableEncoding


class CultuurregioAdminSite(admin.AdminSite):
    """The coordinator's admin. Only coordinators get in: steering group members and
    partners use the site, even if someone made them staff by mistake."""

    site_header = _("Cultuurregio: beleidsplan")
    site_title = _("Cultuurregio")
    index_title = _("Coordinator's management")

    def has_permission(self, request):
        return is_coordinator(request.user)


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


class ConflictCheckMixin:
    """Two coordinators editing one record: the second save is refused, not silently
    written over the first (cultuurregio/conflicts.py).

    The change form carries the version it was opened on (the record's latest historical
    record, and the latest change of the rows its inlines edit) in a hidden field. Saving
    locks the row and compares, inside the admin's own transaction; a form opened before
    the last change gets a form error, the table of what the other person changed (their
    value and this person's), and is shown again with this person's changes kept and the
    other's in the fields this person did not touch, carrying the new version: "Toch mijn
    versie opslaan" then applies it on the current record. A POST without the field (an
    old page, a script) is not checked.
    """

    change_form_template = "admin/cultuurregio/change_form.html"

    def conflict_children(self, request, obj) -> list[conflicts.Children]:
        """The audited child rows the change form edits through its inlines."""
        children, seen = [], set()
        for inline in self.get_inline_instances(request, obj):
            if inline.model in seen or conflicts.history_model(inline.model) is None:
                continue
            seen.add(inline.model)
            fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
            children.append(
                conflicts.Children(
                    inline.model, fk.name, str(inline.model._meta.verbose_name_plural)
                )
            )
        return children

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or request.method != "POST" or conflicts.TOKEN_FIELD not in request.POST:
            return form_class
        modeladmin = self

        class VersionCheckedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                modeladmin.check_version(request, obj, self)
                return cleaned_data

        VersionCheckedForm.__name__ = form_class.__name__
        return VersionCheckedForm

    def check_version(self, request, obj, form) -> None:
        """Runs in the admin's transaction, before anything is saved: lock, compare."""
        conflicts.lock(self.model, obj.pk)
        conflict = conflicts.detect(
            form=form,
            model=self.model,
            pk=obj.pk,
            posted=request.POST.get(conflicts.TOKEN_FIELD),
            children=self.conflict_children(request, obj),
        )
        if conflict is not None:
            request._edit_conflict = conflict
            form.add_error(None, conflicts.message(conflict))
            if conflict.children:
                self._merge_inline_rows(request, obj)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if "data" in kwargs and conflicts.TOKEN_FIELD in request.POST:
            # The inline formsets are built before the form is checked; after a conflict
            # their rows are merged (_merge_inline_rows), so they share one mutable copy of
            # the posted data and each inline's prefix is remembered.
            if not hasattr(request, "_inline_data"):
                request._inline_data, request._inline_prefixes = kwargs["data"], []
            kwargs["data"] = request._inline_data
            request._inline_prefixes.append((inline.model, prefix, inline))
        return kwargs

    def _merge_inline_rows(self, request, obj) -> None:
        """The inline rows shown again after a conflict get someone else's changes in the
        fields this person left alone (conflicts.merge_rows)."""
        children = [child.model for child in self.conflict_children(request, obj)]
        for model, prefix, inline in getattr(request, "_inline_prefixes", []):
            if model in children:
                conflicts.merge_rows(
                    request._inline_data,
                    prefix=prefix,
                    form_class=inline.get_formset(request, obj).form,
                    model=model,
                    posted=request.POST.get(conflicts.TOKEN_FIELD),
                    index=children.index(model) + 1,
                )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        opts = self.model._meta
        context["conflict_parent"] = select_template(
            [
                f"admin/{opts.app_label}/{opts.model_name}/change_form.html",
                f"admin/{opts.app_label}/change_form.html",
                "admin/change_form.html",
            ]
        ).template
        if obj is not None and obj.pk and change:
            conflict = getattr(request, "_edit_conflict", None)
            if conflict is not None:
                token = conflict.token
            elif request.method == "POST" and conflicts.TOKEN_FIELD in request.POST:
                # A form with another error keeps the version it was opened on.
                token = request.POST[conflicts.TOKEN_FIELD]
            else:
                token = conflicts.form_token(obj, self.conflict_children(request, obj))
            context.update(
                version_token=token, token_field=conflicts.TOKEN_FIELD, edit_conflict=conflict
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class HistoryAdmin(ConflictCheckMixin, SimpleHistoryAdmin):
    """Every record's "Geschiedenis": who changed what and when, with the changed fields;
    and no lost updates (ConflictCheckMixin)."""

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

    import_formats = SPREADSHEET_IMPORT_FORMATS
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
        if isinstance(e, UnreadableEncoding):
            form.add_error("import_file", str(e))
            return
        form.add_error(
            "import_file",
            gettext(
                "This file could not be read. Choose an Excel file (.xlsx) or a CSV file, "
                "and the format that matches it."
            ),
        )

"""The coordinator's admin for the actor registry and the region's municipalities."""

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cultuurregio.admin import (
    ExplainProtectedDeleteMixin,
    HistoryAdmin,
    SpreadsheetImportExportMixin,
)

from .models import Actor, ContactPersoon, Gemeente
from .resources import ActorResource, GemeenteResource


class ContactPersoonInline(admin.TabularInline):
    model = ContactPersoon
    fields = ("naam", "functie", "email", "telefoon")
    extra = 0


@admin.register(Actor)
class ActorAdmin(ExplainProtectedDeleteMixin, SpreadsheetImportExportMixin, HistoryAdmin):
    resource_classes = [ActorResource]
    # A website typed without its scheme ("cc-halle.be") is read as https, as Django 6 will.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    import_help = _(
        "One actor a row, with the column headings of the export, recognised by its name "
        "(Naam). Soort and Niveau: the Dutch label or the value. Gemeenten: names separated "
        "by commas. Actief: ja or nee."
    )

    list_display = ("naam", "soort", "niveau", "gemeenten_summary", "acties_count", "actief")
    list_filter = ("soort", "niveau", ("gemeenten", admin.RelatedOnlyFieldListFilter), "actief")
    search_fields = ("naam", "aliassen", "beschrijving", "email", "contactpersonen__naam")
    autocomplete_fields = ("gemeenten", "gebruikers")
    inlines = [ContactPersoonInline]
    protected_delete_message = _(
        "An actor involved in actions cannot be deleted. Remove it from those actions "
        "first, or mark it as not active."
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(acties_count=Count("betrokkenheden", distinct=True))
            .prefetch_related("gemeenten")
        )

    @admin.display(description=_("municipalities"))
    def gemeenten_summary(self, actor):
        """Uses the prefetched municipalities: no query."""
        names = [gemeente.naam for gemeente in actor.gemeenten.all()]
        if len(names) > 3:
            return gettext("%(names)s and %(count)s more") % {
                "names": ", ".join(names[:3]), "count": len(names) - 3,
            }
        return ", ".join(names) or "-"

    @admin.display(description=_("actions"), ordering="acties_count")
    def acties_count(self, actor):
        return actor.acties_count


class FusieFilter(admin.SimpleListFilter):
    title = _("merger")
    parameter_name = "fusie"

    def lookups(self, request, model_admin):
        return [
            ("huidig", _("existing municipalities")),
            ("opgegaan", _("merged into another")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "huidig":
            return queryset.huidig()
        if self.value() == "opgegaan":
            return queryset.exclude(pk__in=Gemeente.objects.huidig().values("pk"))
        return queryset


@admin.register(Gemeente)
class GemeenteAdmin(ExplainProtectedDeleteMixin, SpreadsheetImportExportMixin, HistoryAdmin):
    resource_classes = [GemeenteResource]
    import_help = _(
        "One municipality a row, with the column headings of the export, recognised by its "
        "name (Naam). NIS-code: the five digits of Statbel. Faciliteitengemeente: ja or "
        "nee. Opgegaan in: the name of the municipality it merged into, with Fusiedatum the "
        "date of the merger (2025-01-01)."
    )

    list_display = ("naam", "nis_code", "faciliteitengemeente", "opgegaan_in", "fusiedatum",
                    "tegel_rij", "tegel_kolom")
    # The tile map's places are laid out together, so they are edited in the list too.
    list_editable = ("tegel_rij", "tegel_kolom")
    list_filter = ("faciliteitengemeente", FusieFilter)
    list_select_related = ("opgegaan_in",)
    search_fields = ("naam", "nis_code")
    autocomplete_fields = ("opgegaan_in",)
    protected_delete_message = _(
        "A municipality that actions, actors or a merger refer to cannot be deleted: that "
        "would rewrite the plan's history. Record a merger instead (merged into, merger "
        "date)."
    )

    def get_deleted_objects(self, objs, request):
        """Also protect the municipalities that actions or actors name: deleting one would
        silently drop it from them (a many-to-many relation does not protect)."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        pks = [gemeente.pk for gemeente in objs]
        protected = list(protected)
        # Actions are reached through their relation's name: actoren sits below acties
        # and does not import it (README, "Code layout").
        actie_model = Gemeente._meta.get_field("acties").related_model
        protected += [
            f"{actie_model._meta.verbose_name}: {actie}"
            for actie in actie_model.objects.filter(gemeenten__in=pks)
            .select_related("doelstelling")
            .distinct()
        ]
        protected += [
            f"{Actor._meta.verbose_name}: {actor}"
            for actor in Actor.objects.filter(gemeenten__in=pks).distinct()
        ]
        return deleted, model_count, perms_needed, protected

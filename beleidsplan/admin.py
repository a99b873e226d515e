"""The coordinator's admin for plans and the goal tree; actions in ``admin_acties``,
versions and revision rounds in ``admin_versies``. The base classes every app's admin
shares are in ``cultuurregio.admin``.

Base-class order matters. Import/export first (it wraps the changelist template and adds
its URLs), then django-simple-history (history view, the user on every save), then the
tree's DraggableMPTTAdmin, then ModelAdmin.
"""

from functools import partial
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from mptt.admin import DraggableMPTTAdmin, MPTTAdminForm
from mptt.exceptions import InvalidMove

from acties.models import Actie
from cultuurregio.admin import (
    ExplainProtectedDeleteMixin,
    HistoryAdmin,
    SpreadsheetImportExportMixin,
)

from .admin_acties import DoelstellingIndicatorInline
from .admin_closed import ClosedPlanInlineMixin, ClosedPlanReadOnlyMixin, closed_notice
from .admin_nota import nota_import_view
from .models import Beleidsplan, Doelstelling, Planversie
from .resources import DoelstellingResource, normalise_code
from .succession import (
    SuccessionRefused,
    close_plan,
    open_items,
    start_next_plan,
    successor_of,
)

# --- Beleidsplan -----------------------------------------------------------------------------


class NextPlanForm(forms.Form):
    """The intermediate page of "Volgend plan starten": what the service asks."""

    titel = forms.CharField(label=_("title"), max_length=200)
    van_jaar = forms.IntegerField(label=_("from year"), min_value=1900, max_value=2200)
    tot_jaar = forms.IntegerField(label=_("to year"), min_value=1900, max_value=2200)
    versie = forms.TypedChoiceField(label=_("start from version"), coerce=int)

    def __init__(self, *args, plan: Beleidsplan, versies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["versie"].choices = [(v.nummer, str(v)) for v in versies]
        if versies:
            self.fields["versie"].initial = versies[-1].nummer


@admin.register(Beleidsplan)
class BeleidsplanAdmin(ClosedPlanReadOnlyMixin, ExplainProtectedDeleteMixin, HistoryAdmin):
    list_display = ("titel", "van_jaar", "tot_jaar", "vorig_plan", "state")
    list_select_related = ("vorig_plan",)
    search_fields = ("titel", "beschrijving")
    readonly_fields = ("vorig_plan", "afgesloten_op")
    actions = ["start_next_plan_action", "close_plan_action"]
    protected_delete_message = _(
        "A policy plan with goals cannot be deleted. Delete or move its goals first."
    )

    def plan_of(self, obj):
        return obj

    def get_queryset(self, request):
        published = Planversie.objects.filter(plan=OuterRef("pk"))
        return super().get_queryset(request).annotate(gepubliceerd=Exists(published))

    @admin.display(description=_("state"))
    def state(self, plan):
        if plan.is_afgesloten:
            return gettext("closed on %(date)s") % {
                "date": date_format(timezone.localtime(plan.afgesloten_op), "j F Y")
            }
        if not plan.gepubliceerd:
            return gettext("in preparation")
        return gettext("running")

    def get_urls(self):
        # "Nota importeren" (admin_nota.py), the button on the plans' list; the pages of
        # the actions "Volgend plan starten" and "Plan afsluiten".
        return [
            path(
                "nota-importeren/",
                self.admin_site.admin_view(partial(nota_import_view, self)),
                name="beleidsplan_beleidsplan_nota_import",
            ),
            path(
                "<int:pk>/volgend-plan/",
                self.admin_site.admin_view(self.next_plan_view),
                name="beleidsplan_beleidsplan_next_plan",
            ),
            path(
                "<int:pk>/afsluiten/",
                self.admin_site.admin_view(self.close_plan_view),
                name="beleidsplan_beleidsplan_close",
            ),
            *super().get_urls(),
        ]

    # The actions lead to a page of their own for one plan.

    def _one_plan(self, request, queryset, url_name: str):
        if queryset.count() != 1:
            self.message_user(request, gettext("Choose one policy plan."), messages.WARNING)
            return None
        return redirect(reverse(f"admin:{url_name}", args=[queryset.get().pk]))

    @admin.action(description=_("Start the next plan"))
    def start_next_plan_action(self, request, queryset):
        return self._one_plan(request, queryset, "beleidsplan_beleidsplan_next_plan")

    @admin.action(description=_("Close the plan"))
    def close_plan_action(self, request, queryset):
        return self._one_plan(request, queryset, "beleidsplan_beleidsplan_close")

    def _plan_or_404(self, request, pk: int) -> Beleidsplan:
        plan = self.get_object(request, str(pk))
        if plan is None:
            raise Http404
        return plan

    def next_plan_view(self, request, pk: int):
        """Start the next plan from one of this plan's published versions: title, years
        (the six years after this plan) and version, then ``start_next_plan``."""
        plan = self._plan_or_404(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        changelist = reverse("admin:beleidsplan_beleidsplan_changelist")
        versies = list(plan.versies.defer("document").order_by("nummer"))
        start = plan.tot_jaar + 1
        form = NextPlanForm(
            request.POST if request.method == "POST" else None,
            plan=plan,
            versies=versies,
            initial={
                "titel": gettext("Policy plan %(van)s-%(tot)s") % {"van": start, "tot": start + 5},
                "van_jaar": start,
                "tot_jaar": start + 5,
            },
        )
        if request.method == "POST" and form.is_valid():
            try:
                new = start_next_plan(
                    van_plan=plan,
                    titel=form.cleaned_data["titel"],
                    van_jaar=form.cleaned_data["van_jaar"],
                    tot_jaar=form.cleaned_data["tot_jaar"],
                    versie_nummer=form.cleaned_data["versie"],
                    user=request.user,
                )
            except SuccessionRefused as refusal:
                form.add_error(None, refusal.messages)
            else:
                messages.success(request, format_html(
                    '{} <a href="{}">{}</a>',
                    gettext(
                        "%(plan)s was started: %(goals)s goals and %(acties)s actions "
                        "carried over, each linked to the one it continues."
                    ) % {
                        "plan": new,
                        "goals": new.doelstellingen.count(),
                        "acties": Actie.objects.van_plan(new).count(),
                    },
                    reverse("admin:beleidsplan_beleidsplan_change", args=[new.pk]),
                    gettext("Open the new plan"),
                ))
                return redirect(changelist)
        return TemplateResponse(request, "admin/beleidsplan/beleidsplan/next_plan.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Start the plan after %(plan)s") % {"plan": plan},
            "plan": plan, "form": form, "versies": versies, "changelist": changelist,
            "successor": successor_of(plan),
        })

    def close_plan_view(self, request, pk: int):
        """Close this plan, after a page that lists its open reports and proposals."""
        plan = self._plan_or_404(request, pk)
        changelist = reverse("admin:beleidsplan_beleidsplan_changelist")
        if plan.is_afgesloten:
            messages.info(request, closed_notice(plan))
            return redirect(changelist)
        if not self.has_change_permission(request, plan):
            raise PermissionDenied
        if request.method == "POST":
            try:
                close_plan(plan=plan, user=request.user)
            except SuccessionRefused as refusal:
                messages.error(request, refusal.messages[0])
            else:
                messages.success(request, gettext(
                    "%(plan)s is closed. Its pages, versions, progress and annual reports "
                    "stay readable."
                ) % {"plan": plan})
            return redirect(changelist)
        return TemplateResponse(request, "admin/beleidsplan/beleidsplan/close.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Close %(plan)s?") % {"plan": plan},
            "plan": plan, "open": open_items(plan), "changelist": changelist,
        })


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
        plan = self.fields.get("plan")
        if plan is not None:
            # A closed plan gets no new goals.
            plan.queryset = plan.queryset.filter(afgesloten_op__isnull=True)
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


class ActieInline(ClosedPlanInlineMixin, admin.TabularInline):
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

    def parent_plan(self, obj):
        return obj.plan

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
    ClosedPlanReadOnlyMixin,
    ExplainProtectedDeleteMixin,
    SpreadsheetImportExportMixin,
    HistoryAdmin,
    DraggableMPTTAdmin,
):
    form = DoelstellingForm
    resource_classes = [DoelstellingResource]
    import_help = _(
        "One goal a row, with the column headings of the export. Plan: the title and period "
        "of the policy plan as the export writes them. Strategische doelstelling: the code "
        "of the SD for an operational goal, empty for a strategic goal. Transversaal: ja or "
        "nee. A row with an id changes that goal, a row without id adds one. The codes "
        "follow the place in the tree and are renumbered after the import; the Code column "
        "is not read."
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
    inlines = [ActieInline, DoelstellingIndicatorInline]
    protected_delete_message = _(
        "A goal with actions, or a strategic goal with operational goals, cannot be "
        "deleted. Move or delete its actions and operational goals first."
    )

    def plan_of(self, obj):
        return obj.plan

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
            "toelichting", "spreiding", "werknotitie",
        ]
        if obj is not None:
            fields.append("zie_ook_acties_list")
        if obj is not None and obj.voortzetting_van_id:
            fields.insert(fields.index("code") + 1, "voortzetting_van")
        return fields

    def get_readonly_fields(self, request, obj=None):
        # A goal stays in its plan: moving it (and its ODs and actions) to another plan
        # would tear the tree apart. A new plan starts from a copy instead, which says
        # which goal of the old plan it continues (set by the copy, never by hand).
        if obj is None:
            return ("code",)
        return ("plan", "code", "voortzetting_van", "zie_ook_acties_list")

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

    # Drag and drop, and its undo

    def changelist_view(self, request, extra_context=None):
        moving = request.method == "POST" and request.POST.get("cmd") == "move_node"
        before = _place_of(request.POST.get("cut_item")) if moving else None
        response = super().changelist_view(request, extra_context)
        if moving and response.status_code == 200 and response.content.startswith(b"OK"):
            goal = self.record_move(
                request, request.POST.get("cut_item"), gettext("Moved in the goal tree")
            )
            if before is not None:
                undo = reverse("admin:beleidsplan_doelstelling_undo_move", args=[goal.pk])
                messages.info(request, format_html(
                    '{} <a href="{}?{}">{}</a>',
                    gettext("%(goal)s now has the code %(code)s.")
                    % {"goal": Truncator(goal.formulering).chars(60), "code": goal.code},
                    undo, urlencode(before), gettext("Undo this move"),
                ))
        return response

    def record_move(self, request, pk, reason: str) -> Doelstelling:
        """mptt moves with queryset updates, which the audit trail does not see: record
        the moved goal's new place (parent, refreshed code) with the user. Two queries."""
        goal = Doelstelling.objects.get(pk=pk)
        Doelstelling.history.bulk_history_create(
            [goal], update=True, default_user=request.user, default_change_reason=reason,
        )
        return goal

    def get_urls(self):
        return [
            path(
                "<int:pk>/terugzetten/",
                self.admin_site.admin_view(self.undo_move_view),
                name="beleidsplan_doelstelling_undo_move",
            ),
            *super().get_urls(),
        ]

    def undo_move_view(self, request, pk: int):
        """Put a goal back where it was before a drag and drop: ``?ouder=`` (its parent
        then, empty for an SD) and ``?na=`` (the goal it followed, empty when first). A
        confirmation page, then the move, checked against the tree as it is now."""
        goal = self.get_object(request, str(pk))
        if goal is None:
            raise Http404
        if not self.has_change_permission(request, goal):
            raise PermissionDenied
        changelist = reverse("admin:beleidsplan_doelstelling_changelist") + (
            f"?plan__id__exact={goal.plan_id}"
        )
        try:
            parent, after = _earlier_place(goal, request.GET.get("ouder"), request.GET.get("na"))
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(changelist)
        if request.method == "POST":
            try:
                with transaction.atomic():
                    if after is not None:
                        goal.move_to(after, "right")
                    elif parent is not None:
                        goal.move_to(parent, "first-child")
                    else:
                        first = _siblings(goal.plan_id, None).exclude(pk=goal.pk).first()
                        if first is not None:
                            goal.move_to(first, "left")
                    goal = self.record_move(request, goal.pk, gettext("Move undone"))
            except InvalidMove as refusal:  # the tree's own rules, as for a drag and drop
                messages.error(request, str(refusal))
                return redirect(changelist)
            messages.success(
                request, gettext("%(goal)s is back in its earlier place, as %(code)s.")
                % {"goal": Truncator(goal.formulering).chars(60), "code": goal.code},
            )
            return redirect(changelist)
        return TemplateResponse(request, "admin/beleidsplan/doelstelling/undo_move.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Undo the move of %(code)s?") % {"code": goal.code},
            "goal": goal, "parent": parent, "after": after, "changelist": changelist,
        })

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


def _siblings(plan_id: int, parent_id: int | None):
    """The goals of a plan under one parent (its SDs for None), in the tree's order."""
    return Doelstelling.objects.filter(plan_id=plan_id, parent_id=parent_id).order_by(
        "tree_id", "lft"
    )


def _place_of(pk) -> dict | None:
    """Where goal ``pk`` stands now, as the undo link's query: its parent and the goal it
    follows. Two queries; None for a goal that does not exist."""
    goal = Doelstelling.objects.filter(pk=pk).only("pk", "plan_id", "parent_id").first()
    if goal is None:
        return None
    earlier = list(_siblings(goal.plan_id, goal.parent_id).values_list("pk", flat=True))
    index = earlier.index(goal.pk)
    return {"ouder": goal.parent_id or "", "na": earlier[index - 1] if index else ""}


def _earlier_place(goal: Doelstelling, ouder: str | None, na: str | None):
    """The parent and the preceding goal of an undo link, checked against the tree now:
    both in the goal's plan, the goal not moved under itself, ``na`` still under
    ``ouder``, a goal with operational goals not put under another. Raises
    ValidationError (Dutch) when the place no longer exists."""
    gone = ValidationError(gettext(
        "The earlier place of %(code)s no longer exists: the tree changed since. Drag the "
        "goal to where it belongs."
    ) % {"code": goal.code})

    def read(value):
        if not value:
            return None
        if not str(value).isdigit():
            raise gone
        found = Doelstelling.objects.filter(pk=int(value), plan_id=goal.plan_id).first()
        if found is None or found.pk == goal.pk or found.is_descendant_of(goal):
            raise gone
        return found

    parent, after = read(ouder), read(na)
    if parent is not None and (parent.parent_id is not None or goal.get_children().exists()):
        raise gone
    if after is not None and after.parent_id != (parent.pk if parent else None):
        raise gone
    return parent, after


# Revision rounds, proposals and published versions.
from . import admin_acties, admin_versies  # noqa: E402, F401

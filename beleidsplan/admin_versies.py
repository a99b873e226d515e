"""The coordinator's admin for revision rounds, change proposals and published versions.

Accepting, rejecting and publishing each go through a confirmation page, and through the
services (beleidsplan/services.py), which validate before they write.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from acties.models import Actie, Indicator
from cultuurregio.admin import ConflictCheckMixin

from .comparison import WERK, change_label, compare, indicator_row, load_side
from .models import Beleidsplan, Doelstelling, Herziening, Planversie, Reactie, Wijzigingsvoorstel
from .proposals import KINDS, Kind
from .services import ProposalNotApplicable, accept_proposal, publish_version, reject_proposal


class WijzigingsvoorstelForm(forms.ModelForm):
    class Meta:
        model = Wijzigingsvoorstel
        fields = [
            "herziening",
            "volgorde",
            "soort",
            "doelstelling",
            "actie",
            "doel",
            "positie",
            "nieuwe_formulering",
            "nieuwe_tagline",
            "nieuw_transversaal",
            "delen",
            "indicator",
            "indicator_naam",
            "indicator_eenheid",
            "indicator_richting",
            "indicator_cumulatief",
            "indicator_basiswaarde",
            "indicator_basisjaar",
            "indicator_streefwaarde",
            "indicator_streefjaar",
            "motivatie",
        ]
        widgets = {
            "nieuwe_formulering": forms.Textarea(attrs={"rows": 3}),
            "delen": forms.Textarea(attrs={"rows": 3}),
            "motivatie": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unknown = _("This goal does not exist (anymore) in the plan. Choose one from the list.")
        for name in ("doelstelling", "doel"):
            if name in self.fields:
                self.fields[name].error_messages["invalid_choice"] = unknown
        if "actie" in self.fields:
            self.fields["actie"].error_messages["invalid_choice"] = _(
                "This action does not exist (anymore) in the plan. Choose one from the list."
            )
        if "indicator" in self.fields:
            self.fields["indicator"].error_messages["invalid_choice"] = _(
                "This indicator does not exist (anymore) in the plan. Choose one from the list."
            )
        kind = getattr(self, "kind", None)
        if kind is not None:
            # The form of one kind: its labels, and the kind set before validation (the
            # model's clean asks the kind what it needs).
            for name, label in kind.labels.items():
                if name in self.fields:
                    self.fields[name].label = capfirst(label)
            for name, text in kind.help_texts.items():
                if name in self.fields:
                    self.fields[name].help_text = text
            if self.instance.pk is None:
                self.instance.soort = kind.soort


class OpenVoorstelInline(admin.TabularInline):
    """The round's open proposals: editable, with links to accept or reject each."""

    model = Wijzigingsvoorstel
    form = WijzigingsvoorstelForm
    fields = [
        "volgorde",
        "soort",
        "description",
        "nieuwe_formulering",
        "motivatie",
        "decide_links",
    ]
    # The kind and its subject are chosen once, when the proposal is written with the form
    # of its kind (the proposal's own page); here the texts can still be edited.
    readonly_fields = ["soort", "description", "decide_links"]
    extra = 0
    show_change_link = True
    verbose_name_plural = _("open proposals")

    def has_add_permission(self, request, obj=None):
        # New proposals are written with the form of their kind (link above the inlines).
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(status=Wijzigingsvoorstel.Status.OPEN)
            .with_subjects()
        )

    @admin.display(description=_("decide"))
    def decide_links(self, obj):
        return _decide_links(obj) if obj.pk else ""

    @admin.display(description=_("what it does"))
    def description(self, obj):
        return _describe(obj)


class BeslistVoorstelInline(admin.TabularInline):
    """Decided proposals stay on record as they were decided: read only."""

    model = Wijzigingsvoorstel
    fields = ["volgorde", "soort", "doelstelling", "nieuwe_formulering", "status", "beslist_op"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("decided proposals")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(status=Wijzigingsvoorstel.Status.OPEN)
            .with_subjects()
        )

    def has_add_permission(self, request, obj=None):
        return False


def _indicator_choices(plan: Beleidsplan) -> list[dict]:
    """The plan's indicators in the plan's order (goal, action, own order), each labelled
    with what it measures. One query."""
    rows = Indicator.objects.van_plan(plan).select_related("doelstelling", "actie__doelstelling")

    def place(indicator):
        goal = indicator.actie.doelstelling if indicator.actie_id else indicator.doelstelling
        volgorde = indicator.actie.volgorde if indicator.actie_id else 0
        return (goal.tree_id, goal.lft, volgorde, indicator.volgorde, indicator.pk)

    return [
        {"pk": row.pk, "label": f"{row.onderwerp} · {row}"} for row in sorted(rows, key=place)
    ]


def _describe(obj) -> str:
    return obj.beschrijving() if obj.pk else "—"


def _decide_links(obj) -> str:
    return format_html(
        '<a href="{}">{}</a> · <a href="{}">{}</a>',
        reverse("admin:beleidsplan_wijzigingsvoorstel_accept", args=[obj.pk]),
        gettext("accept"),
        reverse("admin:beleidsplan_wijzigingsvoorstel_reject", args=[obj.pk]),
        gettext("reject"),
    )


@admin.register(Herziening)
class HerzieningAdmin(ConflictCheckMixin, admin.ModelAdmin):
    """A revision round; its open proposals are edited inline. The form carries the
    version of the round and of its proposals (ConflictCheckMixin): accepting or editing a
    proposal while this form is open makes its save a conflict, not an overwrite."""

    list_display = ["naam", "plan", "status", "aangemaakt_op", "open_count"]
    list_filter = ["status", "plan"]
    search_fields = ["naam", "beschrijving"]
    inlines = [OpenVoorstelInline, BeslistVoorstelInline]
    readonly_fields = ["add_proposal_link"]

    @admin.display(description=_("new proposal"))
    def add_proposal_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}?herziening={}">{}</a>',
            reverse("admin:beleidsplan_wijzigingsvoorstel_add"),
            obj.pk,
            gettext("Write a change proposal in this round"),
        )

    @admin.display(description=_("open proposals"))
    def open_count(self, obj):
        return obj.open_count

    def get_queryset(self, request):
        from django.db.models import Count, Q

        return (
            super()
            .get_queryset(request)
            .select_related("plan")
            .annotate(open_count=Count("voorstellen", filter=Q(voorstellen__status="open")))
        )

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if instance.pk is None:
                instance.auteur = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class ReactieInline(admin.TabularInline):
    model = Reactie
    fields = ["tekst", "auteur", "geplaatst_op"]
    readonly_fields = ["auteur", "geplaatst_op"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("auteur")


@admin.register(Wijzigingsvoorstel)
class WijzigingsvoorstelAdmin(ConflictCheckMixin, admin.ModelAdmin):
    form = WijzigingsvoorstelForm
    list_display = [
        "__str__",
        "herziening",
        "soort",
        "status",
        "auteur",
        "aangemaakt_op",
        "decide_links",
    ]
    list_filter = ["status", "soort", "herziening"]
    search_fields = [
        "nieuwe_formulering",
        "motivatie",
        "doelstelling__code",
        "doelstelling__formulering",
        "indicator_naam",
        "indicator__naam",
    ]
    autocomplete_fields = ["doelstelling", "doel", "actie", "indicator"]
    readonly_fields = [
        "status",
        "auteur",
        "aangemaakt_op",
        "beslist_op",
        "beslist_door",
        "effect_summary",
    ]
    inlines = [ReactieInline]
    actions = ["reject_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_subjects().select_related(
            "herziening", "auteur"
        )

    # --- One form per kind ---------------------------------------------------------------
    # Writing a proposal: choose its kind (a list of links, ?soort=), for kinds that start
    # from the current wording choose the goal or action (?doelstelling= / ?actie=), then
    # the form asks only that kind's fields. No JavaScript needed; the goal's and action's
    # pages can link straight to a later step.

    def _kind(self, request, obj=None) -> Kind | None:
        if obj is not None:
            return KINDS.get(obj.soort)
        return KINDS.get(request.GET.get("soort", ""))

    @staticmethod
    def _subject(request) -> tuple[Doelstelling | None, Actie | None, Indicator | None]:
        """The goal, action and indicator named in the add URL, or None."""
        goal = actie = indicator = None
        if request.GET.get("doelstelling", "").isdigit():
            goal = Doelstelling.objects.filter(pk=request.GET["doelstelling"]).first()
        if request.GET.get("actie", "").isdigit():
            actie = (
                Actie.objects.select_related("doelstelling")
                .filter(pk=request.GET["actie"])
                .first()
            )
        if request.GET.get("indicator", "").isdigit():
            indicator = (
                Indicator.objects.select_related("doelstelling", "actie__doelstelling")
                .filter(pk=request.GET["indicator"])
                .first()
            )
        return goal, actie, indicator

    def get_fields(self, request, obj=None):
        kind = self._kind(request, obj)
        if kind is None:
            return super().get_fields(request, obj)
        if obj is None:
            return list(kind.form_fields())
        return ["soort", "description", *kind.form_fields(), *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            # The kind is chosen once; another kind is another proposal.
            readonly = ["soort", "description", *readonly]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        kind = self._kind(request, obj)
        if kind is None:
            return form
        return type(form.__name__, (form,), {"kind": kind})

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        kind = self._kind(request)
        if kind is not None:
            goal, actie, indicator = self._subject(request)
            # "New wording" starts from the current wording of the goal or action (an
            # indicator's proposal from the indicator as it is).
            initial.update(kind.initial(goal=goal, actie=actie, indicator=indicator))
            plan_id = (
                goal.plan_id if goal
                else actie.doelstelling.plan_id if actie
                else indicator.plan().pk if indicator
                else None
            )
            if "herziening" not in initial and plan_id is not None:
                # Written from the goal's or action's page: the plan's open round, when
                # there is exactly one.
                rounds = list(
                    Herziening.objects.filter(
                        plan_id=plan_id, status=Herziening.Status.OPEN
                    ).values_list("pk", flat=True)[:2]
                )
                if len(rounds) == 1:
                    initial["herziening"] = rounds[0]
        return initial

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        kind = self._kind(request)
        if kind is None:
            return self._choose_kind(request)
        goal, actie, indicator = self._subject(request)
        subject = {"doelstelling": goal, "actie": actie, "indicator": indicator}.get(
            kind.starts_from or ""
        )
        if kind.starts_from and subject is None and request.method == "GET":
            return self._choose_subject(request, kind)
        extra_context = {**(extra_context or {}), "kind": kind, "subtitle": capfirst(kind.label)}
        return super().add_view(request, form_url, extra_context)

    def _step_context(self, request, title: str) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "herziening": request.GET.get("herziening", ""),
        }

    def _choose_kind(self, request):
        """Step 1: the kinds, each a link to its own form (keeping ?herziening=,
        ?doelstelling=, ?actie=)."""
        goal, actie, indicator = self._subject(request)
        kinds = list(KINDS.values())
        if indicator is not None:
            kinds = [kind for kind in kinds if "indicator" in kind.fields]
        elif actie is not None:
            kinds = [kind for kind in kinds if "actie" in kind.fields]
        elif goal is not None:
            kinds = [kind for kind in kinds if "doelstelling" in kind.fields]
        keep = {
            name: request.GET[name]
            for name in ("herziening", "doelstelling", "actie", "indicator")
            if request.GET.get(name, "").isdigit()
        }
        add_url = reverse("admin:beleidsplan_wijzigingsvoorstel_add")
        choices = [
            {"kind": kind, "url": f"{add_url}?{urlencode({'soort': kind.soort, **keep})}"}
            for kind in kinds
        ]
        return TemplateResponse(
            request,
            "admin/beleidsplan/wijzigingsvoorstel/choose_kind.html",
            {
                **self._step_context(request, gettext("What kind of change do you propose?")),
                "sections": [
                    {"title": title, "choices": in_section}
                    for title, in_section in (
                        (gettext("Goals"), [
                            c for c in choices
                            if not c["kind"].about_action and not c["kind"].about_indicator
                        ]),
                        (gettext("Actions"), [c for c in choices if c["kind"].about_action]),
                        (gettext("Indicators"), [
                            c for c in choices if c["kind"].about_indicator
                        ]),
                    )
                    if in_section
                ],
                "goal": goal,
                "actie": actie,
                "indicator": indicator,
            },
        )

    def _choose_subject(self, request, kind: Kind):
        """Step 2, for kinds that start from the current wording: which goal, action or
        indicator."""
        plans = Beleidsplan.objects.all()
        if request.GET.get("herziening", "").isdigit():
            plans = plans.filter(herzieningen__pk=request.GET["herziening"])
        groups = []
        for plan in plans.order_by("-van_jaar", "pk"):
            if kind.starts_from == "indicator":
                groups.append({"plan": plan, "rows": _indicator_choices(plan)})
                continue
            if kind.starts_from == "actie":
                rows = Actie.objects.filter(doelstelling__plan=plan).select_related(
                    "doelstelling"
                ).order_by("doelstelling__tree_id", "doelstelling__lft", "volgorde", "pk")
            else:
                rows = Doelstelling.objects.filter(plan=plan).order_by("tree_id", "lft")
            groups.append({"plan": plan, "rows": [{"pk": r.pk, "label": str(r)} for r in rows]})
        field = Wijzigingsvoorstel._meta.get_field(kind.starts_from)
        return TemplateResponse(
            request,
            "admin/beleidsplan/wijzigingsvoorstel/choose_subject.html",
            {
                **self._step_context(request, capfirst(kind.label)),
                "kind": kind,
                "name": kind.starts_from,
                "label": capfirst(kind.labels.get(kind.starts_from, field.verbose_name)),
                "groups": groups,
                "back_url": reverse("admin:beleidsplan_wijzigingsvoorstel_add"),
            },
        )

    @admin.display(description=_("what it does"))
    def description(self, obj):
        return _describe(obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_open:
            # A decided proposal stays on record as it was decided.
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.auteur = request.user
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            voorstel = self.get_object(request, object_id)
            if voorstel is not None and not voorstel.is_open:
                return self._decided_meanwhile(request, voorstel)
        return super().changeform_view(request, object_id, form_url, extra_context)

    #: The texts a coordinator types in a proposal's form.
    TYPED_FIELDS = (
        "nieuwe_formulering", "nieuwe_tagline", "delen", "indicator_naam", "indicator_eenheid",
        "motivatie",
    )

    def _decided_meanwhile(self, request, voorstel):
        """The proposal was accepted or rejected while this form was open: it stays as it
        was decided (Django would answer 403). Say so, and give back what was typed, so
        that nothing is lost."""
        typed = [
            f"{Wijzigingsvoorstel._meta.get_field(name).verbose_name}: {request.POST[name]}"
            for name in self.TYPED_FIELDS
            if request.POST.get(name, "").strip()
            and request.POST[name].strip() != (getattr(voorstel, name) or "").strip()
        ]
        text = gettext(
            "This proposal was decided (%(status)s) while you were editing it and stays as "
            "it was decided: your changes were not saved."
        ) % {"status": voorstel.get_status_display()}
        if typed:
            text += " " + gettext("What you typed:") + " " + " | ".join(typed)
        messages.warning(request, text)
        return redirect(reverse("admin:beleidsplan_wijzigingsvoorstel_change", args=[voorstel.pk]))

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if instance.pk is None:
                instance.auteur = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()

    @admin.display(description=_("what accepting did"))
    def effect_summary(self, obj):
        return obj.effect or "—"

    @admin.display(description=_("decide"))
    def decide_links(self, obj):
        return _decide_links(obj) if obj.is_open else obj.get_status_display()

    def get_urls(self):
        return [
            path(
                "<int:pk>/aanvaarden/",
                self.admin_site.admin_view(self.accept_view),
                name="beleidsplan_wijzigingsvoorstel_accept",
            ),
            path(
                "<int:pk>/verwerpen/",
                self.admin_site.admin_view(self.reject_view),
                name="beleidsplan_wijzigingsvoorstel_reject",
            ),
            *super().get_urls(),
        ]

    def _decide(self, request, pk, *, accept: bool):
        voorstel = get_object_or_404(
            Wijzigingsvoorstel.objects.with_subjects().select_related("herziening"),
            pk=pk,
        )
        if not self.has_change_permission(request, voorstel):
            if not voorstel.is_open:
                messages.error(
                    request,
                    gettext("This proposal was already decided (%(status)s).")
                    % {"status": voorstel.get_status_display()},
                )
                return redirect("admin:beleidsplan_wijzigingsvoorstel_changelist")
            raise PermissionDenied
        change_url = reverse("admin:beleidsplan_wijzigingsvoorstel_change", args=[pk])
        if request.method == "POST":
            try:
                if accept:
                    accept_proposal(voorstel=voorstel, user=request.user)
                    messages.success(
                        request, gettext("The proposal was accepted and applied to the plan.")
                    )
                else:
                    reject_proposal(voorstel=voorstel, user=request.user)
                    messages.success(
                        request, gettext("The proposal was rejected; it stays on record.")
                    )
            except ProposalNotApplicable as error:
                messages.error(
                    request,
                    gettext("Nothing was changed. %(reason)s")
                    % {"reason": " ".join(error.messages)},
                )
                return redirect(change_url)
            return redirect(
                reverse("admin:beleidsplan_herziening_change", args=[voorstel.herziening_id])
            )
        return TemplateResponse(
            request,
            "admin/beleidsplan/wijzigingsvoorstel/confirm.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "voorstel": voorstel,
                "description": self.description(voorstel),
                "accept": accept,
                "title": gettext("Accept this proposal?")
                if accept
                else gettext("Reject this proposal?"),
                "change_url": change_url,
            },
        )

    def accept_view(self, request, pk):
        return self._decide(request, pk, accept=True)

    def reject_view(self, request, pk):
        return self._decide(request, pk, accept=False)

    @admin.action(description=_("Reject the selected proposals"))
    def reject_selected(self, request, queryset):
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/beleidsplan/wijzigingsvoorstel/confirm_reject_selected.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "voorstellen": list(
                        queryset.with_subjects()
                    ),
                    "title": gettext("Reject these proposals?"),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        rejected = 0
        for voorstel in queryset:
            try:
                reject_proposal(voorstel=voorstel, user=request.user)
                rejected += 1
            except ProposalNotApplicable as error:
                messages.warning(request, f"{voorstel}: {' '.join(error.messages)}")
        messages.success(request, gettext("%(count)s proposals rejected.") % {"count": rejected})
        return None


class PublishForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Beleidsplan.objects.all(), label=_("Policy plan"))
    naam = forms.CharField(
        label=_("Name of the version"),
        max_length=200,
        help_text=_('E.g. "Na herziening 2024".'),
    )

    def clean_naam(self):
        naam = self.cleaned_data["naam"].strip()
        if not naam:
            raise forms.ValidationError(gettext("Give the version a name."))
        return naam


@admin.register(Planversie)
class PlanversieAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "gepubliceerd_op", "gepubliceerd_door", "site_link"]
    list_filter = ["plan"]
    readonly_fields = ["plan", "nummer", "naam", "gepubliceerd_op", "gepubliceerd_door"]
    fields = readonly_fields
    change_list_template = "admin/beleidsplan/planversie/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("document")
            .select_related("plan", "gepubliceerd_door")
        )

    def has_add_permission(self, request):
        return False  # Versions are made by publishing, never by hand.

    def has_change_permission(self, request, obj=None):
        return False  # Published versions are immutable.

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("on the site"))
    def site_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("plan:versie", args=[obj.plan_id, obj.nummer]),
            gettext("view"),
        )

    def get_urls(self):
        return [
            path(
                "publiceren/",
                self.admin_site.admin_view(self.publish_view),
                name="beleidsplan_planversie_publish",
            ),
            *super().get_urls(),
        ]

    def publish_view(self, request):
        if not request.user.has_perm("beleidsplan.add_planversie"):
            raise PermissionDenied
        form = PublishForm(request.POST or None)
        summary = None
        if request.method == "POST" and form.is_valid():
            plan = form.cleaned_data["plan"]
            if request.POST.get("confirm") == "yes":
                try:
                    versie = publish_version(
                        plan=plan, naam=form.cleaned_data["naam"], user=request.user
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request, gettext("%(versie)s has been published.") % {"versie": versie}
                    )
                    return redirect("admin:beleidsplan_planversie_changelist")
            else:
                summary = _changes_since_last(plan)
        return TemplateResponse(
            request,
            "admin/beleidsplan/planversie/publish.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "form": form,
                "summary": summary,
                "title": gettext("Publish a version of the plan"),
            },
        )


def _changes_since_last(plan: Beleidsplan) -> dict:
    """What publishing would add: the comparison of the last version with the working
    state, as counts per kind of change and one line per goal or action that changed,
    with the link to that comparison on the site; and the proposals accepted since the
    last version, each described by its kind."""
    last = plan.versies.defer("document").order_by("-nummer").first()
    if last is None:
        return {"first": True, "counts": {}}
    doc = compare(plan, load_side(plan, last.nummer), load_side(plan, WERK))
    counts: dict[str, int] = {}
    changes = []
    sections = ((gettext("goal"), doc["doelstellingen"]), (gettext("action"), doc["acties"]))
    for what, entries in sections:
        for entry in entries:
            labels = [change_label(kind) for kind in entry["wijzigingen"]]
            for label in labels:
                counts[label] = counts.get(label, 0) + 1
            before, after = entry["van"], entry["naar"]
            changes.append(
                {
                    "what": what,
                    "before": _where(before),
                    "after": _where(after),
                    "kinds": ", ".join(labels),
                    "text": (after or before)["formulering"],
                }
            )
    for entry in doc["indicatoren"]:
        row = indicator_row(entry)
        for label in row["labels"]:
            counts[label] = counts.get(label, 0) + 1
        changes.append(
            {
                "what": gettext("indicator"),
                "before": _where(entry["van"]),
                "after": _where(entry["naar"]),
                "kinds": ", ".join(row["labels"]),
                "text": row["naam"] + "".join(
                    f"; {what} {old} → {new}" for what, old, new in row["changes"]
                ),
            }
        )
    accepted = (
        Wijzigingsvoorstel.objects.filter(
            herziening__plan=plan,
            status=Wijzigingsvoorstel.Status.AANVAARD,
            beslist_op__gt=last.gepubliceerd_op,
        )
        .with_subjects()
        .order_by("beslist_op", "pk")
    )
    compare_url = reverse("plan:vergelijk", args=[plan.pk])
    return {
        "first": False,
        "last": last,
        "counts": counts,
        "total": len(changes),
        "changes": changes,
        "proposals": [p.beschrijving() for p in accepted],
        "compare_url": f"{compare_url}?{urlencode({'van': last.nummer, 'naar': WERK})}",
    }


def _where(side: dict | None) -> str:
    """Where a goal, action or indicator is on one side: its code, or its goal's code."""
    if side is None:
        return ""
    return side["code"] or side.get("ouder") or ""

"""The coordinator's review queue for progress reports, and the partner accounts.

The queue opens on the submitted reports, oldest first. A report is read only here: the
partner writes it, the coordinator approves it or sends it back with a remark, each
through a confirmation page and through the services (acties/services.py), which check
the stage and e-mail the partner. Attachments are served through the admin (to
coordinators only), never from a public media URL.

Partner accounts: the coordinator invites a person by e-mail for one or more
organisations, and deactivates an account; both through the services as well.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from actoren.models import Actor
from cultuurregio import roles

from .indicators import format_number, parse_value
from .models import Actie, Bijlage, Indicator, Meting, Voortgangsrapport

Fase = Voortgangsrapport.Fase


class FaseFilter(admin.SimpleListFilter):
    """The stage; without a choice, the submitted reports (the queue). "All" is a choice
    of its own."""

    title = _("stage")
    parameter_name = "fase"
    ALL = "alle"

    def lookups(self, request, model_admin):
        return [
            (Fase.INGEDIEND, _("submitted: to review")),
            (Fase.TERUGGESTUURD, Fase.TERUGGESTUURD.label),
            (Fase.CONCEPT, Fase.CONCEPT.label),
            (Fase.GOEDGEKEURD, Fase.GOEDGEKEURD.label),
            (self.ALL, _("all")),
        ]

    def current(self) -> str:
        return self.value() or Fase.INGEDIEND

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.current() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.current()
        if value == self.ALL:
            return queryset
        if value not in Fase.values:
            raise IncorrectLookupParameters(value)
        return queryset.filter(fase=value)


class BijlageInline(admin.TabularInline):
    model = Bijlage
    fields = ["download", "soort", "size", "toegevoegd_op"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("attachments")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, bijlage):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:acties_voortgangsrapport_bijlage", args=[bijlage.pk]),
            bijlage.naam,
        )

    @admin.display(description=_("size"))
    def size(self, bijlage):
        if bijlage.grootte >= 1024:
            return f"{bijlage.grootte / 1024:.0f} kB"
        return f"{bijlage.grootte} B"


class SendBackForm(forms.Form):
    opmerking = forms.CharField(
        label=_("Remark for the partner"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_("What should be changed or added? The partner sees this on the form."),
        error_messages={"required": _("Write a remark: the partner needs to know what to change.")},
    )

    def clean_opmerking(self):
        opmerking = self.cleaned_data["opmerking"].strip()
        if not opmerking:
            raise forms.ValidationError(
                gettext("Write a remark: the partner needs to know what to change.")
            )
        return opmerking


def _person(user) -> str:
    """A user as the coordinator knows them: name and e-mail address, or the login."""
    if user is None:
        return "—"
    name = user.get_full_name() or user.get_username()
    return f"{name} <{user.email}>" if user.email else name


@admin.register(Voortgangsrapport)
class VoortgangsrapportAdmin(admin.ModelAdmin):
    list_display = [
        "goal_code", "short_actie", "actor", "periode", "status", "percentage", "fase",
        "ingediend_op",
    ]
    list_display_links = ["short_actie"]
    list_filter = [FaseFilter, "jaar", "status", "actie__doelstelling__plan"]
    list_select_related = ["actie__doelstelling", "actor"]
    search_fields = [
        "actie__omschrijving", "actie__doelstelling__code", "actor__naam", "wat_gedaan",
    ]
    search_help_text = _(
        "Search in the action, its goal code (SD1-OD2), the organisation and what was done."
    )
    ordering = ["ingediend_op", "pk"]
    fields = [
        "actie", "actor", "periode", "status", "percentage", "wat_gedaan",
        "aantal_activiteiten", "aantal_deelnemers", "indicator_values", "gemeenten_list",
        "links_list", "fase", "opmerking", "aangemaakt_door_naam", "aangemaakt_op", "ingediend_op",
        "beoordeeld_door_naam", "beoordeeld_op",
    ]
    readonly_fields = fields
    inlines = [BijlageInline]
    change_form_template = "admin/acties/voortgangsrapport/change_form.html"
    change_list_template = "admin/acties/voortgangsrapport/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(
            "actie__doelstelling", "actor", "aangemaakt_door", "beoordeeld_door"
        )

    # A report is the partner's: the coordinator reads and reviews it, never edits it here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def may_review(self, request) -> bool:
        return request.user.has_perm("acties.change_voortgangsrapport")

    @admin.display(description=_("goal"), ordering="actie__doelstelling__code")
    def goal_code(self, rapport):
        return rapport.actie.doelstelling.code

    @admin.display(description=_("action"))
    def short_actie(self, rapport):
        return Truncator(rapport.actie.omschrijving).chars(70)

    @admin.display(description=_("period"), ordering="jaar")
    def periode(self, rapport):
        return rapport.periode_label

    # Who wrote and who reviewed, as names: Django would link a user to the user admin,
    # which a coordinator may not open (403).
    @admin.display(description=_("created by"))
    def aangemaakt_door_naam(self, rapport):
        return _person(rapport.aangemaakt_door)

    @admin.display(description=_("reviewed by"))
    def beoordeeld_door_naam(self, rapport):
        return _person(rapport.beoordeeld_door)

    @admin.display(description=_("indicator values"))
    def indicator_values(self, rapport):
        """The values the partner reported with this report (they count once it is
        approved), each with its unit. One query."""
        metingen = rapport.metingen.select_related("indicator").order_by(
            "indicator__volgorde", "indicator__pk"
        )
        rows = [
            (m.indicator.naam, format_number(m.waarde), m.indicator.eenheid) for m in metingen
        ]
        if not rows:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}: {} {}", rows)

    @admin.display(description=_("municipalities where it happened"))
    def gemeenten_list(self, rapport):
        return ", ".join(g.naam for g in rapport.gemeenten.all()) or "—"

    @admin.display(description=_("links"))
    def links_list(self, rapport):
        links = [line.strip() for line in rapport.links.splitlines() if line.strip()]
        if not links:
            return "—"
        return format_html_join(
            mark_safe("<br>"), '<a href="{}" rel="noopener nofollow">{}</a>',
            ((link if link.startswith(("http://", "https://")) else "#", link) for link in links),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            # The plans that have actions, read through the actions: acties sits below
            # beleidsplan and does not import it (README, "Code layout").
            "plans": [
                {"pk": pk, "van_jaar": van, "tot_jaar": tot}
                for pk, van, tot in Actie.objects.values_list(
                    "doelstelling__plan", "doelstelling__plan__van_jaar",
                    "doelstelling__plan__tot_jaar",
                ).distinct().order_by("doelstelling__plan__van_jaar", "doelstelling__plan")
            ],
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_review": self.may_review(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def view(func):
            return self.admin_site.admin_view(func)

        return [
            path("<int:pk>/goedkeuren/", view(self.approve_view),
                 name="acties_voortgangsrapport_approve"),
            path("<int:pk>/terugsturen/", view(self.send_back_view),
                 name="acties_voortgangsrapport_send_back"),
            path("bijlage/<int:pk>/", view(self.attachment_view),
                 name="acties_voortgangsrapport_bijlage"),
            path("partners/", view(self.partners_view), name="acties_partners"),
            path("partners/uitnodigen/", view(self.invite_view), name="acties_partner_invite"),
            path("partners/<int:pk>/deactiveren/", view(self.deactivate_view),
                 name="acties_partner_deactivate"),
            *super().get_urls(),
        ]

    # --- Review -------------------------------------------------------------------------

    def _review(self, request, pk, *, approve: bool):
        if not self.may_review(request):
            raise PermissionDenied
        rapport = get_object_or_404(
            Voortgangsrapport.objects.select_related("actie__doelstelling", "actor"), pk=pk
        )
        change_url = reverse("admin:acties_voortgangsrapport_change", args=[pk])
        if rapport.fase != Fase.INGEDIEND:
            messages.error(
                request,
                gettext("Only a submitted report can be reviewed; this one is %(fase)s.")
                % {"fase": rapport.get_fase_display()},
            )
            return redirect(change_url)
        form = SendBackForm(request.POST or None) if not approve else None
        if request.method == "POST" and (approve or form.is_valid()):
            from .services import approve_report, send_back_report

            try:
                if approve:
                    approve_report(rapport=rapport, user=request.user)
                    messages.success(
                        request,
                        gettext("The report on %(actie)s was approved; the partner gets an e-mail.")
                        % {"actie": rapport.actie},
                    )
                else:
                    send_back_report(
                        rapport=rapport, user=request.user,
                        opmerking=form.cleaned_data["opmerking"],
                    )
                    messages.success(
                        request,
                        gettext(
                            "The report on %(actie)s was sent back; the partner gets an "
                            "e-mail with your remark."
                        ) % {"actie": rapport.actie},
                    )
            except ValidationError as error:
                messages.error(
                    request,
                    gettext("Nothing was changed. %(reason)s")
                    % {"reason": " ".join(error.messages)},
                )
                return redirect(change_url)
            return redirect("admin:acties_voortgangsrapport_changelist")
        return TemplateResponse(
            request, "admin/acties/voortgangsrapport/review.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "rapport": rapport,
                "approve": approve,
                "form": form,
                "change_url": change_url,
                "title": gettext("Approve this report?") if approve
                else gettext("Send this report back?"),
            },
        )

    def approve_view(self, request, pk):
        return self._review(request, pk, approve=True)

    def send_back_view(self, request, pk):
        return self._review(request, pk, approve=False)

    def attachment_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        bijlage = get_object_or_404(Bijlage, pk=pk)
        try:
            handle = bijlage.bestand.open("rb")
        except FileNotFoundError:
            raise Http404(gettext("The file of this attachment is missing.")) from None
        return FileResponse(
            handle, as_attachment=True, filename=bijlage.naam, content_type=bijlage.soort
        )

    # --- Partner accounts ---------------------------------------------------------------

    def _partner_accounts(self):
        """Users in the partners' group or linked to an organisation. Two queries."""
        User = get_user_model()
        return (
            User.objects.filter(Q(groups__name=roles.PARTNERS) | Q(actoren__isnull=False))
            .distinct()
            .prefetch_related(Prefetch("actoren", queryset=Actor.objects.order_by("naam")))
            .order_by("-is_active", "last_name", "first_name", "username")
        )

    def partners_view(self, request):
        if not request.user.has_perm("actoren.change_actor"):
            raise PermissionDenied
        return TemplateResponse(
            request, "admin/acties/partners.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Partner accounts"),
                "accounts": list(self._partner_accounts()),
            },
        )

    def invite_view(self, request):
        if not request.user.has_perm("actoren.change_actor"):
            raise PermissionDenied
        form = InviteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            from .services import invite_partner

            try:
                invite_partner(
                    email=form.cleaned_data["email"], naam=form.cleaned_data["naam"],
                    actoren=list(form.cleaned_data["actoren"]), invited_by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "%(email)s has been invited; the e-mail holds a link to set a password."
                    ) % {"email": form.cleaned_data["email"]},
                )
                return redirect("admin:acties_partners")
        return TemplateResponse(
            request, "admin/acties/partner_invite.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Invite a partner"),
                "form": form,
            },
        )

    def deactivate_view(self, request, pk):
        if not request.user.has_perm("actoren.change_actor"):
            raise PermissionDenied
        account = get_object_or_404(self._partner_accounts(), pk=pk)
        if request.method == "POST":
            from .services import deactivate_partner

            try:
                deactivate_partner(user=account, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    gettext("The account of %(name)s was deactivated; it can no longer log in.")
                    % {"name": account.get_full_name() or account.get_username()},
                )
            return redirect("admin:acties_partners")
        return TemplateResponse(
            request, "admin/acties/partner_deactivate.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Deactivate this partner account?"),
                "account": account,
            },
        )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    naam = forms.CharField(label=_("Name"), max_length=150)
    actoren = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Actor.objects.filter(actief=True).order_by("naam"),
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("The organisations this person reports for. Hold Ctrl to choose several."),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_naam(self):
        naam = self.cleaned_data["naam"].strip()
        if not naam:
            raise forms.ValidationError(gettext("Give the person's name."))
        return naam


# --- Indicators ------------------------------------------------------------------------------


class MetingForm(forms.ModelForm):
    """A measurement as the coordinator types it: a number, optionally with the
    indicator's own unit after it (acties/indicators.py); another unit is refused."""

    waarde = forms.CharField(
        label=_("value"), max_length=40,
        help_text=_("A number, e.g. 240 or 12,5. No other unit than the indicator's."),
    )

    class Meta:
        model = Meting
        fields = ("jaar", "halfjaar", "waarde", "rapport")

    def __init__(self, *args, indicator=None, **kwargs):
        self.indicator = indicator
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["waarde"] = format_number(self.instance.waarde)

    def clean_waarde(self):
        unit = self.indicator.eenheid if self.indicator is not None else ""
        return parse_value(self.cleaned_data.get("waarde"), unit)


class MetingInline(admin.TabularInline):
    """The values of an indicator: reported by partners (with their report: they count
    once it is approved) or entered here by the coordinator (no report: they count at
    once). Each change is kept in the history with the user."""

    model = Meting
    form = MetingForm
    fields = ("jaar", "halfjaar", "waarde", "rapport", "ingevoerd_door", "telt_display")
    readonly_fields = ("rapport", "ingevoerd_door", "telt_display")
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(
            "MetingFormFor", (formset.form,), {"__init__": _bind_indicator(formset.form, obj)}
        )
        return formset

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rapport", "ingevoerd_door")

    @admin.display(description=_("counts"), boolean=True)
    def telt_display(self, obj):
        return obj.telt if obj.pk else None


def _bind_indicator(form_class, indicator):
    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, indicator=indicator, **kwargs)

    return __init__


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    """Indicators of every plan, with their values: the coordinator enters or corrects a
    value here (audited, with the user)."""

    list_display = ("naam", "eenheid", "belongs_to", "streefwaarde", "streefjaar", "op_home")
    list_filter = ("op_home", "richting", "cumulatief")
    list_select_related = ("doelstelling", "actie__doelstelling")
    search_fields = ("naam", "eenheid", "doelstelling__code", "actie__doelstelling__code")
    autocomplete_fields = ("rapporteur",)
    raw_id_fields = ("doelstelling", "actie")
    inlines = [MetingInline]
    fieldsets = (
        (None, {
            "fields": ("doelstelling", "actie", "naam", "eenheid", "richting", "cumulatief"),
            "description": _(
                "An indicator belongs to an operational goal or to an action: fill in one "
                "of the two."
            ),
        }),
        (_("Base and target"), {"fields": (("basiswaarde", "basisjaar"),
                                           ("streefwaarde", "streefjaar"))}),
        (_("Reporting and display"), {"fields": ("rapporteur", "op_home", "volgorde")}),
    )

    @admin.display(description=_("belongs to"))
    def belongs_to(self, obj):
        if obj.actie_id:
            return str(obj.actie)
        return obj.doelstelling.code if obj.doelstelling_id else "–"

    def save_formset(self, request, form, formset, change):
        if formset.model is not Meting:
            return super().save_formset(request, form, formset, change)
        metingen = formset.save(commit=False)
        for meting in metingen:
            if meting.rapport_id is None:
                # Entered or corrected by the coordinator: it counts at once.
                meting.ingevoerd_door = request.user
            meting._history_user = request.user
            meting._change_reason = gettext("Entered or corrected by the coordinator")
            meting.save()
        for meting in formset.deleted_objects:
            meting._history_user = request.user
            meting.delete()
        formset.save_m2m()

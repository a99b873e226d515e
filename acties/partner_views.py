"""The partner's pages: "Mijn acties", the progress report form, attachments, and the
invitation link where an invited partner chooses a password.

Access, on the server and per object: only logged-in users linked to at least one
organisation (Actor.gebruikers) use these pages; they see the actions their organisations
are involved in (Actie.objects.bewerkbaar_door) and the reports on those. Anything else is
a 404, not a 403: a partner may not learn that another organisation's report exists.
Anonymous visitors are sent to the login page, and come back to the page they asked for.
Coordinators and the steering group review and read reports elsewhere (the admin, the
progress pages); they may download attachments here, since those pages link to them.
"""

from __future__ import annotations

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import PasswordResetConfirmView, redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.dispatch import receiver
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cultuurregio import conflicts
from cultuurregio.roles import can_see_working_state

from . import perioden, services
from .forms import VoortgangsrapportForm
from .indicators import format_number
from .models import Actie, ActieActor, Bijlage, Voortgangsrapport
from .progress import CLOSED_STATUSES

Fase = Voortgangsrapport.Fase

# Session flag for the "Mijn acties" link in base.html: set at login, refreshed on the
# partner pages, so that the menu costs no query on every page.
PARTNER_SESSION_KEY = "partner"


@receiver(user_logged_in, dispatch_uid="acties.partner_views.remember_partner")
def remember_partner(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[PARTNER_SESSION_KEY] = user.actoren.exists()


def partner_required(view):
    """Anonymous: the login page (then back here). Logged in without an organisation: the
    "no access" page (403), which says who these pages are for (nothing here is secret to
    know about: the check comes before any action or report is looked up). One query (the
    user's organisations, kept as ``request.partner_actor_ids``)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        actor_ids = list(user.actoren.values_list("pk", flat=True))
        if request.session.get(PARTNER_SESSION_KEY) != bool(actor_ids):
            request.session[PARTNER_SESSION_KEY] = bool(actor_ids)
        if not actor_ids:
            raise PermissionDenied(_(
                "These pages are for partners: the organisations that carry out actions of "
                "the plan report their progress here. Your account belongs to no "
                "organisation; the coordinator can invite you for yours."
            ))
        request.partner_actor_ids = actor_ids
        return view(request, *args, **kwargs)

    return wrapper


def _get_actie(request, actie_id: int) -> Actie:
    """An action the user's organisations are involved in, else 404. One query."""
    return get_object_or_404(
        Actie.objects.bewerkbaar_door(request.user).select_related(
            "doelstelling__parent", "doelstelling__plan"
        ),
        pk=actie_id,
    )


def _get_rapport(request, pk: int) -> Voortgangsrapport:
    """A report on an action the user's organisations are involved in, else 404."""
    return get_object_or_404(
        Voortgangsrapport.objects.van_partner(request.user).select_related("actie"), pk=pk
    )


def _runs_in(actie: Actie, jaar: int) -> bool:
    return (actie.van_jaar is None or actie.van_jaar <= jaar) and (
        actie.tot_jaar is None or jaar <= actie.tot_jaar
    )


# States of an action for the current period, as "Mijn acties" shows them.
TE_DOEN = "te_doen"
NIET_GEPLAND = "niet_gepland"
AFGESLOTEN = "afgesloten"
STATE_LABELS = {
    TE_DOEN: gettext_lazy("to report"),
    NIET_GEPLAND: gettext_lazy("not planned in this period"),
    AFGESLOTEN: gettext_lazy("closed earlier (done or dropped): no report needed"),
    Fase.CONCEPT: gettext_lazy("draft"),
    Fase.INGEDIEND: gettext_lazy("submitted"),
    Fase.TERUGGESTUURD: gettext_lazy("sent back"),
    Fase.GOEDGEKEURD: gettext_lazy("approved"),
}
BUTTON_LABELS = {
    TE_DOEN: gettext_lazy("Report now"),
    NIET_GEPLAND: gettext_lazy("Report anyway"),
    AFGESLOTEN: gettext_lazy("Report anyway"),
    Fase.CONCEPT: gettext_lazy("Continue"),
    Fase.INGEDIEND: gettext_lazy("View"),
    Fase.TERUGGESTUURD: gettext_lazy("Make changes"),
    Fase.GOEDGEKEURD: gettext_lazy("View"),
}


# --- "Mijn acties" ---------------------------------------------------------------------------


@partner_required
def mijn_acties(request):
    """The actions of the partner's organisations, by SD and OD, each with its state for
    the current period; above them, "Wacht op u": every report of the partner's
    organisations that waits for them (sent back, with the coordinator's remark; drafts of
    any period) and, while a period that ended is still open (its grace window,
    acties/perioden.py), the actions still to report for it.

    Seven queries whatever the number of actions (session, user, the user's organisations,
    actions with goals and plans, the organisations' roles, the reports of the open periods
    together with every draft and sent-back report, approved reports that closed an
    action). The states follow the reminders' rule (acties.progress.due_actions): an
    action closed as done or dropped by an approved report of an earlier year needs no
    report.
    """
    acties = list(
        Actie.objects.filter(pk__in=Actie.objects.bewerkbaar_door(request.user).values("pk"))
        .select_related("doelstelling__parent", "doelstelling__plan")
        .prefetch_related(
            Prefetch(
                "betrokkenen",
                queryset=ActieActor.objects.filter(
                    actor_id__in=request.partner_actor_ids
                ).select_related("actor"),
                to_attr="mijn_rollen",
            )
        )
        .in_plan_order()
    )
    today = perioden.local_today()
    plans = {actie.doelstelling.plan_id: actie.doelstelling.plan for actie in acties}
    periods = {pk: perioden.current_period(plan, today=today) for pk, plan in plans.items()}
    # Periods that ended and are still open (the grace window), per plan.
    earlier = {
        pk: [p for p in perioden.open_periods(plan, today=today) if p != periods[pk]]
        for pk, plan in plans.items()
    }
    reports: dict[tuple[int, int, int], Voortgangsrapport] = {}
    if acties:
        wanted = Q(fase__in=[Fase.CONCEPT, Fase.TERUGGESTUURD])
        for plan_id, current in periods.items():
            for jaar, halfjaar in [*earlier[plan_id], current]:
                wanted |= Q(actie__doelstelling__plan_id=plan_id, jaar=jaar, halfjaar=halfjaar)
        reports = {
            (rapport.actie_id, rapport.jaar, rapport.halfjaar): rapport
            for rapport in Voortgangsrapport.objects.filter(
                wanted, actie_id__in=[actie.pk for actie in acties]
            )
        }

    closed_in: dict[int, int] = {}  # action -> first year an approved report closed it
    if acties:
        for actie_id, jaar in Voortgangsrapport.objects.filter(
            actie_id__in=[actie.pk for actie in acties],
            fase=Fase.GOEDGEKEURD, status__in=CLOSED_STATUSES,
        ).values_list("actie_id", "jaar"):
            closed_in[actie_id] = min(jaar, closed_in.get(actie_id, jaar))

    def state_of(actie, periode) -> str:
        rapport = reports.get((actie.pk, *periode))
        if rapport is not None:
            return rapport.fase
        if closed_in.get(actie.pk, periode[0]) < periode[0]:
            return AFGESLOTEN
        return TE_DOEN if _runs_in(actie, periode[0]) else NIET_GEPLAND

    # Plans (newest first) > SDs > ODs > actions, each level in plan order.
    groups: dict = {}
    counts = {TE_DOEN: 0, Fase.TERUGGESTUURD: 0}
    for actie in acties:
        od = actie.doelstelling
        plan = od.plan
        periode = periods[plan.pk]
        state = state_of(actie, periode)
        if state in counts:
            counts[state] += 1
        row = {
            "actie": actie,
            "rapport": reports.get((actie.pk, *periode)),
            "state": state,
            "state_label": STATE_LABELS[state],
            "button": BUTTON_LABELS[state],
            "url": _form_url(actie.pk, periode),
        }
        plan_group = groups.setdefault(
            plan.pk,
            {"plan": plan, "periode": perioden.period_label(periode), "sds": {}},
        )
        sd_group = plan_group["sds"].setdefault(od.parent_id, {"sd": od.parent, "ods": {}})
        sd_group["ods"].setdefault(od.pk, {"od": od, "rows": []})["rows"].append(row)
    plan_groups = sorted(groups.values(), key=lambda g: (-g["plan"].van_jaar, g["plan"].pk))
    return render(
        request,
        "acties/partner/mijn_acties.html",
        {
            "wachtend": _waiting(request, acties, reports, earlier, state_of),
            "nog_open": [
                {
                    "plan": plans[pk],
                    "periode": perioden.period_label(p),
                    "tot": perioden.open_until(plans[pk], p),
                    "nu": perioden.period_label(periods[pk]),
                }
                for pk in sorted(earlier, key=lambda pk: (-plans[pk].van_jaar, pk))
                for p in earlier[pk]
            ],
            "plan_groups": plan_groups,
            "several_plans": len(plan_groups) > 1,
            "aantal_acties": len(acties),
            "te_doen": counts[TE_DOEN],
            "teruggestuurd": counts[Fase.TERUGGESTUURD],
        },
    )


# Order of "Wacht op u": what the coordinator sent back, then what is due for a period that
# ended (its grace window runs out), then drafts.
WAITING_ORDER = {Fase.TERUGGESTUURD: 0, TE_DOEN: 1, Fase.CONCEPT: 2}


def _waiting(request, acties, reports, earlier, state_of) -> list[dict]:
    """The rows of "Wacht op u", from what ``mijn_acties`` read (no query): the sent-back
    and draft reports made for one of the partner's organisations (or for the action as a
    whole), of any period, and the actions still to report for a period that ended and is
    still open."""
    position = {actie.pk: index for index, actie in enumerate(acties)}
    by_pk = {actie.pk: actie for actie in acties}
    mine = set(request.partner_actor_ids)
    items = []
    for (actie_id, jaar, halfjaar), rapport in reports.items():
        if rapport.fase not in (Fase.CONCEPT, Fase.TERUGGESTUURD):
            continue
        if rapport.actor_id is not None and rapport.actor_id not in mine:
            continue
        items.append((by_pk[actie_id], perioden.Periode(jaar, halfjaar), rapport, rapport.fase))
    for actie in acties:
        for periode in earlier.get(actie.doelstelling.plan_id, ()):
            if state_of(actie, periode) == TE_DOEN:
                items.append((actie, periode, None, TE_DOEN))
    items.sort(key=lambda i: (WAITING_ORDER[i[3]], i[1], position[i[0].pk]))
    return [
        {
            "actie": actie,
            "code": actie.doelstelling.code,
            "periode": perioden.period_label(periode),
            "rapport": rapport,
            "state": state,
            "state_label": STATE_LABELS[state],
            "button": BUTTON_LABELS[state],
            "url": _form_url(actie.pk, periode),
        }
        for actie, periode, rapport, state in items
    ]


def _form_url(actie_id: int, periode) -> str:
    return (
        reverse("partner:rapport", args=[actie_id])
        + f"?periode={perioden.period_param(periode)}"
    )


# --- The report form -------------------------------------------------------------------------


@partner_required
def rapport(request, actie_id: int):
    """The report on an action for a period (``?periode=2021`` or ``2021-1``; default: the
    current one). Editable while a draft or sent back; read-only once submitted or
    approved. Two buttons: save as draft, submit.

    A new report only for a period open for reporting (the current one, and one that
    ended while its grace window runs: acties/perioden.py); an existing report of any
    period opens, so that a report sent back about 2022 can be fixed. Any other period is
    refused (400) with a Dutch message naming the open periods."""
    actie = _get_actie(request, actie_id)
    plan = actie.doelstelling.plan
    if plan.afgesloten_op is not None and request.method == "GET":
        # Say it before the partner types: saving is refused (services.save_report).
        messages.warning(request, services.closed_plan_error(plan.afgesloten_op).messages[0])
    try:
        periode = perioden.parse_period(plan, request.GET.get("periode"))
    except ValidationError as error:
        return _period_refused(request, actie, plan, error, closed=False)
    bestaand = (
        Voortgangsrapport.objects.filter(actie=actie, jaar=periode[0], halfjaar=periode[1])
        .select_related("actor")
        .prefetch_related("gemeenten", "bijlagen")
        .first()
    )
    if bestaand is None:
        try:
            perioden.check_open(plan, periode)
        except ValidationError as error:
            return _period_refused(request, actie, plan, error, closed=True)
    context = {
        "actie": actie,
        "plan": plan,
        "periode": periode,
        "periode_label": perioden.period_label(periode),
        "rapport": bestaand,
        "mijn_rollen": list(
            ActieActor.objects.filter(
                actie=actie, actor_id__in=request.partner_actor_ids
            ).select_related("actor")
        ),
        "geplande_gemeenten": list(actie.gemeenten.all()) if not actie.alle_gemeenten else [],
        "perioden": _period_links(actie, plan, periode),
        # The action's indicators with this and last period's value (two queries).
        "indicatoren": services.indicator_rows(actie, periode),
    }
    if bestaand is not None and not bestaand.bewerkbaar:
        status = 200
        if request.method == "POST":
            messages.error(request, services.not_editable_error(bestaand).messages[0])
            status = 400
            context["typed"] = _typed_back(
                request, bestaand, periode, indicatoren=context["indicatoren"]
            )
        return render(request, "acties/partner/rapport_bekijken.html", context, status=status)

    keep = [g.pk for g in bestaand.gemeenten.all()] if bestaand else []
    posted = request.method == "POST"
    form = VoortgangsrapportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        rapport=bestaand,
        gemeenten=services.gemeenten_for_period(periode, keep=keep),
        planned=[g.pk for g in context["geplande_gemeenten"]],
        versie=None if posted else conflicts.form_token(bestaand),
        indicatoren=context["indicatoren"],
    )
    if posted and form.is_valid():
        submit = "indienen" in request.POST
        data = form.report_data()
        data["jaar"], data["halfjaar"] = periode
        save = partial(
            services.save_report,
            actie=actie,
            user=request.user,
            data=data,
            gemeenten=form.cleaned_data["gemeenten"],
            bijlagen=form.cleaned_data["bijlagen"],
            rapport=bestaand,
            submit=submit,
        )
        saved = None
        try:
            saved = _save_unless_changed(form, bestaand, save)
        except ValidationError as error:
            form.add_error(None, error)
        if saved is not None:
            values = {"actie": actie.doelstelling.code, "period": saved.periode_label}
            if submit:
                text = _(
                    "Your report on the action of %(actie)s for %(period)s was submitted. The "
                    "coordinator will review it; you will get an e-mail."
                )
            else:
                text = _(
                    "Your report on the action of %(actie)s for %(period)s was saved as a "
                    "draft. You can change it later and submit it when it is ready."
                )
            messages.success(request, text % values)
            return redirect("partner:mijn_acties")
    context["form"] = form
    context["files_lost"] = posted and bool(request.FILES)
    # A form with errors is answered like any form page (200), as Django does; the errors
    # are on the page, and nothing was saved.
    return render(request, "acties/partner/rapport_form.html", context)


def _period_refused(request, actie, plan, error, *, closed: bool):
    return render(
        request,
        "acties/partner/periode_fout.html",
        {"actie": actie, "plan": plan, "errors": error.messages, "closed": closed},
        status=400,
    )


def _typed_back(request, bestaand, periode, *, indicatoren=()) -> list[tuple[str, str]]:
    """What a partner typed in a form whose report was submitted (by another account of
    the organisation) or reviewed in the meantime: it cannot be saved, so it is shown back
    rather than lost. Only what differs from the report as it is."""
    form = VoortgangsrapportForm(
        request.POST,
        rapport=bestaand,
        gemeenten=services.gemeenten_for_period(
            periode, keep=[g.pk for g in bestaand.gemeenten.all()]
        ),
        indicatoren=indicatoren,
    )
    current = conflicts.record_values(bestaand, form.REPORT_FIELDS)
    typed = []
    for name in form.REPORT_FIELDS:
        field, raw = form.fields[name], form[name].data
        if raw in (None, "", []) or not field.has_changed(current.get(name), raw):
            continue
        typed.append((field.label, conflicts.display_value(field, raw)))
    # The indicator values typed (as typed: they were not saved).
    current_values = {row.indicator.pk: row.huidige for row in indicatoren}
    for bound in form.indicator_fields():
        raw = (bound.data or "").strip()
        indicator = bound.field.indicator
        if raw and raw != format_number(current_values.get(indicator.pk)):
            typed.append((bound.label, raw))
    return typed


def _save_unless_changed(form, bestaand, save):
    """Save the report on the version its form was opened on. When another account of the
    partner saved it since: nothing is saved, the form gets the conflict (what the other
    person changed, beside what this person typed) and is shown again with this person's
    changes and the new version, so that saving it again applies them on the current
    report (cultuurregio/conflicts.py). Raises ValidationError for other refusals."""
    versie = form.cleaned_data.get("versie") or None
    try:
        return save(versie=versie)
    except conflicts.EditConflict as changed:
        conflict = conflicts.detect(
            form=form,
            model=Voortgangsrapport,
            pk=bestaand.pk,
            posted=versie,
            names=form.REPORT_FIELDS,
        )
        if conflict is None:
            # Nothing the form shows was changed: save on the current version.
            return save(versie=changed.token)
        form.data["versie"] = conflict.token
        form.conflict = conflict
        form.add_error(None, conflicts.message(conflict))
        return None


def _period_links(actie: Actie, plan, chosen) -> list[dict]:
    """The periods to switch between, without JavaScript: those open for reporting, and
    earlier ones of the action that have a report (to read or fix it). One query."""
    reported = set(
        Voortgangsrapport.objects.filter(actie=actie).values_list("jaar", "halfjaar")
    )
    shown = set(perioden.open_periods(plan)) | reported | {tuple(chosen)}
    base = reverse("partner:rapport", args=[actie.pk])
    return [
        {
            "label": perioden.period_label(periode),
            "url": f"{base}?periode={perioden.period_param(periode)}",
            "current": periode == chosen,
        }
        for periode in perioden.periods_of(plan)
        if periode in shown
    ]


@partner_required
def rapport_detail(request, pk: int):
    """A report by its id (as the coordinator's pages and e-mails may name it): on to the
    form of its action and period. 404 for reports of other organisations."""
    gevonden = _get_rapport(request, pk)
    periode = perioden.period_param((gevonden.jaar, gevonden.halfjaar))
    return redirect(reverse("partner:rapport", args=[gevonden.actie_id]) + f"?periode={periode}")


@require_POST
@partner_required
def terugnemen(request, pk: int):
    """Take a submitted report back to draft, before the coordinator reviews it."""
    gevonden = _get_rapport(request, pk)
    try:
        gevonden = services.withdraw_report(rapport=gevonden, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The report is a draft again: you can change it."))
    periode = perioden.period_param((gevonden.jaar, gevonden.halfjaar))
    return redirect(reverse("partner:rapport", args=[gevonden.actie_id]) + f"?periode={periode}")


def bijlage(request, pk: int):
    """An attachment, as a download (never shown inline). For the partners of the action,
    and for coordinators and the steering group, who read every report."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    gevonden = get_object_or_404(Bijlage.objects.select_related("rapport"), pk=pk)
    allowed = can_see_working_state(user) or (
        Actie.objects.bewerkbaar_door(user).filter(pk=gevonden.rapport.actie_id).exists()
    )
    if not allowed:
        raise Http404
    try:
        handle = gevonden.bestand.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=gevonden.naam, content_type=gevonden.soort
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The invitation --------------------------------------------------------------------------


class UitnodigingView(PasswordResetConfirmView):
    """An invited partner chooses a password (Django's set-password step, so the token
    leaves the address bar before the form shows), is logged in and lands on "Mijn acties".
    An expired or used link, or one of a deactivated account, changes nothing."""

    template_name = "acties/partner/uitnodiging.html"
    post_reset_login = True
    reset_url_token = "wachtwoord-kiezen"
    success_url = reverse_lazy("partner:mijn_acties")
    title = gettext_lazy("Choose your password")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["gebruiker"] = self.user if self.validlink else None
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _(
                "Welcome! Your password is set. From now on, log in with your user name "
                "%(username)s."
            )
            % {"username": self.user.get_username()},
        )
        return response

"""Progress pages: a plan's progress, an action with its timeline, the annual report, and
the coordinator's overview of who has not reported yet.

Access: the public (anonymous visitors, partners) sees the progress of a public plan
(``Beleidsplan.publiek``), laid on its latest published version, and only approved
reports; the steering group and coordinators see the working state's goals and actions.
A non-public plan, or one with no published version, is a 404 for the public (an
anonymous visitor is sent to the login page first), as in beleidsplan/views.py. The
overview of who has not reported is for coordinators only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from actoren.models import Actor
from beleidsplan import caching
from beleidsplan.access import Reading, login_or_404, reading_of, refuse
from beleidsplan.comparison import word_diff
from beleidsplan.models import Beleidsplan
from beleidsplan.views import audit_trail
from cultuurregio.roles import is_coordinator

from . import reports, services
from .models import Actie, ActieActor, Voortgangsrapport
from .progress import CLOSED_STATUSES, ROLLUP_RULE, load_plan_progress


def _get_plan_view(request, plan: Beleidsplan) -> Reading:
    """The plan as the user may read it (beleidsplan.access), or raise."""
    return reading_of(request, plan)


def _get_plan(request, plan_id: int) -> Reading:
    return _get_plan_view(request, get_object_or_404(Beleidsplan, pk=plan_id))


def _get_coordinator_plan(request, plan_id: int) -> Beleidsplan:
    """The plan, for coordinators only: others get a 404, anonymous visitors the login."""
    if not is_coordinator(request.user):
        refuse(request)
    return get_object_or_404(Beleidsplan, pk=plan_id)


def _progress(view: Reading):
    return load_plan_progress(view.plan, document=view.document)


# Progress


@caching.cached_page(caching.plan_reading("voortgang"))
@login_or_404
def voortgang(request, plan_id: int):
    """Per SD a progress bar, its ODs with theirs, the rule in words, and the planned and
    realised spreiding per SD and municipality. Fixed queries: the plan, the version, the
    approved reports with their municipalities, the municipalities (the working state's
    seven for insiders)."""
    view = _get_plan(request, plan_id)
    progress = _progress(view)
    return render(
        request,
        "acties/voortgang.html",
        {
            "plan": view.plan,
            "versie": view.versie,
            "insider": view.insider,
            "progress": progress,
            "rule": ROLLUP_RULE,
            "years": range(view.plan.van_jaar, view.plan.tot_jaar + 1),
            "coordinator": view.insider and is_coordinator(request.user),
        },
    )


@login_or_404
def actie(request, pk: int):
    """An action: its texts, actors, "zie ook" both ways, progress and the timeline of
    its approved reports. Fixed queries, as the progress page."""
    found = get_object_or_404(Actie.objects.select_related("doelstelling__plan"), pk=pk)
    view = _get_plan_view(request, found.doelstelling.plan)
    progress = _progress(view)
    row = progress.action(pk)
    if row is None:
        # Not (yet) in the published version the public reads.
        raise Http404
    goals = {}
    for sd in progress.sds:
        goals[sd.code] = sd
        for od in sd.children:
            goals[od.code] = od
    own_goal = goals.get(row.goal_code)
    history = _action_history(view.plan, pk, insider=view.insider)
    return render(
        request,
        "acties/actie.html",
        {
            "history": history,
            "trail": audit_trail(found) if view.insider else [],
            "plan": view.plan,
            "versie": view.versie,
            "insider": view.insider,
            "row": row,
            "actie": row.data,
            "goal": own_goal,
            "sd": next(
                (sd for sd in progress.sds if any(od is own_goal for od in sd.children)),
                own_goal,
            ),
            "zie_ook": [goals[code] for code in row.data["zie_ook"] if code in goals],
            "also_here": [a for a in own_goal.zie_ook_acties if a.id != pk] if own_goal else [],
            "timeline": list(reversed(row.reports)),
        },
    )


def _action_history(plan: Beleidsplan, actie_id: int, *, insider: bool) -> list[dict]:
    """The action through the published versions (and the working state for insiders):
    where it stood and how its description read, with a word diff where it changed. One
    query (the versions' stored documents)."""
    states = []
    for versie in plan.versies.order_by("nummer"):
        found = _find_action(versie.data(), actie_id)
        if found:
            states.append({"label": str(versie), **found})
    if insider:
        working = (
            Actie.objects.filter(pk=actie_id)
            .values_list("doelstelling__code", "omschrijving")
            .first()
        )
        if working:
            states.append({"label": _("Working state"), "code": working[0], "tekst": working[1]})
    history = []
    for state in states:
        previous = history[-1] if history else None
        if previous and (previous["code"], previous["tekst"]) == (state["code"], state["tekst"]):
            previous["labels"].append(state["label"])
            continue
        history.append(
            {
                "labels": [state["label"]],
                "code": state["code"],
                "tekst": state["tekst"],
                "diff": word_diff(previous["tekst"], state["tekst"])
                if previous and previous["tekst"] != state["tekst"]
                else None,
                "moved": bool(previous and previous["code"] != state["code"]),
            }
        )
    return history


def _find_action(document: dict, actie_id: int) -> dict | None:
    for sd in document.get("doelstellingen", []):
        for od in sd.get("doelstellingen", []):
            for actie in od.get("acties", []):
                if actie["id"] == actie_id:
                    return {"code": od["code"], "tekst": actie["omschrijving"]}
    return None


# Annual report


def _annual(request, plan_id: int, jaar: int):
    view = _get_plan(request, plan_id)
    plan = view.plan
    if not plan.van_jaar <= jaar <= plan.tot_jaar:
        return view, None
    return view, reports.load_annual_report(plan, jaar, document=view.document, versie=view.versie)


def _year_not_in_plan(request, plan: Beleidsplan, jaar: int):
    return render(
        request,
        "acties/jaar_buiten_plan.html",
        {"plan": plan, "jaar": jaar, "years": range(plan.van_jaar, plan.tot_jaar + 1)},
        status=404,
    )


@login_or_404
def jaarverslag(request, plan_id: int, jaar: int):
    """The annual report of a year as a page. Fixed queries."""
    view, report = _annual(request, plan_id, jaar)
    if report is None:
        return _year_not_in_plan(request, view.plan, jaar)
    return render(
        request,
        "acties/jaarverslag.html",
        {
            "plan": view.plan,
            "versie": view.versie,
            "report": report,
            "jaar": jaar,
            "years": range(view.plan.van_jaar, view.plan.tot_jaar + 1),
            "rule": ROLLUP_RULE,
        },
    )


@login_or_404
def jaarverslag_xlsx(request, plan_id: int, jaar: int):
    view, report = _annual(request, plan_id, jaar)
    if report is None:
        return _year_not_in_plan(request, view.plan, jaar)
    response = HttpResponse(
        reports.render_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="jaarverslag-{jaar}.xlsx"'
    return response


@login_or_404
def jaarverslag_pdf(request, plan_id: int, jaar: int):
    view, report = _annual(request, plan_id, jaar)
    if report is None:
        return _year_not_in_plan(request, view.plan, jaar)
    response = HttpResponse(
        reports.render_pdf(report, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="jaarverslag-{jaar}.pdf"'
    return response


# The coordinator's overview: who has not reported yet

NOT_DUE = "niet_nodig"
NO_REPORT = "geen"


def _state_labels() -> dict[str, str]:
    F = Voortgangsrapport.Fase
    return {
        NO_REPORT: _("no report"),
        F.CONCEPT: _("draft"),
        F.TERUGGESTUURD: _("sent back"),
        F.INGEDIEND: _("submitted"),
        F.GOEDGEKEURD: _("approved"),
        NOT_DUE: _("not due"),
    }


STATE_ORDER = [NO_REPORT, "concept", "teruggestuurd", "ingediend", "goedgekeurd"]


@login_or_404
def rapportering(request, plan_id: int):
    """Who has not reported for a period (the current one unless chosen): per
    organisation and per action, the stage of the action's report, with counts.

    Six queries whatever the size of the plan: the plan, the actions with their goals,
    their actors, the reports of the period, the actions closed before it, and the
    organisations' partner accounts (plus the user's session and groups).
    """
    plan = _get_coordinator_plan(request, plan_id)
    periods = services.periods_of(plan)
    try:
        period = services.parse_period(plan, request.GET.get("periode"))
        period_error = None
    except ValidationError as error:
        period, period_error = services.current_period(plan), " ".join(error.messages)
    jaar, halfjaar = period

    acties = list(
        Actie.objects.van_plan(plan)
        .in_plan_order()
        .select_related("doelstelling")
        .prefetch_related(
            Prefetch("betrokkenen", queryset=ActieActor.objects.select_related("actor"))
        )
    )
    rapporten = {
        r.actie_id: r
        for r in Voortgangsrapport.objects.filter(
            actie__doelstelling__plan=plan, jaar=jaar, halfjaar=halfjaar
        ).only("id", "actie_id", "fase", "ingediend_op", "gewijzigd_op")
    }
    closed = set(
        Voortgangsrapport.objects.goedgekeurd()
        .filter(actie__doelstelling__plan=plan, status__in=CLOSED_STATUSES, jaar__lt=jaar)
        .values_list("actie_id", flat=True)
    )
    labels = _state_labels()
    rows = []
    per_actor: dict[int, dict] = {}
    numbers: dict[int, int] = {}
    for actie in acties:
        numbers[actie.doelstelling_id] = numbers.get(actie.doelstelling_id, 0) + 1
        rapport = rapporten.get(actie.pk)
        running = (actie.van_jaar is None or actie.van_jaar <= jaar) and (
            actie.tot_jaar is None or actie.tot_jaar >= jaar
        )
        if rapport is not None:
            state = rapport.fase
        elif not running or actie.pk in closed:
            state = NOT_DUE
        else:
            state = NO_REPORT
        betrokkenen = list(actie.betrokkenen.all())
        row = {
            "actie": actie,
            "number": numbers[actie.doelstelling_id],
            "rapport": rapport,
            "state": state,
            "label": labels[state],
            "betrokkenen": betrokkenen,
        }
        rows.append(row)
        for betrokkene in betrokkenen:
            entry = per_actor.setdefault(
                betrokkene.actor_id,
                {"actor": betrokkene.actor, "rows": [], "counts": dict.fromkeys(labels, 0)},
            )
            entry["rows"].append(row)
            entry["counts"][state] += 1

    accounts = (
        dict(
            Actor.objects.filter(pk__in=list(per_actor))
            .annotate(
                n=Count(
                    "gebruikers", filter=Q(gebruikers__is_active=True) & ~Q(gebruikers__email="")
                )
            )
            .values_list("pk", "n")
        )
        if per_actor
        else {}
    )
    organisations = sorted(per_actor.values(), key=lambda e: e["actor"].naam.casefold())
    for entry in organisations:
        entry["accounts"] = accounts.get(entry["actor"].pk, 0)
        entry["missing"] = [
            r for r in entry["rows"] if r["state"] in (NO_REPORT, "concept", "teruggestuurd")
        ]
        entry["count_list"] = [entry["counts"][s] for s in STATE_ORDER]
    totals = dict.fromkeys(labels, 0)
    for row in rows:
        totals[row["state"]] += 1
    return render(
        request,
        "acties/rapportering.html",
        {
            "plan": plan,
            "period": period,
            "period_label": services.period_label(period),
            "period_error": period_error,
            "periods": [
                (services.period_param(p), services.period_label(p), p == period) for p in periods
            ],
            "rows": rows,
            "organisations": organisations,
            "without_actor": [r for r in rows if not r["betrokkenen"]],
            "state_headers": [labels[s] for s in STATE_ORDER],
            "totals": [totals[s] for s in STATE_ORDER],
            "not_due": totals[NOT_DUE],
            "missing_total": totals[NO_REPORT] + totals["concept"] + totals["teruggestuurd"],
        },
    )

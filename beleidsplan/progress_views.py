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

from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from acties import perioden
from acties.models import Actie, ActieActor, Voortgangsrapport
from acties.progress import CLOSED_STATUSES, ROLLUP_RULE
from actoren.models import Actor
from beleidsplan.comparison import word_diff
from beleidsplan.models import Beleidsplan
from beleidsplan.pagecache import (
    cached_html,
    conditional_file,
    digest,
    file_response,
    plan_page,
    release,
    stored_file,
)
from beleidsplan.reading import (
    Reading,
    action_across_plans,
    coordinators_only,
    login_or_404,
    read_plan_of_action,
    refuse_role,
    version_documents,
)
from beleidsplan.views import audit_trail
from cultuurregio.roles import is_coordinator

from . import annual_report as reports
from .charts import Chart, reports_per_year_chart, status_per_sd_chart


def _get_coordinator_plan(request, plan_id: int) -> Beleidsplan:
    """The plan, for coordinators only: others get a 404, anonymous visitors the login."""
    if not is_coordinator(request.user):
        refuse_role(request, coordinators_only())
    return get_object_or_404(Beleidsplan, pk=plan_id)


def _years(plan: Beleidsplan) -> range:
    return range(plan.van_jaar, plan.tot_jaar + 1)


# Progress


class ProgressPictures:
    """The progress page's pictures, drawn only when its cached content is missing (the
    template reads them inside its {% cache %}). No query beyond the reading's model."""

    def __init__(self, reading: Reading):
        self.reading = reading

    @cached_property
    def status(self) -> Chart:
        return status_per_sd_chart(
            self.reading.model.sds, title=_("How the actions of each strategic goal stand"))

    @cached_property
    def reports(self) -> Chart:
        years = _years(self.reading.plan)
        # Up to this year: the years still to come have no reports yet.
        this_year = timezone.localdate().year
        return reports_per_year_chart(
            self.reading.model.actions.values(),
            [y for y in years if y <= this_year] or list(years),
            title=_("Approved progress reports per year"),
        )


@plan_page
def voortgang(request, plan_id: int):
    """Per SD a progress bar, its ODs with theirs, the rule in words, and the planned and
    realised spreiding per SD and municipality. Queries: the reading's (the model is
    memoised by the plan's stamp; the content cached under it)."""
    reading: Reading = request.reading
    return render(
        request,
        "acties/voortgang.html",
        {
            "plan": reading.plan,
            "versie": reading.versie,
            "insider": reading.insider,
            # Read inside the template's {% cache %} only: not built on a hit.
            "reading": reading,
            "pictures": ProgressPictures(reading),
            "page_key": digest((release(), "voortgang", reading.key, reading.role)),
            "rule": ROLLUP_RULE,
            "years": _years(reading.plan),
            "coordinator": reading.coordinator,
        },
    )


@plan_page(reader=read_plan_of_action, arg="pk")
def actie(request, pk: int):
    """An action: its texts, actors, "zie ook" both ways, progress and the timeline of
    its approved reports, its history through the versions and the plans before and after.
    Fixed queries: the reading (by the action), the plan's versions; for insiders its
    audit trail; one for each plan before or after (action_across_plans)."""
    reading: Reading = request.reading
    row = reading.document.action(pk)
    if row is None:
        # Not (yet) in the published version the public reads.
        raise Http404
    own_goal = row.goal
    insider = reading.insider
    trail = []
    if insider:
        trail = audit_trail(Actie.objects.get(pk=pk))
    return render(
        request,
        "acties/actie.html",
        {
            "history": _action_history(reading, row),
            "trail": trail,
            "plan": reading.plan,
            "versie": reading.versie,
            "insider": insider,
            "row": row,
            "actie": row,
            "goal": own_goal,
            "sd": own_goal.sd,
            "zie_ook": row.zie_ook_goals,
            "also_here": [a for a in own_goal.zie_ook_acties if a.id != pk],
            "timeline": list(reversed(row.reports)),
            "across": action_across_plans(reading, pk),
        },
    )


def _action_history(reading: Reading, row) -> list[dict]:
    """The action through the published versions (and the working state for insiders):
    where it stood and how its description read, with a word diff where it changed. One
    query (the versions; their documents are read once per process)."""
    versies = list(reading.plan.versies.defer("document").order_by("nummer"))
    documents = version_documents(versies)
    states = []
    for versie in versies:
        found = documents[versie.pk].action(row.id)
        if found:
            states.append({"label": str(versie), "code": found.goal.code,
                           "tekst": found.omschrijving})
    if reading.insider:
        states.append({"label": _("Working state"), "code": row.goal.code,
                       "tekst": row.omschrijving})
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


# Annual report


def _annual(reading: Reading, jaar: int):
    """The annual report of ``jaar`` as this reader reads the plan, or None for a year
    outside the plan. Costs a whole plan: pages and files keep what they make of it."""
    plan = reading.plan
    if jaar not in _years(plan):
        return None
    return reports.load_annual_report(
        plan, jaar, document=reading.document.raw, versie=reading.versie
    )


def _year_not_in_plan(request, plan: Beleidsplan, jaar: int):
    return render(
        request,
        "acties/jaar_buiten_plan.html",
        {"plan": plan, "jaar": jaar, "years": _years(plan)},
        status=404,
    )


@plan_page
def jaarverslag(request, plan_id: int, jaar: int):
    """The annual report of a year as a page. Queries: the reading's; the content is
    made once per stamp of the plan and role (the cache)."""
    reading: Reading = request.reading
    plan = reading.plan
    if jaar not in _years(plan):
        return _year_not_in_plan(request, plan, jaar)

    def make():
        return render_to_string(
            "acties/_jaarverslag_body.html",
            {"report": _annual(reading, jaar), "plan": plan, "jaar": jaar,
             "rule": ROLLUP_RULE, "link_actions": True},
        )

    content = cached_html(("jaarverslag", reading.key, reading.role, jaar), make)
    return render(
        request,
        "acties/jaarverslag.html",
        {"plan": plan, "versie": reading.versie, "jaar": jaar, "years": _years(plan),
         "content": content},
    )


def _annual_file(kind: str):
    content_types = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }

    @plan_page
    def view(request, plan_id: int, jaar: int):
        """The annual report as a file, made once per stamp of the plan and role and kept
        (pagecache.stored_file): no visitor can make the server render it twice."""
        reading: Reading = request.reading
        if jaar not in _years(reading.plan):
            return _year_not_in_plan(request, reading.plan, jaar)

        def make() -> bytes:
            report = _annual(reading, jaar)
            if kind == "pdf":
                return reports.render_pdf(report)
            return reports.render_xlsx(report)

        def respond():
            row = stored_file(
                reading, name=f"jaarverslag-{jaar}.{kind}", live=True,
                content_type=content_types[kind], filename=f"jaarverslag-{jaar}.{kind}",
                make=make,
            )
            return file_response(row, inline=kind == "pdf")

        return conditional_file(
            request, respond, etag=digest((release(), reading.key, reading.role, jaar, kind)),
            public=False,
        )

    view.__name__ = f"jaarverslag_{kind}"
    return view


jaarverslag_xlsx = _annual_file("xlsx")
jaarverslag_pdf = _annual_file("pdf")


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
    periods = perioden.periods_of(plan)
    # Unless chosen: the period reports are asked for now, which during the grace window
    # after a period is the one that ended (acties/perioden.py), as in the reminders.
    try:
        chosen = request.GET.get("periode")
        period = perioden.parse_period(plan, chosen) if chosen else None
        period_error = None
    except ValidationError as error:
        period, period_error = None, " ".join(error.messages)
    period = period or perioden.reporting_period(plan)
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
            "period_label": perioden.period_label(period),
            "period_error": period_error,
            "periods": [
                (perioden.period_param(p), perioden.period_label(p), p == period) for p in periods
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

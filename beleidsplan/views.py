"""Pages of the plan's versions and revision rounds.

Access: a plan's published versions are for everyone when the plan is public
(``Beleidsplan.publiek``), else only for the steering group and coordinators, who alone see
the working state and the revision rounds. What a visitor may not know exists is a 404;
an anonymous visitor is sent to the login page first.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultuurregio.roles import can_see_working_state

from . import caching
from .access import LoginRequired, login_or_404, refuse  # noqa: F401 (re-exported)
from .comparison import (
    WERK,
    SideNotFound,
    change_label,
    compare,
    load_side,
    ordered,
    side_by_side,
    side_label,
    word_diff,
)
from .export import build_plan_document
from .forms import CompareForm, ReactieForm
from .models import Beleidsplan, Doelstelling, Herziening, Planversie, Reactie, Wijzigingsvoorstel


def _get_plan(request, plan_id: int, *, working_state: bool = False) -> Beleidsplan:
    """The plan, if the user may read its versions (or, with ``working_state``, its
    working state and revision rounds). One or two queries."""
    plan = get_object_or_404(Beleidsplan, pk=plan_id)
    if (working_state or not plan.publiek) and not can_see_working_state(request.user):
        refuse(request)
    return plan


def _get_proposal(request, pk: int) -> Wijzigingsvoorstel:
    """A change proposal, for the steering group and coordinators only."""
    if not can_see_working_state(request.user):
        refuse(request)
    return get_object_or_404(Wijzigingsvoorstel.objects.select_related("herziening__plan"), pk=pk)


# Versions


@login_or_404
def versies(request, plan_id: int):
    """The published versions of a plan, with the form to compare two. Three queries."""
    plan = _get_plan(request, plan_id)
    rows = list(plan.versies.defer("document").select_related("gepubliceerd_door"))
    with_working = can_see_working_state(request.user)
    form = CompareForm(versies=rows, with_working_state=with_working)
    if len(rows) >= 2:
        form.initial = {"van": str(rows[-2].nummer), "naar": str(rows[-1].nummer)}
    return render(
        request,
        "beleidsplan/versies.html",
        {"plan": plan, "versies": rows, "form": form, "with_working": with_working},
    )


@caching.cached_page(caching.version_page)
@login_or_404
def versie(request, plan_id: int, nummer: int):
    """A published version, as the plan was. Renders from the stored document alone."""
    plan = _get_plan(request, plan_id)
    row = get_object_or_404(Planversie, plan=plan, nummer=nummer)
    return render(
        request,
        "beleidsplan/versie.html",
        {"plan": plan, "versie": row, "document": row.data()},
    )


@caching.cached_page(caching.version_json)
@login_or_404
def versie_json(request, plan_id: int, nummer: int):
    """The stored ``cultuurregio-plan/1`` text of a version, byte for byte."""
    plan = _get_plan(request, plan_id)
    row = get_object_or_404(Planversie, plan=plan, nummer=nummer)
    response = HttpResponse(row.document, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}-versie-{nummer}.json"'
    return response


@caching.cached_page(caching.working_state)
@login_or_404
def werkversie(request, plan_id: int):
    """The working state, for the steering group and coordinators."""
    plan = _get_plan(request, plan_id, working_state=True)
    return render(
        request,
        "beleidsplan/versie.html",
        {"plan": plan, "versie": None, "document": build_plan_document(plan)},
    )


def _comparison(request, plan: Beleidsplan):
    """Read ``van`` and ``naar`` from the query string. Returns (form, document or None)."""
    rows = list(plan.versies.defer("document"))
    with_working = can_see_working_state(request.user)
    form = CompareForm(request.GET or None, versies=rows, with_working_state=with_working)
    if not form.is_valid():
        return form, None, None
    by_number = {str(v.nummer): v for v in rows}

    def side(label):
        if label == WERK:
            return load_side(plan, WERK)
        return load_side(plan, by_number[label].nummer)

    try:
        a, b = side(form.cleaned_data["van"]), side(form.cleaned_data["naar"])
    except SideNotFound:  # the form only offers existing sides
        raise Http404 from None
    doc = compare(plan, a, b)
    old, new = ordered(plan, a, b)
    return form, doc, side_by_side(old, new, doc)


@caching.cached_page(caching.comparison)
@login_or_404
def vergelijk(request, plan_id: int):
    """Two states of the plan side by side, aligned by identity. Fixed queries: the plan,
    its versions (without documents), the two documents, the accepted proposals."""
    plan = _get_plan(request, plan_id)
    form, doc, table = _comparison(request, plan)
    action_rows = [
        {
            **entry,
            "labels": [change_label(k) for k in entry["wijzigingen"]],
            "moved": "verplaatst" in entry["wijzigingen"],
        }
        for entry in (doc["acties"] if doc else [])
    ]
    status = 400 if request.GET and doc is None else 200
    return render(
        request,
        "beleidsplan/vergelijk.html",
        {
            "plan": plan,
            "form": form,
            "doc": doc,
            "table": table,
            "action_rows": action_rows,
            "van_label": side_label(doc["van"]) if doc else "",
            "naar_label": side_label(doc["naar"]) if doc else "",
        },
        status=status,
    )


@caching.cached_page(caching.comparison_json)
@login_or_404
def vergelijk_json(request, plan_id: int):
    plan = _get_plan(request, plan_id)
    form, doc, _table = _comparison(request, plan)
    if doc is None:
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        if not request.GET:
            errors = {"van": [_("Choose two versions: ?van=1&naar=2")]}
        return JsonResponse(
            {"fouten": errors}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(
        json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )


@caching.cached_page(caching.goal_history)
@login_or_404
def geschiedenis(request, plan_id: int, doelstelling_id: int):
    """Every wording a goal had, in which versions, through which proposal; beside the
    audit trail of its record. A removed goal keeps its history (from the versions).

    A fixed number of queries: the plan, its versions, the goal, the accepted proposals
    about it and its audit trail (with users).
    """
    plan = _get_plan(request, plan_id)
    insider = can_see_working_state(request.user)
    rows = list(plan.versies.all())
    goal = Doelstelling.objects.filter(plan=plan, pk=doelstelling_id).first()

    states = []  # (label, code, formulering, parent code, versie or None)
    for row in rows:
        found = _find_goal(row.data(), doelstelling_id)
        if found:
            states.append({"label": str(row), "versie": row, **found})
    if goal is not None and insider:
        states.append(
            {
                "label": _("Working state"),
                "versie": None,
                "code": goal.code,
                "formulering": goal.formulering,
                "ouder": goal.parent.code if goal.parent_id else None,
            }
        )
    if not states and goal is None:
        raise Http404
    if not insider and not states:
        raise Http404

    proposals = []
    trail = []
    if insider:
        proposals = _proposals_about(plan, doelstelling_id)
        if goal is not None:
            trail = audit_trail(goal)

    wordings = []
    for state in states:
        if wordings and wordings[-1]["formulering"] == state["formulering"]:
            wordings[-1]["labels"].append(state["label"])
            wordings[-1]["codes"].add(state["code"])
            continue
        previous = wordings[-1]["formulering"] if wordings else None
        wordings.append(
            {
                "formulering": state["formulering"],
                "labels": [state["label"]],
                "codes": {state["code"]},
                "diff": word_diff(previous, state["formulering"]) if previous else None,
                "versie": state["versie"],
            }
        )
    for wording in wordings:
        wording["codes"] = sorted(wording["codes"])
        # The accepted proposals that gave the goal this wording.
        wording["voorstellen"] = [
            p
            for p in proposals
            if p.status == Wijzigingsvoorstel.Status.AANVAARD
            and wording["formulering"] in (p.nieuwe_formulering.strip(), *p.delen_lijst())
        ]

    return render(
        request,
        "beleidsplan/geschiedenis.html",
        {
            "plan": plan,
            # Visitors see the latest published state, never the working one.
            "current": states[-1],
            "removed": insider and goal is None,
            "doelstelling_id": doelstelling_id,
            "states": states,
            "wordings": wordings,
            "voorstellen": proposals,
            "trail": trail,
            "insider": insider,
            "current_code": states[-1]["code"],
        },
    )


def _proposals_about(plan: Beleidsplan, goal_id: int) -> list[Wijzigingsvoorstel]:
    """The proposals about a goal: those written about it, and the accepted ones that
    created it (new goal, split, action into OD) or merged another goal into it. One
    query; the effects are read in Python (JSON lookups differ between databases)."""
    S = Wijzigingsvoorstel.Soort
    creating = [S.NIEUW, S.SPLITSEN, S.ACTIE_NAAR_OD, S.SAMENVOEGEN]
    candidates = (
        Wijzigingsvoorstel.objects.filter(herziening__plan=plan)
        .filter(
            Q(doelstelling_ref=goal_id)
            | Q(status=Wijzigingsvoorstel.Status.AANVAARD, soort__in=creating)
        )
        .select_related("herziening", "auteur", "beslist_door")
        .order_by("aangemaakt_op", "pk")
    )
    return [
        p
        for p in candidates
        if p.doelstelling_ref == goal_id
        or goal_id in p.effect.get("nieuw", [])
        or p.effect.get("behouden") == goal_id
    ]


def _find_goal(document: dict, goal_id: int):
    def walk(items, parent):
        for item in items:
            if item["id"] == goal_id:
                return {
                    "code": item["code"],
                    "formulering": item["formulering"],
                    "ouder": parent["code"] if parent else None,
                }
            found = walk(item.get("doelstellingen", []), item)
            if found:
                return found
        return None

    return walk(document.get("doelstellingen", []), None)


def audit_trail(obj) -> list[dict]:
    """An audited record's history, newest first, each with the fields that changed
    (many-to-many fields and the derived goal code left out, so the diff needs no query).
    One query (the records with their users)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date"))
    if not records:  # rows loaded from fixtures have no audit records yet
        return []
    skip = ["code", *(f.name for f in obj._meta.many_to_many)]
    trail = []
    for newer, older in zip(records, records[1:] + [None], strict=True):
        changed = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=skip)
            changed = [c.field for c in delta.changes]
        trail.append({"record": newer, "changed": changed})
    return trail


# Revision rounds


@login_or_404
def herzieningen(request, plan_id: int):
    plan = _get_plan(request, plan_id, working_state=True)
    rounds = list(plan.herzieningen.all())
    return render(request, "beleidsplan/herzieningen.html", {"plan": plan, "herzieningen": rounds})


@login_or_404
def herziening(request, plan_id: int, pk: int):
    """A revision round with its proposals and their discussion. Fixed queries."""
    plan = _get_plan(request, plan_id, working_state=True)
    ronde = get_object_or_404(Herziening, plan=plan, pk=pk)
    voorstellen = list(
        ronde.voorstellen.select_related(
            "doelstelling", "doel", "actie", "auteur", "beslist_door"
        ).prefetch_related(Prefetch("reacties", queryset=Reactie.objects.select_related("auteur")))
    )
    status = request.GET.get("status", "open")
    if status not in ("open", "alle"):
        status = "open"
    shown = [v for v in voorstellen if status == "alle" or v.is_open]
    return render(
        request,
        "beleidsplan/herziening.html",
        {
            "plan": plan,
            "herziening": ronde,
            "voorstellen": shown,
            "status": status,
            "open_count": sum(1 for v in voorstellen if v.is_open),
            "total": len(voorstellen),
            "form": ReactieForm(),
        },
    )


@require_POST
@login_or_404
def reageer(request, pk: int):
    """Post a comment on an open proposal (steering group and coordinators)."""
    voorstel = _get_proposal(request, pk)
    url = f"{_herziening_url(voorstel)}#voorstel-{voorstel.pk}"
    if not voorstel.is_open:
        messages.error(request, _("This proposal has been decided; the discussion is closed."))
        return redirect(url)
    form = ReactieForm(request.POST)
    if not form.is_valid():
        ronde = voorstel.herziening
        return render(
            request,
            "beleidsplan/reactie_fout.html",
            {"voorstel": voorstel, "herziening": ronde, "plan": ronde.plan, "form": form},
            status=400,
        )
    Reactie.objects.create(voorstel=voorstel, auteur=request.user, tekst=form.cleaned_data["tekst"])
    messages.success(request, _("Your comment has been posted."))
    return redirect(url)


def _herziening_url(voorstel: Wijzigingsvoorstel) -> str:
    from django.urls import reverse

    ronde = voorstel.herziening
    return reverse("beleidsplan:herziening", args=[ronde.plan_id, ronde.pk])

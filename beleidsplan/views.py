"""Pages of the plan's versions and revision rounds.

Access (beleidsplan.reading): a plan's published versions are for everyone when the plan is
public and has one, else only for the steering group and coordinators, who alone see the
working state and the revision rounds. What a visitor may not know exists is a 404; an
anonymous visitor is sent to the login page first.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cultuurregio.roles import can_see_working_state

from .comparison import (
    WERK,
    Side,
    SideNotFound,
    as_continued,
    compare,
    compare_plans,
    continued_ids,
    is_equal,
    load_side,
    ordered,
    side_by_side,
    side_label,
    word_diff,
)
from .forms import CompareForm, PlanCompareForm, ReactieForm
from .models import Beleidsplan, Doelstelling, Herziening, Planversie, Reactie, Wijzigingsvoorstel
from .pagecache import cached_html, conditional_file, digest, plan_page, release
from .reading import (  # noqa: F401 (LoginRequired, login_or_404 re-exported)
    LoginRequired,
    Reading,
    coordinators_only,
    goal_across_plans,
    insiders_only,
    login_or_404,
    published_version,
    read_plan,
    refuse,
    refuse_role,
    version_documents,
)


def _insiders_only(request) -> Reading:
    """The reading of a plan page that only the steering group and coordinators see (the
    working state, revision rounds): anyone else is refused."""
    reading = request.reading
    if not reading.insider:
        refuse_role(request, insiders_only())
    return reading


def _get_proposal(request, pk: int) -> Wijzigingsvoorstel:
    """A change proposal, for the steering group and coordinators only."""
    if not can_see_working_state(request.user):
        refuse_role(request, insiders_only())
    return get_object_or_404(Wijzigingsvoorstel.objects.select_related("herziening__plan"), pk=pk)


# Versions


@plan_page
def versies(request, plan_id: int):
    """The published versions of a plan, with the form to compare two. Two queries
    besides the reading's."""
    reading = request.reading
    plan = reading.plan
    rows = list(plan.versies.defer("document").select_related("gepubliceerd_door"))
    with_working = reading.insider
    form = CompareForm(versies=rows, with_working_state=with_working)
    if len(rows) >= 2:
        form.initial = {"van": str(rows[-2].nummer), "naar": str(rows[-1].nummer)}
    return render(
        request,
        "beleidsplan/versies.html",
        {"plan": plan, "versies": rows, "form": form, "with_working": with_working},
    )


@plan_page
def versie(request, plan_id: int, nummer: int):
    """A published version, as the plan was. Renders from the stored document alone, once
    per version and stamp (the cache); on a hit one query besides the reading's."""
    reading = request.reading
    row = published_version(reading, nummer)

    def content():
        return Planversie.objects.get(pk=row.pk).data()

    return render(
        request,
        "beleidsplan/versie.html",
        {
            "plan": reading.plan, "versie": row, "document": content,
            "page_key": digest((release(), "versie", row.pk, reading.plan.stempel)),
        },
    )


@login_or_404
def versie_json(request, plan_id: int, nummer: int):
    """The stored ``cultuurregio-plan/1`` text of a version, byte for byte, with a strong
    ETag (the same bytes for everyone who may read them). Queries: the reading, the
    version (when it is not the latest), its document."""
    reading = read_plan(request, plan_id)
    row = published_version(reading, nummer)

    def respond():
        document = Planversie.objects.values_list("document", flat=True).get(pk=row.pk)
        response = HttpResponse(document, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'inline; filename="plan-{plan_id}-versie-{nummer}.json"'
        )
        return response

    return conditional_file(
        request, respond, etag=digest(("json", row.pk)), last_modified=row.gepubliceerd_op,
        public=reading.plan.publiek,
    )


@plan_page
def werkversie(request, plan_id: int):
    """The working state, for the steering group and coordinators."""
    reading = _insiders_only(request)
    return render(
        request,
        "beleidsplan/versie.html",
        {
            "plan": reading.plan, "versie": None,
            "document": lambda: reading.document.raw,
            "page_key": digest((release(), "werk", reading.key)),
        },
    )


def _comparison(request, reading: Reading):
    """Read ``van`` and ``naar`` from the query string. Returns (form, document or None,
    side-by-side table or None)."""
    plan = reading.plan
    rows = list(plan.versies.defer("document"))
    form = CompareForm(request.GET or None, versies=rows, with_working_state=reading.insider)
    if not form.is_valid():
        return form, None, None

    def side(label):
        working = reading.document.raw if label == WERK else None
        return load_side(plan, label, working=working)

    try:
        a, b = side(form.cleaned_data["van"]), side(form.cleaned_data["naar"])
    except SideNotFound:  # the form only offers existing sides
        raise Http404 from None
    doc = compare(plan, a, b)
    old, new = ordered(plan, a, b)
    return form, doc, side_by_side(old, new, doc)


def _comparison_key(request, name: str) -> tuple:
    reading = request.reading
    return (name, reading.key, reading.role, request.GET.urlencode())


@plan_page
def vergelijk(request, plan_id: int):
    """Two states of the plan side by side, aligned by identity. The content is cached
    under the plan's stamp; made: the plan's versions (without documents), the two
    documents, the accepted proposals."""
    reading = request.reading
    form, doc, table = _comparison(request, reading)
    status = 400 if request.GET and doc is None else 200
    content = ""
    if doc is not None:
        def make():
            # No request: the content is shared by every reader of the same role.
            return render_to_string("beleidsplan/_vergelijking.html", {
                "plan": reading.plan, "doc": doc, "table": table,
                "alles": form.cleaned_data["alles"],
                "equal": is_equal(doc),
                "van_label": side_label(doc["van"]), "naar_label": side_label(doc["naar"]),
            })

        content = cached_html(_comparison_key(request, "vergelijk"), make)
    return render(
        request,
        "beleidsplan/vergelijk.html",
        {"plan": reading.plan, "form": form, "content": content},
        status=status,
    )


@plan_page
def vergelijk_vorig_plan(request, plan_id: int):
    """This plan beside the plan before it: a version of the old plan (by default its
    last) against a version or the working state of this one (by default the newest the
    reader may read), matched through the "continues" links (comparison.compare_plans).
    404 when there is no plan before that this reader may read. The content is cached
    under both plans' stamps; made: the two plans' versions (without documents), the
    two documents, the links."""
    reading = request.reading
    if reading.predecessor_id is None:
        raise Http404
    old_reading = read_plan(request, reading.predecessor_id)
    old_versies = list(old_reading.plan.versies.defer("document"))
    new_versies = list(reading.plan.versies.defer("document"))
    data = request.GET or {
        "van": str(old_versies[-1].nummer) if old_versies else "",
        "naar": WERK if reading.insider else (
            str(new_versies[-1].nummer) if new_versies else ""
        ),
    }
    form = PlanCompareForm(
        data, old_versies=old_versies, new_versies=new_versies,
        with_working_state=reading.insider,
    )
    content = ""
    if form.is_valid():
        van, naar = form.cleaned_data["van"], form.cleaned_data["naar"]

        def make():
            old = load_side(old_reading.plan, van)
            new = load_side(
                reading.plan, naar, working=reading.document.raw if naar == WERK else None
            )
            goals, actions = continued_ids(reading.plan)
            new = Side(new.label, as_continued(new.document, goals, actions), new.versie)
            doc = compare_plans(
                old, new, old_plan=old_reading.plan, new_plan=reading.plan,
                goals=goals, actions=actions,
            )
            return render_to_string("beleidsplan/_vergelijking.html", {
                "plan": reading.plan, "doc": doc, "table": side_by_side(old, new, doc),
                "alles": form.cleaned_data["alles"], "across_plans": True,
                "equal": is_equal(doc),
                "van_label": f"{old_reading.plan.titel}, {side_label(van)}",
                "naar_label": f"{reading.plan.titel}, {side_label(naar)}",
            })

        content = cached_html(
            ("vergelijk_vorig_plan", reading.key, old_reading.key, reading.role,
             van, naar, form.cleaned_data["alles"]),
            make,
        )
    return render(
        request,
        "beleidsplan/vergelijk_vorig_plan.html",
        {"plan": reading.plan, "vorig_plan": old_reading.plan, "form": form,
         "content": content},
        status=400 if not form.is_valid() else 200,
    )


@plan_page
def vergelijk_json(request, plan_id: int):
    reading = request.reading
    form, doc, _table = _comparison(request, reading)
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


@plan_page
def geschiedenis(request, plan_id: int, doelstelling_id: int):
    """Every wording a goal had, in which versions, through which proposal; beside the
    audit trail of its record. A removed goal keeps its history (from the versions).

    A fixed number of queries: the reading, the plan's versions (their documents when this
    process has not read them yet), the goal, the accepted proposals about it and its
    audit trail (with users); one for each plan before or after (goal_across_plans).
    """
    reading = request.reading
    plan = reading.plan
    insider = reading.insider
    rows = list(plan.versies.defer("document"))
    documents = version_documents(rows)
    goal = Doelstelling.objects.filter(plan=plan, pk=doelstelling_id).first()

    states = []  # (label, code, formulering, parent code, versie or None)
    for row in rows:
        found = documents[row.pk].goal(doelstelling_id)
        if found:
            states.append({
                "label": str(row), "versie": row, "code": found.code,
                "formulering": found.formulering,
                "ouder": found.parent.code if found.parent else None,
            })
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
    if not states:
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
            # The plan before and after: the history goes on there.
            "across": goal_across_plans(reading, doelstelling_id),
        },
    )


def _proposals_about(plan: Beleidsplan, goal_id: int) -> list[Wijzigingsvoorstel]:
    """The proposals about a goal: those written about it or about one of its indicators,
    and the accepted ones that created it (new goal, split, action into OD) or merged
    another goal into it. One query; the effects are read in Python (JSON lookups differ
    between databases)."""
    S = Wijzigingsvoorstel.Soort
    creating = [S.NIEUW, S.SPLITSEN, S.ACTIE_NAAR_OD, S.SAMENVOEGEN]
    candidates = (
        Wijzigingsvoorstel.objects.filter(herziening__plan=plan)
        .filter(
            Q(doelstelling_ref=goal_id)
            | Q(indicator__doelstelling_id=goal_id)
            | Q(status=Wijzigingsvoorstel.Status.AANVAARD, soort__in=creating)
        )
        .with_subjects()
        .select_related("herziening", "auteur", "beslist_door")
        .order_by("aangemaakt_op", "pk")
    )
    return [
        p
        for p in candidates
        if p.doelstelling_ref == goal_id
        or (p.indicator_id and p.indicator.doelstelling_id == goal_id)
        or goal_id in p.effect.get("nieuw", [])
        or p.effect.get("behouden") == goal_id
    ]


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


@plan_page
def herzieningen(request, plan_id: int):
    plan = _insiders_only(request).plan
    rounds = list(plan.herzieningen.all())
    return render(request, "beleidsplan/herzieningen.html", {"plan": plan, "herzieningen": rounds})


@plan_page
def herziening(request, plan_id: int, pk: int):
    """A revision round with its proposals and their discussion. Fixed queries."""
    plan = _insiders_only(request).plan
    ronde = get_object_or_404(Herziening, plan=plan, pk=pk)
    voorstellen = list(
        ronde.voorstellen.with_subjects()
        .select_related("auteur", "beslist_door")
        .prefetch_related(Prefetch("reacties", queryset=Reactie.objects.select_related("auteur")))
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
    return reverse("plan:herziening", args=[ronde.plan_id, ronde.pk])

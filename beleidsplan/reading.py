"""Who reads what of a plan, and the plan as they read it: the one read model of the site.

Who reads what (``Beleidsplan.objects.leesbaar_voor`` says it as a filter):

- the steering group and coordinators (``can_see_working_state``) read the working state of
  every plan;
- anyone else reads the latest published version of a plan whose published versions are
  public (``Beleidsplan.publiek``); a plan without a published version is not public yet.
- What a visitor may not know exists is a 404; an anonymous visitor of a plan that is not
  public is first sent to the login page (views raise ``LoginRequired``, ``login_or_404``
  turns it into the redirect).

What they read is a ``Reading``: the plan (with its stamp), the published version or None
for the working state, and whether the reader is an insider. ``Reading.model`` is the plan
document (beleidsplan/document.py) with the progress of its actions laid on it, built from
the rows (working state) or from the version's stored JSON, and memoised in this process
under the plan's stamp, which lives in the database (beleidsplan/stamps.py). A memoised
model is never stale: a change raises the stamp, every worker reads the new stamp on its
next request and builds the model again. The memo only saves work; it is bounded and holds
nothing another worker needs to agree on.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property, wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from acties.models import Actie
from cultuurregio.roles import can_see_working_state, is_coordinator

from .compiled import CompiledValues
from .document import PlanDocument
from .export import build_plan_document
from .models import Beleidsplan, Doelstelling, Planversie
from .plan_progress import PlanProgress, load_plan_progress


class LoginRequired(Exception):
    """Raised by the access helpers for an anonymous visitor: answer with the login page."""


def login_or_404(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())

    return wrapper


def refuse(request):
    """Raise what a user who may not see something gets: login first, else 404."""
    if not request.user.is_authenticated:
        raise LoginRequired
    raise Http404


def refuse_role(request, who: str):
    """Raise what a user gets on a page meant for another role (the working state, a
    revision round, the coordinator's overview): login first, else the "no access" page
    (403) saying ``who`` may see it. Only for pages whose existence is no secret to this
    reader: a private plan's pages are refused with ``refuse`` (404)."""
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied(who)


def insiders_only() -> str:
    return gettext("This page is for the steering group and the coordinators.")


def coordinators_only() -> str:
    return gettext("This page is for the coordinators.")


@dataclass
class Reading:
    """What a user reads of a plan: the working state (``versie`` None, ``insider``) or a
    published version (its row without the document)."""

    plan: Beleidsplan
    versie: Planversie | None
    insider: bool
    coordinator: bool = False
    # Never published and not closed: a next plan being written (insiders only read it).
    in_preparation: bool = False

    @property
    def key(self) -> tuple:
        """What everything this reader sees of the plan depends on: the plan's stamp
        (every change of its rows, reports, actors and municipalities raises it) and the
        state read. The same on every worker and host."""
        changed = self.plan.gewijzigd_op.isoformat() if self.plan.gewijzigd_op else ""
        state = self.versie.pk if self.versie else "werk"
        # Today too: a municipality's merger takes effect on its date (progress.spreading).
        today = timezone.localdate().isoformat()
        return (self.plan.pk, self.plan.stempel, changed, state, today)

    @property
    def role(self) -> str:
        """Who the page is for, as far as its content differs: coordinators see links the
        steering group does not, the steering group sees the working state."""
        if self.coordinator:
            return "coordinator"
        return "insider" if self.insider else "public"

    def with_version(self, versie: Planversie) -> Reading:
        """The same reader, reading another published version of the plan (a version's
        downloads and pages)."""
        return Reading(plan=self.plan, versie=versie, insider=self.insider,
                       coordinator=self.coordinator)

    @property
    def predecessor_id(self) -> int | None:
        """The plan this one succeeds, when this reader may read it (``neighbours``)."""
        return neighbours(self)[0]

    @property
    def successor_id(self) -> int | None:
        """The plan that succeeds this one, when this reader may read it."""
        return neighbours(self)[1]

    @cached_property
    def model(self) -> PlanProgress:
        """The plan as this reader reads it, with progress (memoised by ``key``)."""
        return plan_model(self)

    @property
    def document(self) -> PlanDocument:
        return self.model.document


# --- The queries that read who reads what ------------------------------------------------
# Run on every request of every page: compiled once (compiled.py). The plan's columns and
# the version's without its document.
_PLAN = [field.attname for field in Beleidsplan._meta.concrete_fields]
_VERSION = [f.attname for f in Planversie._meta.concrete_fields if f.name != "document"]
_VERSION_WITH_PLAN = [*_VERSION, *(f"plan__{name}" for name in _PLAN)]


def _plan(row) -> Beleidsplan:
    return Beleidsplan.from_db("default", _PLAN, row)


def _version(row) -> Planversie:
    versie = Planversie.from_db("default", _VERSION, row[: len(_VERSION)])
    versie.plan = _plan(row[len(_VERSION):])
    return versie




# The plan matching one lookup (insiders), or its latest version for a public plan.
_PLAN_BY = {
    lookup: CompiledValues(
        lambda value, lookup=lookup: Beleidsplan.objects.filter(**{lookup: value})
        .order_by("pk").values_list(*_PLAN)[:1]
    )
    for lookup in ("pk", "doelstellingen__acties")
}
_LATEST_VERSION_BY = {
    lookup: CompiledValues(
        lambda value, lookup=lookup: Planversie.objects.filter(
            plan__publiek=True, **{f"plan__{lookup}": value}
        ).order_by("-nummer").values_list(*_VERSION_WITH_PLAN)[:1]
    )
    for lookup in ("pk", "doelstellingen__acties")
}
# Every plan with whether it was ever published (insiders); every version of the public
# plans, a few per plan (anyone else).
_ALL_PLANS = CompiledValues(  # newest first
    lambda: Beleidsplan.objects.annotate(
        gepubliceerd=Exists(Planversie.objects.filter(plan=OuterRef("pk")))
    ).values_list(*_PLAN, "gepubliceerd"),
    0,
)
_PUBLIC_VERSIONS = CompiledValues(
    lambda: Planversie.objects.filter(plan__publiek=True)
    .order_by("-plan__van_jaar", "plan__titel", "plan_id", "-nummer")
    .values_list(*_VERSION_WITH_PLAN),
    0,
)
_VERSION_OF_PLAN = CompiledValues(
    lambda plan_id, nummer: Planversie.objects.filter(plan_id=plan_id, nummer=nummer)
    .values_list(*_VERSION_WITH_PLAN)[:1],
    2,
)


def _reading_of(user, lookup: str, value: int) -> Reading | None:
    """The reading of the plan where ``lookup`` (a filter on Beleidsplan: "pk" or
    "doelstellingen__acties") is ``value``, for ``user``, or None when there is none they
    may read. One query: the plan (insiders) or its latest published version with the
    plan, for a public plan (anyone else)."""
    if can_see_working_state(user):
        rows = _PLAN_BY[lookup].rows(value)
        if not rows:
            return None
        return Reading(
            plan=_plan(rows[0]), versie=None, insider=True, coordinator=is_coordinator(user)
        )
    rows = _LATEST_VERSION_BY[lookup].rows(value)
    if not rows:
        return None
    versie = _version(rows[0])
    return Reading(plan=versie.plan, versie=versie, insider=False)


# --- The plans before and after ----------------------------------------------------------
# Asked by every page of a plan (its top line links them), so kept in this process under
# the plan's stamp: a plan's own row or first version raises the stamps of the plans
# before and after it too (beleidsplan/stamps.py), so a kept answer is never stale.
_neighbours: OrderedDict[tuple, tuple[int | None, int | None]] = OrderedDict()
NEIGHBOURS_SIZE = 64


def neighbours(reading: Reading) -> tuple[int | None, int | None]:
    """The plan the reading's plan succeeds and the first plan that succeeds it, each None
    unless this reader may read it: the steering group every plan, anyone else a public
    plan with a published version. No query when this process answered for the same
    stamp; otherwise one."""
    plan = reading.plan
    key = (reading.key, reading.insider)
    with _lock:
        if key in _neighbours:
            _neighbours.move_to_end(key)
            return _neighbours[key]
    near = Beleidsplan.objects.filter(Q(pk=plan.vorig_plan_id) | Q(vorig_plan=plan.pk))
    if not reading.insider:
        near = near.filter(publiek=True).filter(
            Exists(Planversie.objects.filter(plan=OuterRef("pk")))
        )
    rows = list(near.order_by("van_jaar", "pk").values_list("pk", "vorig_plan_id"))
    before = next((pk for pk, _ in rows if pk == plan.vorig_plan_id), None)
    after = next((pk for pk, vorig in rows if vorig == plan.pk), None)
    with _lock:
        _neighbours[key] = (before, after)
        while len(_neighbours) > NEIGHBOURS_SIZE:
            _neighbours.popitem(last=False)
    return before, after


def goal_across_plans(reading: Reading, goal_id: int) -> dict:
    """Where goal ``goal_id`` of the reading's plan comes from and goes to, in the plans
    before and after it that this reader may read (``Reading.predecessor_id`` and
    ``successor_id``): ``continues``, the goal of the plan before that it continues, and
    ``continued_in``, the goals of the plan after that continue it (several after a
    split). Each as {"url", "history_url", "plan"}; no code, which the other plan may
    change without this page knowing. One query for each neighbour the plan has."""
    links: dict = {"continues": None, "continued_in": []}
    if reading.predecessor_id is not None:
        row = (
            Doelstelling.objects.filter(
                pk=goal_id, plan=reading.plan.pk,
                voortzetting_van__plan=reading.predecessor_id,
            )
            .values_list("voortzetting_van_id", "voortzetting_van__plan__titel")
            .first()
        )
        if row is not None:
            args = [reading.predecessor_id, row[0]]
            links["continues"] = {
                "url": reverse("plan:doelstelling", args=args),
                "history_url": reverse("plan:geschiedenis", args=args), "plan": row[1],
            }
    if reading.successor_id is not None:
        links["continued_in"] = [
            {"url": reverse("plan:doelstelling", args=[reading.successor_id, pk]),
             "plan": titel}
            for pk, titel in Doelstelling.objects.filter(
                plan=reading.successor_id, voortzetting_van=goal_id
            ).order_by("tree_id", "lft").values_list("pk", "plan__titel")
        ]
    return links


def action_across_plans(reading: Reading, actie_id: int) -> dict:
    """``goal_across_plans`` for an action: the action of the plan before it continues,
    and those of the plan after that continue it (the action page holds its history).
    One query for each neighbour the plan has."""
    links: dict = {"continues": None, "continued_in": []}
    if reading.predecessor_id is not None:
        row = (
            Actie.objects.filter(
                pk=actie_id, doelstelling__plan=reading.plan.pk,
                voortzetting_van__doelstelling__plan=reading.predecessor_id,
            )
            .values_list("voortzetting_van_id", "voortzetting_van__doelstelling__plan__titel")
            .first()
        )
        if row is not None:
            links["continues"] = {"url": reverse("plan:actie", args=[row[0]]), "plan": row[1]}
    if reading.successor_id is not None:
        links["continued_in"] = [
            {"url": reverse("plan:actie", args=[pk]), "plan": titel}
            for pk, titel in Actie.objects.filter(
                doelstelling__plan=reading.successor_id, voortzetting_van=actie_id
            ).order_by("pk").values_list("pk", "doelstelling__plan__titel")
        ]
    return links


def read_plan_of_action(request, actie_id: int) -> Reading:
    """The reading of the plan an action belongs to, as ``read_plan``, in one query: the
    plan of the action's goal (insiders) or its latest version (anyone else). Whether the
    action is in what they read is for the page to say (the document has it or not)."""
    reading = _reading_of(request.user, "doelstellingen__acties", actie_id)
    if reading is not None:
        return reading
    plan_id = (
        Beleidsplan.objects.filter(doelstellingen__acties=actie_id)
        .values_list("pk", flat=True)
        .first()
    )
    if plan_id is None:
        raise Http404
    return read_plan(request, plan_id)  # refuses, as for the plan's other pages


def read_plan(request, plan_id: int) -> Reading:
    """The reading of plan ``plan_id`` for this user, or refuse (404, or the login page
    first for an anonymous visitor of a plan that is not public).

    Queries: the user's groups (logged in, at most two), then one: the plan (insiders) or
    the plan's latest version with the plan (anyone else). A refusal costs one more.
    """
    reading = _reading_of(request.user, "pk", plan_id)
    if reading is not None:
        return reading
    plan = Beleidsplan.objects.filter(pk=plan_id).first()
    if plan is not None and not plan.publiek:
        refuse(request)
    raise Http404  # no such plan, or a public plan with nothing published yet


def published_version(reading: Reading, nummer: int) -> Planversie:
    """Published version ``nummer`` of the reading's plan (without its document), or 404.
    No query when it is the version the reader reads anyway, else one."""
    if reading.versie is not None and reading.versie.nummer == nummer:
        return reading.versie
    rows = _VERSION_OF_PLAN.rows(reading.plan.pk, nummer)
    if not rows:
        raise Http404
    return _version(rows[0])


def readings_for(user) -> list[Reading]:
    """Every plan ``user`` may read, newest first, as readings (home, actors,
    municipalities, search). One query for insiders (the plans), one for anyone else (the
    latest version of every public plan, with its plan), besides the group check."""
    if can_see_working_state(user):
        coordinator = is_coordinator(user)
        readings = []
        for row in _ALL_PLANS.rows():
            plan = _plan(row[: len(_PLAN)])
            readings.append(Reading(
                plan=plan, versie=None, insider=True, coordinator=coordinator,
                in_preparation=not row[-1] and not plan.is_afgesloten,
            ))
        return readings
    # Every version of the public plans (a few per plan), the latest of each kept: a plain
    # join, cheaper per request than a correlated subquery.
    latest: dict[int, Planversie] = {}
    for row in _PUBLIC_VERSIONS.rows():
        versie = _version(row)
        latest.setdefault(versie.plan_id, versie)
    return [Reading(plan=v.plan, versie=v, insider=False) for v in latest.values()]


def current_reading(readings: list[Reading]) -> Reading | None:
    """The plan a reader means by "the plan" (home, the top bar, search), of ``readings``
    (newest first): the newest that runs (published, not closed), else the newest
    published one, else the newest. A next plan in preparation or an old closed one is
    never current while another runs. No query."""
    published = [r for r in readings if not r.in_preparation]
    running = [r for r in published if not r.plan.is_afgesloten]
    found = running or published or readings
    return found[0] if found else None


def readings_of(request) -> list[Reading]:
    """``readings_for(request.user)``, read once per request."""
    if not hasattr(request, "_readings"):
        request._readings = readings_for(request.user)
    return request._readings


# --- The memo of read models -------------------------------------------------------------

MEMO_SIZE = 8  # plans × states × stamps kept per process (a 10x plan is a few MB)
_memo: OrderedDict[tuple, PlanProgress] = OrderedDict()
_lock = threading.Lock()


def plan_model(reading: Reading) -> PlanProgress:
    """The reading's plan document with progress. From the memo when this process built
    it for the same stamp; otherwise built: the working state from the rows
    (``build_plan_document``'s seven queries) or the version's stored document (one), then
    the approved reports with their municipalities and the municipalities (three)."""
    key = reading.key
    with _lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found
    if reading.versie is None:
        raw = build_plan_document(reading.plan)
    else:
        raw = json.loads(
            Planversie.objects.values_list("document", flat=True).get(pk=reading.versie.pk)
        )
    model = load_plan_progress(reading.plan, document=raw)
    with _lock:
        _memo[key] = model
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return model


_versions: OrderedDict[int, PlanDocument] = OrderedDict()
VERSIONS_SIZE = 16


def version_documents(versies: list[Planversie]) -> dict[int, PlanDocument]:
    """The typed documents of published versions, by version id (histories read every
    version). A published version never changes, so its document is kept in this process
    under its id; the missing ones are read in one query (none when all are kept). Shared
    between requests: read them, never lay progress on them."""
    found: dict[int, PlanDocument] = {}
    with _lock:
        for versie in versies:
            if versie.pk in _versions:
                found[versie.pk] = _versions[versie.pk]
                _versions.move_to_end(versie.pk)
    missing = [versie.pk for versie in versies if versie.pk not in found]
    if missing:
        for pk, text in Planversie.objects.filter(pk__in=missing).values_list("pk", "document"):
            found[pk] = PlanDocument.from_dict(json.loads(text))
        with _lock:
            for pk in missing:
                _versions[pk] = found[pk]
            while len(_versions) > VERSIONS_SIZE:
                _versions.popitem(last=False)
    return found


def forget_models() -> None:
    """Empty this process's memos (tests; never needed for correctness)."""
    with _lock:
        _memo.clear()
        _versions.clear()
        _neighbours.clear()

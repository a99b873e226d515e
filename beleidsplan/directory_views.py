"""The actor registry and the municipalities on the public site: the directory of actors,
an actor's page (its actions, who it works with), the municipalities and a municipality's
page (the actions that reach it, the actors in it).

Access. The registry itself (actors, municipalities) is public. The actions shown beside it
follow the rule of the plan pages (beleidsplan/views.py, beleidsplan/progress_views.py):

- the steering group and coordinators (``can_see_working_state``) see the working state of
  every plan, from the database rows;
- anyone else (anonymous visitors, partners) sees only what is published: the latest
  published version of each public plan (``Beleidsplan.publiek``), read from the version's
  stored document. A draft wording, a new action not yet published, or any action of a
  plan that is not public never shows, and every action listed is one whose page
  (``acties:actie``) the visitor may open.

Contact persons are personal data: only the steering group and coordinators see them.
The organisation's own website, e-mail, phone and address are public.

Inactive actors (``Actor.actief`` off) leave the directory (a visitor can ask for them) but
keep their page, marked "no longer active" and without contact details for the public:
published versions of the plan still name them, and a link to them must not break.

Every page runs a fixed number of queries, whatever the number of actors, actions or
plans (tests/test_directory_queries.py).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from acties.perioden import period_label
from actoren.models import Actor, Gemeente
from beleidsplan.pagecache import cached_html, visitor_page
from beleidsplan.reading import Reading, readings_of
from cultuurregio.roles import can_see_working_state

# --- The actions a visitor may see -------------------------------------------------------


@dataclass
class PlanSource:
    """Where a plan's actions come from: its working state, or a published version."""

    id: int
    titel: str
    van_jaar: int
    tot_jaar: int
    versie_nummer: int | None = None
    versie_naam: str = ""
    versie_datum: datetime.datetime | None = None

    @property
    def is_working_state(self) -> bool:
        return self.versie_nummer is None


@dataclass
class ActionItem:
    """One action as a page of this module shows it, from either source."""

    id: int
    plan: PlanSource
    position: int
    goal_id: int
    goal_code: str
    goal_formulering: str
    omschrijving: str
    timing: str
    actoren: list[tuple[int, str, str]]  # (actor id, name, role)
    alle_gemeenten: bool
    gemeente_ids: frozenset[int]
    via: list[str] = field(default_factory=list)  # set by the municipality page
    rol: str = ""  # the role of the actor whose page shows the action

    def rol_van(self, actor_id: int) -> str:
        return next((rol for pk, _naam, rol in self.actoren if pk == actor_id), "")


def _source(reading: Reading) -> PlanSource:
    plan, versie = reading.plan, reading.versie
    if versie is None:
        return PlanSource(plan.pk, plan.titel, plan.van_jaar, plan.tot_jaar)
    return PlanSource(
        plan.pk, plan.titel, plan.van_jaar, plan.tot_jaar,
        versie_nummer=versie.nummer, versie_naam=versie.naam,
        versie_datum=versie.gepubliceerd_op,
    )


def plan_actions(readings: list[Reading], pick) -> list[ActionItem]:
    """The actions ``pick(document)`` chooses from every plan the visitor reads (the
    working state for insiders, the latest published version of public plans for anyone
    else; beleidsplan.reading), in plan order. No query besides the plans' models (memoised
    by their stamps)."""
    items: list[ActionItem] = []
    for reading in readings:
        document = reading.document
        source = _source(reading)
        # The document names municipalities; its own list gives their (stable) ids.
        ids_by_name = {g.naam: g.id for g in document.gemeenten}
        for action in pick(document):
            goal = action.goal
            items.append(
                ActionItem(
                    id=action.id, plan=source, position=len(items), goal_id=goal.id,
                    goal_code=goal.code, goal_formulering=goal.formulering,
                    omschrijving=action.omschrijving, timing=action.timing.text,
                    actoren=[(a.id, a.naam, a.rol) for a in action.actoren],
                    alle_gemeenten=action.spreiding.alle_gemeenten,
                    gemeente_ids=frozenset(
                        ids_by_name[naam] for naam in action.spreiding.gemeenten
                        if naam in ids_by_name
                    ),
                )
            )
    return items


def _all_actions(document) -> list:
    return list(document.actions.values())


def group_by_plan_and_goal(items: list[ActionItem]) -> list[dict]:
    """``[{"plan": PlanSource, "goals": [{"id", "code", "formulering", "actions"}]}]``,
    in plan order. No query."""
    plans: list[dict] = []
    for item in sorted(items, key=lambda i: i.position):
        if not plans or plans[-1]["plan"] is not item.plan:
            plans.append({"plan": item.plan, "goals": [], "count": 0})
        goals = plans[-1]["goals"]
        if not goals or goals[-1]["code"] != item.goal_code:
            goals.append(
                {
                    "id": item.goal_id,
                    "code": item.goal_code,
                    "formulering": item.goal_formulering,
                    "actions": [],
                }
            )
        goals[-1]["actions"].append(item)
        plans[-1]["count"] += 1
    return plans


# --- Reach: which actions reach a municipality ------------------------------------------


def _existed_during(gemeente: Gemeente, plan: PlanSource) -> bool:
    """A municipality that merged into another before a plan started is not one of that
    plan's municipalities: "alle gemeenten" of a 2027 plan does not reach Gooik."""
    return not (gemeente.fusiedatum and gemeente.fusiedatum <= datetime.date(plan.van_jaar, 1, 1))


def reaches(item: ActionItem, gemeente: Gemeente, places: set[int]) -> bool:
    """Does the action reach ``gemeente``? ``places`` is the municipality with those that
    merged into it (as ``ActieQuerySet.bereikt``): Pajottegem counts Gooik's actions."""
    if item.alle_gemeenten:
        return _existed_during(gemeente, item.plan)
    return bool(item.gemeente_ids & places)


def _places_of(gemeente: Gemeente, municipalities: list[Gemeente]) -> set[int]:
    return {gemeente.pk} | {g.pk for g in municipalities if g.opgegaan_in_id == gemeente.pk}


# --- The directory -----------------------------------------------------------------------


class ActorFilterForm(forms.Form):
    """The directory's filters, read from the query string. The municipalities are passed
    in (already loaded), so validating a choice costs no query."""

    soort = forms.ChoiceField(label=_("Kind"), required=False)
    gemeente = forms.ChoiceField(label=_("Municipality"), required=False)
    inactief = forms.BooleanField(label=_("Also show actors that are no longer active"),
                                  required=False)

    def __init__(self, *args, municipalities: list[Gemeente], **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = {str(g.pk): g for g in municipalities}
        self.fields["soort"].choices = [("", _("All kinds"))] + list(Actor.Soort.choices)
        self.fields["soort"].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a kind of actor. Choose one from the list."
        )
        self.fields["gemeente"].choices = [("", _("All municipalities"))] + [
            (str(g.pk), _municipality_label(g)) for g in municipalities
        ]
        self.fields["gemeente"].error_messages["invalid_choice"] = _(
            "There is no municipality “%(value)s”. Choose one from the list."
        )

    def clean_gemeente(self) -> Gemeente | None:
        value = self.cleaned_data["gemeente"]
        return self.municipalities.get(value) if value else None


def _municipality_label(gemeente: Gemeente) -> str:
    if gemeente.opgegaan_in_id:
        return gettext("%(name)s (merged)") % {"name": gemeente.naam}
    return gemeente.naam


def lijst(request):
    """The actor directory, filtered by kind and municipality (combined, in the URL).
    Three queries: the municipalities, the actors, their municipalities. A filter value
    that is not one of the choices answers 400 with the form's message."""
    municipalities = list(Gemeente.objects.all())
    form = ActorFilterForm(request.GET or None, municipalities=municipalities)
    if request.GET and not form.is_valid():
        return render(
            request, "actoren/lijst.html",
            {"form": form, "actoren": None, "filtered": True}, status=400,
        )
    data = form.cleaned_data if form.is_bound else {}
    actoren = Actor.objects.prefetch_related(
        Prefetch("gemeenten", queryset=Gemeente.objects.order_by("naam"))
    )
    if not data.get("inactief"):
        actoren = actoren.filter(actief=True)
    if data.get("soort"):
        actoren = actoren.filter(soort=data["soort"])
    gemeente = data.get("gemeente")
    if gemeente:
        # A municipality includes those that merged into it (the actors of Gooik are
        # Pajottegem's now).
        actoren = actoren.filter(
            Q(gemeenten=gemeente) | Q(gemeenten__opgegaan_in=gemeente)
        ).distinct()
    return render(
        request, "actoren/lijst.html",
        {
            "form": form,
            "actoren": list(actoren.order_by("naam")),
            "filtered": bool(data.get("soort") or gemeente or data.get("inactief")),
            "gemeente": gemeente,
        },
    )


# --- An actor ---------------------------------------------------------------------------


@visitor_page
def actor(request, pk: int):
    """An actor: what it is, its municipalities, its actions grouped by goal and the
    actors it works with through shared actions (with how many).

    Fixed queries: the actor, its municipalities, the readable plans, the partner actors
    (and the contact persons, for insiders), besides the plans' models (memoised by their
    stamps) and the session and group lookups.
    """
    insider = can_see_working_state(request.user)
    found = get_object_or_404(Actor, pk=pk)

    def make() -> str:
        return render_to_string(
            "actoren/_actor_content.html", _actor_context(found, request, insider)
        )

    return render(
        request, "actoren/actor.html",
        {"actor": found, "content": _content(request, ("actor", pk, insider), make)},
    )


def _actor_context(found: Actor, request, insider: bool) -> dict:
    municipalities = list(found.gemeenten.order_by("naam"))
    contacts = list(found.contactpersonen.all()) if insider else []
    items = plan_actions(
        readings_of(request), lambda document: document.actions_of_actor(found.pk)
    )

    # Who it works with: every other actor of its actions, counted once per action.
    shared: Counter[int] = Counter()
    names: dict[int, str] = {}
    for item in items:
        for other_id, naam, _rol in item.actoren:
            if other_id != found.pk:
                shared[other_id] += 1
                names.setdefault(other_id, naam)
    partners = {a.pk: a for a in Actor.objects.filter(pk__in=list(shared))} if shared else {}
    works_with = sorted(
        (
            {
                "id": other_id,
                "actor": partners.get(other_id),
                "naam": partners[other_id].naam if other_id in partners else names[other_id],
                "count": count,
            }
            for other_id, count in shared.items()
        ),
        key=lambda row: (-row["count"], row["naam"].casefold()),
    )
    for item in items:
        item.rol = item.rol_van(found.pk)
    return {
        "actor": found,
        "insider": insider,
        "gemeenten": municipalities,
        "contactpersonen": contacts,
        "plans": group_by_plan_and_goal(items),
        "action_count": len(items),
        "works_with": works_with,
        "show_contact": found.actief or insider,
    }


def _content(request, key: tuple, make: Callable[[], str]) -> str:
    """The page's content (without the menu around it), rendered by ``make()`` once for
    every reader of the same role and kept under the stamps of the plans they read: an
    actor, a municipality or a merger changes those stamps too (beleidsplan/stamps.py).
    Without a readable plan there is no stamp to keep it under: rendered every time."""
    readings = readings_of(request)
    if not readings:
        return mark_safe(make())
    return cached_html((*key, tuple(reading.key for reading in readings)), make)


# --- Municipalities ---------------------------------------------------------------------


@visitor_page
def gemeenten(request):
    """The municipalities of the region with the number of actions that reach each (all
    of them, and those meant for it in particular) and of active actors in it; merged
    municipalities apart. Fixed queries: the municipalities, the actor links, the readable
    plans (their models are memoised by their stamps), besides the session and group
    lookups."""
    insider = can_see_working_state(request.user)

    def make() -> str:
        return render_to_string(
            "actoren/_gemeenten_content.html", _gemeenten_context(request, insider)
        )

    return render(
        request, "actoren/gemeenten.html",
        {"content": _content(request, ("gemeenten", insider), make)},
    )


def _gemeenten_context(request, insider: bool) -> dict:
    municipalities = list(Gemeente.objects.select_related("opgegaan_in"))
    actor_links = list(
        Actor.gemeenten.through.objects.filter(actor__actief=True).values_list(
            "gemeente_id", "actor_id"
        )
    )
    items = plan_actions(readings_of(request), _all_actions)
    rows = []
    for gemeente in municipalities:
        places = _places_of(gemeente, municipalities)
        reached = [i for i in items if reaches(i, gemeente, places)]
        rows.append(
            {
                "gemeente": gemeente,
                "acties": len(reached),
                "specifiek": sum(1 for i in reached if not i.alle_gemeenten),
                "actoren": len({a for g, a in actor_links if g in places}),
            }
        )
    return {
        "huidig": [r for r in rows if not r["gemeente"].opgegaan_in_id],
        "gefuseerd": [r for r in rows if r["gemeente"].opgegaan_in_id],
        "insider": insider,
        "plans": _sources(items),
    }


@dataclass
class Realised:
    """An approved report that names the municipality: what was done there, when, for
    which action."""

    plan: PlanSource
    action_id: int
    goal_code: str
    omschrijving: str
    periode: str
    sort_key: tuple
    wat_gedaan: str
    activiteiten: int | None
    deelnemers: int | None


def _realised_in(readings: list[Reading], places: set[int]) -> list[Realised]:
    """Approved reports of the actions the visitor reads that name one of ``places`` (the
    municipality, and those that merged into it), newest period first. No query: the
    reports and their municipalities are laid on the plans' models (plan_progress)."""
    found: list[Realised] = []
    for reading in readings:
        source = _source(reading)
        for action in reading.model.actions.values():
            for rapport in action.reports:
                if not any(g.pk in places for g in rapport.gemeenten.all()):
                    continue
                found.append(Realised(
                    plan=source, action_id=action.id, goal_code=action.goal.code,
                    omschrijving=action.omschrijving,
                    periode=period_label((rapport.jaar, rapport.halfjaar)),
                    sort_key=(rapport.jaar, rapport.halfjaar, action.id),
                    wat_gedaan=rapport.wat_gedaan,
                    activiteiten=rapport.aantal_activiteiten,
                    deelnemers=rapport.aantal_deelnemers,
                ))
    return sorted(found, key=lambda r: r.sort_key, reverse=True)


def _sources(items: list[ActionItem]) -> list[PlanSource]:
    seen: dict[int, PlanSource] = {}
    for item in items:
        seen.setdefault(item.plan.id, item.plan)
    return list(seen.values())


@visitor_page
def gemeente(request, pk: int):
    """A municipality: the actions that reach it (those for all municipalities, those
    naming it, and, for a municipality born of a merger, those naming the old ones) and
    the active actors in it. Fixed queries: the municipality, the municipalities that
    merged into it, the actors and their municipalities, the readable plans (their models
    are memoised by their stamps), besides the session and group lookups."""
    insider = can_see_working_state(request.user)
    found = get_object_or_404(Gemeente.objects.select_related("opgegaan_in"), pk=pk)

    def make() -> str:
        return render_to_string(
            "actoren/_gemeente_content.html", _gemeente_context(found, request, insider)
        )

    return render(
        request, "actoren/gemeente.html",
        {"gemeente": found, "content": _content(request, ("gemeente", pk, insider), make)},
    )


def _gemeente_context(found: Gemeente, request, insider: bool) -> dict:
    voorgangers = list(found.fusiegemeenten.order_by("naam"))
    places = {found.pk} | {g.pk for g in voorgangers}
    actoren = list(
        Actor.objects.filter(actief=True, gemeenten__in=places)
        .distinct()
        .prefetch_related(Prefetch("gemeenten", queryset=Gemeente.objects.order_by("naam")))
        .order_by("naam")
    )
    items = [
        i for i in plan_actions(readings_of(request), _all_actions)
        if reaches(i, found, places)
    ]
    names = {g.pk: g.naam for g in voorgangers}
    for item in items:
        # Which old municipality brought the action here (Gooik, for Pajottegem).
        item.via = sorted(names[g] for g in item.gemeente_ids if g in names)
    specific = [i for i in items if not i.alle_gemeenten]
    everywhere = [i for i in items if i.alle_gemeenten]
    for actor_row in actoren:
        actor_row.via = [g.naam for g in actor_row.gemeenten.all() if g.pk in names]
    return {
        "gemeente": found,
        "voorgangers": voorgangers,
        "insider": insider,
        "realised": _realised_in(readings_of(request), places),
        "specifiek": group_by_plan_and_goal(specific),
        "overal": group_by_plan_and_goal(everywhere),
        "specifiek_count": len(specific),
        "overal_count": len(everywhere),
        "actoren": actoren,
        "plans": _sources(items),
    }

from django.db.models import Prefetch
from django.shortcuts import render

from cultuurregio.roles import can_see_working_state, is_coordinator

from .models import Beleidsplan, Herziening, Planversie
from .site_views import load_state


def home(request):
    """The plan at a glance, as the region draws it: the column SDs side by side, each in
    its colour, the cross-cutting SDs as bands across them; then the latest version, the
    open revision rounds (steering group and coordinators) and the other plans.

    The current plan is the first the visitor may read (the newest): its working state for
    the steering group and coordinators, its latest published version for anyone else.

    Fixed queries: the plans, their versions (without documents), their open revision
    rounds, then the current plan's document (one query for a published version, seven
    for the working state) and progress (two or three); plus the session, user and
    groups of a logged-in visitor.
    """
    insider = can_see_working_state(request.user)
    plans = Beleidsplan.objects.prefetch_related(
        Prefetch("versies", queryset=Planversie.objects.defer("document")),
        Prefetch(
            "herzieningen",
            queryset=Herziening.objects.filter(status=Herziening.Status.OPEN),
            to_attr="open_rounds",
        ),
    )
    if not insider:
        plans = plans.filter(publiek=True)
    plans = list(plans)
    for plan in plans:
        versions = list(plan.versies.all())
        plan.latest_version = max(versions, key=lambda v: v.nummer) if versions else None

    current = next((p for p in plans if insider or p.latest_version), None)
    state = columns = bands = None
    if current is not None:
        versie = None
        if not insider:
            # The prefetched versions have no document: read the latest one's.
            versie = Planversie.objects.get(pk=current.latest_version.pk)
        state = load_state(current, insider=insider, versie=versie)
        cards = [
            {
                "sd": sd,
                "colour": state.colour(sd.id),
                "transversaal": bool(sd.data.get("transversaal")),
            }
            for sd in state.sds
        ]
        columns = [card for card in cards if not card["transversaal"]]
        bands = [card for card in cards if card["transversaal"]]
    return render(
        request,
        "home.html",
        {
            "plans": plans,
            "current": current,
            # The navigation's plan links (base.html) follow the plan on the page.
            "plan": current,
            "state": state,
            "columns": columns,
            "bands": bands,
            "insider": insider,
            "coordinator": is_coordinator(request.user),
        },
    )

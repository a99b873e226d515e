from django.db.models import Prefetch
from django.shortcuts import render

from cultuurregio.roles import can_see_working_state, is_coordinator

from .models import Beleidsplan, Planversie


def home(request):
    """The plans of the region, each with its latest version and, for the steering group
    and coordinators, its open revision rounds. Three queries."""
    insider = can_see_working_state(request.user)
    plans = Beleidsplan.objects.prefetch_related(
        Prefetch("versies", queryset=Planversie.objects.defer("document")), "herzieningen"
    )
    if not insider:
        plans = plans.filter(publiek=True)
    plans = list(plans)
    for plan in plans:
        versions = list(plan.versies.all())
        plan.latest_version = max(versions, key=lambda v: v.nummer) if versions else None
    return render(
        request,
        "home.html",
        {"plans": plans, "insider": insider, "coordinator": is_coordinator(request.user)},
    )

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
    return render(
        request, "home.html",
        {"plans": list(plans), "insider": insider, "coordinator": is_coordinator(request.user)},
    )

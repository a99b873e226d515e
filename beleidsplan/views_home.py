from django.shortcuts import render

from cultuurregio.roles import can_see_working_state

from .models import Herziening, Planversie
from .pagecache import digest, release, visitor_page
from .reading import current_reading, readings_of


@visitor_page
def home(request):
    """The plan at a glance, as the region draws it: the column SDs side by side, each in
    its colour, the cross-cutting SDs as bands across them; then the latest version, the
    open revision rounds (steering group and coordinators) and the other plans.

    The current plan is the one that runs (``reading.current_reading``: a next plan in
    preparation or a closed one is listed under the other plans): its working state for
    the steering group and coordinators, its latest published version for anyone else
    (beleidsplan.reading). The picture is cached under the plan's stamp.

    Fixed queries: the readable plans (with their latest versions, for the public); for
    insiders the plans' versions (without documents) and open revision rounds; the plan's
    model when this process has none for its stamp; plus the session, user and groups of
    a logged-in visitor.
    """
    insider = can_see_working_state(request.user)
    readings = readings_of(request)
    plans = [reading.plan for reading in readings]
    if insider:
        latest = {}
        for versie in Planversie.objects.filter(plan__in=plans).defer("document").order_by(
            "plan_id", "nummer"
        ):
            latest[versie.plan_id] = versie
        rounds: dict[int, list[Herziening]] = {}
        for ronde in Herziening.objects.filter(plan__in=plans, status=Herziening.Status.OPEN):
            rounds.setdefault(ronde.plan_id, []).append(ronde)
    else:
        latest = {reading.plan.pk: reading.versie for reading in readings}
        rounds = {}
    for reading in readings:
        reading.plan.latest_version = latest.get(reading.plan.pk)
        reading.plan.open_rounds = rounds.get(reading.plan.pk, [])
        reading.plan.in_preparation = reading.in_preparation

    current = current_reading(readings)
    return render(
        request,
        "home.html",
        {
            "plans": plans,
            "current": current.plan if current else None,
            "reading": current,
            # The navigation's plan links (base.html) follow the plan on the page.
            "plan": current.plan if current else None,
            "picture_key": digest((release(), "home", current.key, current.role))
            if current
            else "",
            "insider": insider,
            "coordinator": bool(current and current.coordinator),
        },
    )

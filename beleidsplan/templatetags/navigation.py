"""The site's one top bar (templates/base.html): which plan its plan links lead to."""

from django import template

from beleidsplan.reading import current_reading, readings_of

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_plan(context):
    """The plan the top bar's Plan, Spreiding, Voortgang and Versies links lead to: the
    page's own plan, else the current plan of those the visitor may read
    (``reading.current_reading``; None without one).

    No query on a plan's pages and on pages that read every plan (home, search, actors,
    municipalities); one (the readable plans, beleidsplan.reading) on the others. A page
    rendered without a request (the 500 page) gets no plan links."""
    plan = context.get("plan")
    if getattr(plan, "pk", None):
        return plan
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        # No request (the 500 page), or one refused before the login was read (a 400).
        return None
    reading = getattr(request, "reading", None)
    if reading is not None:
        return reading.plan
    current = current_reading(readings_of(request))
    return current.plan if current else None

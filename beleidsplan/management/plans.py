"""The plan a management command works on, from its ``--plan`` option."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from beleidsplan.models import Beleidsplan


def plan_from_option(plan_id: int | None) -> Beleidsplan:
    """The plan with ``plan_id``; without one, the current plan, as the site means it
    (reading.current_reading): the newest that runs (published, not closed), else the
    newest. A next plan in preparation is never taken by default. At most two queries. A
    CommandError in Dutch when there is no such plan."""
    if plan_id is not None:
        found = Beleidsplan.objects.filter(pk=plan_id).first()
        if found is None:
            raise CommandError(_("There is no policy plan with id %(id)s.") % {"id": plan_id})
        return found
    found = (
        Beleidsplan.objects.lopend().order_by("-van_jaar", "-pk").first()
        or Beleidsplan.objects.order_by("-van_jaar", "-pk").first()
    )
    if found is None:
        raise CommandError(_("There is no policy plan yet."))
    return found

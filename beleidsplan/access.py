"""Who may read what of a plan, in one place for every page of the site.

- The steering group and coordinators (``can_see_working_state``) read the working state.
- Anyone else reads the latest published version of a plan whose published versions are
  public (``Beleidsplan.publiek``); a plan without a published version is not public yet.
- What a visitor may not know exists is a 404; an anonymous visitor is first sent to the
  login page (views raise ``LoginRequired``, ``login_or_404`` turns it into the redirect).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from cultuurregio.roles import can_see_working_state

from .models import Beleidsplan, Planversie


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


@dataclass
class Reading:
    """What a user reads of a plan: the working state (``versie`` None, ``insider``) or a
    published version."""

    plan: Beleidsplan
    versie: Planversie | None
    insider: bool

    @property
    def document(self) -> dict | None:
        """The published version's document (parsed; no query), None for the working state."""
        return self.versie.data() if self.versie else None


def reading_of(request, plan: Beleidsplan) -> Reading:
    """The state of ``plan`` this user reads, or refuse. One query for a visitor (the
    latest version), none more for an insider than the group check."""
    if can_see_working_state(request.user):
        return Reading(plan=plan, versie=None, insider=True)
    if not plan.publiek:
        refuse(request)
    versie = plan.versies.order_by("-nummer").first()
    if versie is None:
        raise Http404
    return Reading(plan=plan, versie=versie, insider=False)

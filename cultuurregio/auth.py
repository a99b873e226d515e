"""The one authentication backend: django-axes' lockout check, then Django's password login,
refusing the demo accounts in production.

One backend, not axes' standalone backend before Django's: with two, every ``login()`` of
a user that did not come from ``authenticate()`` (the invitation page logs the partner in
after they chose a password) would have to name its backend.

The demo accounts (``beleidsplan/demo.py``, ``make run``) have passwords printed in the
README. In production mode (``DEBUG=false``) no login with one of those passwords succeeds,
whatever the account and whoever created it, and an account made by the demo loader (its
e-mail address is under ``DEMO_EMAIL_DOMAIN``) can neither log in nor keep a session.
"""

from __future__ import annotations

from axes.backends import AxesBackend, AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import backends

# beleidsplan/demo.py creates its accounts with these; tests/test_safety_demo.py checks that
# the two lists agree.
DEMO_PASSWORDS = frozenset({"demo-coordinator", "demo-stuurgroep", "demo-partner"})
DEMO_EMAIL_DOMAIN = "demo.cultuurregio.invalid"


def is_demo_account(user) -> bool:
    return (user.email or "").lower().endswith("@" + DEMO_EMAIL_DOMAIN)


class ModelBackend(AxesBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        # Raises (and axes answers with its lockout page) when the name or address is
        # locked. Every login page passes the request; a call without one comes from code
        # (a shell, a test), which no one outside can reach.
        if request is not None:
            AxesStandaloneBackend.authenticate(
                self, request, username=username, password=password, **kwargs
            )
        if not settings.DEBUG and password in DEMO_PASSWORDS:
            return None
        return backends.ModelBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )

    def user_can_authenticate(self, user):
        # Also asked for every request of a logged-in session (get_user).
        if not settings.DEBUG and is_demo_account(user):
            return False
        return backends.ModelBackend.user_can_authenticate(self, user)

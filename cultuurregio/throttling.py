"""Limits on logins and password-reset e-mails.

Logins: django-axes (settings ``AXES_*``) counts failures per user name and per address and
locks either for a cool-down; this module tells it the client's address. Password-reset
e-mails: a small counter per account and per address in Django's cache
(``PASSWORD_RESET_LIMIT_PER_HOUR``). The cache may be per process (``locmem://``): then the
limit holds per worker, which still stops a stream of mails; a shared cache makes it exact.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_noop


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind our TLS proxy (BEHIND_TLS_PROXY) the
    address the proxy appended last to X-Forwarded-For (the earlier ones are the client's
    own claims, which anyone can forge)."""
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


def _key(kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{kind}:{digest}:{window}"


def allow(kind: str, value: str, *, limit: int, period: int = 3600) -> bool:
    """Count one event for ``value`` (an address, an e-mail address) in the current period
    and say whether it stays within ``limit``. Fixed windows: at most ``limit`` per period,
    and at most twice that across a window's edge."""
    if not value:
        return True
    key = _key(kind, value, int(time.time() // period))
    # add() is atomic where the cache is shared (Redis, memcached): the first one sets 0.
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        count = 1
    return count <= limit


def allow_password_reset(*, email: str, ip: str | None) -> bool:
    """Whether a password-reset e-mail may go out: counts the request for the address it is
    for and for the client's address; refused when either is over the hourly limit."""
    limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
    per_account = allow("reset-email", email or "", limit=limit)
    per_address = allow("reset-ip", ip or "", limit=limit)
    return per_account and per_address


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes answers a locked-out login with (AXES_LOCKOUT_CALLABLE): in
    Dutch, how long to wait, and who can unlock earlier. Status 429 (Too Many Requests)."""
    from django.shortcuts import render

    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))
    return render(
        request,
        "registration/lockout.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


# django-axes' admin texts, which its own catalog lacks in Dutch: marked here so that
# makemessages keeps them in our catalog (LOCALE_PATHS takes precedence).
LIBRARY_MESSAGES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Username"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Expires At"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
)

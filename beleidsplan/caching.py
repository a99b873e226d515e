"""Fast pages of the plan: conditional requests (ETag, Last-Modified, 304) and a cache of
rendered content.

Two kinds of pages:

- **Published versions** (a version, its JSON, a comparison of two versions, the downloads
  of a version). A version's document is stored once and never changes, so what such a page
  shows depends only on the versions and on the plan's own row (its title). Keys and ETags
  are made of those: the same on every process, after every restart.
- **The working state** (the working version, a comparison with it, a goal's history, the
  downloads of the working state). Their keys hold the plan's *generation*: a number kept in
  the cache and raised by signals on every save or delete of the plan's rows (below). A
  raised generation makes every older key unreachable, so an edit shows at once.

What is cached of an HTML page is its title and the content block of ``base.html``: never
the page around it, which names the user and holds their CSRF token. On a hit the page is
rendered again around the cached content for the user who asked (``_shell``). The cached
content is shared by everyone of the same role (visitor or insider: the steering group and
coordinators see more), so a template of a cached page must not show the viewer inside its
content block; pages with a POST form (a CSRF token) in their content are never cached.
Downloads and JSON are the same for everyone who may see them and are cached whole.

Every request still checks access against the database first (one query for the plan and
its versions, one for the user's groups): a cached page is never served to someone who may
not see it, and a plan made private stops being served at once.

The default cache (settings.CACHES) lives in the memory of one process. The generation is a
number in that cache, so with several processes a change made through one of them would
not be seen by the others: run several processes only with a shared cache (CACHE_URL).
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache as memoize
from functools import wraps
from pathlib import Path

import django
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import Length
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.template import engines
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition
from mptt.signals import node_moved

from acties.models import Actie, ActieActor, Voortgangsrapport
from actoren.models import Actor, Gemeente
from cultuurregio.roles import can_see_working_state

from .models import Beleidsplan, Doelstelling, Herziening, Planversie, Wijzigingsvoorstel

# How long a cached page stays. A published version's content never goes stale (its key
# changes with everything it depends on): the limit only frees memory. Working-state
# content is unreachable after the next change anyway.
PUBLISHED_TIMEOUT = 7 * 24 * 3600
WORKING_TIMEOUT = 24 * 3600


# --- Generations of the working state -------------------------------------------------------

_GLOBAL = "cultuurregio:generatie"


def _plan_key(plan_id: int) -> str:
    return f"cultuurregio:generatie:plan:{plan_id}"


def generation(plan_id: int) -> str:
    """The working state's generation for ``plan_id``: changes whenever the plan (or an
    actor or municipality, which belong to every plan) changes. No query.

    A missing counter (a fresh cache, or one evicted) starts at the current time in
    nanoseconds, never at 0: a key made with an earlier counter is never met again.
    """
    keys = [_GLOBAL, _plan_key(plan_id)]
    values = cache.get_many(keys)
    for key in keys:
        if key not in values:
            cache.add(key, time.time_ns(), timeout=None)
            values[key] = cache.get(key, 0)
    return f"{values[_GLOBAL]}.{values[_plan_key(plan_id)]}"


def bump(plan_id: int | None = None) -> None:
    """Raise the generation of one plan (or, with ``None``, of every plan). Done right away
    and again when the transaction commits: a page rendered during the transaction from the
    rows before the change must not stay cached under the new number."""
    _bump(plan_id)
    transaction.on_commit(lambda: _bump(plan_id))


def _bump(plan_id: int | None) -> None:
    key = _GLOBAL if plan_id is None else _plan_key(plan_id)
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (yet, or evicted)
        cache.set(key, time.time_ns(), timeout=None)


def _cached(instance, field: str):
    """The related object if it is already loaded on ``instance``, else None (no query)."""
    descriptor = instance._meta.get_field(field)
    return getattr(instance, field) if descriptor.is_cached(instance) else None


def _plan_id_of(instance) -> int | None:
    """The plan a changed row belongs to, when that is known without a query; None (every
    plan) otherwise. A signal never queries: it runs inside the coordinator's saves."""
    if isinstance(instance, Beleidsplan):
        return instance.pk
    if isinstance(instance, Doelstelling | Planversie | Herziening):
        return instance.plan_id
    if isinstance(instance, Wijzigingsvoorstel):
        herziening = _cached(instance, "herziening")
        return herziening.plan_id if herziening else None
    if isinstance(instance, ActieActor | Voortgangsrapport):
        instance = _cached(instance, "actie")
        if instance is None:
            return None
    if isinstance(instance, Actie):
        goal = _cached(instance, "doelstelling")
        return goal.plan_id if goal else None
    return None  # actors and municipalities appear in every plan


_WATCHED = (
    Beleidsplan,
    Doelstelling,
    Planversie,
    Herziening,
    Wijzigingsvoorstel,
    Actie,
    ActieActor,
    Voortgangsrapport,
    Actor,
    Gemeente,
)
_M2M = (Actie.gemeenten.through, Actie.zie_ook.through, Voortgangsrapport.gemeenten.through)


@receiver(post_save, dispatch_uid="cultuurregio_cache_save")
@receiver(post_delete, dispatch_uid="cultuurregio_cache_delete")
def _row_changed(sender, instance, **kwargs):
    # Fixture loading (raw) counts too: the rows on the pages change.
    if sender in _WATCHED:
        bump(_plan_id_of(instance))


@receiver(m2m_changed, dispatch_uid="cultuurregio_cache_m2m")
def _links_changed(sender, instance, action, **kwargs):
    if sender in _M2M and action in ("post_add", "post_remove", "post_clear"):
        bump(_plan_id_of(instance))


@receiver(node_moved, sender=Doelstelling, dispatch_uid="cultuurregio_cache_move")
def _goal_moved(sender, instance, **kwargs):
    bump(instance.plan_id)


# --- What a page depends on ------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """What a response depends on (``key``: anything hashable into its ETag and cache key),
    when it last changed (None: unknown, no Last-Modified), how long to keep it, and
    whether it is the same for everyone who may see it (``whole``: JSON and downloads are
    cached whole; HTML pages only their content, per role). ``context`` is what base.html
    reads of the page's own context around the content (the plan, for its menu)."""

    key: tuple
    last_modified: datetime | None = None
    timeout: int = PUBLISHED_TIMEOUT
    whole: bool = False
    strong: bool = False  # byte-identical on every render (the stored JSON)
    context: dict = field(default_factory=dict, compare=False)


def _versions(plan_id: int) -> list[Planversie]:
    """The plan's versions with the plan, without their documents (the length of each stands
    for its content, in case a test stores another document under a reused id). One
    query; empty for a plan without versions or one that does not exist."""
    return list(
        Planversie.objects.filter(plan_id=plan_id)
        .select_related("plan")
        .defer("document")
        .annotate(lengte=Length("document"))
        .order_by("nummer")
    )


def _plan_part(plan: Beleidsplan) -> tuple:
    # Everything of the plan's own row a page may show; ``publiek`` so that making a plan
    # private changes every ETag.
    return (plan.pk, plan.titel, plan.van_jaar, plan.tot_jaar, plan.beschrijving, plan.publiek)


def _version_part(versie: Planversie) -> tuple:
    return (versie.pk, versie.nummer, versie.gepubliceerd_op.isoformat(), versie.lengte)


def _readable(versions: list[Planversie], insider: bool):
    """The plan of ``versions`` if the user may read its published versions, else None."""
    if not versions:
        return None
    plan = versions[0].plan
    return plan if (plan.publiek or insider) else None


def version_page(request, insider: bool, *, plan_id: int, nummer: int, **kwargs):
    """A published version's page or JSON: its own document and the plan's row."""
    versions = _versions(plan_id)
    plan = _readable(versions, insider)
    versie = next((v for v in versions if v.nummer == nummer), None)
    if plan is None or versie is None:
        return None
    key = ("versie", _plan_part(plan), _version_part(versie))
    return Page(key, versie.gepubliceerd_op, context={"plan": plan})


def version_json(request, insider: bool, **kwargs):
    page = version_page(request, insider, **kwargs)
    return page and Page(("json", *page.key), page.last_modified, whole=True, strong=True)


def version_download(kind: str):
    """A download of a published version (``kind``: csv, xlsx, pdf)."""

    def describe(request, insider: bool, **kwargs):
        page = version_page(request, insider, **kwargs)
        return page and Page((kind, *page.key), page.last_modified, whole=True)

    return describe


def comparison(request, insider: bool, *, plan_id: int, **kwargs):
    """Two sides of the plan side by side (``?van=1&naar=2``). Also depends on the list of
    versions (the form offers them all). With the working state on one side, on the
    plan's generation too, and only for insiders; an incomplete or unknown choice is not
    cached (the page answers it with the form's errors)."""
    sides = [request.GET.get("van", ""), request.GET.get("naar", "")]
    versions = _versions(plan_id)
    plan = _readable(versions, insider)
    if plan is None:
        return None
    numbers = {str(v.nummer) for v in versions}
    if not all(side in numbers or side == "werk" for side in sides):
        return None
    key = ("vergelijk", _plan_part(plan), tuple(_version_part(v) for v in versions), *sides)
    if "werk" in sides:
        if not insider:
            return None
        return Page((*key, generation(plan_id)), timeout=WORKING_TIMEOUT, context={"plan": plan})
    return Page(key, max(v.gepubliceerd_op for v in versions), context={"plan": plan})


def comparison_json(request, insider: bool, **kwargs):
    page = comparison(request, insider, **kwargs)
    return page and Page(("json", *page.key), page.last_modified, page.timeout, whole=True)


def goal_history(request, insider: bool, *, plan_id: int, doelstelling_id: int, **kwargs):
    """A goal's history: its wording in every version, and today's wording (the working
    state) as well, so the generation is part of it. No Last-Modified."""
    versions = _versions(plan_id)
    plan = _readable(versions, insider)
    if plan is None:
        return None
    key = (
        "geschiedenis",
        _plan_part(plan),
        tuple(_version_part(v) for v in versions),
        doelstelling_id,
        generation(plan_id),
    )
    return Page(key, timeout=WORKING_TIMEOUT, context={"plan": plan})


def plan_reading(kind: str):
    """A page of the plan as its reader reads it (the nota table, the spreiding matrix, the
    progress page): the latest published version of a public plan for visitors, the working
    state for insiders, both with live approved progress. So it depends on the versions,
    the plan's generation (progress reports bump it too) and the query string (filters).
    Answers with a filter error (400) are not cached."""

    def describe(request, insider: bool, *, plan_id: int, **kwargs):
        versions = _versions(plan_id)
        if insider:
            plan = versions[0].plan if versions else Beleidsplan.objects.filter(pk=plan_id).first()
        else:
            plan = _readable(versions, insider)
        if plan is None:
            return None
        query = tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))
        key = (
            kind,
            _plan_part(plan),
            tuple(_version_part(v) for v in versions),
            generation(plan_id),
            query,
        )
        return Page(key, timeout=WORKING_TIMEOUT, context={"plan": plan})

    return describe


def _working(kind: str, insider: bool, plan_id: int, **extra):
    if not insider:
        return None
    plan = Beleidsplan.objects.filter(pk=plan_id).first()
    if plan is None:
        return None
    key = (kind, _plan_part(plan), generation(plan_id))
    return Page(key, timeout=WORKING_TIMEOUT, context={"plan": plan}, **extra)


def working_state(request, insider: bool, *, plan_id: int, **kwargs):
    """The working state's page (insiders only): the plan's row and its generation."""
    return _working("werk", insider, plan_id)


def working_download(kind: str):
    def describe(request, insider: bool, *, plan_id: int, **kwargs):
        return _working(f"werk-{kind}", insider, plan_id, whole=True)

    return describe


# --- The decorator ---------------------------------------------------------------------------


def cached_page(describe):
    """Serve a view with ETag/Last-Modified, 304 answers and the cache.

    ``describe(request, insider, **view_kwargs)`` returns a ``Page`` when the user may see
    the page and it can be cached, or None: then the view runs as if undecorated (and
    refuses, or answers a form's errors). Put it above the access decorator of the view.
    """

    def decorator(view):
        def etag(request, *args, **kwargs):
            return request._cultuurregio_page[1]

        def last_modified(request, *args, **kwargs):
            return request._cultuurregio_page[2]

        @condition(etag_func=etag, last_modified_func=last_modified)
        def conditional(request, *args, **kwargs):
            page, key = request._cultuurregio_page[0], request._cultuurregio_page[3]
            entry = cache.get(key)
            if entry is not None:
                response = _replay(request, entry, page.context)
                response.from_cache = True  # for tests; not a header
                return response
            response = view(request, *args, **kwargs)
            if request.method == "GET" and response.status_code == 200:
                entry = _entry(request, page, response)
                if entry is not None:
                    cache.set(key, entry, page.timeout)
            return response

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            insider = can_see_working_state(request.user)
            page = describe(request, insider, **kwargs)
            if page is None:
                return view(request, *args, **kwargs)
            role = "insider" if insider else "public"
            parts = (_release(), page.key) if page.whole else (_release(), page.key, role)
            key = "cultuurregio:pagina:" + _digest(parts)
            tag = None
            if not _pending_messages(request):
                viewer = () if page.whole else _viewer(request)
                tag = _digest((parts, viewer))
                tag = f'"{tag}"' if page.strong else f'W/"{tag}"'
            modified = page.last_modified if tag else None
            request._cultuurregio_page = (page, tag, modified, key)
            response = conditional(request, *args, **kwargs)
            if response.status_code not in (200, 304):
                # Only a page's own answer gets the validators, never an error.
                for header in ("ETag", "Last-Modified"):
                    if header in response:
                        del response[header]
                return response
            # Browsers must ask again (a 304 is cheap) rather than guess from Last-Modified;
            # a page with a user's name in it is for their browser only.
            patch_cache_control(response, no_cache=True)
            if request.user.is_authenticated:
                patch_cache_control(response, private=True)
            return response

        return wrapper

    return decorator


def _digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


def _viewer(request) -> tuple:
    """What the page around the content depends on: the user (name in the menu, staff link),
    their session (which the menu may read) and CSRF cookie (the logout form's token). A
    different login gives a different ETag, so a browser never keeps a page of another
    login."""
    user = request.user
    return (
        user.pk,
        user.get_username(),
        user.is_staff,
        request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    )


def _pending_messages(request) -> bool:
    # A page showing a one-time message gets no validators: it must not come back from
    # the browser's cache with the message still in it.
    return len(get_messages(request)) > 0


def _release() -> str:
    """A fingerprint of what renders the pages: the templates, the stylesheet, the Dutch
    catalog, the code of the apps and Django's version. A deploy that changes any of them
    changes every key and ETag. Read once per process; in development (DEBUG), where
    templates change under a running server, from the files' times on every request."""
    if settings.DEBUG:
        return _fingerprint(by_content=False)
    return _fingerprint(by_content=True)


@memoize
def _files() -> tuple[Path, ...]:
    root = Path(settings.BASE_DIR)
    suffixes = {".html", ".txt", ".css", ".mo", ".py"}
    found = []
    for folder in _RENDERING:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in suffixes and "migrations" not in path.parts and path.is_file():
                found.append(path)
    return tuple(found)


_RENDERING = ("templates", "static", "locale", "beleidsplan", "acties", "actoren", "cultuurregio")


def _fingerprint(*, by_content: bool) -> str:
    if by_content:
        return _content_fingerprint()
    sha = hashlib.sha256(django.get_version().encode())
    for path in _files():
        try:
            stat = path.stat()
        except OSError:
            continue
        sha.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return sha.hexdigest()[:16]


@memoize
def _content_fingerprint() -> str:
    root = Path(settings.BASE_DIR)
    sha = hashlib.sha256(django.get_version().encode())
    for path in _files():
        sha.update(str(path.relative_to(root)).encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


# --- Storing and replaying content -----------------------------------------------------------

_SHELL = (
    '{% extends "base.html" %}{% block title %}{{ cached_title }}{% endblock %}'
    "{% block content %}{{ cached_content }}{% endblock %}"
)
_TITLE_MARK = "\x00cultuurregio-title\x00"
_CONTENT_MARK = "\x00cultuurregio-content\x00"
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def _shell(request, title: str, content: str, context: dict | None = None) -> str:
    """base.html for this request, with ``title`` and ``content`` in its blocks."""
    template = engines["django"].from_string(_SHELL)
    context = {
        **(context or {}),
        "cached_title": mark_safe(title),
        "cached_content": mark_safe(content),
    }
    return template.render(context, request)


def _replay(request, entry: dict, context: dict) -> HttpResponse:
    if "body" in entry:
        response = HttpResponse(entry["body"], content_type=entry["content_type"])
        if entry.get("disposition"):
            response["Content-Disposition"] = entry["disposition"]
        return response
    return HttpResponse(_shell(request, entry["title"], entry["content"], context))


def _entry(request, page: Page, response) -> dict | None:
    """What to cache of a response, or None when it cannot be cached safely."""
    if response.streaming:
        return None
    if page.whole:
        return {
            "body": response.content,
            "content_type": response["Content-Type"],
            "disposition": response.get("Content-Disposition"),
        }
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    storage = get_messages(request)
    if getattr(storage, "used", False) and len(storage):
        return None  # messages were shown (they are outside the content, but be sure)
    return _split(request, response.content.decode(response.charset), page.context)


def _split(request, html: str, context: dict | None = None) -> dict | None:
    """The title and content of a page rendered from base.html.

    Renders base.html for the same request with marks in its two blocks; the page must be
    exactly that around its title and content (CSRF tokens aside, which differ on every
    render). A page that puts anything else around them (another block, context of its own
    outside the content that ``context`` does not give) does not match and is not cached:
    safe, never wrong.
    """
    shell = _CSRF.sub(r"\1\2", _shell(request, _TITLE_MARK, _CONTENT_MARK, context))
    if shell.count(_TITLE_MARK) != 1 or shell.count(_CONTENT_MARK) != 1:
        return None
    prefix, rest = shell.split(_TITLE_MARK)
    middle, suffix = rest.split(_CONTENT_MARK)
    page = _CSRF.sub(r"\1\2", html)
    if not (page.startswith(prefix) and page.endswith(suffix)):
        return None
    body = page[len(prefix) : len(page) - len(suffix)]
    at = body.find(middle)
    if at < 0:
        return None
    title, content = body[:at], body[at + len(middle) :]
    if "csrfmiddlewaretoken" in content or "csrfmiddlewaretoken" in title:
        return None  # a form that posts: never shared
    user = request.user
    if user.is_authenticated and len(user.get_username()) > 2:
        if user.get_username() in content:
            # The viewer's name in the content may be theirs alone (or an audit line):
            # not shared, to be sure.
            return None
    return {"title": title, "content": content}

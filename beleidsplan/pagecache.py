"""Fast pages of a plan, with Django's own tools, keyed by the plan's stamp.

Three layers, each keyed by what the page depends on (``Reading.key``: the plan's stamp,
which lives in the database, and the state read), so that several workers and hosts agree
without telling each other anything:

- ``for_visitors``: a page for anonymous visitors, which names no one, is kept whole and
  served without rendering.
- ``plan_page``: conditional requests (``django.views.decorators.http.condition``): an
  ``ETag`` made of the reading's key, the query string and the viewer; a browser that has
  the page gets a 304 without the page being built.
- ``cached_html``: the rendered content of a big page (the nota table, the spreiding
  matrix, progress, a version, a comparison) in Django's cache (``settings.CACHES``),
  shared by every reader of the same role. The page around it (menu, user name, CSRF
  token) is rendered per request from ``base.html`` as usual.
- ``stored_file``: downloads (PDF, XLSX, CSV) made once and kept in the database
  (``RenderedFile``), so no worker renders the same file twice.

A cache that is down, cleared or the dummy one changes only speed: keys hold the stamp, so
nothing stale can be found, and access is checked before anything is looked up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache as memoize
from functools import wraps
from pathlib import Path

import django
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import condition

from .models import RenderedFile
from .reading import Reading, login_or_404, read_plan, readings_of

# How long rendered content stays in the cache. It never goes stale (its key changes with
# everything it depends on): the limit only frees memory.
TIMEOUT = 24 * 3600


def digest(value) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:32]


# --- Rendered content ----------------------------------------------------------------------


def cached_html(key: tuple, render: Callable[[], str]) -> SafeString:
    """The content rendered by ``render()`` for ``key``, from the cache or rendered now
    and kept. ``key`` must hold everything the content depends on (the reading's key and
    role, the filters); never the viewer's own data."""
    name = "cultuurregio:html:" + digest((release(), key))
    html = cache.get(name)
    if html is None:
        html = str(render())
        cache.set(name, html, TIMEOUT)
    return mark_safe(html)


# --- Whole pages for visitors -------------------------------------------------------------


def for_visitors(request, key: tuple, respond: Callable[[], HttpResponse]) -> HttpResponse:
    """``respond()``, or for an anonymous visitor the same page kept whole.

    A page for someone not logged in names no one and holds no CSRF token (the menu shows
    "Aanmelden"), so every visitor gets the same bytes: they are kept under ``key`` (which
    must hold the stamps of everything the page shows) with the path and query, and
    served without rendering. Logged-in users, pages with a one-time message and answers
    other than 200 are never kept.
    """
    if (
        request.method not in ("GET", "HEAD")
        or request.user.is_authenticated
        or _pending_messages(request)
    ):
        return respond()
    name = "cultuurregio:pagina:" + digest((release(), key, request.get_full_path()))
    entry = cache.get(name)
    if entry is not None:
        content_type, disposition, body = entry
        response = HttpResponse(body, content_type=content_type)
        if disposition:
            response["Content-Disposition"] = disposition
        return response
    response = respond()
    if response.status_code == 200 and not response.streaming:
        entry = (response["Content-Type"], response.get("Content-Disposition"), response.content)
        cache.set(name, entry, TIMEOUT)
    return response


def visitor_page(view):
    """A page that shows what of every readable plan (home, search, actors,
    municipalities): for anonymous visitors kept whole (``for_visitors``) under the stamps
    of the plans they may read. Without a public plan nothing is kept (the registry itself
    has no stamp of its own)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        def respond():
            return view(request, *args, **kwargs)

        if request.user.is_authenticated:
            return respond()
        readings = readings_of(request)
        if not readings:
            return respond()
        return for_visitors(request, tuple(r.key for r in readings), respond)

    return wrapper


# --- Conditional requests ------------------------------------------------------------------


def plan_page(view=None, *, reader=read_plan, arg: str = "plan_id"):
    """A page of one plan, for whoever may read it.

    Reads the plan first (``reader`` with the URL's ``arg``: by default ``read_plan`` with
    ``plan_id``; it refuses, or gives ``request.reading``), then answers 304 when the
    browser's copy is current. The ETag holds the reading's key, the path with its query
    and the viewer (login, session, CSRF cookie: the menu and the logout form are theirs),
    so a change of the plan, of the reader's role or of the login gives a new one.
    Responses other than 200 and 304 get no validators. Anonymous visitors get the page
    kept whole (``for_visitors``).
    """
    if view is None:
        return lambda view: plan_page(view, reader=reader, arg=arg)

    def etag(request, *args, **kwargs):
        return request._plan_etag

    def shared(request, *args, **kwargs):
        return for_visitors(
            request, request.reading.key, lambda: view(request, *args, **kwargs)
        )

    conditional = condition(etag_func=etag)(shared)

    @login_or_404
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        reading = reader(request, kwargs[arg] if arg in kwargs else args[0])
        request.reading = reading
        if request.method not in ("GET", "HEAD") or _pending_messages(request):
            return view(request, *args, **kwargs)
        request._plan_etag = digest(
            (release(), reading.key, reading.role, request.get_full_path(), _viewer(request))
        )
        response = conditional(request, *args, **kwargs)
        return finish(request, response, public=False)

    return wrapper


def conditional_file(request, respond, *, etag: str, last_modified=None, public: bool):
    """Answer a download with validators: 304 when the browser (or a proxy) has these
    bytes, else ``respond()`` (for visitors kept whole, ``for_visitors``). ``etag`` names
    the bytes (strong: the same bytes for everyone who may see them)."""

    response = condition(
        etag_func=lambda *args, **kwargs: f'"{etag}"',
        last_modified_func=(lambda *args, **kwargs: last_modified) if last_modified else None,
    )(lambda request: for_visitors(request, (etag,), respond))(request)
    return finish(request, response, public=public)


def finish(request, response, *, public: bool):
    """Validators only on a page's own answer; browsers ask again before reusing a page
    (a 304 is cheap). ``public``: the same bytes for everyone who may see them (a public
    plan's published files), which a shared proxy may keep and revalidate."""
    if response.status_code not in (200, 304):
        for header in ("ETag", "Last-Modified"):
            if header in response:
                del response[header]
        return response
    if public:
        patch_cache_control(response, public=True, no_cache=True)
    else:
        patch_cache_control(response, no_cache=True)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
    return response


def _viewer(request) -> tuple:
    user = request.user
    return (
        user.pk,
        user.get_username(),
        user.is_staff,
        request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    )


def _pending_messages(request) -> bool:
    # A page showing a one-time message must not come back from the browser's cache.
    return len(get_messages(request)) > 0


# --- Files made once -----------------------------------------------------------------------


def stored_file(
    reading: Reading,
    *,
    name: str,
    filename: str,
    content_type: str,
    make: Callable[[], bytes],
    live: bool = False,
) -> RenderedFile:
    """The file ``name`` of this reading (e.g. "pdf", "jaarverslag-2021.xlsx"), made by
    ``make()`` once and kept in the database.

    A published version's file is kept under the version: it is made from the stored
    document alone and never changes. The working state's files, and those with ``live``
    data (the annual report lays today's approved reports on the version), are kept under
    the plan's stamp, and only the newest of each is kept. Two workers asking for the same
    new file at once do not both make it: the second waits on the first's row
    (PostgreSQL's unique index) and then reads it. One query when the file exists;
    otherwise the making, an insert, an update and a delete.
    """
    if reading.versie is not None and not live:
        family = f"{reading.plan.pk}:versie-{reading.versie.pk}:{name}"
        key = f"{family}:{release()}"
    else:
        family = f"{reading.plan.pk}:{reading.role}:{name}"
        key = f"{family}:{digest((release(), reading.key))}"
    found = RenderedFile.objects.filter(key=key).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            row, created = RenderedFile.objects.get_or_create(
                key=key,
                defaults={
                    "plan_id": reading.plan.pk, "family": family, "body": b"",
                    "content_type": content_type, "filename": filename,
                },
            )
            if created:
                # This request holds the new row until it commits: it makes the file.
                row.body = make()
                row.save(update_fields=["body"])
                RenderedFile.objects.filter(family=family).exclude(pk=row.pk).delete()
    except IntegrityError:
        # Made by another worker meanwhile.
        row = RenderedFile.objects.get(key=key)
    return row


def file_response(row: RenderedFile, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(bytes(row.body), content_type=row.content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, row.filename)
    return response


# --- What renders the pages ----------------------------------------------------------------


def release() -> str:
    """A fingerprint of what renders the pages: the templates, the stylesheet, the Dutch
    catalog, the code of the apps and Django's version. A deploy that changes any of them
    changes every key and ETag. Read once per process; in development (DEBUG), where
    templates change under a running server, from the files' times on every call."""
    if settings.DEBUG:
        return _fingerprint(by_content=False)
    return _content_fingerprint()


_RENDERING = ("templates", "static", "locale", "beleidsplan", "acties", "actoren", "cultuurregio")
_SUFFIXES = {".html", ".txt", ".css", ".mo", ".py"}


@memoize
def _files() -> tuple[Path, ...]:
    root = Path(settings.BASE_DIR)
    return tuple(
        path
        for folder in _RENDERING
        for path in sorted((root / folder).rglob("*"))
        if path.suffix in _SUFFIXES and "migrations" not in path.parts and path.is_file()
    )


def _fingerprint(*, by_content: bool) -> str:
    sha = hashlib.sha256(django.get_version().encode())
    root = Path(settings.BASE_DIR)
    for path in _files():
        sha.update(str(path.relative_to(root)).encode())
        if by_content:
            sha.update(path.read_bytes())
        else:
            try:
                stat = path.stat()
            except OSError:
                continue
            sha.update(f"{stat.st_mtime_ns}:{stat.st_size}".encode())
    return sha.hexdigest()[:16]


@memoize
def _content_fingerprint() -> str:
    return _fingerprint(by_content=True)

"""Settings for the cultuurregio project, read from the environment.

One file for every environment. Development and tests set ``DEBUG=true``; anything else is
production mode, which requires a real ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and turns on the
secure-cookie, HSTS and HTTPS settings that ``manage.py check --deploy`` asks for. A value
that cannot be read stops the start with a message that names the variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nee", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of: true, false, 1, 0, yes, no."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production mode (DEBUG=false) needs a long random "
            "SECRET_KEY; for development set DEBUG=true."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty. In production mode list the site's host names, "
        "comma-separated, e.g. ALLOWED_HOSTS=plan.cultuurregio.be"
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "cultuurregio.apps.CultuurregioAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mptt",
    "import_export",
    "simple_history",
    # Failed login attempts and lockouts (cultuurregio/throttling.py says how they are counted).
    "axes",
    # E-mails that could not be sent, kept so that the coordinator can send them again.
    "cultuurregio.outbox",
    "actoren",
    "beleidsplan",
    "acties",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records request.user on every audited (django-simple-history) write.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Tells the coordinator, on the next page, about an e-mail that could not be sent.
    "cultuurregio.outbox.middleware.OutboxMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below), built once.
    "cultuurregio.policy.CSPMiddleware",
    # Refuses a login from a locked-out account or address; last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

# django-axes' lockout check, then Django's own password check (which also refuses the demo
# accounts in production), in one backend: cultuurregio/auth.py. The login views pass the
# request to authenticate(), which axes needs to count failures per address.
AUTHENTICATION_BACKENDS = ["cultuurregio.auth.ModelBackend"]

ROOT_URLCONF = "cultuurregio.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "cultuurregio.wsgi.application"

# DATABASE_URL, e.g. postgres://user:pass@host:5432/name. Without it: a SQLite file in the
# project folder (git-ignored), for development and the demo.
_default_db = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or _default_db,
            # A new PostgreSQL connection costs more than a cached page: keep it (each
            # gunicorn worker has one), and check it before use so that a database restart
            # costs no request an error (cultuurregio/postgresql: only after it sat idle).
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "cultuurregio.postgresql"
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache of rendered page content (beleidsplan/pagecache.py). Everything in it is keyed
# by the plan's stamp, which lives in the database, so any cache is correct with any number
# of processes and hosts: by default each process keeps its own (memory); a shared one
# only saves each process rendering the same page once. CACHE_URL=redis://host:6379/0
# (the `redis` extra), memcached://host:11211 (pymemcache), file:///var/cache/cultuurregio,
# or dummy:// (none: slower, never different).
_CACHE_BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    # Django's Redis backend, except that an unreachable server counts as an empty cache.
    "redis": "cultuurregio.caches.FailSoftRedisCache",
    "memcached": "django.core.cache.backends.memcached.PyMemcacheCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
}
_cache_url = os.environ.get("CACHE_URL", "locmem://")
_cache_scheme, _, _cache_rest = _cache_url.partition("://")
if _cache_scheme not in _CACHE_BACKENDS:
    raise ImproperlyConfigured(
        f"CACHE_URL={_cache_url!r}: use locmem://, redis://…, memcached://…, file:///… or dummy://."
    )
CACHES = {
    "default": {
        "BACKEND": _CACHE_BACKENDS[_cache_scheme],
        "LOCATION": {
            "locmem": "cultuurregio",
            "redis": _cache_url,
            "memcached": _cache_rest,
            "file": "/" + _cache_rest.lstrip("/"),
            "dummy": "",
        }[_cache_scheme],
        "TIMEOUT": 24 * 3600,
        # Memory cache: the big pages of a few plans, versions and roles.
        "OPTIONS": {"MAX_ENTRIES": 1000} if _cache_scheme in ("locmem", "file") else {},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", "Nederlands")]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded files (attachments of progress reports). Served by the web server in production.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Largest attachment a partner may upload, in megabytes.
MAX_BIJLAGE_MB = env_int("MAX_BIJLAGE_MB", 10)
# How long an invitation (set-your-password) link stays valid, in seconds: 7 days.
PASSWORD_RESET_TIMEOUT = env_int("INVITATION_TIMEOUT", 7 * 24 * 3600)
# Where links in e-mails point to (no request there): the site's public address.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The largest request body Django reads into memory (form fields, not files): a request
# with more is refused with 400 before it is read. Attachments are files (streamed to a
# temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE) and checked against MAX_BIJLAGE_MB; the
# proxy in front refuses anything above MAX_BIJLAGE_MB plus a margin (README, "Deploying").
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Field count of one form: the largest admin form (a plan's goals, an import preview)
# stays well below it.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# --- Logins: lockout after repeated failures (django-axes) --------------------------------
# Five wrong passwords for one user name, or from one address, within a quarter of an hour
# lock that name or address for a quarter of an hour; a good password does not open it
# earlier. The coordinator unlocks in the admin (Axes > Toegangspogingen: delete the
# attempts of the name or address).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A good login does not wipe the failures: axes would wipe those of the whole address, so
# anyone with an account could log into it between guesses at another one and never be
# locked. Failures older than the cool-down no longer count anyway.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "cultuurregio.throttling.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
# Behind a proxy, the client's address is the one the proxy appended to X-Forwarded-For
# (otherwise every visitor would share the proxy's address, and one lockout lock out all).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
AXES_CLIENT_IP_CALLABLE = "cultuurregio.throttling.client_ip"
# The access log (every successful login) is not needed: failures are what we keep.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Password-reset e-mails: at most this many per hour for one account and from one address.
PASSWORD_RESET_LIMIT_PER_HOUR = env_int("PASSWORD_RESET_LIMIT_PER_HOUR", 3)

# --- Content-Security-Policy (django-csp) -------------------------------------------------
# Scripts and style sheets only from this site: no inline script anywhere, no third-party
# origin. Style *attributes* stay allowed (style-src-attr): the admin's tree indentation
# and a few library templates use them, and they cannot run code. The one <style> element
# of Django's admin (change_list.html, when a list has no actions) is allowed by its hash.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-elem": [
            "'self'",
            # django/contrib/admin/templates/admin/change_list.html, Django 5.2
            "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='",
        ],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# E-mail: the console under DEBUG, SMTP otherwise (EMAIL_HOST and friends).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cultuurregio@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-import-export: every import runs in one transaction, so a file with one bad row
# changes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Behind a proxy (nginx, a PaaS router) that terminates TLS and sets this header.
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every PDF step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes narrates every login at INFO; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

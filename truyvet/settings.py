"""Settings for Truy Vết, read from the environment.

The defaults give a working development site on SQLite (``manage.py`` defaults DEBUG on).
Production sets at least SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS, with DEBUG=0; see README.md
for every variable.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from truyvet.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - DEBUG only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# The province this installation serves (GSO code, two digits). 12 is Lai Châu.
PROVINCE_CODE = env_str("PROVINCE_CODE", default="12")
if not (len(PROVINCE_CODE) == 2 and PROVINCE_CODE.isdigit()):
    raise ImproperlyConfigured("PROVINCE_CODE must be a two-digit GSO province code, e.g. 12.")
# Personal data older than this many days is purged (manage.py purge_expired).
RETENTION_DAYS = env_int("RETENTION_DAYS", default=30, minimum=1)
# The audit log is kept longer than the data it accounts for, and not for ever: its entries hold
# lookup codes and the text staff searched for (names, phone numbers). The nightly purge deletes
# the entries older than this (reports.retention); never less than RETENTION_DAYS, so that every
# access to data still kept stays on record.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", default=365, minimum=RETENTION_DAYS)
# How long the page showing a new lookup code can be reopened from its address.
SUCCESS_PAGE_HOURS = 24
# Citizen look-up: failed attempts allowed per client address and per code in the window, and
# per code over a day (declarations.views.LOOKUP_LIMITS).
LOOKUP_RATE = env_rate("LOOKUP_RATE", default="10/10m")
LOOKUP_CODE_DAY_RATE = env_rate("LOOKUP_CODE_DAY_RATE", default="30/d")
# Staff pages opened by a lookup code (``/c/<code>/`` and the like): codes that open nobody are
# counted per user and per client address, and past this rate those pages answer 429 until the
# window ends, so that codes cannot be tried one after another. A code that opens someone is
# never counted: an officer scanning travellers all day is not stopped.
CODE_MISS_RATE = env_rate("CODE_MISS_RATE", default="30/10m")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "accounts.apps.LoginLockoutsConfig",  # django-axes
    "csp",
    "declarations",
    "accounts",
    "checkpoints",
    "transport",
    "facilities",
    "tracing",
    "reports",
    "guide",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "truyvet.middleware.ComposedTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "truyvet.middleware.SessionRefreshMiddleware",
    "truyvet.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "truyvet.middleware.StaffPagesNotKeptMiddleware",
    "truyvet.middleware.FormAddressOpenedMiddleware",
    "truyvet.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "truyvet.urls"
WSGI_APPLICATION = "truyvet.wsgi.application"

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
                "truyvet.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "truyvet.forms.WidgetRenderer"  # Jinja2 for the widgets: truyvet/forms.py

DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", default=60, minimum=0)
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=DB_CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
# A database that does not answer (its server down, a network cut that drops packets) fails the
# connection in seconds, and the visitor gets the friendly 503 page (DatabaseUnavailableMiddleware).
# libpq's default is to wait for the operating system's TCP timeout, about two minutes: gunicorn
# would kill the worker first, and nginx answer a bare 502.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", default=5, minimum=1)


def _postgresql_as_the_site_uses_it(database: dict) -> dict:
    """Django's PostgreSQL backend with a health check that needs no round trip while nothing
    is wrong (truyvet/postgresql/base.py), and a connection timeout."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        database["ENGINE"] = "truyvet.postgresql"
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    return database


_postgresql_as_the_site_uses_it(DATABASES["default"])
# Behind PgBouncer in transaction pooling mode, a cursor cannot outlive its transaction: exports
# then read their rows without server-side cursors (docs/scaling.md, step 5).
DB_DISABLE_SERVER_SIDE_CURSORS = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DB_DISABLE_SERVER_SIDE_CURSORS
# A PostgreSQL read replica (streaming replication of the primary). Only the views marked with
# truyvet.db_router.reads_from_replica (the report, the risk list and their downloads) read from
# it; every write, and every other read, goes to the primary. Tests use it as a mirror of the
# test database. Unset: one database, no router.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _postgresql_as_the_site_uses_it(
        {
            **dj_database_url.parse(
                DATABASE_REPLICA_URL, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=True
            ),
            "DISABLE_SERVER_SIDE_CURSORS": DB_DISABLE_SERVER_SIDE_CURSORS,
            "TEST": {"MIRROR": "default"},
        }
    )
    DATABASE_ROUTERS = ["truyvet.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# reports.DailyCount keeps one row per day, district (or none) and measure. PostgreSQL enforces it
# with NULLS NOT DISTINCT; SQLite cannot, and there counts_rebuild, which rewrites whole days in
# one transaction, is what keeps it.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

REDIS_URL = env_str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "truyvet.cache.ReusingRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs fails the request in seconds instead of holding a worker.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whether every process sees what another stores in the default cache. Without Redis each keeps
# its own, so what a job run elsewhere changes (the report's counts, rebuilt by the timer's
# process) cannot reach the site's processes through it.
CACHE_SHARED = bool(REDIS_URL)
# Rendered page fragments that depend on nothing but code, reference data and the language (the
# blank declaration form, the staff pages' blank forms): each process keeps its own, for an hour
# at most (the templates' {% cache %} tags say how long each). Fragments with many variants, or
# that go stale every few minutes (the follow-up form, the report's tables), are kept in the
# shared cache instead (below), so that every worker and server draws each variant once.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# Fragments with many variants, or that change with the data, each keyed by all it depends on
# (the risk list's filters, the follow-up form, the report's tables): drawn once for every worker
# and server through the shared cache, and then kept in each process's memory as well, so that
# showing one again costs no round trip to Redis (truyvet.cache.TieredCache).
CACHES["shared-fragments"] = {
    "BACKEND": "truyvet.cache.TieredCache",
    "OPTIONS": {"LOCAL": "shared-fragments-here", "SHARED": "default"},
}
CACHES["shared-fragments-here"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "shared-fragments-here",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}
# Values each process keeps for a few seconds on top of the shared cache, because nearly every
# request needs them: the epidemic zones (declarations.services.all_zones).
CACHES["process"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "process",
    "TIMEOUT": 5,
}
# This cache holds the rate-limit counters (django-ratelimit), the sessions (cached_db: the
# database keeps them, the cache saves the reads) and the epidemic zones. The per-process memory
# cache suits one server; with several app servers, REDIS_URL makes them share it all, so that
# they behave as one (docs/scaling.md). Failed logins (django-axes) are counted in the database.
RATELIMIT_VIEW = "declarations.views.rate_limited"

AUTHENTICATION_BACKENDS = [
    "accounts.login_limits.LoginAddressLimitBackend",
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.CachedPermissionsBackend",
]
# Staff permissions, roles and profiles are kept in the cache this long; a change saved through
# the admin drops them at once (accounts.backends, accounts.signals).
ACCESS_CACHE_SECONDS = 60
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Staff sessions end after this many minutes without a request.
SESSION_COOKIE_AGE = env_int("STAFF_SESSION_MINUTES", default=60, minimum=5) * 60
# A session is renewed (its expiry moved on) at most this often, not on every request:
# truyvet.middleware.SessionRefreshMiddleware.
SESSION_REFRESH_SECONDS = 60
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Lockout after repeated failed logins (django-axes): per user name and client address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# ... and failed logins per client address, whatever the user names: past this rate nobody logs
# in from that address until the window ends (accounts.login_limits).
LOGIN_ADDRESS_FAILURE_RATE = env_rate("LOGIN_ADDRESS_FAILURE_RATE", default="30/15m")

# Where the client's address is read from: REMOTE_ADDR, or the header a trusted proxy sets
# (for example HTTP_X_REAL_IP behind nginx). Rate limits, lockouts and the audit log use it.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", default="REMOTE_ADDR")
RATELIMIT_IP_META_KEY = "truyvet.client.client_ip"
AXES_CLIENT_IP_CALLABLE = "truyvet.client.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Dates typed by hand are read day first, as written in Việt Nam (06/12/2026 is 6 December):
# Django's Vietnamese formats name none, and its default reads month first. ISO comes first: a
# date field's widget writes its value in the first format, and a date picker (type="date")
# shows nothing for any other, so that a form's date would be sent empty.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = [
    *(f"{day} {time}" for day in DATE_INPUT_FORMATS for time in ("%H:%M:%S", "%H:%M")),
    "%H:%M %d/%m/%Y",  # as the site writes them
]
# Dates and times shown as the province writes them, 08:45 06/12/2026, in either language
# (truyvet/formats/vi and en, which read typed dates with the formats above).
FORMAT_MODULE_PATH = ["truyvet.formats"]
# The project's strings (``make messages``), then the Vietnamese that Django, its admin and
# django-axes lack, kept by hand (the earlier path wins where both translate a string).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "third-party"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# -- security headers and cookies (README.md, "Running in production"; docs/deploy.md) --------
CSRF_FAILURE_VIEW = "truyvet.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only the site's own files: no inline script or style, no other host. Bootstrap's CSS draws its
# check marks and select arrows as data: SVG images, hence img-src data:. Pages keep their
# JavaScript in static/js (site.js wires buttons through data- attributes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
# HTTPS: the site is served over HTTPS unless SECURE_COOKIES=0 (a trial on plain HTTP). The proxy
# in front (nginx) terminates TLS and says so in X-Forwarded-Proto; it must set that header on
# every request (deploy/nginx/truyvet.conf does).
SERVED_OVER_HTTPS = not DEBUG and env_bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = SERVED_OVER_HTTPS
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP requests are redirected to HTTPS (nginx usually does it first), except /healthz, which
# load balancers and the container health check call over plain HTTP.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SERVED_OVER_HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS, sent on HTTPS responses only: browsers then refuse plain HTTP for this host for a year.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is a decision for the owner of the whole domain (browsers' preload list), not for one
# installation: off unless asked for, and `check --deploy` is told so rather than warning.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")

# Logs go to stdout, one line per event: JSON objects in production (truyvet/logs.py, which also
# formats gunicorn's lines, and leaves out query strings), plain text in development.
LOG_FORMAT = env_str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "truyvet.logs.JsonLineFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    # django-axes announces itself at every start; keep its lockout messages only.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

"""Tierdesk settings: one module, configured from the environment (and an optional .env)."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import environ

from helpdesk import limits, logs
from helpdesk.routers import CACHE_DATABASE, companion_path

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]", "testserver"]),
    TIME_ZONE=(str, "UTC"),
    DEFAULT_FROM_EMAIL=(str, "Tierdesk <helpdesk@localhost>"),
    REDIS_URL=(str, ""),
    API_THROTTLE_ANON=(str, "60/min"),
    API_THROTTLE_USER=(str, "1200/min"),
    NUM_PROXIES=(int, 0),
    WEBHOOK_ALLOW_PRIVATE=(bool, False),
    SITE_URL=(str, "http://127.0.0.1:8000"),
    # One worker per CPU: more only queue for the same cores and each costs memory.
    Q_WORKERS=(int, os.cpu_count() or 1),
    ATTACHMENT_MAX_BYTES=(int, 10 * 1024 * 1024),
    REOPEN_WINDOW_DAYS=(int, 14),
    GUEST_LINK_MAX_AGE_DAYS=(int, 30),
    ATTACHMENT_TYPES=(
        list,
        [
            "image/png",
            "image/jpeg",
            "image/gif",
            "application/pdf",
            "text/plain",
            "text/csv",
            "application/zip",
            "application/json",
        ],
    ),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# A missing secret is fatal outside DEBUG: a production process must never run on a guessable key.
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-tierdesk-key" if DEBUG else None)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set the SECRET_KEY environment variable (or DEBUG=true).")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
SITE_URL = env("SITE_URL").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
CSRF_FAILURE_VIEW = "helpdesk.errors.csrf_failure"  # JSON under /api/
if SITE_URL.startswith("https://"):
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto; `manage.py check --deploy` is
    # clean with these (docs/operations.md, "Security headers").
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline
# (UI.md); inline styles stay allowed for the admin's and Swagger UI's style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "csp",
    "allauth",
    "allauth.account",
    "axes",
    "django_htmx",
    # Who changed which configuration row when (teams, the matrix, calendars, policies).
    "simple_history",
    # The order in which ticket events reach escalation and notifications is declared in
    # helpdesk/apps.py (incidents/reactions.py), not by this list.
    "helpdesk",
    "incidents",
    "escalation",
    "notifications",
    "escalation.majors",
    "portal",
    "desk",
]

# Configuration history is for reading and comparing; a revert from it would skip the guard
# rails of the forms, so a supervisor re-enters an old value instead.
SIMPLE_HISTORY_REVERT_DISABLED = True

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Saturated: a 503 with Retry-After before any work (helpdesk/shedding.py; never /healthz).
    "helpdesk.shedding.LoadSheddingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (Accept-Language); a signed-in person's profile overrides it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Each signed-in reader's time zone and language (their profile's, kept in the session).
    "helpdesk.zones.ReaderZoneMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Lets configuration history name the signed-in user who made a change (admin and API).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with a 429.
    "axes.middleware.AxesMiddleware",
]

# Password guessing: after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, logins for that pair (admin and /accounts/login/) are refused for the cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failed logins are rows in the database, which every web process shares (not the cache).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The same client address as the API throttles (REMOTE_ADDR unless NUM_PROXIES is set).
AXES_CLIENT_IP_CALLABLE = "helpdesk.security.client_ip"
# allauth's form calls the field `login` (an email or a username); the admin's `username`.
AXES_USERNAME_CALLABLE = "helpdesk.security.login_name"
AXES_COOLOFF_MESSAGE = (
    "Too many failed logins for this account from your address. "
    f"Try again in {int(AXES_COOLOFF_TIME.total_seconds() // 60)} minutes."
)
# The lockout as a page of the site: until when, and a link to reset the password.
AXES_LOCKOUT_CALLABLE = "helpdesk.security.lockout_response"

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"

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
                "helpdesk.context_processors.people",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the qcluster workers share one file: WAL lets readers run beside a
    # writer, IMMEDIATE takes the write lock at BEGIN (no lock upgrade deadlocks), and the
    # busy timeout makes a writer wait instead of failing with "database is locked".
    # dbtools.sqlite3 queues write transactions on a file lock, so a waiting writer starts the
    # moment the previous one commits, not when SQLite's busy handler next wakes it.
    DATABASES["default"]["ENGINE"] = "dbtools.sqlite3"
    # Kept open: closing the last connection to a WAL file checkpoints and syncs it, and a new
    # one replays the PRAGMAs; per request that cost ~2 ms CPU per ticket created.
    DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
    # temp_store=MEMORY: statement journals and big sorts stay out of /var/tmp (operations.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA temp_store=MEMORY;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
    # Tests use a file (worker processes started by tests must see it), one per test run so
    # concurrent runs never share it.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(Path(tempfile.gettempdir()) / f"tierdesk-test-{os.getpid()}.sqlite3")
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    # Web processes only (gunicorn.conf.py marks them): a statement running longer than this is
    # cancelled, so a slow request cannot hold rows or a connection the deadline path (the
    # qcluster firing levels, which never gets this limit) needs. 0 turns it off.
    WEB_STATEMENT_TIMEOUT_MS = env.int("WEB_STATEMENT_TIMEOUT_MS", default=5000)
    if os.environ.get("TIERDESK_WEB_PROCESS") and WEB_STATEMENT_TIMEOUT_MS:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (
            options.get("options", "") + f" -c statement_timeout={WEB_STATEMENT_TIMEOUT_MS}"
        ).strip()
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The languages pages and mails come in: a person's profile chooses, else their browser does
# (LocaleMiddleware); customers' strings are complete in each (locale/, compiled by make install).
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "media/"
ATTACHMENT_MAX_BYTES = env("ATTACHMENT_MAX_BYTES")
ATTACHMENT_TYPES = env("ATTACHMENT_TYPES")
# Nobody fills the disk: the files of one message together, and every file a ticket holds.
ATTACHMENT_MAX_REQUEST_BYTES = env.int("ATTACHMENT_MAX_REQUEST_BYTES", default=25 * 1024 * 1024)
ATTACHMENT_MAX_TICKET_BYTES = env.int("ATTACHMENT_MAX_TICKET_BYTES", default=100 * 1024 * 1024)
ATTACHMENT_MAX_TICKET_FILES = env.int("ATTACHMENT_MAX_TICKET_FILES", default=50)
# Replies (portal, guest links, API) and requests carrying files, per person (an account, or a
# guest's link and address) in DRF's rate syntax; over it, a 429.
REPLY_THROTTLE = env.str("REPLY_THROTTLE", default="60/hour")
UPLOAD_THROTTLE = env.str("UPLOAD_THROTTLE", default="60/hour")
# How long after resolution a customer may still reopen a ticket.
REOPEN_WINDOW_DAYS = env("REOPEN_WINDOW_DAYS")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Accounts (django-allauth): customers sign up with an email address and must confirm it before
# they can sign in; staff keep signing in with their username. Sign-up makes a customer (no
# group). allauth sends its own mails (confirm, reset) through Django's mail backend directly:
# they are part of a request the person is waiting on, not ticket notifications for the outbox.
AUTHENTICATION_BACKENDS = [
    *AUTHENTICATION_BACKENDS,
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# The rule of incidents.addresses on the login form; sign-up as slow for a taken address as
# for a new one; reset links that record no unconfirmed address; a new password revokes tokens.
ACCOUNT_FORMS = {"login": "helpdesk.accounts.LoginForm", "signup": "helpdesk.accounts.SignupForm"}
ACCOUNT_ADAPTER = "helpdesk.accounts.AccountAdapter"
# Django's own generator (bound to the password, last login and email): allauth's default
# records an unconfirmed address for an account that had none, on an anonymous request.
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tierdesk] "
# Per IP and per email ("key"): sign-up, failed logins and reset mails (HTTP 429 when exceeded).
ACCOUNT_RATE_LIMITS = {
    "signup": env.str("ACCOUNT_SIGNUP_RATE", default="10/h/ip"),
    "login": env.str("ACCOUNT_LOGIN_RATE", default="30/m/ip"),
    "login_failed": env.str("ACCOUNT_LOGIN_FAILED_RATE", default="30/m/ip"),
    "reset_password": env.str("ACCOUNT_RESET_RATE", default="20/h/ip,5/h/key"),
}
# Guest tickets: how long the signed link in the confirmation mail opens the ticket, and how many
# guest submissions an IP address or an email address may make per hour.
GUEST_LINK_MAX_AGE_DAYS = env("GUEST_LINK_MAX_AGE_DAYS")
GUEST_SUBMISSIONS_PER_IP_HOUR = env.int("GUEST_SUBMISSIONS_PER_IP_HOUR", default=10)
GUEST_SUBMISSIONS_PER_EMAIL_HOUR = env.int("GUEST_SUBMISSIONS_PER_EMAIL_HOUR", default=5)
# Tickets a signed-in customer may open per user, API and portal together (DRF rate syntax);
# each one mails a receipt. Agents are not counted.
TICKET_CREATE_RATE = env.str("TICKET_CREATE_RATE", default="10/hour")

# Email: console by default; EMAIL_URL=smtp+tls://user:pass@host:587 (STARTTLS) or
# smtp+ssl://user:pass@host:465 for a real server.
# filemail:///abs/path writes one .eml file per message there; plain filemail:// writes to
# var/mail/ in the project (what `make run` uses).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":  # noqa: F821 (set above)
    EMAIL_BACKEND = "notifications.mailfiles.EmailBackend"
    # django-environ drops the path's leading slash: filemail:///tmp/x arrives as "tmp/x".
    _mail_path = vars().get("EMAIL_FILE_PATH") or ""
    EMAIL_FILE_PATH = f"/{_mail_path}" if _mail_path else str(BASE_DIR / "var" / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Email in (notifications.inbound): `manage.py ingest_email` on an MTA's pipe, and/or the IMAP
# inbox a django-q2 schedule polls (imaps://user:pass@host/INBOX). Mails invite replies only
# when one of them takes mail in (MAIL_INBOUND, on by itself with an inbox).
MAIL_INBOX_URL = env.str("MAIL_INBOX_URL", default="")
MAIL_INBOUND = env.bool("MAIL_INBOUND", default=bool(MAIL_INBOX_URL))
INBOUND_MAX_BYTES = env.int("INBOUND_MAX_BYTES", default=25 * 1024 * 1024)
INBOUND_TICKETS_PER_SENDER_HOUR = env.int("INBOUND_TICKETS_PER_SENDER_HOUR", default=20)
# authserv-ids of the receiving MTAs whose Authentication-Results headers are believed.
MAIL_TRUSTED_AUTHSERV_IDS = env.list("MAIL_TRUSTED_AUTHSERV_IDS", default=[])

# Outbox delivery: temporary failures retry after 30 s, 1, 2, 4 … minutes (with jitter).
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=10)
NOTIFICATION_RETRY_BASE_SECONDS = env.int("NOTIFICATION_RETRY_BASE_SECONDS", default=30)
# How long a worker holds the rows it is sending. A worker that died holding them: the deadline
# loop of its machine sends them again within seconds (dbtools.claims); a loop of another
# machine, or the outbox sweep, when this runs out.
NOTIFICATION_CLAIM_SECONDS = env.int("NOTIFICATION_CLAIM_SECONDS", default=300)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
# Webhooks may reach private (RFC 1918, ULA) addresses only when this is set: a receiver on the
# company network. Loopback, link-local (cloud metadata) and the like stay refused regardless.
WEBHOOK_ALLOW_PRIVATE = env("WEBHOOK_ALLOW_PRIVATE")

REDIS_URL = env("REDIS_URL")

# django-q2: the database broker by default, Redis when REDIS_URL is set. `timeout` < `retry`
# so a task is never handed to a second worker while the first may still be running it.
# The broker classes add deadline-driven escalation firing to the stock brokers
# (docs/escalation.md).
Q_CLUSTER = {
    "name": "tierdesk",
    "workers": env("Q_WORKERS"),
    "recycle": 500,
    "timeout": 60,
    "retry": 90,
    "max_attempts": 5,
    "catch_up": False,
    "ack_failures": True,
    "save_limit": env.int("Q_SAVE_LIMIT", default=200),
    "bulk": 10,
    "poll": 0.1,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
    Q_CLUSTER["broker_class"] = "escalation.redis_broker.RedisDeadlineBroker"
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["broker_class"] = "escalation.broker.OrmDeadlineBroker"

# How long a claim on a firing lasts before a worker of another machine (or the sweep) may take
# it over; on the holder's own machine a dead holder's claim comes back within seconds
# (dbtools.claims).
ESCALATION_CLAIM_SECONDS = env.int("ESCALATION_CLAIM_SECONDS", default=120)
# A firing that runs more than this after its due time is marked late on the timeline.
ESCALATION_LATE_SECONDS = env.int("ESCALATION_LATE_SECONDS", default=30)
# /healthz answers 503 past these (docs/operations.md, "Health checks"): a due escalation no
# worker has fired for this long, a notification undelivered for this long since it was
# written, a database round trip this slow, this many tasks waiting on the broker.
HEALTH_ESCALATION_LAG_SECONDS = env.int("HEALTH_ESCALATION_LAG_SECONDS", default=120)
HEALTH_OUTBOX_AGE_SECONDS = env.int("HEALTH_OUTBOX_AGE_SECONDS", default=900)
HEALTH_DATABASE_LATENCY_MS = env.int("HEALTH_DATABASE_LATENCY_MS", default=1000)
HEALTH_BROKER_QUEUE_MAX = env.int("HEALTH_BROKER_QUEUE_MAX", default=10_000)
# A major incident's unacknowledged parties are paged again at their severity's interval
# (SEV1: 5 minutes); a number here replaces it for every severity (a rehearsal, a test).
MAJOR_REPAGE_SECONDS = env.int("MAJOR_REPAGE_SECONDS", default=0)
# The desk shows a ticket as at risk (amber badge, "At risk" view) this close to its deadline.
AT_RISK_MINUTES = env.int("AT_RISK_MINUTES", default=60)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "incidents.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON bodies only; the one operation that takes a file names MultiPartParser itself.
    "DEFAULT_PARSER_CLASSES": ["helpdesk.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "helpdesk.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "helpdesk.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "helpdesk.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "incidents.api.throttling.AnonRateThrottle",
        "incidents.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON"),
        "user": env("API_THROTTLE_USER"),
    },
    # How many proxies in front append to X-Forwarded-For. 0: throttle by REMOTE_ADDR and ignore
    # the header (DRF's default, None, trusts whatever a client puts in it).
    "NUM_PROXIES": env("NUM_PROXIES"),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tierdesk API",
    "DESCRIPTION": "Tickets, SLA clocks and escalation policies.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "LICENSE": {"name": "MIT", "url": "https://opensource.org/license/mit"},
    # Relative: the schema describes whichever host serves it.
    "SERVERS": [{"url": "/", "description": "This server"}],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helpdesk.schema.explicit_security_and_typed_nullables",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PriorityEnum": "incidents.models.priority.Priority",
        "LevelEnum": "incidents.models.priority.Level",
        "NotificationKindEnum": "notifications.models.Notification.Kind",
    },
}

# Throttle counters, allauth's rate limits: one cache for every web process, or a limit counts
# once per process. Redis with REDIS_URL, otherwise the database (helpdesk.cache, on the
# CacheEntry table made by helpdesk's migration 0004); CACHE_URL (django-environ syntax)
# overrides both.
if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            # On the database's companion file when the database is SQLite (below).
            "BACKEND": "helpdesk.cache.DatabaseCache",
            # Past MAX_ENTRIES the cull (about one write in 200) drops the expired keys, then
            # the third nearest their end, counters included: far more than the clients an
            # hour brings, so nobody empties it to reset a limit.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# On SQLite that cache has a file of its own beside the database's, `<name>-cache<suffix>`
# (db-cache.sqlite3), with its own write lock: every API request writes its throttle counters,
# and in the database's file each such write waited for the ticket transactions of the other
# web processes, and they for it (issue 29: served creates ~+25 %, docs/benchmarks.md).
# `manage.py migrate` migrates both (helpdesk/management/commands/migrate.py); the router sends
# the cache's table there (helpdesk/routers.py). A file SQLite opens in memory has no companion.
if CACHES["default"]["BACKEND"] == "helpdesk.cache.DatabaseCache" and (
    DATABASES["default"]["ENGINE"] == "dbtools.sqlite3"
    and str(DATABASES["default"]["NAME"]) not in ("", ":memory:")
):
    DATABASES[CACHE_DATABASE] = {
        **DATABASES["default"],
        "NAME": companion_path(DATABASES["default"]["NAME"]),
        "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),
        "TEST": {"NAME": companion_path(DATABASES["default"]["TEST"]["NAME"])},
    }
    DATABASE_ROUTERS = ["helpdesk.routers.CacheRouter"]

# How many web processes serve: gunicorn's own default, and exported by gunicorn.conf.py from
# its -w. More than one with a cache each keeps alone would multiply every limit.
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", default=1)
# Load shedding, 503 + Retry-After: helpdesk/shedding.py and docs/operations.md say when.
SHED_BACKLOG = env.int("SHED_BACKLOG", default=8 * WEB_CONCURRENCY)
SHED_STANDING_MS = env.int("SHED_STANDING_MS", default=100)
SHED_QUEUE_MS = env.int("SHED_QUEUE_MS", default=2000)
SHED_RETRY_AFTER = env.int("SHED_RETRY_AFTER", default=2)
if WEB_CONCURRENCY > 1 and CACHES["default"]["BACKEND"].endswith(".LocMemCache"):
    raise environ.ImproperlyConfigured(
        f"{WEB_CONCURRENCY} web processes cannot share a per-process cache (LocMemCache): set "
        "REDIS_URL, or leave CACHE_URL unset for the database cache."
    )
limits.check(globals())

LOGGING = logs.config(
    level=env.str("LOG_LEVEL", default="INFO"), q_level=env.str("Q_LOG_LEVEL", default="WARNING")
)

"""
Settings for careerpath, read from the environment.

One file for every environment. The variables that matter:

- DJANGO_DEBUG: "1" for local development (the default when unset), "0" in production.
- DJANGO_SECRET_KEY: required when DJANGO_DEBUG=0; the app refuses to start without it.
- DJANGO_ALLOWED_HOSTS: comma-separated host names.
- DATABASE_URL: e.g. postgres://user@127.0.0.1:5432/careerpath; SQLite beside the project when unset.

Production hardening (HSTS, secure cookies, SSL redirect) is on whenever DEBUG is off and
can be relaxed one switch at a time; see docs/deploy.md.
"""

import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def dev_secret_key():
    """A per-checkout key for local development, kept in a git-ignored file (never committed)."""
    path = BASE_DIR / ".dev-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. With DJANGO_DEBUG=0 (production) careerpath refuses to start "
            "without a secret key: set DJANGO_SECRET_KEY to a long random string, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = dev_secret_key()

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "accounts.sso",  # single sign-on: the organisation OpenID Connect provider (docs/sso.md)
    "axes",
    "csp",
    "adminsortable2",
    "import_export",  # spreadsheet import and export in the admin (roles/spreadsheets.py)
    "careerpath",  # the page cache's owner keys (careerpath/models.py)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc shipped in the wheel: /api/v1/docs/ works offline
    "accounts",
    "roles",
    "assessments",
    "reviews",
    "teams",
    "django_tasks",
    "django_tasks_db",
    "notices",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "careerpath.middleware.PrivatePagesMiddleware",  # signed in: Cache-Control private, no-store on every page
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",  # staff enrol an authenticator app before the admin
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "careerpath.middleware.DatabaseUnavailableMiddleware",  # database down: 503 "we'll be right back"
]

ROOT_URLCONF = "careerpath.urls"

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

WSGI_APPLICATION = "careerpath.wsgi.application"


def database_settings(url, *, conn_max_age):
    """DATABASES["default"] for DATABASE_URL: PostgreSQL, or SQLite (a file beside the project when unset).
    Anything else is a one-line ImproperlyConfigured that never repeats the URL (it holds the password)."""
    example = "postgres://user:password@host:5432/name"
    try:
        database = dj_database_url.parse(
            url or f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=conn_max_age, conn_health_checks=True
        )
    except dj_database_url.UnknownSchemeError:
        scheme = url.partition("://")[0] if "://" in url else ""
        reason = f"unknown scheme {scheme!r}" if scheme else "no scheme such as postgres://"
        raise ImproperlyConfigured(f"DATABASE_URL is not a database address ({reason}); expected {example}.") from None
    except ValueError:  # a port that is not a number, a character that needs %-quoting (in the password?)
        reason = "it does not parse: a port that is not a number, or a character to %-encode in the password?"
        raise ImproperlyConfigured(f"DATABASE_URL is not a database address ({reason}); expected {example}.") from None
    if database["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
        raise ImproperlyConfigured(f"DATABASE_URL must name PostgreSQL or SQLite; expected {example}.")
    if not database.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL names no database; expected {example}.")
    return database


# Database: DATABASE_URL, or SQLite in a file beside the project.
DATABASES = {
    "default": database_settings(
        os.environ.get("DATABASE_URL", "").strip(), conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer fails the request in seconds (a 503 page), not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing with "database is locked" (autosave from two tabs).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The admin edits a whole role guide on one page: a 30-skill role with every section posts ~1,000 fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 10_000)


# The cache for computed values and rendered pages (careerpath/pagecache.py). Keys carry what can
# change (the role-content revision, the owner's key, the build version), so nothing stale is ever
# served and a per-process memory cache is correct. With several worker processes,
# DJANGO_CACHE_URL=redis://host:6379/0 shares one cache between them (each computation done once,
# not once per process) and keeps sessions in it too (cached_db: the database stays the record, the
# cache saves a query per request).
#
# The cache is an optimisation, never a dependency (docs/reliability.md, careerpath/cache.py): with
# Redis down, slow or restarting, every call gives up within CACHE_SOCKET_TIMEOUT, counts as a miss
# (IGNORE_EXCEPTIONS), is logged at most once a minute (careerpath.cache.OncePerInterval), and is
# never retried; after a failure a circuit breaker skips Redis for a few seconds, then lets calls try
# it again, so caching resumes by itself. Every key expires (TIMEOUT, and careerpath.cache.RedisCache
# turns "forever" into MAX_TIMEOUT); give Redis a maxmemory with allkeys-lru (docs/deploy.md).
CACHE_SOCKET_CONNECT_TIMEOUT = 0.1  # seconds; a Redis on the same network connects in about 1 ms
CACHE_SOCKET_TIMEOUT = 0.25  # seconds for one command; the slowest get of a page is about 2 ms


def default_cache_key_prefix(database):
    """A prefix unique to this database, so two deployments sharing one Redis never share keys."""
    where = "|".join(str(database.get(part) or "") for part in ("ENGINE", "HOST", "PORT", "NAME"))
    return "cp-" + hashlib.sha256(where.encode()).hexdigest()[:12]


def cache_settings(url, *, max_entries, key_prefix="careerpath", timeout=3600, max_timeout=86400):
    """CACHES for DJANGO_CACHE_URL: empty or locmem:// (per process), or redis://... / rediss://..."""
    if not url or url == "locmem://":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "careerpath",
            "KEY_PREFIX": key_prefix,
            "TIMEOUT": timeout,
            "OPTIONS": {"MAX_ENTRIES": max_entries},  # culls a third of the entries when full
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {
            "BACKEND": "careerpath.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": key_prefix,
            "TIMEOUT": timeout,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_CONNECT_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "MAX_TIMEOUT": max_timeout,
            },
        }
    raise ImproperlyConfigured(f"DJANGO_CACHE_URL must be locmem:// or a redis:// address; got {url!r}.")


CACHES = {
    "default": cache_settings(
        os.environ.get("DJANGO_CACHE_URL", "").strip(),
        max_entries=env_int("DJANGO_CACHE_MAX_ENTRIES", 5000),
        key_prefix=os.environ.get("DJANGO_CACHE_KEY_PREFIX", "").strip()
        or default_cache_key_prefix(DATABASES["default"]),
        timeout=env_int("DJANGO_CACHE_TIMEOUT", 3600),
        max_timeout=env_int("DJANGO_CACHE_MAX_TIMEOUT", 86400),
    )
}
SHARED_CACHE = CACHES["default"]["BACKEND"].endswith("RedisCache")
# A session kept in a per-process cache would go stale in the other processes: only with a shared one.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if SHARED_CACHE else "db")
# django-redis logs each ignored cache error; OncePerInterval (LOGGING below) keeps one a minute.
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "careerpath.cache"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username/address before any password check
    # Sessions made before django-allauth name this backend: keeping it keeps everyone signed in.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",  # django-allauth's log-in (a ModelBackend underneath)
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A team's review cycle releases a result only from at least this many hidden contributors
# (docs/teams.md, "Threat model"). Default 5, as survey tools managers trust; never below 3.
TEAM_MIN_AGGREGATE = env_int("TEAM_MIN_AGGREGATE", 5)
if TEAM_MIN_AGGREGATE < 3:
    raise ImproperlyConfigured(f"TEAM_MIN_AGGREGATE must be at least 3; got {TEAM_MIN_AGGREGATE}.")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "assessments:dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "DJANGO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}  # Bootstrap calls the error colour "danger".

# Email: every mail is queued (notices/mail.py writes it to the outbox in the sender's transaction)
# and a task worker delivers it with CAREERPATH_EMAIL_DELIVERY_BACKEND: SMTP when EMAIL_HOST is set,
# else the console (the worker's output). docs/deploy.md, "Background tasks and mail".
EMAIL_BACKEND = "notices.mail.QueuedEmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    CAREERPATH_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)  # seconds; a worker, not a visitor, waits for it
else:
    CAREERPATH_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Another delivery backend by its dotted path (e.g. a provider's, or the tests' file backend).
CAREERPATH_EMAIL_DELIVERY_BACKEND = (
    os.environ.get("CAREERPATH_EMAIL_DELIVERY_BACKEND", "").strip() or CAREERPATH_EMAIL_DELIVERY_BACKEND
)
# The site's address, for links in mail sent by the task worker (no request to take it from).
CAREERPATH_SITE_URL = os.environ.get("CAREERPATH_SITE_URL", "").strip() or "http://127.0.0.1:8000"
# The weekday the weekly digest goes out (0 Monday ... 6 Sunday), by the first scan of that day.
CAREERPATH_DIGEST_WEEKDAY = env_int("CAREERPATH_DIGEST_WEEKDAY", 0)
if not 0 <= CAREERPATH_DIGEST_WEEKDAY <= 6:
    raise ImproperlyConfigured(
        f"CAREERPATH_DIGEST_WEEKDAY must be 0 (Monday) to 6 (Sunday); got {CAREERPATH_DIGEST_WEEKDAY}."
    )
CAREERPATH_MAIL_MAX_ATTEMPTS = env_int("CAREERPATH_MAIL_MAX_ATTEMPTS", 8)  # retried after 1, 2, 4 ... 60 minutes

# Background tasks: django-tasks (Django 6.0's django.tasks API on Django 5.2) with its database
# backend, so the queue is a table in DATABASES["default"] and needs nothing else. Workers:
# `manage.py task_worker` (`make run` starts one beside the web server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "careerpath <noreply@localhost>")

# Sessions: visitors' drafts live in the session until they sign up.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads the cookie: static/js takes the token from the form field

# Security headers. Production defaults are strict; each can be relaxed for a TLS-terminating proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    # Only behind a proxy that sets X-Forwarded-Proto itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# The path the site is served under ("" for the root, or e.g. /careers), from settings only: never
# from a request's SCRIPT_NAME, which a client or a proxy could set and the page cache would keep.
FORCE_SCRIPT_NAME = os.environ.get("DJANGO_FORCE_SCRIPT_NAME", "").strip().rstrip("/")

# Content-Security-Policy: only this origin, no inline script or style.
# Where readers send corrections to a role guide (a mailto link on editorial guides). Not a secret;
# the default is a reserved, undeliverable domain until a deployment sets a real address.
CAREERPATH_EDITORS_EMAIL = os.environ.get("CAREERPATH_EDITORS_EMAIL", "").strip() or "editors@careerpath.invalid"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Accounts: django-allauth (docs/sso.md). People log in with their username; sign-up asks for a
# username and an email address, logs the new account in at once and mails a verification link
# ("optional" verification: what needs a person's identity asks for a verified address itself,
# accounts/emails.py). Every form error, redirect and mail is ours (accounts/adapter.py, templates/account/).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm", "login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # a mail scanner opening the link confirms nothing: the page asks for a click
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # a reset for an address nobody uses sends no mail (no mail bombs)
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False  # logging out is a POST (the navbar's button)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True  # no "Remember me" box: a session lasts SESSION_COOKIE_AGE (two weeks), as before
ACCOUNT_USERNAME_MIN_LENGTH = 1
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# allauth's own rate limits, except where careerpath already limits the same thing: failed log-ins
# (django-axes, below: its lockouts are kept in the database, shown and reset in the admin and
# listed in a person's data download), sign-ups and password resets (accounts/throttling.py: a 429
# page with Retry-After, per client address and per email address typed in).
ACCOUNT_RATE_LIMITS = {
    "login_failed": None,
    "signup": None,
    "reset_password": None,
}

# Two-factor authentication (django-allauth's mfa): an authenticator app (TOTP) with recovery codes.
# Staff must enrol before the admin opens (accounts/middleware.py); members may opt in.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "careerpath"
MFA_TOTP_TOLERANCE = 1  # the code before and after the current one too (a phone's clock a little off)

# Single sign-on: each organisation's OpenID Connect provider (accounts/sso/, docs/sso.md), from
# CAREERPATH_SSO_ORGANISATIONS (JSON) or added in the admin as a social application.
SOCIALACCOUNT_ADAPTER = "accounts.sso.adapter.SocialAccountAdapter"
CAREERPATH_SSO_ORGANISATIONS = os.environ.get("CAREERPATH_SSO_ORGANISATIONS", "").strip()  # accounts/sso/config.py
SOCIALACCOUNT_AUTO_SIGNUP = True  # just-in-time accounts for the organisation's people
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # the same verified address here: that account (adapter checks)
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the organisation vouched for the address (email_verified)
SOCIALACCOUNT_STORE_TOKENS = False  # careerpath calls no API of the provider: nothing to keep
SOCIALACCOUNT_LOGIN_ON_GET = False  # starting a sign-in is a POST (the login page's buttons)

# Login throttling: lock a username from one address after repeated failures, for a while.
AXES_ENABLED = env_bool("DJANGO_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.lockout_response"  # the template, saying "15 minutes" in words
AXES_HTTP_RESPONSE_CODE = 429
# The address failures are counted against: REMOTE_ADDR, or behind N trusted reverse proxies the
# address the outermost one appended to X-Forwarded-For (never one the client wrote itself).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.throttling.client_address"
# allauth's log-in form names the username field "login": axes reads it from there.
AXES_USERNAME_CALLABLE = "accounts.throttling.typed_username"
# Rate limits (django-ratelimit: sign-ups, password resets, visitors' drafts; accounts/throttling.py)
# count in the default cache; a cache that does not answer throttles nothing (Redis is optional).
RATELIMIT_FAIL_OPEN = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"once_a_minute": {"()": "careerpath.cache.OncePerInterval", "seconds": 60}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A cache outage: one traceback a minute, not one per request (see CACHES).
        "careerpath.cache": {"level": "WARNING", "filters": ["once_a_minute"]},
    },
}

# --- Page cache (careerpath/pagecache.py) -------------------------------------------------------
# How long a stored page or value lives (every key has a TTL); a draft's step pages change with
# every answer, so theirs expire fast. PAGE_CACHE_STRICT makes a cached template that reads what
# its key does not fix raise instead of rendering empty (on in DEBUG and in the tests).
PAGE_CACHE_SECONDS = env_int("CAREERPATH_PAGE_CACHE_SECONDS", 60 * 60 * 24)
PAGE_CACHE_DRAFT_SECONDS = env_int("CAREERPATH_PAGE_CACHE_DRAFT_SECONDS", 10 * 60)
PAGE_CACHE_STRICT = env_bool("CAREERPATH_PAGE_CACHE_STRICT", DEBUG)
TEMPLATES[0]["OPTIONS"]["context_processors"] += [
    "careerpath.requestparts.request_parts",  # the navbar's per-request parts (unread notices)
    "careerpath.pagecache.strict_context",
]

# --- The read API, /api/v1/ (api/, docs/api.md) --------------------------------------------------
# Requests per minute (or /second, /hour, /day): every request from one client address, and every
# request made with one personal access token (or one signed-in browser session). Over either, a
# 429 with Retry-After. Counted in the default cache, like the other rate limits.


def env_rate(name, default):
    """A rate such as 120/min (sec, min, hour, day); anything else is an error at start-up."""
    value = os.environ.get(name, "").strip() or default
    number, _slash, period = value.partition("/")
    if not (number.isdigit() and int(number) > 0 and period in {"s", "sec", "m", "min", "h", "hour", "d", "day"}):
        raise ImproperlyConfigured(f"{name} must look like 120/min (per sec, min, hour or day); got {value!r}.")
    return value


API_RATE_PER_ADDRESS = env_rate("CAREERPATH_API_RATE_PER_ADDRESS", "120/min")
API_RATE_PER_TOKEN = env_rate("CAREERPATH_API_RATE_PER_TOKEN", "60/min")
API_TOKEN_LIMIT = env_int("CAREERPATH_API_TOKEN_LIMIT", 20)  # unrevoked, unexpired tokens per person
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",  # first: its header makes a missing login a 401
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NON_FIELD_ERRORS_KEY": "non_field",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "careerpath API",
    "DESCRIPTION": "Role guides, your own reports and plan, and the teams you manage. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": ["draft", "submitted"],
        "PlanItemStatusEnum": ["not_started", "in_progress", "done"],
    },
}

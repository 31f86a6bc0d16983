"""Afterclass settings: one module, configured by environment variables only.

With no variables set this is the embedded default (SQLite in ./var, files in ./var/media, a
secret key generated once and kept in the data folder). Setting SECRET_KEY switches to
production mode: HTTPS-only cookies, HSTS and the other `check --deploy` requirements.
"""

import os
import secrets
import tempfile
import warnings
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.csp import CSP

from afterclass.core.error_reporting import start_error_reporting
from afterclass.core.logs import logging_config
from afterclass.live.layers import redis_channel_layer
from afterclass.sso.environment import providers_from_environment, saml_providers_from_environment


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("AFTERCLASS_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def embedded_secret_key() -> str:
    """The embedded default keeps one generated key in the data folder, created on first use."""
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written owner-only to a temporary file, then linked into place: the key is never
        # readable by others, and two processes starting at once end up with the same key.
        draft = DATA_DIR / f".secret_key.{os.getpid()}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


PRODUCTION = bool(os.environ.get("SECRET_KEY"))
SECRET_KEY = os.environ.get("SECRET_KEY") or embedded_secret_key()
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "django_htmx",
    "ninja",
    "afterclass.core",
    "afterclass.audit",
    "afterclass.auditlog",
    "afterclass.exports",
    "afterclass.erasure",
    "afterclass.retention",
    "afterclass.insights",
    "afterclass.people",
    "afterclass.spaces",
    "afterclass.posts",
    "afterclass.polls",
    "afterclass.attachments",
    "afterclass.moderation",
    "afterclass.notifications",
    "afterclass.surveys",
    "afterclass.learning",
    "afterclass.live",
    "afterclass.search",
    "afterclass.api",
    "afterclass.scim",
    "afterclass.sso",
    "afterclass.worker",
    "afterclass.outbox",
    "afterclass.webapp",
    "afterclass.demo",
    "afterclass.benchdata",
    "afterclass.ui",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id (afterclass.core.logs).
    "afterclass.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Someone who must enrol a second factor reaches only enrolment and sign-out; a signed-in
    # session's "last seen" is refreshed every few minutes (afterclass.people.middleware).
    "afterclass.people.middleware.AccountSecurityMiddleware",
    "afterclass.core.middleware.DomainErrorMiddleware",
    # After authentication, and last, so that a replayed answer gets every header a first one does.
    "afterclass.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "afterclass.urls"
ASGI_APPLICATION = "afterclass.asgi.application"

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
                "django.template.context_processors.csp",
                "afterclass.people.context.organisation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "afterclass.sqlite3"
DATABASES: dict[str, dict[str, Any]] = {
    "default": dict(
        dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}", conn_max_age=0
        )
    )
}
_ON_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if _ON_SQLITE:
    # Django's SQLite backend with a pool of connections per process (a new connection costs
    # about 10 ms: see afterclass/core/sqlite_pool); AFTERCLASS_DB_POOL=0 turns it off.
    if os.environ.get("AFTERCLASS_DB_POOL", "1") != "0":
        DATABASES["default"]["ENGINE"] = "afterclass.core.sqlite_pool"
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    # A database that never answers fails a request (and /readyz) after a few seconds instead
    # of hanging it; a runaway query is cancelled (core.database sets it on each connection).
    _connect_timeout = int(os.environ.get("AFTERCLASS_DB_CONNECT_TIMEOUT") or 5)
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = _connect_timeout
    if os.environ.get("AFTERCLASS_DB_POOL", "1") != "0":
        # Django's pool (psycopg_pool) per process instead of a new connection per request: a
        # connection costs a round trip to the server, its authentication and Afterclass's
        # settings (core.database). Each process keeps up to AFTERCLASS_DB_POOL_SIZE connections;
        # a request waits at most the connect timeout for one. Connections are checked before use.
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("AFTERCLASS_DB_POOL_SIZE") or 10),
            "timeout": _connect_timeout,
        }
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env_bool("AFTERCLASS_DB_PGBOUNCER", default=False):
        # Behind PgBouncer in transaction mode a connection is another server's at each
        # transaction: no cursor may outlive one (Django's .iterator() keeps one open) and no
        # statement may be prepared on one server and run on another (psycopg prepares a query
        # after its fifth run). Set jit and statement_timeout on the role (DEPLOYMENT.md).
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
DB_STATEMENT_TIMEOUT_SECONDS = int(os.environ.get("AFTERCLASS_DB_STATEMENT_TIMEOUT") or 60)
# /readyz fails when the data or media folder has less free space than this.
MIN_FREE_DISK_MB = int(os.environ.get("AFTERCLASS_MIN_FREE_DISK_MB") or 500)
# The test database. On SQLite it is a file, not Django's default shared-cache in-memory one:
# shared cache locks whole tables, so a browser journey's page read while the test (or the
# background task it ran) wrote failed at once with "database table is locked". A file in WAL
# mode behaves as production does: readers never wait, writers queue (and it measured faster).
_default_test_name = None
if _ON_SQLITE:
    _default_test_name = str(Path(tempfile.gettempdir()) / f"afterclass-test-{os.getpid()}.sqlite3")
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or _default_test_name}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# With Redis down the cache fails open (misses, and logs it): sign-in keeps working, only its
# failed-attempt throttling pauses (see afterclass.core.cache).
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "afterclass.core.cache.FailOpenRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered cards and comments, per viewer, keyed by what they show (afterclass.core.fragments):
    # nothing to invalidate across processes, so each process keeps its own.
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "afterclass-fragments",
        "OPTIONS": {
            "MAX_ENTRIES": int(os.environ.get("AFTERCLASS_FRAGMENT_CACHE_ENTRIES") or 10000)
        },
    },
    # Whole pages, per viewer, answered again while the tables they were built from are
    # unchanged (afterclass.core.pagecache): local memory, compressed; the tables' generations
    # are shared by every process (Redis, or files in the data folder).
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "afterclass-pages",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("AFTERCLASS_PAGE_CACHE_ENTRIES") or 2000)},
    },
    "generations": {
        "BACKEND": "afterclass.core.cache.FailOpenRedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": "afterclass-pages",
    }
    if os.environ.get("REDIS_URL")
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "generations"),
        "OPTIONS": {"MAX_ENTRIES": 100000},
    },
}
AFTERCLASS_PAGE_CACHE = env_bool("AFTERCLASS_PAGE_CACHE", default=True)
AFTERCLASS_PAGE_CACHE_SECONDS = int(os.environ.get("AFTERCLASS_PAGE_CACHE_SECONDS") or 60)
AFTERCLASS_FRAGMENT_CACHE = env_bool("AFTERCLASS_FRAGMENT_CACHE", default=True)

REDIS_URL = os.environ.get("REDIS_URL", "")

# Live updates (afterclass.live) go through a channel layer. The in-memory layer reaches only the
# connections of its own process: enough for the embedded default with one web process, but the
# background worker's bell rings and a server with several workers need Redis (REDIS_URL).
CHANNEL_LAYERS: dict[str, dict[str, Any]] = {
    "default": redis_channel_layer(os.environ["REDIS_URL"], prefix="afterclass-live")
    if os.environ.get("REDIS_URL")
    else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
}

# Background work (notification fan-out, e-mails, indexing, periodic jobs) goes to a queue in
# the database, run by `afterclass worker` under leases with retries (afterclass.worker; `make
# demo` and `afterclass serve` supervise one). AFTERCLASS_TASKS=immediate runs tasks in the
# request instead (tests do).
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
    }
    if os.environ.get("AFTERCLASS_TASKS", "database") == "immediate"
    else {
        "BACKEND": "afterclass.worker.backend.DatabaseBackend",
        "OPTIONS": {
            # A claimed task whose worker stops renewing it (every third of this) is run again.
            "LEASE_SECONDS": int(os.environ.get("AFTERCLASS_TASK_LEASE_SECONDS") or 60),
            "MAX_ATTEMPTS": int(os.environ.get("AFTERCLASS_TASK_MAX_ATTEMPTS") or 5),
        },
    }
}

# --- People and sign-in ---------------------------------------------------------------------
AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
# people's adapter with single sign-on's password-sign-in policy on top (afterclass.sso.adapter).
ACCOUNT_ADAPTER = "afterclass.sso.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "afterclass.people.forms.SignupExtraForm"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# Failed sign-ins: ten a minute from one client (whatever the addresses), and five in five
# minutes for one address from one client, then a clear "try again later". The "key" is the
# address and the client together (people.adapter.AccountAdapter), so a stranger's wrong
# passwords never lock the owner out on their own device.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    # Staff often share one address (an office behind NAT): allauth's 30 sign-ins and 20 sign-ups
    # a minute per address would turn people away at nine o'clock or on launch day. Guessing
    # stays throttled by the failed sign-ins above.
    "login": "600/m/ip",
    "signup": "200/m/ip",
}
# Behind a reverse proxy every request comes from the proxy's address: say how many proxies
# append to X-Forwarded-For, or all clients would share one throttle.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("AFTERCLASS_TRUSTED_PROXIES") or 0)
# The reverse proxies uvicorn believes about the client's address and scheme (`afterclass serve`
# reads the same variable): the request-id middleware believes their X-Request-ID too.
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = None
# Two-factor sign-in (allauth.mfa): authenticator apps, security keys and passkeys, recovery
# codes. Who must enrol is the organisation's setting (afterclass.people.two_factor).
MFA_ADAPTER = "afterclass.people.two_factor.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Addresses are not verified by e-mail here (ACCOUNT_EMAIL_VERIFICATION): who may sign up is
# checked against invitations and allowed domains instead, so allauth's "verify your address
# before adding a second factor" would stop everyone from enrolling.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# WebAuthn needs a secure origin; http://localhost counts only when this is on (development and
# the browser tests): on by default only outside production mode.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool(
    "AFTERCLASS_WEBAUTHN_INSECURE_ORIGIN", default=not PRODUCTION
)
# Sessions a person can see and end (allauth.usersessions): recorded at sign-in; "last seen" is
# refreshed by our middleware every few minutes rather than by allauth on every request, which
# would cost queries on every page.
USERSESSIONS_TRACK_ACTIVITY = False
# Single sign-on with OpenID Connect and SAML 2.0 (afterclass.sso): providers added under Manage →
# Sign-in are allauth SocialApp rows; those named in AFTERCLASS_OIDC and AFTERCLASS_SAML come from
# the environment (see
# afterclass/sso/environment.py and docs/DEPLOYMENT.md, "Single sign-on").
SOCIALACCOUNT_ADAPTER = "afterclass.sso.adapter.SocialSignInAdapter"
# The API's rate limits (afterclass.api.auth), a minute: requests per access token, and requests
# that authenticate as nobody per client address. 0 turns one off.
AFTERCLASS_API_RATE_LIMIT = int(os.environ.get("AFTERCLASS_API_RATE_LIMIT") or "600")
AFTERCLASS_API_IP_RATE_LIMIT = int(os.environ.get("AFTERCLASS_API_IP_RATE_LIMIT") or "60")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {"APPS": providers_from_environment(os.environ)},
    "saml": {"APPS": saml_providers_from_environment(os.environ)},
}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # a provider's button is a form: no sign-in started by a link
SOCIALACCOUNT_STORE_TOKENS = False  # we only sign people in: no provider tokens kept
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matched by address in our adapter, not by allauth
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
INVITATION_DAYS = 14
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- E-mail ---------------------------------------------------------------------------------
# With EMAIL_HOST set, mail goes out over SMTP (port 587, STARTTLS). In production without it,
# mail goes to a relay on localhost:25. Only the embedded default writes files to var/mail.
EMAIL_RELAY = os.environ.get("EMAIL_HOST", "")
if EMAIL_RELAY or PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_RELAY or "localhost",
                "port": int(os.environ.get("EMAIL_PORT") or (587 if EMAIL_RELAY else 25)),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=bool(EMAIL_RELAY)),
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "afterclass.outbox.backends.MessageFileBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Afterclass <afterclass@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
# The site-wide assets (afterclass/static) belong to no app, so the finders need telling.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("AFTERCLASS_MEDIA_DIR", DATA_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# An S3-compatible object store instead of the local folder when a bucket is named. Objects stay
# private (no ACL: the bucket's own default) and the pages never link to the bucket: files are
# read back by our permission-checking views (see afterclass.core.storage). Credentials are
# boto3's own: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role.
S3_BUCKET = os.environ.get("AFTERCLASS_S3_BUCKET", "")
if os.environ.get("AFTERCLASS_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "afterclass.core.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AFTERCLASS_S3_BUCKET"],
            "endpoint_url": os.environ.get("AFTERCLASS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AFTERCLASS_S3_REGION") or None,
            "addressing_style": os.environ.get("AFTERCLASS_S3_ADDRESSING_STYLE") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_USE_FINDERS = not PRODUCTION
# WhiteNoise (and FileResponse) give Django's ASGI handler a synchronous file iterator, which it
# reads in a thread, with a warning. Harmless for our small files; keep the log readable.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest file a person may attach to a post (afterclass.attachments).
AFTERCLASS_MAX_UPLOAD_MB = int(os.environ.get("AFTERCLASS_MAX_UPLOAD_MB") or 25)
# Search reads a file's text in the background within these budgets; a file over them is found
# by its name only, with a note in the log (afterclass.search.extract).
AFTERCLASS_SEARCH_READ_SECONDS = float(os.environ.get("AFTERCLASS_SEARCH_READ_SECONDS") or 10)
AFTERCLASS_SEARCH_READ_MB = int(os.environ.get("AFTERCLASS_SEARCH_READ_MB") or 25)
# Insights: the smallest group a breakdown shows (never below 3, see insights.privacy), and
# how old today's rollup may get before an insight page computes it again.
AFTERCLASS_INSIGHTS_MIN_GROUP = int(os.environ.get("AFTERCLASS_INSIGHTS_MIN_GROUP") or 5)
AFTERCLASS_INSIGHTS_FRESH_SECONDS = int(os.environ.get("AFTERCLASS_INSIGHTS_FRESH_SECONDS") or 300)

# --- Security -------------------------------------------------------------------------------
HTTPS = env_bool("AFTERCLASS_HTTPS", default=PRODUCTION)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("AFTERCLASS_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Whether a request came over HTTPS is the scheme uvicorn gives it: behind a proxy, from
# X-Forwarded-Proto only when the proxy is one of FORWARDED_ALLOW_IPS (afterclass serve). Django
# must not read that header itself (SECURE_PROXY_SSL_HEADER), or it would believe any client.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# Bench mode (bench/pages.py only): adds the bare view pages are measured against
# (afterclass.core.bare_view). Never set it on a real site.
AFTERCLASS_BENCH = env_bool("AFTERCLASS_BENCH", default=False)

# Logs go to stderr, as JSON lines (LOG_FORMAT=json) or text, each with its request or task id.
LOGGING = logging_config(
    log_format=os.environ.get("LOG_FORMAT", "text").strip().lower() or "text",
    level=os.environ.get("LOG_LEVEL", "WARNING"),
)

# Errors reported to Sentry when SENTRY_DSN is set and sentry-sdk installed (the `sentry` extra):
# no personal data, filed under the installed version and SENTRY_ENVIRONMENT.
if os.environ.get("SENTRY_DSN"):
    start_error_reporting(
        os.environ["SENTRY_DSN"],
        environment=os.environ.get("SENTRY_ENVIRONMENT")
        or ("production" if PRODUCTION else "development"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
    )

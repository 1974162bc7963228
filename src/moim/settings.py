"""Moim's settings, read from environment variables (see README "Configuration")."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from moim.env import env_bool, env_header, env_int, env_list, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(env_str("MOIM_DATA_DIR", str(PROJECT_DIR / "data")))

# The development server (`moim serve`, `manage runserver`) and the test runner are the only
# places where Moim may run with DEBUG and a throwaway secret key.
DEVSERVER = env_bool("MOIM_DEVSERVER", default=len(sys.argv) > 1 and sys.argv[1] == "runserver")
TESTING = "pytest" in sys.modules
# A developer's machine (the Makefile sets it): management commands may use the throwaway key.
DEVELOPMENT = env_bool("MOIM_DEVELOPMENT", default=False) or DEVSERVER or TESTING

DEBUG = env_bool("DEBUG", default=DEVSERVER)

# `moim serve-production` refuses to serve with this key.
DEVELOPMENT_SECRET_KEY = "moim-development-only-key-never-use-in-production"
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or DEVELOPMENT:
        SECRET_KEY = DEVELOPMENT_SECRET_KEY
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set outside development (or SECRET_KEY_FILE naming a file); "
            "on a development machine set MOIM_DEVELOPMENT=1 instead."
        )

# The vault key seals secret ballots while a poll is open and keys the audit chain. It lives
# outside the database (environment or a file), so a database reader alone can neither link a
# secret ballot to its voter nor rewrite the audit chain. Losing it loses the ballots of a poll
# that is open at the time: back it up with the SECRET_KEY, apart from the database backups.
MOIM_VAULT_KEY = env_secret("MOIM_VAULT_KEY")
if not MOIM_VAULT_KEY and TESTING:
    MOIM_VAULT_KEY = "moim-test-only-vault-key-never-use-in-production"
if not MOIM_VAULT_KEY and not (DEBUG or DEVELOPMENT):
    raise ImproperlyConfigured(
        "MOIM_VAULT_KEY must be set outside development (or MOIM_VAULT_KEY_FILE naming a file): "
        "64 or more random characters, e.g. from `python -c 'import secrets; "
        "print(secrets.token_urlsafe(48))'`; keep it out of the database and its backups."
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_htmx",
    "ninja",
    "import_export",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "moim.members",
    "moim.assemblies",
    "moim.awards",
    "moim.governance",
    "moim.site",
    "moim.motions",
    "moim.floor",
    "moim.mailings",
    "moim.projection",
    "moim.minutes",
]

MIDDLEWARE = [
    # First: /healthz answers a load balancer over plain HTTP, before the HTTPS redirect, the
    # host check and sessions (moim/health.py).
    "moim.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "moim.uploads.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "moim.members.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "moim.urls"
WSGI_APPLICATION = "moim.wsgi.application"
ASGI_APPLICATION = "moim.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "moim.site.context_processors.organization",
            ],
        },
    },
]

# SQLite in the data folder unless DATABASE_URL names another database (PostgreSQL in production).
# DATABASE_URL_FILE may name a file holding it instead (it carries the database's password).
_database_url = env_secret("DATABASE_URL")
_page_threads = 8  # MOIM_PAGE_THREADS, below: no more than the pool's connections
if _database_url:
    # Health checks: a persistent connection that died (say, right after a ballot's commit) is
    # replaced at the next request instead of failing it.
    DATABASES = {
        "default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)
    }
    # PostgreSQL connections come from a pool in each server process (psycopg_pool, through
    # Django): MOIM_DB_POOL_MIN kept open, at most MOIM_DB_POOL_MAX; MOIM_DB_POOL_MAX=0 turns it
    # off. The pool hands out only connections that pass its check (moim/database.py), and
    # replaces persistent connections, which it cannot be combined with. Off under the tests
    # unless set, where the server started by the production tests turns it on.
    _pool_max = env_int("MOIM_DB_POOL_MAX", 0 if TESTING else 10)
    _pool_min = env_int("MOIM_DB_POOL_MIN", min(2, _pool_max))
    if _pool_max < 0 or _pool_min < 0 or _pool_min > _pool_max:
        raise ImproperlyConfigured(
            "MOIM_DB_POOL_MIN and MOIM_DB_POOL_MAX must be 0 or more, the minimum no larger than "
            f"the maximum (now {_pool_min} and {_pool_max}); MOIM_DB_POOL_MAX=0 turns the pool off"
        )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _db_options = DATABASES["default"].setdefault("OPTIONS", {})
        # A database that does not answer fails a request (or /healthz) in seconds, not minutes.
        _db_options.setdefault("connect_timeout", env_int("MOIM_DB_CONNECT_TIMEOUT", 5))
        # Parameters travel apart from the statement (server-side binding), and psycopg prepares
        # a statement once it has run a few times on a connection (its own default, 5): a
        # ballot's statements are planned once per connection, not once per ballot, which
        # halves PostgreSQL's work per ballot (docs/benchmarks.md). Off for a pooler that cannot
        # keep prepared statements, such as PgBouncer in transaction mode before 1.21.
        if env_bool("MOIM_DB_PREPARED", default=True):
            _db_options.setdefault("server_side_binding", True)
            _db_options.setdefault("prepare_threshold", 5)
        if _pool_max > 0:
            _page_threads = min(_page_threads, _pool_max)
            DATABASES["default"]["CONN_MAX_AGE"] = 0
            from moim.database import check_connection

            _db_options["pool"] = {
                "min_size": _pool_min,
                "max_size": _pool_max,
                # How long a request waits for a free connection before it fails.
                "timeout": env_int("MOIM_DB_POOL_TIMEOUT", 10),
                # A connection handed out is checked without a round trip (moim/database.py).
                "check": check_connection,
            }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "moim.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # secure_delete: deleted rows (an open poll's sealed ballots) are overwritten.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
            },
            # A file, not shared-cache memory: concurrent tests need SQLite's real locking
            # (busy timeout), which shared-cache memory databases replace by "table is locked".
            # One file per process, so test runs side by side never share a database.
            "TEST": {"NAME": Path(tempfile.gettempdir()) / f"moim-test-{os.getpid()}.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "moim.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Live updates (moim/live): through Redis whenever REDIS_URL is set, so that a stream served by
# one process hears what another publishes; in memory (one process) otherwise and in the tests.
MOIM_LIVE_BACKEND = env_str("MOIM_LIVE_BACKEND") or (
    "redis" if REDIS_URL and not TESTING else "memory"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# django-axes refuses a login once too many have failed; then Django's own check the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, its user read on every request written once (moim/members/backends.py).
    "moim.members.backends.AccountBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ko", _("Korean"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The site-wide stylesheet and vendored scripts live in the package, beside its templates.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
if DEVELOPMENT:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: a request body over MOIM_MAX_UPLOAD_MB is refused before it is read (moim.uploads);
# an XLSX workbook that would unpack to more than MOIM_MAX_UNPACKED_MB is refused before openpyxl
# opens it. Form fields other than files are held to Django's 2.5 MB, files past that spill to a
# temporary file instead of memory.
MOIM_MAX_UPLOAD_MB = env_int("MOIM_MAX_UPLOAD_MB", 20)
MOIM_MAX_UNPACKED_MB = env_int("MOIM_MAX_UNPACKED_MB", 50)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "moim.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# django-import-export's exports (the admin's) neutralise formulas with moim.spreadsheets.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# Mail goes to the console on a development machine and through SMTP elsewhere; EMAIL_BACKEND
# names another backend, EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD /
# EMAIL_USE_TLS configure SMTP.
_mail_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEVSERVER
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_secret("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        # A mail server that hangs must not hold a request: give up after this many seconds.
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
# A registration's mail is tried this many times after commit, pausing MOIM_MAIL_RETRY_SECONDS
# times the attempt number in between; a last failure is shown to the secretariat.
MOIM_MAIL_ATTEMPTS = env_int("MOIM_MAIL_ATTEMPTS", 3)
MOIM_MAIL_RETRY_SECONDS = 0.0 if TESTING else 0.5
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Moim <noreply@localhost>")
# The shared secret the mail server's bounce reports must carry (POST /mailings/bounce/);
# empty turns the hook off.
MOIM_BOUNCE_SECRET = env_secret("MOIM_BOUNCE_SECRET")

# --- HTTPS, behind a proxy or not (README "Production") ---------------------------------------
# Secure by default outside a developer's machine; each can be set from the environment.
_production = not (DEBUG or DEVELOPMENT)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_production)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_production)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=_production)
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
# Django's database sessions, read by one written query (moim/sessions.py).
SESSION_ENGINE = "moim.sessions"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not (DEBUG or TESTING))
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# A strict Content Security Policy: scripts, styles and images come only from this site's own
# files (static/ and media/); no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# --- The client's address (moim/net.py) ------------------------------------------------------
# Behind a reverse proxy, the header in which the proxy names the client (e.g. X-Forwarded-For
# or X-Real-IP), and how many proxies in a row append to it. Off by default: without a proxy
# that overwrites it, a client could send the header itself.
MOIM_CLIENT_IP_HEADER = env_str("MOIM_CLIENT_IP_HEADER").strip()
MOIM_PROXY_COUNT = env_int("MOIM_PROXY_COUNT", 1)
if MOIM_PROXY_COUNT < 1:
    raise ImproperlyConfigured(f"MOIM_PROXY_COUNT must be 1 or more, not {MOIM_PROXY_COUNT}")

# --- Logins resist guessing (django-axes) -----------------------------------------------------
# A hall of delegates often shares one NAT address: an account is locked after a few failures
# from one address (the account and address together), while the address as a whole gets a
# much looser limit, so one delegate's typos never lock the hall out. Failures are forgotten
# after the cool-off; the secretariat sees and clears lockouts in the back office.
MOIM_LOGIN_FAILURE_LIMIT = env_int("MOIM_LOGIN_FAILURE_LIMIT", 5)
MOIM_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("MOIM_LOGIN_ADDRESS_FAILURE_LIMIT", 200)
if MOIM_LOGIN_FAILURE_LIMIT < 1 or MOIM_LOGIN_ADDRESS_FAILURE_LIMIT < MOIM_LOGIN_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "MOIM_LOGIN_FAILURE_LIMIT must be 1 or more and MOIM_LOGIN_ADDRESS_FAILURE_LIMIT at "
        f"least as large (now {MOIM_LOGIN_FAILURE_LIMIT} and {MOIM_LOGIN_ADDRESS_FAILURE_LIMIT})"
    )
AXES_HANDLER = "moim.members.logins.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = MOIM_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("MOIM_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "moim.net.login_client_address"
AXES_LOCKOUT_CALLABLE = "moim.members.logins.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# --- A second factor (django-otp) -------------------------------------------------------------
# Anyone may add an authenticator app; with MOIM_REQUIRE_TWO_FACTOR (on outside development),
# the secretariat, the chair and every back-office account must, before any other page opens.
MOIM_REQUIRE_TWO_FACTOR = env_bool("MOIM_REQUIRE_TWO_FACTOR", default=_production)
OTP_TOTP_ISSUER = env_str("MOIM_TOTP_ISSUER", "Moim")
# The back office lists devices (and the secretariat removes a lost one) but never shows a secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Live streams (moim/live/sse.py) ----------------------------------------------------------
# At most this many live streams at once from one client address (a projector and a few
# screens per room), or for one signed-in person whatever their address (a hall of delegates
# often shares the venue's one NAT address), each closed after its lifetime; the browser
# reconnects by itself.
MOIM_LIVE_STREAMS_PER_ADDRESS = env_int("MOIM_LIVE_STREAMS_PER_ADDRESS", 20)
MOIM_LIVE_STREAMS_PER_USER = env_int("MOIM_LIVE_STREAMS_PER_USER", 20)
MOIM_LIVE_STREAM_LIFETIME = env_int("MOIM_LIVE_STREAM_LIFETIME", 300)
# At most this many live streams in one server process (under ASGI a stream costs a few
# kilobytes and no thread, moim/live/hub.py); one more is answered 503 with Retry-After.
MOIM_LIVE_STREAMS_PER_PROCESS = env_int("MOIM_LIVE_STREAMS_PER_PROCESS", 5000)
# A ballot's turnout is announced at most this often (seconds) from each server process: the
# last one of a burst still leaves at the end of its window (moim/live/brokers.py).
MOIM_LIVE_TURNOUT_SECONDS = 0.25

# --- The production server (`moim serve-production`) ------------------------------------------
# Where it listens and how many worker processes it starts (its --host, --port and --workers win
# over these), by default one worker per core this process may run on, two at least (see
# docs/deployment.md, "How many workers"). After SIGTERM or SIGHUP,
# requests have MOIM_GRACEFUL_TIMEOUT seconds to finish.
try:
    _cores = len(os.sched_getaffinity(0))
except AttributeError:  # not on Linux
    _cores = os.cpu_count() or 1
MOIM_HOST = env_str("MOIM_HOST", "127.0.0.1")
MOIM_PORT = env_int("MOIM_PORT", 8000)
MOIM_WORKERS = env_int("MOIM_WORKERS", max(_cores, 2))
MOIM_GRACEFUL_TIMEOUT = env_int("MOIM_GRACEFUL_TIMEOUT", 10)
# Threads serving pages in each process (moim/handlers.py): the pages in progress at once; the
# rest wait their turn. By default no more than the database connections a process may hold.
MOIM_PAGE_THREADS = env_int("MOIM_PAGE_THREADS", _page_threads)
if MOIM_PAGE_THREADS < 1:
    raise ImproperlyConfigured(f"MOIM_PAGE_THREADS must be 1 or more, not {MOIM_PAGE_THREADS}")
# Each worker accepts a connection only while a page thread is free for it (moim/intake.py);
# off, uvicorn's own accepting (every worker accepts whatever it is woken for).
MOIM_ACCEPT_WITH_ROOM = env_bool("MOIM_ACCEPT_WITH_ROOM", True)

# The assembly report's PDF (moim/site/report.py): a CJK font file; empty means the first of the
# usual Noto Sans CJK paths that exists.
MOIM_PDF_FONT = env_str("MOIM_PDF_FONT")

# WeGO's rule, assumed (not public): a member is in good standing when its fees are paid
# through the previous calendar year. Organizations may choose another rule in the admin.
MOIM_ORGANIZATION_SLUG = env_str("MOIM_ORGANIZATION", "wego")

# The day the public pages treat as today (good standing, current offices), as YYYY-MM-DD; empty
# means the real date. `make demo` serves the WeGO 2021 demo as of its General Assembly day.
_moim_today = env_str("MOIM_TODAY")
try:
    MOIM_TODAY = dt.date.fromisoformat(_moim_today) if _moim_today else None
except ValueError:
    raise ImproperlyConfigured(
        f"MOIM_TODAY must be a date written YYYY-MM-DD, not {_moim_today!r}"
    ) from None

# The address people reach this site at, for links in e-mails (join links, approval links).
MOIM_SITE_URL = env_str("MOIM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

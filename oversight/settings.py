"""Settings for Oversight, read from the environment through the strict helpers in core.env.

Every variable is listed in the README and in docs/operations.md. Defaults give the embedded
single-machine platform: SQLite in WAL mode, Huey on SQLite, files under ``var/``.
"""

from __future__ import annotations

import json as _json
import re
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from oversight import __version__
from oversight.core.env import (
    ConfigurationError,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OVERSIGHT_VAR_DIR", str(BASE_DIR / "var")))
VERSION = __version__

DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("OVERSIGHT_TESTING", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    _key_file = VAR_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text(encoding="utf-8").strip()
    else:
        raise ConfigurationError(
            "SECRET_KEY (or SECRET_KEY_FILE) is not set and var/secret_key does not exist; "
            "`make run` creates one for a single machine"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "drf_spectacular",
    "huey.contrib.djhuey",
    "oversight.core",
    "oversight.orgs",
    "oversight.loop",
    "oversight.matters",
    "oversight.duties",
    "oversight.integrity",
    "oversight.risks",
    "oversight.traces",
    "oversight.inspections",
    "oversight.ecology",
    "oversight.team",
    "oversight.joint",
    "oversight.disclosure",
    "oversight.collective",
    "oversight.ledger",
    "oversight.notify",
    "oversight.documents",
    "oversight.analytics",
    "oversight.public",
    "oversight.measures",
    "oversight.schedules",
    "oversight.cockpit",
    "oversight.workbench",
    "oversight.fleet",
]

MIDDLEWARE = [
    "oversight.core.middleware.SecureCookiesOverHttps",
    "django.middleware.security.SecurityMiddleware",
    "oversight.core.middleware.StaffPageHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oversight.orgs.middleware.OperationLogMiddleware",
]

ROOT_URLCONF = "oversight.urls"
WSGI_APPLICATION = "oversight.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "oversight" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oversight.core.context_processors.frame",
                "oversight.ledger.context_processors.alarm",
            ],
        },
    }
]

# Database: SQLite (WAL) unless DATABASE_URL names another server.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'oversight.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ConfigurationError(f"DATABASE_URL cannot be parsed: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, with writers queueing across processes (oversight/core/db/).
    _db["ENGINE"] = "oversight.core.db.sqlite3"
    # Connections are kept as on PostgreSQL: opening one costs ~1 ms (Django registers its SQL
    # functions and runs the PRAGMAs below), a third of a citizen's tracking-page request.
    _db["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing with "database is locked" mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The test database is in memory, also when the suite runs in several processes (each has its
    # own; pytest-xdist would otherwise name a file after the path of the real one).
    _db["TEST"] = {"NAME": ":memory:"}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db.setdefault("OPTIONS", {})
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
elif TESTING:
    # each test starts from an empty cache (conftest); one test process, nothing to share
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Without Redis the web processes share a cache on disk, so the public channel's rate limits
    # (and every other cached figure) hold across gunicorn's workers, not per process.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR", str(VAR_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Background and periodic jobs: Huey on SQLite beside the database, or on Redis.
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "oversight", "url": REDIS_URL}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "oversight",
        "filename": str(VAR_DIR / "huey.sqlite3"),
    }
# No task's return value is ever read; storing each one was a write per task.
HUEY["results"] = False
HUEY["immediate"] = TESTING or env_bool("HUEY_IMMEDIATE", False)
HUEY["consumer"] = {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"}

AUTH_USER_MODEL = "orgs.Account"
AUTHENTICATION_BACKENDS = ["oversight.orgs.auth.AccountBackend"]
LOGIN_URL = "orgs:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "orgs:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; tests create hundreds of accounts.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "oversight.orgs.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login protection: an account locks after this many failures in a row; a client address is
# throttled after this many failures in the window, whatever the usernames it tries.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("LOGIN_LOCK_MINUTES", 15)
LOGIN_THROTTLE_PER_ADDRESS = env_int("LOGIN_THROTTLE_PER_ADDRESS", 20)
LOGIN_THROTTLE_WINDOW_MINUTES = env_int("LOGIN_THROTTLE_WINDOW_MINUTES", 15)

# Idle sessions expire: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy, the header by which it says the request came over HTTPS, e.g.
# "X-Forwarded-Proto" (the proxy must set it on every request and strip it from clients').
# Every cookie of an answer to an HTTPS request is Secure (core.middleware.SecureCookiesOverHttps),
# whatever SECURE_COOKIES says; SECURE_COOKIES=true makes them Secure on every request.
_proxy_header = env_str("SECURE_PROXY_SSL_HEADER")
if _proxy_header:
    _name, _equals, _value = _proxy_header.partition("=")
    if not _name.strip() or any(ch.isspace() for ch in _name.strip()):
        raise ConfigurationError(
            f"SECURE_PROXY_SSL_HEADER={_proxy_header!r}: a header name such as X-Forwarded-Proto "
            "(optionally =value, https by default)"
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip() or "https",
    )
X_FRAME_OPTIONS = "DENY"
# Scripts only from the platform's own static files (no inline script, no eval, nothing from
# elsewhere); inline styles stay allowed for the progress bars' widths and a few pages' own
# <style>. The public pages send a stricter policy of their own (public/web.py).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ConfigurationError(f"LANGUAGE_CODE={LANGUAGE_CODE!r} must be one of zh-hans, en")
LOCALE_PATHS = [BASE_DIR / "oversight" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# oversight/static/vendor/ is filled from node_modules by `make assets` (npm ci, then a copy of
# the few files served); it is not tracked.
STATICFILES_DIRS = [BASE_DIR / "oversight" / "static"]
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its WWW-Authenticate makes an unauthenticated call a 401.
        "oversight.orgs.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "oversight.core.api_schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "oversight.core.api.Pagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Oversight API",
    "DESCRIPTION": "Supervision platform API. Every read is limited to the caller's data scope.",
    "VERSION": __version__,
    "SERVE_INCLUDE_SCHEMA": False,
}

# The ledger (transparency log). Its origin names the log in checkpoints and signatures; the
# Ed25519 key comes from LEDGER_SIGNING_KEY_FILE, else var/ledger_signing_key.pem, which
# `manage.py ledger_key --ensure` (run by `make run`) creates. LEDGER_CREATE_KEY lets the first
# signature create that default key (in tests); a key named by LEDGER_SIGNING_KEY_FILE never is.
LEDGER_ORIGIN = env_str("LEDGER_ORIGIN", "oversight.local/ledger")
if not LEDGER_ORIGIN or any(ch.isspace() for ch in LEDGER_ORIGIN) or "+" in LEDGER_ORIGIN:
    raise ConfigurationError(f"LEDGER_ORIGIN={LEDGER_ORIGIN!r} must be one word without '+'")
LEDGER_SIGNING_KEY_CONFIGURED = env_str("LEDGER_SIGNING_KEY_FILE") is not None
LEDGER_SIGNING_KEY_FILE = env_str("LEDGER_SIGNING_KEY_FILE") or str(
    VAR_DIR / "ledger_signing_key.pem"
)
LEDGER_CREATE_KEY = env_bool("LEDGER_CREATE_KEY", TESTING)
LEDGER_CHECKPOINT_MINUTES = env_int("LEDGER_CHECKPOINT_MINUTES", 1)
if not 1 <= LEDGER_CHECKPOINT_MINUTES <= 59:
    raise ConfigurationError("LEDGER_CHECKPOINT_MINUTES must be between 1 and 59")

# Witnesses (C2SP tlog-witness, docs/operations.md). LEDGER_WITNESSES: who cosigns this log's
# checkpoints, as JSON [{"vkey": "<name>+<key id>+<base64 0x04 key>", "url": "<submission
# prefix>", "label": "<who they are>"}]; each new checkpoint goes to each of them.
# LEDGER_WITNESS_*: this platform as a witness of other logs (`manage.py witness`, and
# /ledger/witness/add-checkpoint): its cosigning key (created when unset and missing), its name,
# and the verifier keys of the logs it witnesses (comma-separated; the key name is the origin).
try:
    LEDGER_WITNESSES = _json.loads(env_str("LEDGER_WITNESSES") or "[]")
except ValueError as exc:
    raise ConfigurationError(f"LEDGER_WITNESSES is not valid JSON: {exc}") from exc
LEDGER_WITNESS_TIMEOUT_SECONDS = env_int("LEDGER_WITNESS_TIMEOUT_SECONDS", 10)
LEDGER_WITNESS_KEY_CONFIGURED = env_str("LEDGER_WITNESS_KEY_FILE") is not None
LEDGER_WITNESS_KEY_FILE = env_str("LEDGER_WITNESS_KEY_FILE") or str(
    VAR_DIR / "ledger_witness_key.pem"
)
LEDGER_WITNESS_NAME = env_str("LEDGER_WITNESS_NAME", LEDGER_ORIGIN.split("/")[0] + "/witness")
LEDGER_WITNESS_LOGS = env_list("LEDGER_WITNESS_LOGS", [])
LEDGER_WITNESS_LISTEN = env_str("LEDGER_WITNESS_LISTEN", "127.0.0.1:8764")


def _check_witness_settings() -> None:
    from oversight.ledger.tlog.checkpoint import CheckpointError, Verifier
    from oversight.ledger.tlog.cosignature import CosignatureVerifier

    if not isinstance(LEDGER_WITNESSES, list):
        raise ConfigurationError("LEDGER_WITNESSES must be a JSON list")
    for number, entry in enumerate(LEDGER_WITNESSES, start=1):
        if not isinstance(entry, dict) or not {"vkey", "url"} <= set(entry):
            raise ConfigurationError(f"LEDGER_WITNESSES entry {number} needs a vkey and a url")
        try:
            CosignatureVerifier.from_vkey(entry["vkey"])
        except CheckpointError as exc:
            raise ConfigurationError(f"LEDGER_WITNESSES entry {number}: {exc}") from exc
        if not re.match(r"https?://[^/\s]+", entry["url"]):
            raise ConfigurationError(f"LEDGER_WITNESSES entry {number}: the url is not http(s)")
    if (
        not LEDGER_WITNESS_NAME
        or any(ch.isspace() for ch in LEDGER_WITNESS_NAME)
        or ("+" in LEDGER_WITNESS_NAME)
    ):
        raise ConfigurationError(
            f"LEDGER_WITNESS_NAME={LEDGER_WITNESS_NAME!r} must be one word without '+'"
        )
    for vkey in LEDGER_WITNESS_LOGS:
        try:
            Verifier.from_vkey(vkey)
        except CheckpointError as exc:
            raise ConfigurationError(f"LEDGER_WITNESS_LOGS {vkey!r}: {exc}") from exc


_check_witness_settings()

# Evidence uploads on work items: size and count limits (type is checked by content).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 20) * 1024 * 1024
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 10)
DATA_UPLOAD_MAX_NUMBER_FILES = EVIDENCE_MAX_FILES

# The loop's periodic sweep sends at most this many reminders and escalations per run (every
# 15 minutes); a larger backlog goes out over the following runs, oldest deadlines first.
LOOP_SWEEP_MAX_MESSAGES = env_int("LOOP_SWEEP_MAX_MESSAGES", 5000)

# Worker heartbeat: /healthz reports the worker unhealthy when its last beat is older than this.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env_int("WORKER_HEARTBEAT_MAX_AGE_SECONDS", 180)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "oversight@localhost")

# Notifications: the channels beyond the in-app inbox that may be used, the adapters of SMS and
# WeChat Work (dotted paths of classes with a send(*, address, title, text, url) method; the
# defaults only log), the address that makes links absolute in messages read elsewhere, and
# how often a failed delivery is tried again.
NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS", ["email", "sms", "wechat"])
if unknown := set(NOTIFY_CHANNELS) - {"email", "sms", "wechat"}:
    raise ConfigurationError(f"NOTIFY_CHANNELS names unknown channels: {sorted(unknown)}")
NOTIFY_SMS_BACKEND = env_str("NOTIFY_SMS_BACKEND", "oversight.notify.channels.LoggingSmsBackend")
NOTIFY_WECHAT_BACKEND = env_str(
    "NOTIFY_WECHAT_BACKEND", "oversight.notify.channels.LoggingWeChatBackend"
)
NOTIFY_SITE_URL = env_str("NOTIFY_SITE_URL", "http://127.0.0.1:8000")
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 3)
NOTIFY_STALE_MINUTES = env_int("NOTIFY_STALE_MINUTES", 15)

# Documents: the largest Word template an administrator may upload.
DOCUMENTS_TEMPLATE_MAX_BYTES = env_int("DOCUMENTS_TEMPLATE_MAX_BYTES", 5 * 1024 * 1024)
# A unit that has not signed for a document this many days after its issue is reminded once.
DOCUMENTS_SIGN_DAYS = env_int("DOCUMENTS_SIGN_DAYS", 3)

# Disclosure collection: the hosts a source may be read from (a name allows its subdomains; the
# reserved "example" names the demo county's sample sources, which are never fetched).
DISCLOSURE_SOURCE_HOSTS = env_list("DISCLOSURE_SOURCE_HOSTS", ["gov.cn", "example"])

# The public channel (码上监督 / 监督一点通). A reporter's name, phone and contact text are
# encrypted with AES-256-GCM under PUBLIC_IDENTITY_KEYS ("id:key,id:key…", 32-byte keys in hex
# or base64; the first encrypts, all decrypt) and tracking codes are stored as keyed hashes under
# PUBLIC_LOOKUP_KEY (never rotate it: stored codes stop matching). Both may come from *_FILE;
# when unset they are read from var/public_keys, which `manage.py public_keys --ensure` (run by
# `make run`) creates; PUBLIC_CREATE_KEYS lets the first use create that file (in tests).
PUBLIC_IDENTITY_KEYS = env_secret("PUBLIC_IDENTITY_KEYS")
PUBLIC_LOOKUP_KEY = env_secret("PUBLIC_LOOKUP_KEY")
PUBLIC_KEY_FILE = str(VAR_DIR / "public_keys")
PUBLIC_CREATE_KEYS = env_bool("PUBLIC_CREATE_KEYS", TESTING)
# The address printed in QR codes (the public pages live under /p/ there).
PUBLIC_SITE_URL = env_str("PUBLIC_SITE_URL", NOTIFY_SITE_URL)
# Abuse limits that identify no one: per browser session (a random cookie) and for the whole
# site, in fixed windows; counters live in the cache (use Redis with several web workers).
PUBLIC_SUBMISSIONS_PER_SESSION_HOUR = env_int("PUBLIC_SUBMISSIONS_PER_SESSION_HOUR", 10)
PUBLIC_SUBMISSIONS_PER_MINUTE = env_int("PUBLIC_SUBMISSIONS_PER_MINUTE", 6000)
PUBLIC_LOOKUPS_PER_SESSION_10MIN = env_int("PUBLIC_LOOKUPS_PER_SESSION_10MIN", 20)
PUBLIC_FAILED_LOOKUPS_PER_MINUTE = env_int("PUBLIC_FAILED_LOOKUPS_PER_MINUTE", 600)
PUBLIC_PARTNER_REQUESTS_PER_MINUTE = env_int("PUBLIC_PARTNER_REQUESTS_PER_MINUTE", 600)
# Open311's jurisdiction_id: requests that name another jurisdiction are refused (404); requests
# that name none are this one's. Empty: jurisdiction_id is not checked.
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "")
# Citizens' uploads: photos, short videos and PDF, checked by content.
PUBLIC_UPLOAD_MAX_FILES = env_int("PUBLIC_UPLOAD_MAX_FILES", 5)
PUBLIC_UPLOAD_MAX_MB = env_int("PUBLIC_UPLOAD_MAX_MB", 10)
PUBLIC_VIDEO_MAX_MB = env_int("PUBLIC_VIDEO_MAX_MB", 30)
# Default time limits of a complaint's steps (working days), and how long a citizen may rate a
# reply (calendar days) before the complaint closes unrated; small-power items set their own
# handling limit.
PUBLIC_ACCEPT_DAYS = env_int("PUBLIC_ACCEPT_DAYS", 5)
PUBLIC_ROUTE_DAYS = env_int("PUBLIC_ROUTE_DAYS", 2)
PUBLIC_HANDLE_DAYS = env_int("PUBLIC_HANDLE_DAYS", 15)
PUBLIC_DRAFT_DAYS = env_int("PUBLIC_DRAFT_DAYS", 3)
PUBLIC_REVIEW_DAYS = env_int("PUBLIC_REVIEW_DAYS", 3)
PUBLIC_NOTICE_DAYS = env_int("PUBLIC_NOTICE_DAYS", 15)
PUBLIC_RATING_DAYS = env_int("PUBLIC_RATING_DAYS", 15)
PUBLIC_CLOSE_DAYS = env_int("PUBLIC_CLOSE_DAYS", 5)
PUBLIC_REPEAT_WINDOW_DAYS = env_int("PUBLIC_REPEAT_WINDOW_DAYS", 180)
# New complaints reach the intake officers as one digest per commission every this many minutes
# (a divisor of 60), in the inbox and by the channels they chose, not one message per complaint.
PUBLIC_INTAKE_DIGEST_MINUTES = env_int("PUBLIC_INTAKE_DIGEST_MINUTES", 5)
if PUBLIC_INTAKE_DIGEST_MINUTES < 1 or 60 % PUBLIC_INTAKE_DIGEST_MINUTES:
    raise ConfigurationError("PUBLIC_INTAKE_DIGEST_MINUTES must divide 60 (1, 2, 3, 5, 10 … 60)")

# Comparison models (analytics): the engine's workspace (imported data versions, staged imports,
# DuckDB spill space), DuckDB's memory limit and threads for imports and runs (0: one per core),
# and the largest data file an officer may upload.
ANALYTICS_WORKSPACE_DIR = Path(env_str("ANALYTICS_WORKSPACE_DIR", str(VAR_DIR / "analytics")))
ANALYTICS_MEMORY_LIMIT = env_str("ANALYTICS_MEMORY_LIMIT", "4GB")
if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", ANALYTICS_MEMORY_LIMIT or ""):
    raise ConfigurationError(
        f"ANALYTICS_MEMORY_LIMIT={ANALYTICS_MEMORY_LIMIT!r} must be a size such as 4GB or 512MB"
    )
ANALYTICS_THREADS = env_int("ANALYTICS_THREADS", 0)
if ANALYTICS_THREADS < 0:
    raise ConfigurationError("ANALYTICS_THREADS must be 0 (one per core) or more")
ANALYTICS_UPLOAD_MAX_BYTES = env_int("ANALYTICS_UPLOAD_MAX_MB", 2048) * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

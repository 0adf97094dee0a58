"""Settings for the Federation Portal, read from the environment.

Development defaults are safe and explicit; with DEBUG off the site refuses to start
without a real SECRET_KEY.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Core
# ENVIRONMENT=production turns on the production safeguards; everything else is development. DEBUG is off unless
# set, so a server (gunicorn, a Celery worker) started without it never shows tracebacks; `make run`/`make test` and
# manage.py outside production set DEBUG=1.
ENVIRONMENT = os.environ.get("ENVIRONMENT", "development").strip().lower()
IS_PRODUCTION = ENVIRONMENT == "production"
DEBUG = env_bool("DEBUG", default=False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when ENVIRONMENT=production.")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG:
    # Fail fast rather than run with a guessable key (same rule as Django's security.W009 check).
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'); on a development machine set DEBUG=1 "
            "(make run, make test and manage.py do)."
        )
elif not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Our apps first: their translations and templates take precedence over Django's (e.g. "Filter").
    "federation_portal",
    "core",
    "members",
    "communities",
    "projects",
    "events",
    "evaluation",
    "contracts",
    "incubation",
    "stats",
    "reports",
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
    "django_filters",
    "csp",
    "axes",
    "simple_history",
    "import_export",
]

MIDDLEWARE = [
    "federation_portal.middleware.RequestIDMiddleware",
    "federation_portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every page that may be stored, and 304 Not Modified when the browser's copy is current.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A control character in the address is a 404 page in the visitor's language, before the page cache or a view.
    "federation_portal.middleware.BadBytesMiddleware",
    # Public pages of visitors who are not logged in, from the cache, before the rest of the stack
    # (federation_portal/pagecache.py): it needs the language, nothing below.
    "federation_portal.pagecache.PublicPageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.sites.SiteUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "federation_portal.middleware.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "federation_portal.middleware.StaffSessionTimeoutMiddleware",
    "federation_portal.middleware.PrivatePagesNoStoreMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "federation_portal.urls"
WSGI_APPLICATION = "federation_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "members.context_processors.portal",
                "federation_portal.context_processors.site_sections",
                "federation_portal.context_processors.display_mode",
            ],
        },
    },
]

# Database: a SQLite file by default, PostgreSQL when DATABASE_URL says postgres://
DB_CONN_MAX_AGE = int(os.environ.get("DB_CONN_MAX_AGE", "0"))  # seconds a connection is reused; 60 in production
DB_CONN_HEALTH_CHECKS = env_bool("DB_CONN_HEALTH_CHECKS", default=True)


def database_from_url(url):
    """One DATABASES entry: persistent connections, and PostgreSQL time limits from the environment."""
    database = dj_database_url.parse(url, conn_max_age=DB_CONN_MAX_AGE, conn_health_checks=DB_CONN_HEALTH_CHECKS)
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # SQLite serializes writers. Transactions take the write lock when they begin (IMMEDIATE) and
        # wait up to 20 s for it, so a burst of sign-ups queues up instead of failing with
        # "database is locked"; WAL lets readers continue meanwhile.
        options.update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    elif database["ENGINE"] == "django.db.backends.postgresql":
        options["connect_timeout"] = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
        # Milliseconds (or "30s"); a query or lock wait beyond them fails instead of tying up a worker.
        server_limits = {
            "statement_timeout": os.environ.get("DB_STATEMENT_TIMEOUT", ""),
            "lock_timeout": os.environ.get("DB_LOCK_TIMEOUT", ""),
            # PostgreSQL compiles a query whose estimated cost passes jit_above_cost: the portal's queries read a
            # few hundred rows through indexes, but searches (fp_bigrams is costly to the planner) and counts are
            # estimated high, and compiling took 520-570 ms for queries that then ran in 15-50 ms (issue 24).
            "jit": os.environ.get("DB_JIT", "off"),
        }
        limits = " ".join(f"-c {name}={value}" for name, value in server_limits.items() if value.strip())
        if limits:
            options["options"] = limits
    return database


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins of locked-out accounts before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after-login"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day
# The visitor's address (core.clientip): how many proxies in front of gunicorn append to X-Forwarded-For (nginx: 1).
# The login lockout and the throttles both use it; with 0 behind a proxy every visitor would share its address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or os.environ.get("AXES_PROXY_COUNT") or "0")
# Login lockout (core/lockout.py): 5 failed attempts for one user name from one address lock that pair for 30 minutes
# (the right password is refused there meanwhile; the owner elsewhere still logs in); 30 failures from one address
# over any user names lock that address. Attempts and lockouts are logged and kept in the admin (Axes).
AXES_HANDLER = "core.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # the order matters to core.lockout
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
# Throttles of anonymous writes (core/throttle.py), counted in the cache (Redis in production, shared by every
# worker): "N/s", "N/m", "N/h" or "N/d"; an empty value turns one off. Per visitor's address unless said otherwise.
THROTTLES = {
    "sign-up-address": os.environ.get("THROTTLE_SIGN_UP_PER_ADDRESS", "30/h"),
    "sign-up-event": os.environ.get("THROTTLE_SIGN_UP_PER_EVENT", "10/h"),  # per address and event
    "sign-up-mobile": os.environ.get("THROTTLE_SIGN_UP_PER_MOBILE", "5/h"),  # per mobile, from any address
    "cancel-address": os.environ.get("THROTTLE_CANCEL_PER_ADDRESS", "30/h"),
    "join-address": os.environ.get("THROTTLE_JOIN_PER_ADDRESS", "10/h"),
    "password-reset-address": os.environ.get("THROTTLE_PASSWORD_RESET_PER_ADDRESS", "10/h"),
    "check-in-address": os.environ.get("THROTTLE_CHECK_IN_PER_ADDRESS", "60/h"),  # self check-in at the door
}
# Staff sessions end after this much inactivity; other sessions last two weeks.
STAFF_SESSION_IDLE_SECONDS = int(os.environ.get("STAFF_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# Security headers (every response, admin and error pages included)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Bootstrap and the admin set a few style attributes; scripts stay strictly same-origin.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    }
}
if not DEBUG:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (see deploy/).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The 长辈版 (elder mode) link sets this cookie; no cookie: the standard version (federation_portal/display.py).
DISPLAY_MODE_COOKIE_NAME = "display_mode"
DISPLAY_MODE_COOKIE_AGE = 365 * 24 * 60 * 60
DISPLAY_MODE_COOKIE_SECURE = not DEBUG

# Language and time: Chinese first, English second; stored in UTC, shown in Shanghai time
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Static files and uploads
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
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
UPLOAD_IMAGE_MAX_BYTES = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Media storage: uploads on this machine's disk (MEDIA_ROOT) by default; in S3-compatible object storage
# (MinIO, Aliyun OSS, Tencent COS, ...) when AWS_STORAGE_BUCKET_NAME is set, so every app server sees them.
# django-storages reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment itself.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,  # "virtual" for OSS/COS
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,  # a CDN or public bucket domain
            "location": os.environ.get("AWS_LOCATION", "media"),
            # Signed, expiring links by default: the bucket can stay private.
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", default=True),
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "3600")),
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "max-age=2592000"},  # file names are random: cache 30 days
        },
    }
    # Pages show the pictures from the bucket (or its CDN domain): the content security policy must allow it.
    _media = STORAGES["default"]["OPTIONS"]
    if _media["custom_domain"]:
        _media_origin = f"https://{_media['custom_domain']}"
    elif _media["endpoint_url"]:
        _endpoint = urlsplit(_media["endpoint_url"])
        _bucket_host = f"{AWS_STORAGE_BUCKET_NAME}." if _media["addressing_style"] == "virtual" else ""
        _media_origin = f"{_endpoint.scheme}://{_bucket_host}{_endpoint.netloc}"
    else:
        _media_origin = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)

# Spreadsheets: admin exports/imports (django-import-export); formats in members/exports.py
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Personal data: residents' names and mobiles are erased this many days after their event.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "180"))
# Residents with a place are reminded this many hours before the start (once; events.tasks).
REMINDER_HOURS = int(os.environ.get("REMINDER_HOURS", "24"))
# Attendance (events): check-in at the door opens this many minutes before the start and closes at the end.
CHECK_IN_OPENS_MINUTES = int(os.environ.get("CHECK_IN_OPENS_MINUTES", "60"))
# Residents who attended may rate an event for this many days after its end; the public pages show the average
# only from this many ratings on.
FEEDBACK_DAYS = int(os.environ.get("FEEDBACK_DAYS", "14"))
FEEDBACK_PUBLIC_MINIMUM = int(os.environ.get("FEEDBACK_PUBLIC_MINIMUM", "5"))
# What proves that a community activity was held, for the monthly duty (events.compliance): "check_in" (at least
# one check-in), "photos" (a report with photos), "check_in_or_photos" (either), "report" (the report alone).
MONTHLY_DUTY_PROOF = os.environ.get("MONTHLY_DUTY_PROOF", "check_in_or_photos")
if MONTHLY_DUTY_PROOF not in {"check_in", "photos", "check_in_or_photos", "report"}:
    raise ImproperlyConfigured("MONTHLY_DUTY_PROOF must be check_in, photos, check_in_or_photos or report.")
# Neighbourhood committees (communities app): an activity nobody in its community confirmed or disputed confirms
# itself this many days after its end.
COMMUNITY_CONFIRMATION_DAYS = int(os.environ.get("COMMUNITY_CONFIRMATION_DAYS", "7"))
# A committee proposes the response to its own community's need it wants; staff confirm the proposal (off), or the
# proposal is accepted at once (on).
COMMUNITY_NEEDS_ACCEPT_DIRECTLY = env_bool("COMMUNITY_NEEDS_ACCEPT_DIRECTLY", default=False)

# Forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console in development
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # port 465, as many mainland mail services require
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))  # seconds before a worker gives up on the mail server
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "长寿社会组织联合会 <noreply@changshou.example>")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Text messages (core/sms): console in development; core.sms.aliyun.SmsBackend or core.sms.tencent.SmsBackend in
# production, with the signature and one approved template code per kind of message (SMS_TEMPLATES, JSON).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "core.sms.console.SmsBackend")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "长寿社会组织联合会")
SMS_TEMPLATES = json.loads(os.environ.get("SMS_TEMPLATES") or "{}")
SMS_DAILY_LIMIT = int(os.environ.get("SMS_DAILY_LIMIT", "5"))  # per mobile and day, whatever the kind
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(BASE_DIR / "sms-messages"))
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "")  # the provider's API host; default: the SDK's own
SMS_REGION = os.environ.get("SMS_REGION", "ap-guangzhou")  # Tencent Cloud
SMS_APP_ID = os.environ.get("SMS_APP_ID", "")  # Tencent Cloud's SmsSdkAppId

# The outbox (core/outbox.py): temporary failures are tried again after 1, 2, 4… times this many seconds.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "6"))
OUTBOX_RETRY_SECONDS = int(os.environ.get("OUTBOX_RETRY_SECONDS", "60"))

# Messages use Bootstrap's alert classes
from django.contrib.messages import constants as message_constants  # noqa: E402

MESSAGE_TAGS = {message_constants.ERROR: "danger"}

# Database replica: public pages of visitors who are not logged in read from a streaming replica when
# DATABASE_REPLICA_URL is set (rules and trade-off: federation_portal/db_router.py, docs/deploy.md).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "10"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database_from_url(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["federation_portal.db_router.ReplicaRouter"]

# Cache: Redis when REDIS_URL is set (shared by every app server), otherwise this process's own memory
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "fp"),
            # Fail fast when Redis is down (health check, pages) instead of waiting for the worker timeout.
            "OPTIONS": {
                "socket_connect_timeout": float(os.environ.get("REDIS_TIMEOUT", "2")),
                "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "2")),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "federation-portal"}}
# Is the cache the same for every process that serves the site? Then the site version (core.caching) is read
# from it; otherwise from its database row, so that a change made by any process is seen by all.
SHARED_CACHE = env_bool("SHARED_CACHE", default=bool(REDIS_URL))

# Background work (Celery, federation_portal/celery.py): Redis as the broker in production. Without a broker
# (the demo, the tests) tasks run at once in the process that asks for them.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves it for another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "federation-portal")
# A page that cannot reach the broker does not wait for it: the message stays queued for the sweep below.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs, run by `celery beat` (one per site).
OUTBOX_SWEEP_SECONDS = float(os.environ.get("OUTBOX_SWEEP_SECONDS", "60"))
OUTBOX_SWEEP_AFTER_SECONDS = float(os.environ.get("OUTBOX_SWEEP_AFTER_SECONDS", "120"))  # queued, no worker yet
CELERY_BEAT_SCHEDULE = {
    "community-confirmations": {
        "task": "communities.tasks.confirm_unreviewed_activities",
        "schedule": crontab(hour="3", minute="40"),
    },
    "outbox-retry-due": {"task": "core.tasks.retry_due", "schedule": OUTBOX_SWEEP_SECONDS},
    "event-reminders": {"task": "events.tasks.send_event_reminders", "schedule": 600.0},
    # In the daytime only (CELERY_TIMEZONE): an evening event's attendees are asked the next morning.
    "feedback-invitations": {
        "task": "events.tasks.send_feedback_invitations",
        "schedule": crontab(hour="9-20", minute="15"),
    },
    "monthly-duty-reminders": {
        "task": "events.tasks.remind_monthly_duty",
        "schedule": crontab(day_of_month="20", hour="9", minute="0"),
    },
    "contract-reminders": {
        "task": "contracts.tasks.remind_overdue_self_assessments",
        "schedule": crontab(hour="9", minute="5"),
    },
    "purge-personal-data": {"task": "events.tasks.purge_personal_data", "schedule": crontab(hour="3", minute="20")},
    "team-filings": {"task": "incubation.tasks.check_team_filings", "schedule": crontab(hour="8", minute="30")},
}

# Whole public pages for visitors who are not logged in are kept this many seconds at most (a change of the
# data shows on the next request whatever this says; federation_portal/pagecache.py). 0 turns it off. Off by
# default in production without Redis: each gunicorn worker would keep its own copy and its own version.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS") or ("60" if REDIS_URL or not IS_PRODUCTION else "0"))

# Sessions: in the database by default; SESSION_ENGINE=cache (Redis only) or cached_db (Redis in front of
# the database, survives a Redis restart). Any gunicorn worker or app server can serve any request.
SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}
SESSION_ENGINE = os.environ.get("SESSION_ENGINE") or "db"
SESSION_ENGINE = SESSION_ENGINES.get(SESSION_ENGINE, SESSION_ENGINE)
if "backends.cache" in SESSION_ENGINE and not REDIS_URL:
    # Each process would keep its own sessions: people would be logged out at random.
    raise ImproperlyConfigured("SESSION_ENGINE=cache or cached_db needs a shared cache: set REDIS_URL.")

# Logging: to stderr, one JSON object per line (LOG_FORMAT=json, the default when DEBUG is off) with the
# request id; readable text in development. No request bodies, no query strings, masked phone numbers.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "federation_portal.logs.RequestIDFilter"}},
    "formatters": {
        "json": {"()": "federation_portal.logs.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own handlers go: its console one would print twice, and mail_admins would mail request bodies.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# Error reports to a Sentry-compatible server when SENTRY_DSN is set, personal data scrubbed (federation_portal/errors).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from federation_portal.errors import init as init_error_reports

    init_error_reports(SENTRY_DSN, environment=ENVIRONMENT, release=os.environ.get("SENTRY_RELEASE", ""))

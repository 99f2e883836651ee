"""BVCT settings: one file, every value from the environment (documented in .env.example).

Defaults are those of a developer's machine (`make run`): the embedded PostgreSQL under var/,
served on 127.0.0.1 only. A deployment sets the production values listed in docs/deployment.md;
`manage.py check --deploy --fail-level WARNING` passes with them (tests/test_settings.py).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from bvct.core.devdb import default_url

BASE_DIR = Path(__file__).resolve().parent.parent  # src/
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("BVCT_VAR_DIR", REPO_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    raw = os.environ.get(name) or default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    # A generated key is allowed by default only with the embedded development database (no
    # DATABASE_URL): a deployment names its PostgreSQL, so it must name its key too.
    embedded_db = not os.environ.get("DATABASE_URL")
    if not DEBUG and not env_bool("BVCT_ALLOW_GENERATED_SECRET_KEY", embedded_db):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set (or BVCT_ALLOW_GENERATED_SECRET_KEY=true on a "
            "developer's machine whose DATABASE_URL is set)"
        )
    # A developer's machine: one random key kept under var/, never in the repository.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bvct.core",
    "bvct.orgs",
    "bvct.accounts",
    "bvct.audit",
    "bvct.people",
    "bvct.home",
    "bvct.demo",
    "bvct.vetting",
    "bvct.positions",
    "bvct.documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bvct.core.middleware.RequestContextMiddleware",
    "bvct.core.middleware.ContentSecurityPolicyMiddleware",
    "bvct.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bvct.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bvct.core.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages and htmx: an expired session is answered with a message or HX-Redirect.
    "bvct.accounts.middleware.SessionLifetimeMiddleware",
    "bvct.accounts.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bvct" / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", default_url()))}
# Every process takes its connections from one pool of at most BVCT_DB_POOL_MAX (its threads
# wait up to BVCT_DB_POOL_TIMEOUT seconds for one, then the request fails with a clear error):
# the server never holds more than processes × this, whatever the traffic, and gives them back.
# 0 turns the pool off (a connection per request).
DB_POOL_MAX = env_int("BVCT_DB_POOL_MAX", 10)
# The production server caps each worker's address space (config/wsgi.py, core/limits.py): a
# request that would take more fails alone instead of the kernel killing the process. 0: none.
BVCT_WORKER_MEMORY_MB = env_int("BVCT_WORKER_MEMORY_MB", 3072)
if DB_POOL_MAX > 0:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX,
        "timeout": env_int("BVCT_DB_POOL_TIMEOUT", 10),
        "max_idle": 60,
        # Django checks each connection as the pool hands it out (check_connection): after a
        # database restart a dead one is replaced instead of failing a request.
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["bvct.accounts.backends.ThrottledModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("BVCT_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions: idle timeout and absolute lifetime (bvct.accounts.middleware enforces both).
BVCT_SESSION_IDLE_SECONDS = env_int("BVCT_SESSION_IDLE_SECONDS", 15 * 60)
BVCT_SESSION_MAX_SECONDS = env_int("BVCT_SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = BVCT_SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", False)
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_NAME = env_str("DJANGO_SESSION_COOKIE_NAME", "bvct_session")

# Failed-login throttling (docs/permissions.md explains the numbers): growing delays for one
# name from one address after a few failures; a lock on the name, from everywhere, only after
# the consecutive failures NIST SP 800-63B allows at most; a lock on an address guessing
# across many names.
BVCT_LOGIN_FREE_FAILURES = env_int("BVCT_LOGIN_FREE_FAILURES", 5)
BVCT_LOGIN_FIRST_DELAY_SECONDS = env_int("BVCT_LOGIN_FIRST_DELAY_SECONDS", 30)
BVCT_LOGIN_MAX_FAILURES = env_int("BVCT_LOGIN_MAX_FAILURES", 100)
BVCT_LOGIN_LOCKOUT_SECONDS = env_int("BVCT_LOGIN_LOCKOUT_SECONDS", 15 * 60)
BVCT_LOGIN_MAX_FAILURES_PER_IP = env_int("BVCT_LOGIN_MAX_FAILURES_PER_IP", 100)

# Transport security: on for production behind TLS (docs/deployment.md).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BVCT_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Take the client address from X-Forwarded-For only behind a trusted reverse proxy.
BVCT_TRUST_X_FORWARDED_FOR = env_bool("BVCT_TRUST_X_FORWARDED_FOR", False)
BVCT_CSP = env_str("BVCT_CSP", "") or (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = env_str("DJANGO_LANGUAGE_CODE", "vi")
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # pages work before collectstatic, e.g. in tests

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with WWW-Authenticate, not 403.
        "bvct.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "bvct.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BVCT API",
    "DESCRIPTION": "Hệ thống quản lý công tác bảo vệ chính trị nội bộ",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the public Swagger validator: the LAN reaches nothing outside.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One name per choice set that several fields share (clients get one enum each).
    "ENUM_NAME_OVERRIDES": {
        "ClassificationEnum": "bvct.positions.api.LEVELS",
        "CatalogueKindEnum": "bvct.positions.constants.CatalogueKind",
        "HoldingKindEnum": "bvct.positions.constants.HoldingKind",
        "DecisionKindEnum": "bvct.positions.constants.DecisionKind",
        "CaseStateEnum": "bvct.vetting.constants.CaseState",
        "CaseOriginEnum": "bvct.vetting.constants.CaseOrigin",
        "CheckStatusEnum": "bvct.vetting.constants.CheckStatus",
        "FindingStatusEnum": "bvct.vetting.constants.FindingStatus",
        "FindingPeriodEnum": "bvct.vetting.constants.FindingPeriod",
        "OutcomeEnum": "bvct.vetting.constants.Outcome",
        "DutyEnum": "bvct.vetting.constants.Duty",
        "ReportedChangeKindEnum": "bvct.vetting.constants.ChangeKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bvct.core.api.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "bvct.core.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("BVCT_LOG_LEVEL", "INFO")},
    # Django's own loggers go through the same redacting handler (not its DEBUG console).
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# Largest file import_dossiers accepts (data rows; a 100,000-member province is ~1.1 million).
BVCT_IMPORT_MAX_ROWS = env_int("BVCT_IMPORT_MAX_ROWS", 2_000_000)
BVCT_IMPORT_MAX_BYTES = env_int("BVCT_IMPORT_MAX_BYTES", 500_000_000)
# What an XLSX upload may expand to, and the longest cell: bounds on a process's memory.
BVCT_IMPORT_MAX_EXPANDED_BYTES = env_int("BVCT_IMPORT_MAX_EXPANDED_BYTES", 400_000_000)
BVCT_IMPORT_MAX_CELL_CHARS = env_int("BVCT_IMPORT_MAX_CELL_CHARS", 5_000)
# PostgreSQL work_mem inside an import's transaction only (sorts and hashes over the file).
BVCT_IMPORT_WORK_MEM = env_str("BVCT_IMPORT_WORK_MEM", "256MB")

# Demo data (`seed_demo`): set false on a real deployment so it can never be loaded there.
BVCT_DEMO_ALLOWED = env_bool("BVCT_DEMO_ALLOWED", True)
BVCT_AUDIT_VERIFY_WORKERS = env_int("BVCT_AUDIT_VERIFY_WORKERS", 0)  # 0: one per core, at most 4
CSRF_FAILURE_VIEW = "bvct.core.views.csrf_failure"

"""Cabas settings: one module, every knob read from the environment."""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    # A fixed key is acceptable only for local development and tests.
    "cabas-insecure-development-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # django-ninja's templates and Swagger UI files: the API docs load nothing from a CDN.
    "ninja",
    "corsheaders",
    "cabas.accounts",
    "cabas.geo",
    "cabas.territories",
    "cabas.shops",
    "cabas.catalog",
    "cabas.tasks",
    "cabas.fulfilment",
    "cabas.cart",
    "cabas.orders",
    "cabas.ledger",
    "cabas.vouchers",
    "cabas.payments",
    "cabas.loyalty",
    "cabas.notifications",
    "cabas.search",
    "cabas.demo",
    "cabas.apitokens",
    "cabas.backoffice",
    "cabas.audit",
    "cabas.pages",
    "cabas.courier",
    "cabas.reports",
    "cabas.settlements",
    "cabas.console",
    "cabas.habits",
    "cabas.planner",
    "cabas.privacy",
    "cabas.discovery",
    "cabas.api",
    "cabas.web",
    "cabas.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (policy: cabas/web/csp.py).
    "cabas.web.csp_middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware: a cross-origin preflight is answered as it arrives.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cabas.territories.middleware.TerritoryDomainMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cabas.urls"
WSGI_APPLICATION = "cabas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cabas.web.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file (WAL, IMMEDIATE transactions) unless DATABASE_URL says otherwise.
SQLITE_PATH = BASE_DIR / "var" / "cabas.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A new connection per request unless SQLITE_CONN_MAX_AGE says otherwise: the
    # production gunicorn config (cabas/gunicorn.conf.py, a fixed thread pool) keeps
    # them, which saves the PRAGMAs and the schema parse of every request.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("SQLITE_CONN_MAX_AGE", "0"))
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers take the lock when the transaction starts, so two writers
            # never deadlock on a read-to-write upgrade; readers keep reading (WAL).
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA cache_size=-64000;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA mmap_size=268435456;"
            ),
        }
    )
    # The test database is a file, not memory: race tests open it from several threads.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("SQLITE_TEST_NAME")
        or os.path.join(tempfile.gettempdir(), f"cabas-test-{os.getpid()}.sqlite3")
    }
else:
    # One test database per test process: concurrent runs on a shared server never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("TEST_DATABASE_NAME")
        or f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:index"
LOGOUT_REDIRECT_URL = "web:index"

# A PostgreSQL streaming replica for catalogue and search reads (cabas/ops/routers.py):
# writes, transactions and every request that just wrote stay on the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "5"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["cabas.ops.routers.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "cabas.ops.middleware.PrimaryPinMiddleware",
    )

# Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "cabas" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Production (deploy/) sets STATIC_MANIFEST=1 and runs collectstatic: hashed, compressed
# files served by whitenoise with far-future caching. Development and tests serve the
# files straight from the apps' static folders.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

# Map tiles: OpenStreetMap by default, any XYZ template can replace it.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# Email: EMAIL_URL (smtp://user:pass@host:port, console:, locmem:) or the usual EMAIL_* names.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL.startswith("console:"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
elif EMAIL_URL.startswith(("smtp://", "smtps://")):
    from urllib.parse import unquote, urlparse

    _email = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = "tls=1" in (_email.query or "")
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND",
        "django.core.mail.backends.smtp.EmailBackend"
        if os.environ.get("EMAIL_HOST")
        else "django.core.mail.backends.console.EmailBackend",
    )
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cabas <no-reply@cabas.localhost>")
# The public address of the site, for absolute links in emails (https://cabas.example.org).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Privacy (docs/privacy.md): a shopper account unused this long is erased (3 years, as the
# CNIL recommends), after an e-mail warning sent this many days before.
PRIVACY_INACTIVE_ACCOUNT_DAYS = int(os.environ.get("PRIVACY_INACTIVE_ACCOUNT_DAYS", "1095"))
PRIVACY_INACTIVITY_WARNING_DAYS = 30

# Web push for availability alerts (optional): keys made by `manage.py webpush_keys`,
# contact a mailto: or https: URL for the push services. Without keys, no push option.
WEBPUSH_VAPID_PRIVATE_KEY = os.environ.get("WEBPUSH_VAPID_PRIVATE_KEY", "")
WEBPUSH_VAPID_PUBLIC_KEY = os.environ.get("WEBPUSH_VAPID_PUBLIC_KEY", "")
WEBPUSH_CONTACT = os.environ.get("WEBPUSH_CONTACT", "")
# Tests only: accept http:// push endpoints on the loopback (a local fake push service).
WEBPUSH_ALLOW_HTTP_LOOPBACK = env_bool("WEBPUSH_ALLOW_HTTP_LOOPBACK", False)

# Cache: Redis when REDIS_URL is set, local memory otherwise.
# Online payment: "stripe" (with the keys below), "fake" (local simulator, demo only),
# anything else = pay on pickup or delivery only.
PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER", "")
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Storefront pages for visitors without a session are kept this many seconds in that cache
# (cabas/web/page_cache.py: prices, stock and slot fill shown at most this old); 0: off.
STOREFRONT_PAGE_SECONDS = int(os.environ.get("STOREFRONT_PAGE_SECONDS", "10"))
# With Redis, sessions are read from the cache and written through to the database
# (no lost cart when Redis restarts); every web instance sees the same sessions.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# Security: safe defaults that production tightens through the environment.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and "SECRET_KEY" in os.environ)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS once the site is served over TLS only (deploy/cabas.env.example sets SECURE_COOKIES=1).
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SESSION_COOKIE_SECURE else "0")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SESSION_COOKIE_SECURE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SESSION_COOKIE_SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Behind our own nginx (deploy/), the client's address is the last X-Forwarded-For entry;
# login throttling counts per client address.
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)

# Content-Security-Policy (django-csp): no inline script or style anywhere, so no
# 'unsafe-inline'; images from here, the map tiles' host and the product photos' hosts
# (Open Food Facts by default; CSP_IMAGE_HOSTS lists others, comma-separated).
CSP_IMAGE_HOSTS = env_list(
    "CSP_IMAGE_HOSTS", "https://static.openfoodfacts.org,https://images.openfoodfacts.org"
)
from cabas.web.csp import content_security_policy  # noqa: E402 (needs the values above)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": content_security_policy(
        tile_url=MAP_TILE_URL,
        image_hosts=CSP_IMAGE_HOSTS,
        media_url=MEDIA_URL,
        static_url=STATIC_URL,
        payment_provider=PAYMENT_PROVIDER,
    )
}

# API rate limits (cabas/api/ratelimit.py): requests per minute, per client IP without a
# token, per token with one; writes (POST, PUT, PATCH, DELETE) count against a lower limit too.
# Generous per IP: phones on a carrier's shared address (CGNAT) look like one client.
API_RATE_LIMIT_ANONYMOUS = int(os.environ.get("API_RATE_LIMIT_ANONYMOUS", "300"))
API_RATE_LIMIT_ANONYMOUS_WRITES = int(os.environ.get("API_RATE_LIMIT_ANONYMOUS_WRITES", "120"))
API_RATE_LIMIT_TOKEN = int(os.environ.get("API_RATE_LIMIT_TOKEN", "1200"))
API_RATE_LIMIT_TOKEN_WRITES = int(os.environ.get("API_RATE_LIMIT_TOKEN_WRITES", "600"))

# CORS, for the JSON API only: browsers of the origins listed may call it (no cookies:
# integrators authenticate with a Bearer token). None by default.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
CORS_URLS_REGEX = r"^/api/v1/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = (
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-checkout-token",
)
CORS_EXPOSE_HEADERS = (
    "Content-Language",
    "Idempotent-Replayed",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
)
CORS_PREFLIGHT_MAX_AGE = 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Demo data shipped with the repository (ODbL, see data/README.md).
DATA_DIR = BASE_DIR / "data"

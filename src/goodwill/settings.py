"""The one settings module. Defaults need no configuration.

Environment:
  GOODWILL_DATA_DIR     data folder (default: the platform's user data folder)
  DATABASE_URL          PostgreSQL (or SQLite) URL; default SQLite in the data folder
  GOODWILL_SECRET_KEY   overrides the key generated into the data folder
  GOODWILL_DEBUG        1 to turn debug on (off by default)
  GOODWILL_ALLOWED_HOSTS comma-separated host names (default: loopback names)
  GOODWILL_SECURE       1 behind HTTPS: secure cookies, HSTS, SSL redirect
  GOODWILL_STORE_BODIES 1 to keep message bodies from imports (off by default)
  GOODWILL_EMAIL_URL    smtp://user:pass@host:port (default: print e-mail to the console)
  GOODWILL_MAX_UPLOAD_MB largest upload on the import page, in MB (default 2048)
  GOODWILL_MAX_REQUEST_MB largest request body besides uploads, in MB (default 2.5; over: 413)
  GOODWILL_CSP          the Content-Security-Policy header (default: goodwill.web.guards)
  GOODWILL_SQLITE_BUSY_MS how long a SQLite write waits for another writer (default 20000)
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from goodwill import config

PACKAGE_DIR = Path(__file__).resolve().parent

DATA_DIR = config.data_dir()
config.ensure_data_dir(DATA_DIR)
SECRET_KEY = config.load_secret_key(DATA_DIR)
DEBUG = config.env_flag("GOODWILL_DEBUG")
SECURE = config.env_flag("GOODWILL_SECURE")
STORE_MESSAGE_BODIES = config.env_flag("GOODWILL_STORE_BODIES")
MAX_UPLOAD_BYTES = int(os.environ.get("GOODWILL_MAX_UPLOAD_MB", "2048")) * 1024 * 1024
# The largest request body outside file uploads (JSON, forms): larger ones answer 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("GOODWILL_MAX_REQUEST_MB", "2.5")) * 1024**2)
_csp = os.environ.get("GOODWILL_CSP")
if _csp is not None:
    CONTENT_SECURITY_POLICY = _csp.strip()  # empty: no policy header

ALLOWED_HOSTS = config.env_list("GOODWILL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("GOODWILL_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "goodwill.people",
    "goodwill.activity",
    "goodwill.imports",
    "goodwill.api",
    "goodwill.practice",
    "goodwill.workspaces",
    "goodwill.web",
]

MIDDLEWARE = [
    "goodwill.web.timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "goodwill.web.guards.RequestGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: it runs the view itself, again if SQLite's writer was busy too long.
    "goodwill.web.retry.RetryWhenLockedMiddleware",
]

ROOT_URLCONF = "goodwill.urls"
WSGI_APPLICATION = "goodwill.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": config.database_config(os.environ.get("DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (imports from the web, map layouts, digests) is queued in the database and
# run by `goodwill worker` (which `goodwill serve` starts): no broker, every process sees it.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "imports"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("GOODWILL_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # only `collectstatic` writes here
STATIC_ROOT.mkdir(exist_ok=True)
# Assets come from installed packages (django-htmx, ninja, ours); whitenoise serves
# them straight from the finders, so no collectstatic step and never a CDN.
WHITENOISE_USE_FINDERS = True
# Plotly's own bundled browser build, served as /static/plotly/plotly.min.js (the charts and map).
STATICFILES_DIRS = [
    ("plotly", str(Path(importlib.util.find_spec("plotly").origin).parent / "package_data"))
]  # type: ignore[arg-type]
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("GOODWILL_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

_email_url = os.environ.get("GOODWILL_EMAIL_URL")
if _email_url:
    from urllib.parse import unquote, urlsplit

    _parts = urlsplit(_email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _parts.hostname or "localhost"
    EMAIL_PORT = _parts.port or 25
    EMAIL_HOST_USER = unquote(_parts.username or "")
    EMAIL_HOST_PASSWORD = unquote(_parts.password or "")
    EMAIL_USE_TLS = _parts.scheme == "smtp+tls"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("GOODWILL_FROM_EMAIL", "goodwill@localhost")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_MAX_PER_PAGE_SIZE = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

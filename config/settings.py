"""One settings file for every environment; environments differ only by their variables.

Every variable is documented in `.env.example`.
"""

from pathlib import Path

import dj_database_url

from config.env import envbool, envchoice, envint, envlist, envregionpath, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DJANGO_DEBUG", False)

# The fallback key is public: `check --deploy` flags it (security.W009) and the WSGI
# entry point refuses to serve with it unless DEBUG is on.
INSECURE_DEV_SECRET_KEY = "django-insecure-dev-only-key-set-DJANGO_SECRET_KEY-in-production"
SECRET_KEY = envstr("DJANGO_SECRET_KEY", "") or INSECURE_DEV_SECRET_KEY

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "import_export",
    "accounts",
    "disclosure",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite in the project when DATABASE_URL is unset, so a fresh checkout just runs;
# PostgreSQL (psycopg 3) in production and CI.
_DEFAULT_DB = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", "") or _DEFAULT_DB,
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    if DATABASES["default"]["NAME"] == str(VAR_DIR / "db.sqlite3"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "disclosure:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
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
WHITENOISE_USE_FINDERS = DEBUG

# Uploaded workbooks: a department's workbook is a few hundred kilobytes; refuse far larger.
PORTAL_MAX_UPLOAD_BYTES = envint("PORTAL_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = PORTAL_MAX_UPLOAD_BYTES + 1024 * 1024
# A PDF upload (for the PDF reader): refused before it is parsed when it declares more pages
# or holds more objects than these, and reading stops once its text exceeds
# PORTAL_PDF_MAX_CHARS characters or PORTAL_PDF_MAX_SECONDS seconds
# (disclosure/importing/sources.py: pdf_guard, PdfBudget).
PORTAL_PDF_MAX_PAGES = envint("PORTAL_PDF_MAX_PAGES", 300)
PORTAL_PDF_MAX_OBJECTS = envint("PORTAL_PDF_MAX_OBJECTS", 200_000)
PORTAL_PDF_MAX_CHARS = envint("PORTAL_PDF_MAX_CHARS", 2_000_000)
PORTAL_PDF_MAX_SECONDS = envint("PORTAL_PDF_MAX_SECONDS", 20)
# Any request body above this is refused (413) before it is read (config/security.py), so
# an oversized upload never reaches a temporary file even without the reverse proxy.
PORTAL_MAX_REQUEST_BYTES = envint("PORTAL_MAX_REQUEST_BYTES", PORTAL_MAX_UPLOAD_BYTES + 2**20)

# Production hardening: on whenever DEBUG is off, each switchable for a TLS-terminating proxy.
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("DJANGO_BEHIND_TLS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = envint("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = envbool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("DJANGO_LOG_LEVEL", "INFO")},
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Background work (building a disclosure's PDFs when it is published). With DEBUG off the
# build is queued in the database for a worker (`manage.py db_worker`), so publishing never
# renders inside the request; PORTAL_TASKS_BACKEND=immediate runs it inline, in the process
# that enqueues it (the default with DEBUG on, for development and the demo).
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS[
            envchoice(
                "PORTAL_TASKS_BACKEND", tuple(_TASK_BACKENDS), "immediate" if DEBUG else "database"
            )
        ]
    }
}
# A failed PDF build is retried by the worker up to PORTAL_PDF_BUILD_ATTEMPTS attempts in
# all, waiting PORTAL_PDF_RETRY_SECONDS after the first failure and four times longer after
# each further one; then it stays failed, shown to reviewers with a rebuild button.
PORTAL_PDF_BUILD_ATTEMPTS = envint("PORTAL_PDF_BUILD_ATTEMPTS", 4)
PORTAL_PDF_RETRY_SECONDS = envint("PORTAL_PDF_RETRY_SECONDS", 60)

# How many trusted reverse proxies in front of the portal append to X-Forwarded-For (0: the
# client is REMOTE_ADDR; 1 behind the documented nginx). The sign-in lockout and the API's
# rate limit both key on the client address read with it (config/client_ip.py).
# PORTAL_API_NUM_PROXIES is its former name, still read when the new one is unset.
PORTAL_TRUSTED_PROXIES = envint("PORTAL_TRUSTED_PROXIES", envint("PORTAL_API_NUM_PROXIES", 0))

# Open data and the read-only API (/api/v1/): anonymous, GET only, rate limited per client
# address; cross-origin reads allowed on /api/ only. PORTAL_API_RATE is DRF's rate syntax
# (120/minute, 5000/day). The client address is read by config.client_ip (see
# PORTAL_TRUSTED_PROXIES).
INSTALLED_APPS += [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
    "corsheaders.middleware.CorsMiddleware",
)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "disclosure.api.pagination.Pagination",
    "PAGE_SIZE": envint("PORTAL_API_PAGE_SIZE", 50),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["disclosure.api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": envstr("PORTAL_API_RATE", "120/minute")},
    "NUM_PROXIES": PORTAL_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "决算公开平台 开放数据 API",
    "DESCRIPTION": (
        "已公开的部门决算，只读。每个部门每个年度只给出当前公开的版本；草稿、报送中和"
        "已批复未公开的版本不会出现。金额是字符串形式的十进制数（如 “9733858.45”），"
        "单位见每张表的 unit；原表印“—”的格子在 marks 中。列表分页（page、page_size），"
        "可按年度（year）和部门代码（department）筛选。匿名访问，按来源地址限速，"
        "超出时返回 429 和 Retry-After。整年数据另有 Fiscal Data Package 下载（见 years）。"
    ),
    "VERSION": "1.0.0",
    "TAGS": [
        {"name": "departments", "description": "部门"},
        {"name": "years", "description": "年度与整年数据包"},
        {"name": "disclosures", "description": "已公开的决算"},
        {"name": "tables", "description": "决算中的表及其行"},
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# WeasyPrint reports each step of every PDF build at INFO: keep its warnings only.
LOGGING.setdefault("loggers", {})["weasyprint.progress"] = {"level": "WARNING"}

# Signing in: failed logins are throttled per username and client address (django-axes);
# after PORTAL_LOGIN_FAILURES failures that username is locked for that address for
# PORTAL_LOGIN_COOLOFF_MINUTES, so a stranger elsewhere cannot lock a known user out. The
# address is the real client's (PORTAL_TRUSTED_PROXIES), not the proxy's. Administrators
# see and lift locks in the admin (Axes › 访问尝试).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("PORTAL_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = envint("PORTAL_LOGIN_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
LOGGING.setdefault("loggers", {})["axes"] = {"level": "WARNING"}
SESSION_COOKIE_AGE = envint("PORTAL_SESSION_SECONDS", 8 * 3600)

# Who publishes an approved disclosure: the finance bureau only ("reviewer"), or also the
# department itself ("department").
PORTAL_PUBLISHER = envchoice("PORTAL_PUBLISHER", ("reviewer", "department"), "reviewer")
# The region (行政区划) that departments without one belong to: where the migration puts the
# departments that existed before regions, and where an import creates a new department.
# A path from the top, "code:name" steps joined by "/", each code a 6-digit 行政区划代码.
PORTAL_DEFAULT_REGION = envregionpath("PORTAL_DEFAULT_REGION", "530000:云南省/530400:玉溪市")
# Days between the finance bureau's approval (批复) and the latest publication (预算法 §14).
PORTAL_PUBLISH_WITHIN_DAYS = envint("PORTAL_PUBLISH_WITHIN_DAYS", 20)

# Admin imports: an uploaded file waits here (one directory per user, an unguessable name)
# between its preview and the confirmation. Not served; swept after a day.
PORTAL_UPLOAD_DIR = Path(envstr("PORTAL_UPLOAD_DIR", "") or str(VAR_DIR / "uploads"))

# The cache: REDIS_URL (redis://127.0.0.1:6379/0) makes every app server and worker share one
# Redis through Django's cache framework, so that a publication reaches all of them at once;
# without it each process keeps its own in memory (right for one process, or development).
# Anonymous readers get whole public pages from it (disclosure/pagecache.py), kept at most
# PORTAL_PAGE_CACHE_SECONDS (0 turns the page cache off).
REDIS_URL = envstr("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "config.redis_cache.PooledRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("PORTAL_CACHE_PREFIX", "portal"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
PORTAL_PAGE_CACHE_SECONDS = envint("PORTAL_PAGE_CACHE_SECONDS", 300)
# Seconds a process may trust the page generation it last read from the shared cache before
# reading it again (0: on every request). Other processes see a publication up to that late.
PORTAL_PAGE_GENERATION_SECONDS = envint("PORTAL_PAGE_GENERATION_SECONDS", 0)

# Object storage for generated files (the PDFs): with PORTAL_S3_BUCKET set they go to that
# S3-compatible bucket through django-storages; otherwise to DJANGO_MEDIA_ROOT on local disk.
# Without access keys, boto3's own chain applies (AWS_* variables, an instance role).
PORTAL_S3_BUCKET = envstr("PORTAL_S3_BUCKET", "")
if PORTAL_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PORTAL_S3_BUCKET,
            "location": envstr("PORTAL_S3_PREFIX", ""),
            "endpoint_url": envstr("PORTAL_S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("PORTAL_S3_REGION", "") or None,
            "access_key": envstr("PORTAL_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": envstr("PORTAL_S3_SECRET_ACCESS_KEY", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }

# A year's open-data package is built on request (and cached) while the year has at most
# this many published disclosures; above it, in the background (disclosure/opendata/prebuilt.py).
PORTAL_PACKAGE_BUILD_ON_REQUEST = envint("PORTAL_PACKAGE_BUILD_ON_REQUEST", 100)

# The licence of the open data (/data/, each year's datapackage.json): an SPDX-style name,
# its title and where its text is. The publishing authority decides it; the default is
# CC BY 4.0 (reuse with attribution), a common choice for government open data.
PORTAL_DATA_LICENSE = {
    "name": envstr("PORTAL_DATA_LICENSE_NAME", "CC-BY-4.0"),
    "title": envstr("PORTAL_DATA_LICENSE_TITLE", "知识共享署名 4.0 国际许可协议（CC BY 4.0）"),
    "path": envstr("PORTAL_DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/"),
}

"""Settings for the clearinghouse: one module, every deployment knob read from the environment.

Every variable is listed, with its default, in the README's "Configuration" table.
"""

import hashlib
import os
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from clearinghouse.environment import UNUSED_BROWSER_FEATURES, choice, proxy_addresses
from clearinghouse.log_filters import logging_config
from clearinghouse.mailers import mailer_from_url

BASE_DIR = Path(__file__).resolve().parent.parent

# `make run` writes local settings into .env (git-ignored; scripts/local_env.py): a generated
# SECRET_KEY and plain HTTP, with DEBUG off, so that a developer sees what visitors see and
# every manage.py command in the README works as written. Variables already set win. A server
# has no such file (the image leaves it out), and the tests read none (LOCAL_ENV_FILE empty).
LOCAL_ENV_FILE = os.environ.get("LOCAL_ENV_FILE", str(BASE_DIR / ".env"))
if LOCAL_ENV_FILE and Path(LOCAL_ENV_FILE).is_file():
    environ.Env.read_env(LOCAL_ENV_FILE)

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A production secret has no default: a deployment that forgets it must not start
# with a key anyone can read in this file. The development key is marked insecure
# so that `check --deploy` (W009) flags it if it ever leaks into production.
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-development-only-key-do-not-deploy")
else:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
    except ImproperlyConfigured as error:
        raise ImproperlyConfigured(
            "Set the SECRET_KEY environment variable: it is required when DEBUG is off."
        ) from error

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin, so that its admin classes see the per-language fields.
    "modeltranslation",
    "clearinghouse.apps.ClearinghouseAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "import_export",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_ratelimit",
    # Staff sign-in with the district's identity provider (clearinghouse/oidc/).
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "clearinghouse",
    "pagecache",
    "vendors",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The header middleware sits outside WhiteNoise so that static files carry the same
    # headers as pages; the health checks answer before the host check and the database.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "clearinghouse.middleware.CrossOriginResourcePolicyMiddleware",
    "clearinghouse.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A stored public page is answered here, before the middleware it does not need. After
    # the session, whose Vary: Cookie only says a view looked at the (empty) session; a
    # CSRF token's Vary: Cookie, inside, keeps its page out of the cache.
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by the login view into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clearinghouse.urls"

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
                "django.template.context_processors.csp",
                "vendors.context_processors.district",
            ],
        },
    },
]

WSGI_APPLICATION = "clearinghouse.wsgi.application"

# SQLite in the project folder is the embedded default; production names PostgreSQL,
# e.g. postgres://user:pass@host:5432/clearinghouse?conn_max_age=600
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections: a cached page needs none, a render should not pay a connect.
# ?conn_max_age= in DATABASE_URL wins; health checks drop a connection the database closed.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles a query it thinks costly, and this site's queries are too
    # short for the compiling ever to pay back. The whole database fits in memory, where a
    # random read costs about what a sequential one does: at the default random_page_cost
    # the planner scanned every title rather than use the search index.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(
        filter(None, [options.get("options", ""), "-c jit=off", "-c random_page_cost=1.1"])
    )

# Rendered public pages and the content version that retires them (pagecache/) live in
# one store that every gunicorn worker shares: Redis with CACHE_URL (e.g.
# rediscache://127.0.0.1:6379/1), for several hosts; otherwise a file cache on this host.
# Not each worker's memory: gunicorn recycles workers (max_requests), and a fresh worker
# would have to render every page again, which it cannot do while the database is down.
# Like any Django file cache, the folder must be writable by the site alone (Django makes it
# 0700; in production point PAGE_CACHE_DIR at the app's own volume).
PAGE_CACHE_DIR = env.str(
    "PAGE_CACHE_DIR",
    default=str(
        Path(tempfile.gettempdir())
        / f"clearinghouse-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]}"
    ),
)
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{PAGE_CACHE_DIR}")}
if not env.str("CACHE_URL", default=""):
    # Django's file cache without its zlib layer (pagecache/filecache.py says why).
    CACHES["default"]["BACKEND"] = "pagecache.filecache.PageFileCache"
# Three entries per page and language (brotli, gzip, plain): room for a clearinghouse of a
# few thousand titles in three languages and the distinct searches of a busy day.
CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 50_000)
# The URL namespaces whose pages anyone may read, and so the page cache may keep.
PAGE_CACHE_NAMESPACES = ["vendors"]
# How long a rendered page may stay in the cache; the version retires it sooner.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)
# How long a browser or CDN may reuse a public page without asking again.
PUBLIC_PAGE_MAX_AGE = env.int("PUBLIC_PAGE_MAX_AGE", default=60)

# django-axes first: it refuses a locked-out username or address before any password check.
AUTHENTICATION_BACKENDS = [
    "clearinghouse.security.LockoutBackend",
    # Django's password check, which PASSWORD_SIGN_IN may keep for superusers alone.
    "clearinghouse.security.PasswordBackend",
    # Not a sign-in method: it keeps the sessions of people the identity provider signed in.
    "clearinghouse.oidc.backends.IdentityProviderBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("ht", "Kreyòl ayisyen"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Staff enter content in English first; an untranslated field shows the English text,
# marked lang="en" on the page (templatetags/clearinghouse.py), never a blank.
FORMAT_MODULE_PATH = ["clearinghouse.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded agreement documents. Nothing serves MEDIA_URL (not Django, gunicorn or
# WhiteNoise): a document goes out only through its download view, which checks that
# it is public. See vendors/documents.py.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The largest agreement document staff may upload, in megabytes.
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=20)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Spreadsheet import (django-import-export). Between the preview and the confirm the upload
# waits in MEDIA_ROOT, which every host shares, rather than in this host's temp folder: the
# confirm may reach another gunicorn. The admin removes it once it cannot be confirmed.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# The largest spreadsheet the import reads. A title is about 12 KB of CSV in three
# languages, so the default fits a 5,000-title export with room to spare.
IMPORT_MAX_BYTES = int(env.float("IMPORT_MAX_MB", default=80) * 1024 * 1024)
# A confirmed import of more rows than this runs in the task worker (`manage.py db_worker`)
# rather than in the request: 3,000 titles take about a minute, past a proxy's patience.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=500)
# Likewise the preview of a longer file than this: it writes nothing, so it goes further.
IMPORT_BACKGROUND_PREVIEW_ROWS = env.int("IMPORT_BACKGROUND_PREVIEW_ROWS", default=1000)
# Background work waits in the database itself: no broker, and SQLite keeps working.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT stays off: in 4.4.3 it only drops a leading "=",
# and writes an XLSX export's empty dates as "None". The resources quote formulas instead.

# HTTPS: on by default in production, configurable for a proxy that terminates TLS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A load balancer probes over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Nothing runs or loads from anywhere but this site; a template that truly needs an
# inline script or style uses {{ csp_nonce }}, which adds the nonce to the header.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}

CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # set by clearinghouse.middleware

PERMISSIONS_POLICY = {feature: [] for feature in UNUSED_BROWSER_FEATURES}

# Staff sessions end after this long without a request; each request extends them.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# How many proxies (load balancer, CDN) sit in front of the app and append to
# X-Forwarded-For. 0 trusts no header: the lockout then counts REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# ...and the header is believed only from a peer in this list: the variable gunicorn reads
# for X-Forwarded-Proto, in its syntax (addresses, CIDR networks, or * for any peer).
FORWARDED_ALLOW_IPS = proxy_addresses(env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"]))

# Failed admin sign-ins lock one username at one address, never a username everywhere
# or an address for everyone: a guesser can then lock out only themselves, or the one
# user they target on the network they share (clearinghouse.security.lockout_length).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_FIRST = timedelta(hours=env.float("LOGIN_LOCKOUT_HOURS", default=0.25))
LOGIN_FAILURE_MEMORY = timedelta(hours=env.float("LOGIN_FAILURE_MEMORY_HOURS", default=24))
AXES_COOLOFF_TIME = "clearinghouse.security.lockout_length"
# Each pair's record expires on its own: otherwise axes clears every record older than
# the lock length of whoever fails next, and a short lock's clean-up forgets a long one.
AXES_USE_ATTEMPT_EXPIRATION = True
# A try during a lock is refused uncounted: retrying early does not lengthen it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_CLIENT_IP_CALLABLE = "clearinghouse.security.client_ip"
# The lockout is a security event for the logs; axes's own messages repeat ours.
AXES_VERBOSE = False

# Two-factor authentication for the admin: staff may add a TOTP device; with this on,
# no one reaches the admin without one.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "Data Sharing Clearinghouse"

# Production logs one JSON object per line, for the log shipper; development stays readable.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = logging_config(LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))

# Mail to requesters, vendors, staff and subscribers: printed to the console until EMAIL_URL
# names a server (as production must: the deploy check says so).
MAILERS = {
    "default": mailer_from_url(
        env.email_url("EMAIL_URL", default="consolemail://"),
        timeout=env.int("EMAIL_TIMEOUT", default=10),
    )
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="clearinghouse@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The district's own email domains, for staff requests and sign-in.
DISTRICT_EMAIL_DOMAINS = env.list("DISTRICT_EMAIL_DOMAINS", default=[])
# The public address, for links in mail sent by commands (which have no request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Public forms are limited per address and per client (django-ratelimit) in the default
# cache: exact with Redis, approximate when requests race on the file cache (hence W001).
PUBLIC_FORM_RATE_PER_ADDRESS = env.str("PUBLIC_FORM_RATE_PER_ADDRESS", default="5/h")
PUBLIC_FORM_RATE_PER_CLIENT = env.str("PUBLIC_FORM_RATE_PER_CLIENT", default="30/h")
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# The admin's address; a district should pick its own (see the README).
ADMIN_URL = env.str("ADMIN_URL", default="admin/")

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# How often `manage.py send_reminders` mails staff their digest of what needs action: at
# most once per day or per ISO week (Monday to Sunday), however often cron runs it.
REMINDER_PERIOD = choice(env, "REMINDER_PERIOD", "weekly", ["daily", "weekly"])

# Staff sign-in with the district's OpenID Connect provider (Entra ID, Google Workspace),
# through django-allauth (clearinghouse/oidc/). Off until OIDC_ISSUER is set; the provider is
# first contacted when someone clicks the button, so the site starts while it is down.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_ALLOWED_DOMAINS = [
    domain.strip().lstrip("@").lower()
    for domain in env.list("OIDC_ALLOWED_DOMAINS", default=DISTRICT_EMAIL_DOMAINS)
    if domain.strip()
]
OIDC_ROLES_CLAIM = env.str("OIDC_ROLES_CLAIM", default="groups")
OIDC_EDITOR_VALUES = env.list("OIDC_EDITOR_VALUES", default=[])
OIDC_PUBLISHER_VALUES = env.list("OIDC_PUBLISHER_VALUES", default=[])
# "superusers": staff sign in only through the identity provider; the password form is left
# to a break-glass superuser made with createsuperuser.
PASSWORD_SIGN_IN = choice(env, "PASSWORD_SIGN_IN", "all", ["all", "superusers"])
ACCOUNT_ADAPTER = "clearinghouse.oidc.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "clearinghouse.oidc.adapters.SocialAccountAdapter"
# The provider has vouched for the address (email_verified is checked): allauth sends no mail.
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("OIDC_TIMEOUT", default=5)
if OIDC_ISSUER:
    # The login page's form posts here, and its answer redirects to the provider: a
    # browser applies form-action to that redirect too.
    _issuer = urlsplit(OIDC_ISSUER)
    SECURE_CSP["form-action"] = [*SECURE_CSP["form-action"], f"{_issuer.scheme}://{_issuer.netloc}"]
# The one app is built from the OIDC_ settings by the adapter, never read from the database.
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "provider_class": "clearinghouse.oidc.provider.DistrictProvider",
        "OAUTH_PKCE_ENABLED": True,
    }
}

# Review requests: how long the link that confirms a request's district address works.
REVIEW_REQUEST_LINK_HOURS = env.int("REVIEW_REQUEST_LINK_HOURS", default=72)

# Vendors' answers: how long an invitation link works, and whether an editor's change to a
# published title waits for a publisher (off: it goes live at once, as it always has).
VENDOR_LINK_DAYS = env.int("VENDOR_LINK_DAYS", default=30)
HOLD_EDITOR_CHANGES = env.bool("HOLD_EDITOR_CHANGES", default=False)

# Email digests to subscribed families (`manage.py send_digests`, run daily by cron): daily
# sends each subscriber what changed since their last message; weekly, at most once a week.
DIGEST_FREQUENCY = choice(env, "DIGEST_FREQUENCY", "daily", ["daily", "weekly"])

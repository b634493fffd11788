"""gunicorn settings for the clearinghouse: `gunicorn -c gunicorn.conf.py clearinghouse.wsgi`.

Every value can be overridden from the environment, so one image fits a laptop and
a production cluster.
"""

import multiprocessing
import os

# Loopback unless told otherwise: a gunicorn that anyone can reach directly lets them
# skip the proxy. The container image sets GUNICORN_BIND=0.0.0.0:8000, as containers must.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# The usual rule for synchronous workers; WEB_CONCURRENCY overrides it (e.g. in a
# container limited to fewer CPUs than the host has).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A page renders in milliseconds; anything near 30 s is stuck and should be recycled.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so that a slow leak can never take the site down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200

# Refuse oversized request lines and headers before Django sees them.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# The proxy in front of us sets X-Forwarded-Proto; trust it only from these addresses.
# Django reads the same variable to decide whose X-Forwarded-For the lockout believes.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No control socket: its default path is one per user account ($XDG_RUNTIME_DIR or
# ~/.gunicorn), so every gunicorn on the host shares it, and one stopping deletes the
# socket of another still running. Nothing here uses gunicornc.
control_socket_disable = True

# One JSON object per request on stdout, beside the app's JSON logs: method, path,
# status, size, duration, referer and agent; never cookies or request bodies.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "clearinghouse.gunicorn_logging.JsonAccessLogger"

# Load the app before forking: workers share its memory and start faster.
preload_app = True


def when_ready(server):
    """With preload_app the master has loaded Django. Before it forks, it also loads what
    each worker would otherwise load on its first request, the translation catalogs of
    every language: gunicorn replaces workers all the time (max_requests), and a new
    worker's first answer paid for them."""
    from django.conf import settings
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("")
    import gc

    gc.freeze()

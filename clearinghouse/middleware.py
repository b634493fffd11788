"""Site-wide middleware: a header Django lacks, health checks, and a calm face for outages."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse

logger = logging.getLogger("clearinghouse.availability")


class CrossOriginResourcePolicyMiddleware:
    """Cross-Origin-Resource-Policy on every response, static files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response


class HealthCheckMiddleware:
    """/healthz (the process answers) and /readyz (it can reach its database).

    They answer before the host check, so a load balancer may probe by IP address,
    and they say nothing but "ok" or "unavailable". /healthz never touches the
    database: an outage must not make every container look dead and get restarted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return self.plain("ok")
        if request.path == "/readyz":
            return self.ready()
        return self.get_response(request)

    @staticmethod
    def plain(text, status=200):
        response = HttpResponse(
            f"{text}\n", content_type="text/plain; charset=utf-8", status=status
        )
        response["Cache-Control"] = "no-store"
        return response

    def ready(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.warning("readiness check failed: database unreachable")
            return self.plain("unavailable", status=503)
        finally:
            # A probe every few seconds must not pin a connection per worker.
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
        return self.plain("ok")

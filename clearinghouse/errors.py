"""The site's 500 handler. A database that cannot be reached is an outage, not a bug: any
request that runs into it, in a view or in a middleware (a staff session being saved),
gets the styled 503 page with Retry-After, which needs nothing from the database."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 30


def server_error_or_outage(request):
    # Only "cannot reach the database": a broken query is a bug and stays a 500.
    if not isinstance(sys.exception(), OperationalError | InterfaceError):
        return server_error(request)
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response

"""Log records that never carry secrets or session data."""

import logging


class RequestSummaryFilter(logging.Filter):
    """Replace the request object Django attaches to its records with method and path.

    A structured formatter serialises every attribute of a record; a request's
    cookies, session and headers must not end up in the log store.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and not isinstance(request, str):
            record.request = f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}"
        return True

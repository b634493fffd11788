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


def logging_config(log_format, level):
    """Django's LOGGING: one JSON object per line (`json`, for a log shipper) or readable
    lines (`text`), each record stripped of the request by RequestSummaryFilter."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_summary": {"()": "clearinghouse.log_filters.RequestSummaryFilter"}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            },
            "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_summary"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }

"""gunicorn's access log as one JSON object per request, like the app's own logs.

gunicorn's format string does not escape quotes, so a path or user agent holding
one would break a hand-written JSON template; this serialises properly instead.
"""

import json
from datetime import UTC, datetime

from gunicorn import glogging

# Field name in the log -> gunicorn's atom. No cookies, headers or bodies.
FIELDS = {
    "remote": "h",
    "method": "m",
    "path": "U",
    "query": "q",
    "status": "s",
    "bytes": "B",
    "duration_ms": "M",
    "referer": "f",
    "agent": "a",
}


class JsonAccessLogger(glogging.Logger):
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": datetime.now(UTC).isoformat(),
            "level": "INFO",
            "logger": "gunicorn.access",
        }
        entry.update({name: atoms.get(atom) for name, atom in FIELDS.items()})
        entry["status"] = int(entry["status"])
        self.access_log.info("%s", json.dumps(entry, default=str))

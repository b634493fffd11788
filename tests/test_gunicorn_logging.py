"""The JSON access log (clearinghouse/gunicorn_logging.py) against gunicorn's own atoms."""

import json
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from clearinghouse.gunicorn_logging import JsonAccessLogger

# Field in the log -> the gunicorn atom it must equal.
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


@pytest.fixture
def logger():
    config = Config()
    config.set("accesslog", "-")
    return JsonAccessLogger(config)


def logged(logger, monkeypatch, *args):
    lines = []
    monkeypatch.setattr(logger.access_log, "info", lambda _format, line: lines.append(line))
    logger.access(*args)
    return [json.loads(line) for line in lines]


@pytest.mark.parametrize(
    "environ",
    [
        {
            "REMOTE_ADDR": "203.0.113.9",
            "REQUEST_METHOD": "GET",
            "RAW_URI": "/search/?q=%22math%22",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "PATH_INFO": "/search/",
            "QUERY_STRING": 'q="math"',
            "HTTP_REFERER": "https://schools.example/",
            "HTTP_USER_AGENT": 'Mozilla/5.0 "quoted"',
            "HTTP_COOKIE": "sessionid=c00kie-s3cret",
        },
        # No referer, agent or address: gunicorn's "-".
        {
            "REQUEST_METHOD": "HEAD",
            "RAW_URI": "/",
            "SERVER_PROTOCOL": "HTTP/1.0",
            "PATH_INFO": "/",
            "QUERY_STRING": "",
        },
    ],
)
def test_each_field_is_what_gunicorn_reports_and_no_cookie_is_logged(logger, monkeypatch, environ):
    response = SimpleNamespace(status="304 Not Modified", sent=1234, headers=[("Vary", "Cookie")])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=c00kie-s3cret")])
    took = timedelta(seconds=1, microseconds=234_567)
    [entry] = logged(logger, monkeypatch, response, request, environ, took)
    atoms = logger.atoms(response, request, environ, took)
    assert {name: entry[name] for name in FIELDS} == {
        name: int(atoms[atom]) if name == "status" else atoms[atom] for name, atom in FIELDS.items()
    }
    assert (entry["logger"], entry["level"]) == ("gunicorn.access", "INFO")
    assert "c00kie-s3cret" not in json.dumps(entry)


def test_nothing_is_logged_when_the_access_log_is_off(monkeypatch):
    quiet = JsonAccessLogger(Config())
    response = SimpleNamespace(status="200 OK", sent=1, headers=[])
    assert logged(quiet, monkeypatch, response, SimpleNamespace(headers=[]), {}, timedelta()) == []

"""What can be checked of the deployment without a Docker engine: the gunicorn config run
for real, the image's entry command, and the compose file's structure."""

# These tests start local processes and fetch from 127.0.0.1 on purpose.
# ruff: noqa: S310, S603

import json
import os
import re
import runpy
import subprocess
import sys
import time
import urllib.request
from http import HTTPStatus
from pathlib import Path

import pytest
import yaml

from tests.helpers import free_port, serving

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-9f8e7d6c5b4a3928171615141312",
    "SECURE_SSL_REDIRECT": "false",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "DATABASE_URL": "sqlite:///:memory:",
    "WEB_CONCURRENCY": "1",
}


# HEALTHCHECK's options, a continuation line, then its exec-form command.
HEALTHCHECK = r"^HEALTHCHECK [^\n]*\\\n\s+CMD (\[[^\n]*\])$"


def dockerfile():
    return (ROOT / "Dockerfile").read_text()


@pytest.fixture
def gunicorn_server(tmp_path):
    """gunicorn started exactly as the image's CMD starts it, on a free local port, with a
    runtime folder of its own (where gunicorn would put a control socket)."""
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile(), re.MULTILINE).group(1))
    port = free_port()
    environment = {
        **os.environ,
        **PRODUCTION_ENV,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "XDG_RUNTIME_DIR": str(tmp_path),
        "HOME": str(tmp_path),
    }
    executable = Path(sys.executable).parent / command[0]
    with serving(
        [str(executable), *command[1:]],
        port,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        yield server


def test_the_image_entry_command_serves_the_health_check(gunicorn_server):
    base, _process = gunicorn_server
    with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
        assert response.status == HTTPStatus.OK
        assert response.read() == b"ok\n"


def test_gunicorn_access_log_is_json_without_cookies(gunicorn_server):
    base, process = gunicorn_server
    request = urllib.request.Request(
        f"{base}/healthz?probe=1", headers={"Cookie": "sessionid=c00kie-s3cret"}
    )
    urllib.request.urlopen(request, timeout=2).read()
    process.terminate()
    output = process.communicate(timeout=10)[0]
    access = []
    for line in output.splitlines():
        if '"gunicorn.access"' in line:
            access.append(json.JSONDecoder().raw_decode(line[line.index("{") :])[0])
    entry = next(e for e in access if e["query"] == "probe=1")
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/healthz", 200)
    assert "c00kie-s3cret" not in output


def load_gunicorn_config(monkeypatch, **env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_workers_follow_the_cpu_count(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = load_gunicorn_config(monkeypatch)
    assert config["workers"] == os.cpu_count() * 2 + 1
    assert config["timeout"] == 30


def test_gunicorn_workers_can_be_set_from_the_environment(monkeypatch):
    assert load_gunicorn_config(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_gunicorn_listens_only_on_loopback_by_default(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    assert load_gunicorn_config(monkeypatch)["bind"] == "127.0.0.1:8000"


def test_the_image_listens_on_every_interface_of_its_container():
    assert re.search(r"^ENV GUNICORN_BIND=0\.0\.0\.0:8000$", dockerfile(), re.MULTILINE)


def test_gunicorn_config_turns_the_shared_control_socket_off(monkeypatch):
    assert load_gunicorn_config(monkeypatch)["control_socket_disable"] is True


def test_gunicorn_leaves_no_control_socket_where_another_gunicorn_would_find_it(
    gunicorn_server, tmp_path
):
    base, _process = gunicorn_server
    urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
    time.sleep(0.5)  # the control socket, when on, is made just after the workers start
    assert list(tmp_path.iterdir()) == []


def test_the_image_runs_as_a_non_root_user_with_a_healthcheck():
    text = dockerfile()
    assert text.startswith("# ") and "FROM python:3.13-slim" in text
    assert re.search(r"^USER clearinghouse$", text, re.MULTILINE)
    assert "manage.py collectstatic" in text
    healthcheck = re.search(HEALTHCHECK, text, re.MULTILINE)
    assert healthcheck is not None
    assert "/healthz" in healthcheck.group(1)


def test_the_healthcheck_command_runs_and_succeeds(gunicorn_server):
    base, _process = gunicorn_server
    command = json.loads(re.search(HEALTHCHECK, dockerfile(), re.MULTILINE).group(1))
    script = command[2].replace("http://127.0.0.1:8000", base)
    result = subprocess.run([sys.executable, "-c", script], check=False, timeout=10)
    assert result.returncode == 0


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_is_valid_yaml_with_the_production_pieces():
    services = compose()["services"]
    assert {"db", "cache", "migrate", "app1", "app2", "proxy"} <= services.keys()
    assert services["db"]["image"].startswith("postgres:")


def test_compose_app_containers_share_state_only_through_services_and_volumes():
    services = compose()["services"]
    for name in ("app1", "app2"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CACHE_URL"].startswith("redis://")
        assert "media:/app/media" in services[name]["volumes"]


def test_compose_proxy_config_file_exists():
    volume = compose()["services"]["proxy"]["volumes"][0]
    assert (ROOT / volume.split(":")[0]).is_file()

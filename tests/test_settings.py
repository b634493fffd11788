"""Production settings fail safe: run the settings module in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "SECURE_SSL_REDIRECT"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_development_runs_with_the_marked_insecure_default_key():
    result = run_check(DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_a_proxy_address_that_is_no_address_stops_the_start_with_its_name():
    result = run_check(DEBUG="true", FORWARDED_ALLOW_IPS="10.0.0.5,proxy.internal")
    assert result.returncode != 0
    assert "FORWARDED_ALLOW_IPS: 'proxy.internal' does not appear to be" in result.stderr


def test_deploy_check_is_clean_with_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DEBUG": "false",
            "SECRET_KEY": "a-long-random-production-secret-9f8e7d6c5b4a3928171615141312",
            "ALLOWED_HOSTS": "clearinghouse.district.example",
            "LOCAL_ENV_FILE": "",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

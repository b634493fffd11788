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


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-9f8e7d6c5b4a3928171615141312",
    "ALLOWED_HOSTS": "clearinghouse.district.example",
    "EMAIL_URL": "smtp+tls://clearinghouse:secret@smtp.district.example:587",
    "SITE_URL": "https://clearinghouse.district.example",
    "LOCAL_ENV_FILE": "",
}


def run_deploy_check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **PRODUCTION, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_deploy_check_is_clean_with_production_variables():
    result = run_deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_says_when_mail_would_only_reach_the_console():
    unset = {"EMAIL_URL": "consolemail://", "SITE_URL": "http://127.0.0.1:8000"}
    result = run_deploy_check(**unset)
    assert result.returncode != 0
    assert "EMAIL_URL is not set" in result.stderr
    assert "SITE_URL is not set" in result.stderr


ENTRA_ID = {
    "OIDC_ISSUER": "https://login.microsoftonline.com/0b6c1a36-0000-4000-8000-000000000000/v2.0",
    "OIDC_CLIENT_ID": "5f1c2b7e-0000-4000-8000-000000000000",
    "OIDC_CLIENT_SECRET": "an-entra-client-secret",
    "OIDC_ALLOWED_DOMAINS": "district.example",
    "OIDC_ROLES_CLAIM": "roles",
    "OIDC_EDITOR_VALUES": "Clearinghouse.Editor",
    "OIDC_PUBLISHER_VALUES": "Clearinghouse.Publisher",
    "PASSWORD_SIGN_IN": "superusers",
}


def test_deploy_check_is_clean_with_the_districts_sign_in_configured():
    result = run_deploy_check(**ENTRA_ID)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_issuer_without_its_secret_stops_the_deploy_check():
    result = run_deploy_check(**{**ENTRA_ID, "OIDC_CLIENT_SECRET": ""})
    assert result.returncode != 0
    assert "OIDC_ISSUER is set but OIDC_CLIENT_SECRET is not" in result.stderr


def test_a_misspelt_password_sign_in_stops_the_start_with_its_name():
    result = run_check(DEBUG="true", PASSWORD_SIGN_IN="superuser")
    assert result.returncode != 0
    assert "PASSWORD_SIGN_IN must be all or superusers" in result.stderr


def test_a_digest_frequency_that_is_neither_daily_nor_weekly_stops_the_start():
    result = run_check(DEBUG="true", DIGEST_FREQUENCY="hourly")
    assert result.returncode != 0
    assert "DIGEST_FREQUENCY must be daily or weekly, not 'hourly'." in result.stderr

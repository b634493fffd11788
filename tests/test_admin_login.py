"""The admin's front door: lockout after repeated failures, two-factor, and an audit trail."""

import logging
from datetime import timedelta
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Dozens of sign-ins per module: the production hasher would take a minute.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(
        "alice", "alice@district.example", PASSWORD, is_staff=True, is_superuser=True
    )


def sign_in(client, username="alice", password=PASSWORD, ip="203.0.113.7", forwarded=None, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, **extra},
        REMOTE_ADDR=ip,
        headers={"X-Forwarded-For": forwarded} if forwarded else {},
        secure=True,
    )


def fail_five_times(client, username="alice", ip="203.0.113.7"):
    for _ in range(5):
        response = sign_in(client, username=username, password="wrong password", ip=ip)
        assert response.status_code in {HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS}


def is_signed_in(client):
    return client.get(reverse("admin:index"), secure=True).status_code == HTTPStatus.OK


def test_a_correct_password_signs_in(client, staff):
    response = sign_in(client)
    assert response.status_code == HTTPStatus.FOUND
    assert is_signed_in(client)


def test_five_failures_lock_the_account_even_with_the_right_password(client, staff):
    fail_five_times(client)
    response = sign_in(client)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert not is_signed_in(client)


def test_locked_out_user_sees_a_clear_message(client, staff):
    fail_five_times(client)
    response = sign_in(client)
    content = response.content.decode()
    assert "Sign-in is locked for now" in content
    assert "5 failed sign-in attempts" in content


def test_a_lock_from_one_address_leaves_the_user_free_at_another(client, staff):
    fail_five_times(client, ip="203.0.113.7")
    assert sign_in(Client(), ip="198.51.100.20").status_code == HTTPStatus.FOUND


def test_failures_from_a_shared_address_do_not_lock_other_users_there(client, staff):
    # A school's staff share one NAT address: one pupil's guesses must not shut them all out.
    get_user_model().objects.create_user("bob", "bob@district.example", PASSWORD, is_staff=True)
    fail_five_times(client, username="bob", ip="203.0.113.9")
    for number in range(5):
        sign_in(client, username=f"guess{number}", password="wrong password", ip="203.0.113.9")
    assert sign_in(Client(), ip="203.0.113.9").status_code == HTTPStatus.FOUND
    assert sign_in(Client(), username="bob", ip="203.0.113.9").status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )


def test_resetting_the_lock_lets_the_user_sign_in_again(client, staff):
    fail_five_times(client)
    call_command("axes_reset", verbosity=0)
    response = sign_in(client)
    assert response.status_code == HTTPStatus.FOUND
    assert is_signed_in(client)


def test_resetting_one_username_unlocks_only_that_user(client, staff):
    fail_five_times(client, ip="203.0.113.7")
    fail_five_times(Client(), username="mallory", ip="203.0.113.7")
    call_command("axes_reset_username", "alice", verbosity=0)
    assert sign_in(client, ip="203.0.113.7").status_code == HTTPStatus.FOUND
    assert sign_in(Client(), username="mallory", ip="203.0.113.7").status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )


def test_a_success_before_the_limit_forgets_earlier_failures(client, staff):
    for _ in range(4):
        sign_in(client, password="wrong password")
    sign_in(client)
    client.post(reverse("admin:logout"), secure=True)
    for _ in range(4):
        sign_in(client, password="wrong password")
    assert sign_in(client).status_code == HTTPStatus.FOUND


def let_time_pass(**duration):
    """Age every recorded failure, as the clock would: `let_time_pass(minutes=16)`."""
    gone = timedelta(**duration)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - gone)
    AccessAttemptExpiration.objects.update(expires_at=F("expires_at") - gone)


def test_the_first_lock_lasts_a_quarter_of_an_hour(client, staff):
    fail_five_times(client)
    assert "after 0:15:00" in sign_in(client).content.decode()
    let_time_pass(minutes=16)
    assert sign_in(client).status_code == HTTPStatus.FOUND


def test_each_wrong_password_after_a_lock_doubles_the_next_lock(client, staff):
    fail_five_times(client)
    for wait, lock in [(16, "0:30:00"), (31, "1:00:00"), (61, "2:00:00")]:
        let_time_pass(minutes=wait)
        response = sign_in(client, password="wrong password")
        assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert f"after {lock}" in response.content.decode()


def test_no_lock_outlasts_the_failure_memory(client, staff, settings):
    settings.LOGIN_LOCKOUT_FIRST = timedelta(hours=48)
    fail_five_times(client)
    assert "after 1 day, 0:00:00" in sign_in(client).content.decode()


def test_a_pair_with_hundreds_of_failures_still_gets_the_lock_page(client, staff):
    fail_five_times(client)
    AccessAttempt.objects.update(failures_since_start=500)
    response = sign_in(client)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "after 1 day, 0:00:00" in response.content.decode()


def test_trying_again_during_a_lock_does_not_make_it_longer(client, staff):
    fail_five_times(client)
    for _ in range(5):
        assert sign_in(client, password="wrong password").status_code == (
            HTTPStatus.TOO_MANY_REQUESTS
        )
    let_time_pass(minutes=16)
    assert sign_in(client).status_code == HTTPStatus.FOUND


def test_failures_are_forgotten_a_day_after_the_last_one(client, staff):
    fail_five_times(client)
    let_time_pass(hours=25)
    for _ in range(4):
        assert sign_in(client, password="wrong password").status_code == HTTPStatus.OK
    assert sign_in(client).status_code == HTTPStatus.FOUND


@pytest.fixture
def one_proxy(settings):
    """One load balancer, at 10.0.0.2, appends the visitor's address to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "10.0.0.0/24"]


def guess_with_forged_addresses(client):
    """Five wrong passwords, each claiming a new address in X-Forwarded-For."""
    for number in range(5):
        sign_in(client, password="wrong password", forwarded=f"192.0.2.{number}")


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(client, staff):
    guess_with_forged_addresses(client)
    # The real address, now locked for alice, is what counts.
    assert sign_in(client, forwarded="192.0.2.99").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_forged_forwarded_for_from_a_peer_that_is_no_proxy_buys_no_guesses(
    client, staff, one_proxy
):
    guess_with_forged_addresses(client)
    assert sign_in(client, forwarded="192.0.2.99").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_forged_forwarded_for_from_a_peer_that_is_no_proxy_frames_nobody(
    client, staff, one_proxy
):
    # Someone who reaches gunicorn directly claims to be the school's address.
    for _ in range(5):
        sign_in(client, password="wrong password", ip="203.0.113.66", forwarded="198.51.100.20")
    assert sign_in(Client(), ip="198.51.100.20").status_code == HTTPStatus.FOUND


def test_behind_a_trusted_proxy_the_forwarded_address_is_locked(client, staff, one_proxy):
    for _ in range(5):
        sign_in(client, password="wrong password", ip="10.0.0.2", forwarded="192.0.2.1")
    assert sign_in(Client(), ip="10.0.0.2", forwarded="192.0.2.1").status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )
    # Another visitor behind the same load balancer is not locked out.
    assert sign_in(Client(), ip="10.0.0.2", forwarded="192.0.2.99").status_code == (
        HTTPStatus.FOUND
    )


def test_a_star_trusts_every_peer_as_gunicorn_does(client, staff, one_proxy, settings):
    settings.FORWARDED_ALLOW_IPS = ["*"]
    for _ in range(5):
        sign_in(client, password="wrong password", ip="203.0.113.66", forwarded="192.0.2.1")
    assert sign_in(Client(), ip="203.0.113.66", forwarded="192.0.2.99").status_code == (
        HTTPStatus.FOUND
    )


def test_a_unix_socket_peer_is_trusted_as_gunicorn_does(client, staff, one_proxy):
    # gunicorn gives a UNIX socket's peer an empty address: only a local proxy can connect.
    for _ in range(5):
        sign_in(client, password="wrong password", ip="", forwarded="192.0.2.1")
    assert sign_in(Client(), ip="", forwarded="192.0.2.99").status_code == HTTPStatus.FOUND


@pytest.fixture
def totp_device(staff):
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_optional_2fa_lets_staff_without_a_device_sign_in_with_a_password(client, staff):
    assert sign_in(client).status_code == HTTPStatus.FOUND
    assert is_signed_in(client)


def test_optional_2fa_asks_staff_with_a_device_for_their_code(client, totp_device):
    response = sign_in(client)
    assert response.status_code == HTTPStatus.OK
    assert not is_signed_in(client)


def test_optional_2fa_accepts_the_right_code(client, totp_device):
    response = sign_in(
        client, otp_device=totp_device.persistent_id, otp_token=current_code(totp_device)
    )
    assert response.status_code == HTTPStatus.FOUND
    assert is_signed_in(client)


def test_required_2fa_refuses_a_password_alone(client, staff, settings):
    settings.ADMIN_REQUIRE_2FA = True
    response = sign_in(client)
    assert response.status_code == HTTPStatus.OK
    assert not is_signed_in(client)


def test_required_2fa_refuses_a_wrong_code(client, totp_device, settings):
    settings.ADMIN_REQUIRE_2FA = True
    sign_in(client, otp_device=totp_device.persistent_id, otp_token="000000")
    assert not is_signed_in(client)


def test_required_2fa_admits_staff_with_the_right_code(client, totp_device, settings):
    settings.ADMIN_REQUIRE_2FA = True
    response = sign_in(
        client, otp_device=totp_device.persistent_id, otp_token=current_code(totp_device)
    )
    assert response.status_code == HTTPStatus.FOUND
    assert is_signed_in(client)


def test_required_2fa_shuts_out_a_session_signed_in_without_a_code(client, staff, settings):
    sign_in(client)
    settings.ADMIN_REQUIRE_2FA = True
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def audit_records(caplog):
    return [r for r in caplog.records if r.name == "clearinghouse.auth"]


def test_a_sign_in_is_logged_with_username_and_address(client, staff, caplog):
    caplog.set_level(logging.INFO, logger="clearinghouse.auth")
    sign_in(client)
    (record,) = audit_records(caplog)
    assert (record.event, record.username, record.ip) == ("login", "alice", "203.0.113.7")


def test_a_failed_sign_in_is_logged_without_the_password(client, staff, caplog):
    caplog.set_level(logging.INFO, logger="clearinghouse.auth")
    sign_in(client, password="hunter2-secret-guess")
    (record,) = audit_records(caplog)
    assert (record.event, record.username, record.levelname) == (
        "login_failed",
        "alice",
        "WARNING",
    )
    assert "hunter2" not in caplog.text


def test_a_sign_out_is_logged(client, staff, caplog):
    caplog.set_level(logging.INFO, logger="clearinghouse.auth")
    sign_in(client)
    client.post(reverse("admin:logout"), secure=True)
    _login, record = audit_records(caplog)
    assert (record.event, record.username) == ("logout", "alice")


def test_the_admin_answers_at_the_configured_address():
    from django.conf import settings

    assert reverse("admin:index") == f"/{settings.ADMIN_URL}"


def test_signing_in_without_a_request_still_checks_the_password(client, staff):
    # Django's test client and scripts authenticate without a request: nothing to lock.
    assert not client.login(username="alice", password="wrong password")
    assert client.login(username="alice", password=PASSWORD)

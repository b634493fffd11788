"""Health checks for the load balancer, a calm 503 when the database is gone, and safe logs."""

import copy
import io
import json
import logging
import logging.config
from http import HTTPStatus
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import SharingRecordFactory

pytestmark = pytest.mark.django_db


def visitor():
    # As a browser meets it: the exception becomes the site's error page, not a test error.
    return Client(raise_request_exception=False)


def database_down():
    return mock.patch.object(
        CursorWrapper,
        "_execute_with_wrappers",
        side_effect=OperationalError("connection refused"),
    )


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok\n"


def test_healthz_never_touches_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get("/healthz")


def test_healthz_stays_up_while_the_database_is_down(client):
    with database_down():
        assert client.get("/healthz").status_code == HTTPStatus.OK


def test_readyz_answers_ok_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok\n"


def test_readyz_reports_unavailable_without_details_when_the_database_is_down(client):
    with database_down():
        response = client.get("/readyz")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.content == b"unavailable\n"


def test_health_checks_answer_a_probe_by_ip_address(client):
    # Load balancers probe the container's address, which is not an allowed host.
    response = client.get("/healthz", headers={"Host": "10.1.2.3:8000"})
    assert response.status_code == HTTPStatus.OK


def test_health_checks_are_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/readyz").status_code == HTTPStatus.OK


def test_health_checks_are_never_cached(client):
    assert client.get("/healthz")["Cache-Control"] == "no-store"


def test_a_page_that_needs_the_database_gets_a_styled_503_while_it_is_down(district):
    with database_down():
        response = visitor().get(reverse("vendors:vendor_list"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    content = response.content.decode()
    assert "This page is temporarily unavailable" in content
    assert "uswds-used.min.css" in content
    assert "Traceback" not in content
    assert "OperationalError" not in content


def test_the_503_page_tells_clients_to_retry():
    with database_down():
        response = visitor().get(reverse("vendors:home"))
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"


def test_the_site_recovers_by_itself_when_the_database_returns(district, parent_audience):
    SharingRecordFactory(vendor__name="Clever", audience=parent_audience)
    with database_down():
        assert visitor().get("/vendors/").status_code == HTTPStatus.SERVICE_UNAVAILABLE
    response = visitor().get("/vendors/")
    assert response.status_code == HTTPStatus.OK
    assert b"Clever" in response.content


def test_a_signed_in_staff_member_gets_the_styled_503_too(publisher_client, district):
    publisher_client.raise_request_exception = False
    publisher_client.get("/admin/")
    with database_down():
        response = publisher_client.get("/vendors/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "30"
    assert "This page is temporarily unavailable" in response.content.decode()


def test_the_last_good_copy_of_a_page_is_served_marked_stale_while_the_database_is_down(
    district, parent_audience
):
    record = SharingRecordFactory(vendor__name="Clever", audience=parent_audience)
    first = visitor().get("/parent-data/")
    record.vendor.save()  # an edit: every stored page is now out of date
    with database_down():
        response = visitor().get("/parent-data/")
    assert response.status_code == HTTPStatus.OK
    assert response.content == first.content
    assert "fwd=stale" in response["Cache-Status"]
    assert "max-age=0" in response["Cache-Control"]


def test_a_page_never_stored_gets_the_503_while_the_database_is_down(district):
    with database_down():
        response = visitor().get("/data-elements/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE


@pytest.fixture
def json_log():
    stream = io.StringIO()
    config = copy.deepcopy(django_settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    yield stream
    logging.config.dictConfig(django_settings.LOGGING)


def test_production_logs_are_one_json_object_per_line(json_log):
    logging.getLogger("clearinghouse.test").warning("disk nearly full")
    entry = json.loads(json_log.getvalue().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "clearinghouse.test"
    assert entry["message"] == "disk nearly full"
    assert entry["time"].endswith("+00:00")


def test_logged_requests_carry_no_cookies_or_session(json_log):
    request = RequestFactory().get(
        "/vendors/",
        headers={"Cookie": "sessionid=s3ss10n-s3cr3t; csrftoken=csrf-s3cr3t"},
    )
    logging.getLogger("django.request").error("Not Found: /vendors/", extra={"request": request})
    line = json_log.getvalue().splitlines()[-1]
    assert json.loads(line)["request"] == "GET /vendors/"
    assert "s3cr3t" not in line

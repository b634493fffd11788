"""Cached public pages: never stale after a write, free to revalidate, never private."""

import gzip
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path

import brotli
import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from pagecache import version
from tests.admin_forms import change_form_data
from tests.factories import DataElementFactory, SharingRecordFactory, VendorFactory
from tests.helpers import confirm, new_title_csv, upload, wait_for_the_next_second
from vendors.models import PublicationStatus, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def clever(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Clever", vendor__slug="clever", audience=parent_audience
    )


@pytest.fixture
def visitor():
    return Client()


def text(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_a_repeat_visit_is_served_without_touching_the_database(
    visitor, clever, django_assert_num_queries
):
    first = visitor.get("/parent-data/")
    with django_assert_num_queries(0):
        again = visitor.get("/parent-data/")
    assert again.content == first.content


def test_a_request_carrying_the_etag_gets_304_without_queries(
    visitor, clever, django_assert_num_queries
):
    etag = visitor.get("/parent-data/")["ETag"]
    with django_assert_num_queries(0):
        response = visitor.get("/parent-data/", headers={"if-none-match": etag})
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""


def test_a_request_carrying_last_modified_gets_304_without_queries(
    visitor, clever, django_assert_num_queries
):
    wait_for_the_next_second()
    modified = visitor.get("/vendors/clever/")["Last-Modified"]
    with django_assert_num_queries(0):
        response = visitor.get("/vendors/clever/", headers={"if-modified-since": modified})
    assert response.status_code == HTTPStatus.NOT_MODIFIED


def test_an_old_etag_gets_the_new_page_after_an_edit(visitor, clever):
    etag = visitor.get("/vendors/clever/")["ETag"]
    Vendor.objects.filter(pk=clever.vendor.pk).get().save()
    response = visitor.get("/vendors/clever/", headers={"if-none-match": etag})
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != etag


# Real commits: the second bump runs on commit, which a test transaction never reaches.
@pytest.mark.django_db(transaction=True)
def test_a_committed_write_moves_last_modified_to_a_later_second(visitor, clever):
    wait_for_the_next_second()
    modified = visitor.get("/vendors/clever/")["Last-Modified"]
    with transaction.atomic():
        clever.vendor.save()
    wait_for_the_next_second()
    response = visitor.get("/vendors/clever/", headers={"if-modified-since": modified})
    assert response.status_code == HTTPStatus.OK
    assert parsedate_to_datetime(response["Last-Modified"]) > parsedate_to_datetime(modified)


def test_a_page_of_a_version_still_in_its_second_states_no_last_modified(visitor, clever):
    # Another write could still make a new version within this second: only the ETag,
    # which is exact, may be used to revalidate.
    clever.vendor.save()
    response = visitor.get("/vendors/clever/")
    assert "Last-Modified" not in response
    assert response["ETag"]


# Real commits, each write its own transaction, as in the admin.
@pytest.mark.django_db(transaction=True)
def test_last_modified_never_runs_ahead_of_the_clock(visitor, clever):
    for _ in range(50):
        clever.vendor.save()
    wait_for_the_next_second()
    response = visitor.get("/vendors/clever/")
    modified = parsedate_to_datetime(response["Last-Modified"])
    assert modified <= datetime.now(UTC)


def test_a_made_up_session_cookie_is_served_from_the_cache_without_a_render(
    clever, django_assert_max_num_queries
):
    first = Client().get("/parent-data/")
    stranger = Client()
    stranger.cookies["sessionid"] = "m4d3upm4d3upm4d3upm4d3upm4d3up12"
    with django_assert_max_num_queries(1):  # the session lookup that finds nothing
        again = stranger.get("/parent-data/")
    assert again.status_code == HTTPStatus.OK
    assert again.content == first.content


def test_a_query_parameter_no_page_reads_redirects_to_the_page_without_it(visitor, clever):
    response = visitor.get("/parent-data/?utm_source=newsletter&q=clever")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/parent-data/?q=clever"
    assert visitor.get("/es/vendors/?x=1")["Location"] == "/es/vendors/"


def test_made_up_query_parameters_make_no_new_cache_entries(visitor, clever, settings):
    visitor.get("/parent-data/")
    folder = Path(settings.CACHES["default"]["LOCATION"])
    stored = len(list(folder.iterdir()))
    for number in range(5):
        visitor.get(f"/parent-data/?utm={number}")
    assert len(list(folder.iterdir())) == stored


def test_the_parameters_a_page_reads_still_narrow_it(visitor, clever):
    assert visitor.get("/parent-data/?q=clever").status_code == HTTPStatus.OK
    assert visitor.get("/search/?q=clever&page=1").status_code == HTTPStatus.OK


def test_public_pages_may_be_kept_by_browsers_and_cdns_briefly(visitor, clever, settings):
    settings.PUBLIC_PAGE_MAX_AGE = 90
    cache_control = visitor.get("/parent-data/")["Cache-Control"]
    assert "public" in cache_control
    assert "max-age=90" in cache_control


def test_admin_pages_are_private_and_never_stored(admin_client):
    cache_control = admin_client.get(reverse("admin:index"))["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def test_the_admin_login_page_is_never_stored(visitor):
    cache_control = visitor.get(reverse("admin:login"))["Cache-Control"]
    assert "no-store" in cache_control
    assert "public" not in cache_control


def test_pages_are_brotli_compressed_for_browsers_that_accept_it(visitor, clever):
    plain = visitor.get("/parent-data/")
    compressed = visitor.get("/parent-data/", headers={"accept-encoding": "gzip, deflate, br"})
    assert compressed["Content-Encoding"] == "br"
    assert brotli.decompress(compressed.content) == plain.content


def test_pages_are_gzipped_for_browsers_without_brotli(visitor, clever):
    plain = visitor.get("/parent-data/")
    zipped = visitor.get("/parent-data/", headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 2
    assert "Accept-Encoding" in zipped["Vary"]


@pytest.mark.parametrize(
    ("first_coding", "then_coding"),
    [("gzip", ""), ("", "gzip"), ("br", "gzip"), ("gzip", "br")],
)
def test_one_render_serves_every_content_coding_from_the_cache(
    visitor, clever, django_assert_num_queries, first_coding, then_coding
):
    first = visitor.get("/parent-data/", headers={"accept-encoding": first_coding})
    with django_assert_num_queries(0):
        then = visitor.get("/parent-data/", headers={"accept-encoding": then_coding})
    decode = {"gzip": gzip.decompress, "br": brotli.decompress, "": bytes}
    assert decode[then_coding](then.content) == decode[first_coding](first.content)
    assert then.get("Content-Encoding", "") == then_coding
    assert "Accept-Encoding" in then["Vary"]
    assert then["Content-Length"] == str(len(then.content))


def test_a_browser_that_refuses_gzip_gets_plain_html(visitor, clever):
    response = visitor.get("/parent-data/", headers={"accept-encoding": "gzip;q=0, br;q=0"})
    assert not response.has_header("Content-Encoding")
    assert b"Clever" in response.content


def test_the_admin_login_form_is_never_compressed(visitor):
    response = visitor.get(reverse("admin:login"), headers={"accept-encoding": "gzip, br"})
    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")


def test_each_language_is_cached_apart(visitor, clever):
    # The language is in the address (unprefixed English, /es/, /ht/), never in a header.
    english = visitor.get("/parent-data/", headers={"accept-language": "es"})
    spanish = visitor.get("/es/parent-data/")
    assert english["ETag"] != spanish["ETag"]
    assert english["Content-Language"] == "en"
    assert spanish["Content-Language"] == "es"


def test_a_staff_draft_preview_is_never_served_to_visitors(
    publisher_client, visitor, district, parent_audience
):
    SharingRecordFactory(
        audience=parent_audience,
        vendor__slug="secret",
        vendor__name="Secret Draft",
        vendor__status=PublicationStatus.DRAFT,
    )
    assert "Secret Draft" in text(publisher_client, "/vendors/secret/")
    assert visitor.get("/vendors/secret/").status_code == HTTPStatus.NOT_FOUND


def test_no_stale_page_after_an_edit_in_the_admin(publisher_client, visitor, clever):
    assert "Old Co" not in text(visitor, "/vendors/clever/")
    url = reverse("admin:vendors_vendor_change", args=[clever.vendor.pk])
    data = change_form_data(publisher_client.get(url))
    data["company"] = "Old Co Renamed"
    assert publisher_client.post(url, data).status_code == HTTPStatus.FOUND
    assert "Old Co Renamed" in text(visitor, "/vendors/clever/")


def test_no_stale_page_after_data_elements_change(visitor, clever):
    assert "Freshly Added Element" not in text(visitor, "/parent-data/")
    clever.elements.add(DataElementFactory(name="Freshly Added Element"))
    assert "Freshly Added Element" in text(visitor, "/parent-data/")


def test_no_stale_page_after_an_import(admin_client, visitor, district, parent_audience):
    DataElementFactory(slug="parent-email")
    assert "New App" not in text(visitor, "/parent-data/")
    response = confirm(admin_client, upload(admin_client, new_title_csv()))
    assert response.status_code == HTTPStatus.FOUND
    assert "New App" in text(visitor, "/parent-data/")


def test_no_stale_page_after_a_statement_edit_touching_many_titles(
    publisher_client, visitor, clever
):
    other = SharingRecordFactory(audience=clever.audience, usage_statement=clever.usage_statement)
    for slug in ("clever", other.vendor.slug):
        assert "Only for the reading program" not in text(visitor, f"/vendors/{slug}/")
    statement = clever.usage_statement
    url = reverse("admin:vendors_usagestatement_change", args=[statement.pk])
    data = change_form_data(publisher_client.get(url))
    data["text_en"] = "Only for the reading program."
    assert publisher_client.post(url, data).status_code == HTTPStatus.FOUND
    for slug in ("clever", other.vendor.slug):
        assert "Only for the reading program" in text(visitor, f"/vendors/{slug}/")


def test_no_stale_page_after_a_delete(publisher_client, visitor, clever):
    assert "Clever" in text(visitor, "/parent-data/")
    url = reverse("admin:vendors_vendor_delete", args=[clever.vendor.pk])
    assert publisher_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert "Clever" not in text(visitor, "/parent-data/")
    assert visitor.get("/vendors/clever/").status_code == HTTPStatus.NOT_FOUND


def test_no_stale_page_after_a_publish_action(publisher_client, visitor, clever):
    draft = VendorFactory(name="Now Published", status=PublicationStatus.DRAFT)
    SharingRecordFactory(vendor=draft, audience=clever.audience)
    assert "Now Published" not in text(visitor, "/parent-data/")
    response = publisher_client.post(
        reverse("admin:vendors_vendor_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Now Published" in text(visitor, "/parent-data/")


def test_no_stale_page_after_a_history_restore(publisher_client, visitor, clever):
    vendor_pk = clever.vendor.pk
    clever.vendor.delete()
    assert "Clever" not in text(visitor, "/parent-data/")
    deletion = Vendor.history.filter(id=vendor_pk).latest()
    response = publisher_client.post(
        reverse("admin:vendors_vendor_restore", args=[deletion.history_id])
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "Clever" in text(visitor, "/parent-data/")


def test_the_version_lives_in_the_cache_every_worker_shares(visitor, clever):
    visitor.get("/parent-data/")
    shared = cache.get(version.KEY)
    assert visitor.get("/parent-data/")["ETag"].startswith(f'"{shared:x}-')


@pytest.mark.parametrize("url", ["/parent-data/", "/es/parent-data/", "/ht/parent-data/"])
def test_a_cached_answer_carries_the_same_headers_as_the_rendered_one(visitor, clever, url):
    wait_for_the_next_second()
    first = visitor.get(url, headers={"accept-encoding": "gzip"})
    again = visitor.get(url, headers={"accept-encoding": "gzip"})
    assert again.content == first.content
    for header in (
        "Content-Type",
        "Content-Language",
        "Content-Encoding",
        "Vary",
        "ETag",
        "Cache-Control",
        "X-Frame-Options",
        "Content-Security-Policy",
        "Cross-Origin-Resource-Policy",
    ):
        assert again.get(header) == first.get(header), header
    # Only an address without a language prefix answers by the browser's language, so
    # only its copy in a shared cache must be kept apart per Accept-Language.
    assert ("Accept-Language" in again["Vary"]) == (url == "/parent-data/")
    assert again["Last-Modified"] == first["Last-Modified"]


def test_a_spanish_page_is_served_from_the_cache_in_spanish(
    visitor, clever, django_assert_num_queries
):
    first = visitor.get("/es/parent-data/")
    with django_assert_num_queries(0):
        again = visitor.get("/es/parent-data/")
    assert again.content == first.content
    assert again["Content-Language"] == "es"


def test_a_cached_page_still_refuses_an_unknown_host(visitor, clever):
    visitor.get("/parent-data/")
    stranger = Client(raise_request_exception=False)
    response = stranger.get("/parent-data/", headers={"host": "attacker.example"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"Clever" not in response.content


def test_a_page_rendered_for_one_host_is_never_served_to_another(clever, settings):
    settings.ALLOWED_HOSTS = ["clearinghouse.example", "testserver"]
    Client().get("/vendors/clever/", headers={"host": "clearinghouse.example"})
    page = text(Client(), "/vendors/clever/")
    assert "clearinghouse.example" not in page


def test_with_the_version_in_the_page_cache_a_hit_is_one_lookup_and_an_edit_still_shows(
    visitor, clever, django_assert_num_queries
):
    first = visitor.get("/vendors/clever/")
    with django_assert_num_queries(0):
        again = visitor.get("/vendors/clever/")
    assert again.content == first.content
    assert visitor.get(
        "/vendors/clever/", headers={"if-none-match": first["ETag"]}
    ).status_code == (HTTPStatus.NOT_MODIFIED)
    Vendor.objects.filter(pk=clever.vendor.pk).update(name="Clever Maps")
    Vendor.objects.get(pk=clever.vendor.pk).save()
    assert "Clever Maps" in text(visitor, "/vendors/clever/")


def test_the_header_shows_a_district_or_audience_edit_at_once(visitor, clever, district):
    assert district.full_name in text(visitor, "/")
    district.full_name = "Renamed Public Schools"
    district.save()
    clever.audience.title = "Family Data"
    clever.audience.save()
    # Another page than the one just read: the header is cached apart from the pages.
    page = text(visitor, "/vendors/clever/")
    assert "Renamed Public Schools" in page
    assert "Family Data" in page


def test_a_damaged_cache_file_is_rendered_again_not_an_error(visitor, clever, settings):
    first = visitor.get("/parent-data/")
    folder = Path(settings.CACHES["default"]["LOCATION"])
    for stored in folder.iterdir():
        stored.write_bytes(stored.read_bytes()[:20])  # as a full disk leaves it
    again = visitor.get("/parent-data/")
    assert again.status_code == HTTPStatus.OK
    assert again.content == first.content


def test_a_deploy_retires_every_cached_page(visitor, clever):
    """`migrate`, which every deploy runs, retires the pages the old release rendered: a new
    release's templates are served at once, not after the next edit."""
    from django.core.management import call_command

    first = visitor.get("/vendors/clever/")
    assert visitor.get("/vendors/clever/")["ETag"] == first["ETag"]
    call_command("migrate", verbosity=0)
    assert visitor.get("/vendors/clever/")["ETag"] != first["ETag"]

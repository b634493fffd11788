from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import (
    DataElementFactory,
    SharingRecordFactory,
    VendorFactory,
)
from tests.helpers import query_count
from vendors.models import PublicationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_record(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Clever", vendor__slug="clever", audience=parent_audience
    )


@pytest.fixture
def draft_vendor(parent_audience):
    return SharingRecordFactory(
        vendor__name="Secret Draft App",
        vendor__slug="secret-draft",
        vendor__status=PublicationStatus.DRAFT,
        audience=parent_audience,
    ).vendor


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("vendors:home", []),
        ("vendors:audience", ["parent-data"]),
        ("vendors:vendor_list", []),
        ("vendors:vendor_detail", ["clever"]),
    ],
)
def test_every_title_page_shows_the_published_title(client, published_record, url_name, args):
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == HTTPStatus.OK
    assert b"Clever" in response.content


def test_data_element_catalog_lists_each_element_with_its_title_count(client, published_record):
    element = published_record.elements.get()
    content = client.get(reverse("vendors:data_element_list")).content.decode()
    assert element.name in content
    assert element.category.name in content
    assert "(1 title)" in content


def test_the_catalog_counts_a_title_shared_with_two_audiences_once(
    client, published_record, student_audience
):
    SharingRecordFactory(
        vendor=published_record.vendor,
        audience=student_audience,
        elements=list(published_record.elements.all()),
    )
    assert "(1 title)" in client.get(reverse("vendors:data_element_list")).content.decode()


def test_the_catalog_lists_received_elements_first_and_folds_the_rest_with_a_count(
    client, published_record
):
    received = published_record.elements.get()
    unreceived = [DataElementFactory(category=received.category) for _ in range(2)]
    content = client.get(reverse("vendors:data_element_list")).content.decode()
    folded = content[content.index('<details class="unshared-elements"') :]
    folded = folded[: folded.index("</details>")]
    assert "<summary>Elements no title receives (2)</summary>" in folded
    assert all(element.get_absolute_url() in folded for element in unreceived)
    assert received.get_absolute_url() not in folded
    assert content.index(received.get_absolute_url()) < content.index(folded)


def test_a_category_none_of_whose_elements_is_received_keeps_its_anchor(client, published_record):
    lonely = DataElementFactory()
    content = client.get(reverse("vendors:data_element_list")).content.decode()
    assert f'id="category-{lonely.category.slug}"' in content
    assert f'id="category-{published_record.elements.get().category.slug}"' in content


def test_the_promised_addresses_are_exactly_these():
    assert reverse("vendors:home") == "/"
    assert reverse("vendors:audience", args=["parent-data"]) == "/parent-data/"
    assert reverse("vendors:audience", args=["student-data"]) == "/student-data/"
    assert reverse("vendors:vendor_list") == "/vendors/"
    assert reverse("vendors:vendor_detail", args=["clever"]) == "/vendors/clever/"
    assert reverse("vendors:data_element_list") == "/data-elements/"
    assert reverse("vendors:data_element", args=["parent-email"]) == "/data-elements/parent-email/"


def test_home_page_counts_the_titles_in_each_section(client, published_record, student_audience):
    SharingRecordFactory(audience=student_audience)
    SharingRecordFactory(audience=student_audience, status=PublicationStatus.DRAFT)
    response = client.get(reverse("vendors:home"))
    audiences = {a.slug: a.title_count for a in response.context["audiences"]}
    assert audiences == {"parent-data": 1, "student-data": 1}


def test_home_page_lists_the_most_recently_updated_titles_first(client, published_record):
    newer = VendorFactory(name="Zeta Newer")
    response = client.get(reverse("vendors:home"))
    assert list(response.context["recently_updated"])[:2] == [newer, published_record.vendor]


def test_audience_page_entry_carries_the_title_anchor_and_links_its_full_entry(
    client, published_record
):
    content = client.get("/parent-data/").content.decode()
    assert '<li class="entry" id="clever">' in content
    assert 'href="/vendors/clever/#audience-parent-data">Full entry for Clever</a>' in content


def test_audience_page_shows_only_its_own_audience(client, published_record, student_audience):
    SharingRecordFactory(vendor__name="Students Only App", audience=student_audience)
    assert b"Students Only App" not in client.get("/parent-data/").content
    assert b"Students Only App" in client.get("/student-data/").content


def test_vendor_list_is_grouped_a_to_z(client, published_record):
    VendorFactory(name="Apple Learning")
    response = client.get(reverse("vendors:vendor_list"))
    assert [letter for letter, *_ in response.context["letters"]] == ["A", "C"]


def test_data_element_page_says_who_receives_it_per_audience(
    client, published_record, student_audience
):
    element = published_record.elements.get()
    SharingRecordFactory(vendor__name="Other App", audience=student_audience, elements=[element])
    content = client.get(element.get_absolute_url()).content.decode()
    assert "Who receives it: Parent Data" in content
    assert "Who receives it: Student Data" in content
    assert 'href="/parent-data/#clever"' in content


def test_data_element_with_no_recipients_says_so(client, district):
    element = DataElementFactory()
    assert b"No software title currently receives" in client.get(element.get_absolute_url()).content


def test_draft_vendor_is_hidden_from_the_public(client, draft_vendor):
    assert client.get(draft_vendor.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    for url in ["/", "/parent-data/", "/vendors/", "/data-elements/"]:
        assert b"Secret Draft App" not in client.get(url).content


def test_draft_sharing_record_is_hidden_on_a_published_vendor(client, published_record):
    published_record.status = PublicationStatus.DRAFT
    published_record.save()
    assert b"Full entry for Clever" not in client.get("/parent-data/").content
    assert b"Parent Data</h2>" not in client.get("/vendors/clever/").content


def test_staff_preview_a_draft_at_its_real_address_with_a_banner(admin_client, draft_vendor):
    response = admin_client.get(draft_vendor.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert b"Draft, not public." in response.content


# A former vendor's permalink stays public, and so does its old one.
@pytest.mark.parametrize("status", [PublicationStatus.PUBLISHED, PublicationStatus.RETIRED])
def test_renamed_slug_redirects_permanently_from_the_old_address(client, published_record, status):
    vendor = published_record.vendor
    vendor.slug = "clever-sso"
    vendor.status = status
    vendor.save()
    response = client.get("/vendors/clever/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/vendors/clever-sso/"
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


@pytest.fixture
def renamed_draft(draft_vendor):
    draft_vendor.slug = "secret-draft-renamed"
    draft_vendor.save()
    return draft_vendor


def test_an_old_slug_of_a_draft_title_is_not_found_by_visitors(client, renamed_draft):
    response = client.get("/vendors/secret-draft/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "secret-draft-renamed" not in response.content.decode()


def test_staff_follow_an_old_slug_to_a_draft_title(admin_client, renamed_draft):
    response = admin_client.get("/vendors/secret-draft/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/vendors/secret-draft-renamed/"


def test_renamed_slug_keeps_the_old_audience_page_anchor(client, published_record):
    vendor = published_record.vendor
    vendor.slug = "clever-sso"
    vendor.save()
    content = client.get("/parent-data/").content.decode()
    assert 'id="clever-sso"' in content
    assert 'id="clever"' in content


def test_a_new_title_can_take_over_a_retired_old_slug(client, published_record):
    vendor = published_record.vendor
    vendor.slug = "clever-sso"
    vendor.save()
    newcomer = VendorFactory(name="Clever Too", slug="clever")
    assert client.get("/vendors/clever/").context["vendor"] == newcomer


@pytest.mark.parametrize(
    "path",
    [
        "/vendors/no-such-title/",
        "/data-elements/no-such-element/",
        "/no-such-audience/",
        "/vendors/" + "a" * 5000 + "/",
        "/vendors/%00/",
        "/vendors/caf%C3%A9/",
        "/vendors/clever/extra/",
    ],
)
def test_unknown_or_malformed_addresses_get_a_styled_404(client, published_record, path):
    response = client.get(path)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"Page not found" in response.content
    assert b'id="main-content"' in response.content


@pytest.mark.parametrize(
    "query", ["?page=999999999999", "?q=%00", "?element=1&element=x", "?" + "x=1&" * 500]
)
def test_odd_query_strings_do_not_break_pages(client, published_record, query):
    assert client.get("/parent-data/" + query, follow=True).status_code == HTTPStatus.OK


def test_staff_markdown_is_rendered_and_sanitized(client, district, parent_audience):
    SharingRecordFactory(
        vendor__slug="tricky",
        vendor__description=(
            "**Bold** and [a link](https://example.org).\n\n"
            "<script>alert(1)</script>\n\n"
            "[bad](javascript:alert(2)) <img src=x onerror=alert(3)>"
        ),
        audience=parent_audience,
    )
    content = client.get("/vendors/tricky/").content.decode()
    assert "<strong>Bold</strong>" in content
    assert 'href="https://example.org"' in content
    assert "<script>alert(1)" not in content
    assert "javascript:" not in content
    assert "onerror" not in content


def test_staff_plain_text_fields_are_escaped(client, district, parent_audience):
    SharingRecordFactory(
        vendor__slug="escaped", vendor__name="<b>Bold</b> App", audience=parent_audience
    )
    content = client.get("/vendors/escaped/").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; App" in content
    assert "<b>Bold</b> App" not in content


@pytest.mark.parametrize(
    "url", ["/", "/parent-data/", "/vendors/", "/data-elements/", "/data-elements/shared/"]
)
def test_query_count_does_not_grow_with_the_number_of_titles(
    client, district, parent_audience, url
):
    shared = DataElementFactory(slug="shared")

    def add_titles(count):
        for _ in range(count):
            SharingRecordFactory(audience=parent_audience, elements=[shared, DataElementFactory()])

    add_titles(5)
    with_five = query_count(client, url)
    add_titles(45)
    with_fifty = query_count(client, url)
    assert with_five == with_fifty
    assert with_fifty <= 8


def test_permalink_query_count_is_fixed(client, published_record, django_assert_num_queries):
    # The title, its records and their elements, its agreements (which each record's badge
    # reads too), subprocessors and incidents, the schools and approved alternatives of its
    # decision; and the header's district and audiences, read from the database here
    # because the fixture has just written them.
    with django_assert_num_queries(10):
        client.get("/vendors/clever/")

import re
from http import HTTPStatus

import pytest

from tests.factories import (
    DataElementCategoryFactory,
    DataElementFactory,
    SharingRecordFactory,
    VendorFactory,
)
from tests.helpers import query_count
from vendors.models import PublicationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(db):
    return DataElementFactory(
        name="Parent Phone Number",
        slug="parent-phone",
        category=DataElementCategoryFactory(name="Parent Contact Information", slug="contact"),
    )


@pytest.fixture
def clever(district, parent_audience, student_audience):
    vendor = VendorFactory(name="Clever", slug="clever", company="Clever Inc.")
    SharingRecordFactory(vendor=vendor, audience=parent_audience)
    SharingRecordFactory(vendor=vendor, audience=student_audience)
    return vendor


def result_names(response):
    """The titles listed as results, in order, as a visitor reads them."""
    return re.findall(
        r'<h3 class="entry__name"><a href="[^"]*">([^<]*)</a>', response.content.decode()
    )


def test_search_is_case_insensitive(client, clever):
    assert result_names(client.get("/search/", {"q": "CLEVER"})) == ["Clever"]


def test_search_matches_the_start_of_a_word(client, clever):
    assert result_names(client.get("/search/", {"q": "clev"})) == ["Clever"]


def test_search_is_accent_insensitive(client, district, parent_audience):
    SharingRecordFactory(
        vendor__name="Libro",
        vendor__description="Un libro electrónico para la clase.",
        audience=parent_audience,
    )
    assert result_names(client.get("/search/", {"q": "electronico"})) == ["Libro"]


def test_accented_query_finds_unaccented_text(client, clever):
    assert result_names(client.get("/search/", {"q": "Clévér"})) == ["Clever"]


def test_search_matches_the_company(client, district, parent_audience):
    SharingRecordFactory(
        vendor__name="Gradebook", vendor__company="PowerSchool", audience=parent_audience
    )
    assert result_names(client.get("/search/", {"q": "powerschool"})) == ["Gradebook"]


def test_search_matches_the_description(client, district, parent_audience):
    SharingRecordFactory(
        vendor__name="Reader",
        vendor__description="Helps children practise reading aloud.",
        audience=parent_audience,
    )
    assert result_names(client.get("/search/", {"q": "reading aloud"})) == ["Reader"]


def test_every_word_must_match(client, clever):
    assert result_names(client.get("/search/", {"q": "clever zebra"})) == []


def test_search_finds_titles_receiving_a_matching_data_element(client, clever, phone):
    SharingRecordFactory(
        vendor__name="Caller", audience=clever.sharing_records.first().audience, elements=[phone]
    )
    assert result_names(client.get("/search/", {"q": "phone"})) == ["Caller"]


def test_search_finds_titles_by_element_category(client, clever, phone, parent_audience):
    SharingRecordFactory(vendor__name="Caller", audience=parent_audience, elements=[phone])
    assert result_names(client.get("/search/", {"q": "contact information"})) == ["Caller"]


def test_search_lists_matching_data_elements_with_links(client, district, phone):
    content = client.get("/search/", {"q": "phone"}).content.decode()
    assert 'href="/data-elements/parent-phone/"' in content


def test_a_renamed_element_is_found_by_its_new_name_at_once(client, clever, phone):
    SharingRecordFactory(
        vendor__name="Caller", audience=clever.sharing_records.first().audience, elements=[phone]
    )
    assert result_names(client.get("/search/", {"q": "phone"})) == ["Caller"]
    phone.name = phone.name_en = "Parent Mobile"
    phone.category.name = phone.category.name_en = "Parent Details"
    phone.category.save()
    phone.save()
    assert result_names(client.get("/search/", {"q": "mobile"})) == ["Caller"]
    assert result_names(client.get("/search/", {"q": "phone"})) == []
    assert "Parent Mobile" in client.get("/parent-data/").content.decode()


def test_a_result_shows_an_edit_at_once_and_in_the_visitors_language(client, clever):
    assert "A product of Clever Inc." in client.get("/search/", {"q": "clever"}).content.decode()
    clever.company = "Kahoot ASA"
    clever.description_es = "Portal de inicio de sesión."
    clever.save()
    # Another search that finds the same title: its result is rendered anew, not reused.
    english = client.get("/search/", {"q": "clev"}).content.decode()
    assert "A product of Kahoot ASA" in english
    assert "Clever Inc." not in english
    spanish = client.get("/es/search/", {"q": "clev"}).content.decode()
    assert "Portal de inicio de sesión." in spanish
    assert "Kahoot ASA" in spanish


def test_search_results_say_which_audiences_each_title_belongs_to(client, clever):
    content = client.get("/search/", {"q": "clever"}).content.decode()
    assert 'href="/parent-data/#clever"' in content
    assert 'href="/student-data/#clever"' in content


def test_empty_search_result_suggests_browsing_by_data_element(client, clever):
    response = client.get("/search/", {"q": "nothing-like-this"})
    assert response.status_code == HTTPStatus.OK
    assert "browse by data element" in response.content.decode()
    assert 'href="/data-elements/"' in response.content.decode()


def test_draft_titles_never_appear_in_search(client, district, parent_audience):
    SharingRecordFactory(
        vendor__name="Secret Draft App",
        vendor__status=PublicationStatus.DRAFT,
        audience=parent_audience,
    )
    response = client.get("/search/", {"q": "secret"})
    assert result_names(response) == []
    assert "Secret Draft App" not in response.content.decode()


def test_draft_record_of_a_published_title_is_not_found_by_its_elements(
    client, district, parent_audience, phone
):
    SharingRecordFactory(
        vendor__name="Half Ready",
        status=PublicationStatus.DRAFT,
        audience=parent_audience,
        elements=[phone],
    )
    assert result_names(client.get("/search/", {"q": "phone"})) == []


def test_search_results_are_paginated_with_links_that_keep_the_query(
    client, district, parent_audience
):
    for number in range(30):
        SharingRecordFactory(vendor__name=f"Reader {number:02d}", audience=parent_audience)
    first = client.get("/search/", {"q": "reader"})
    assert len(result_names(first)) == 25
    assert "?q=reader&amp;page=2" in first.content.decode()
    second = client.get("/search/", {"q": "reader", "page": "2"})
    assert result_names(second) == [f"Reader {number}" for number in range(25, 30)]
    assert "Reader 29" in second.content.decode()
    assert "30 software titles match" in second.content.decode()


def test_a_search_page_past_the_end_shows_the_last_page(client, district, parent_audience):
    for number in range(30):
        SharingRecordFactory(vendor__name=f"Reader {number:02d}", audience=parent_audience)
    response = client.get("/search/", {"q": "reader", "page": "7"})
    assert response.context["page"].number == 2
    assert result_names(response)[0] == "Reader 25"


@pytest.mark.parametrize(
    "query",
    [
        {"q": "\x00"},
        {"q": "'; DROP TABLE vendors_vendor; --"},
        {"q": "a & b | !c:* <-> (d"},
        {"q": "x" * 5000},
        {"q": "clever", "page": "-1"},
        {"q": "clever", "page": "999999999999"},
        {"q": "🙂 ✓"},
        {"q": ""},
    ],
)
def test_odd_search_queries_get_a_page_not_an_error(client, clever, query):
    assert client.get("/search/", query).status_code == HTTPStatus.OK


def test_search_page_query_count_does_not_grow_with_the_number_of_results(
    client, district, parent_audience
):
    for _ in range(5):
        SharingRecordFactory(audience=parent_audience)
    with_five = query_count(client, "/search/?q=vendor")
    for _ in range(20):
        SharingRecordFactory(audience=parent_audience)
    assert query_count(client, "/search/?q=vendor") == with_five


@pytest.mark.parametrize("url", ["/", "/parent-data/", "/student-data/"])
def test_search_box_is_on_the_home_and_audience_pages(client, clever, url):
    content = client.get(url).content.decode()
    assert 'name="q"' in content


# Filters and search on an audience page.


@pytest.fixture
def two_titles(district, parent_audience, phone):
    caller = SharingRecordFactory(
        vendor__name="Caller", vendor__slug="caller", audience=parent_audience, elements=[phone]
    )
    other = SharingRecordFactory(
        vendor__name="Quiet", vendor__slug="quiet", audience=parent_audience
    )
    return caller, other


def audience_names(response):
    return [record.vendor.name for record in response.context["records"]]


def test_audience_page_search_narrows_its_list(client, two_titles):
    assert audience_names(client.get("/parent-data/", {"q": "quiet"})) == ["Quiet"]


def test_audience_page_filters_by_data_element(client, two_titles):
    assert audience_names(client.get("/parent-data/", {"element": "parent-phone"})) == ["Caller"]


def test_audience_page_filters_by_element_category(client, two_titles):
    assert audience_names(client.get("/parent-data/", {"category": "contact"})) == ["Caller"]


def test_checked_elements_combine_as_any_of(client, two_titles):
    quiet_element = two_titles[1].elements.get()
    response = client.get("/parent-data/", {"element": ["parent-phone", quiet_element.slug]})
    assert audience_names(response) == ["Caller", "Quiet"]


def test_filters_combine_with_search(client, two_titles):
    assert (
        audience_names(client.get("/parent-data/", {"q": "quiet", "element": "parent-phone"})) == []
    )


def test_an_applied_filter_is_a_chip_linking_to_the_page_without_it(client, two_titles):
    content = client.get("/parent-data/", {"element": "parent-phone", "q": "app"}).content.decode()
    chips = {
        label: href
        for href, label in re.findall(r'class="filter-chip" href="([^"]*)">([^<]*)<', content)
    }
    assert chips["Parent Phone Number"] == "?q=app"
    assert chips["Words: “app”"] == "?element=parent-phone"
    assert re.search(r'href="\?q=app&amp;element=parent-phone" aria-current="true"', content)


def test_unknown_element_filter_shows_an_empty_list_with_a_way_out(client, two_titles):
    response = client.get("/parent-data/", {"element": "no-such-element"})
    assert response.status_code == HTTPStatus.OK
    assert audience_names(response) == []
    assert "browse by data element" in response.content.decode()


@pytest.mark.parametrize("query", ["element=%00", "category=a%20b", "element=" + "a" * 500])
def test_malformed_filter_values_get_a_400(client, two_titles, query):
    assert client.get("/parent-data/?" + query).status_code == HTTPStatus.BAD_REQUEST


def test_audience_filters_never_show_drafts(client, two_titles, parent_audience, phone):
    SharingRecordFactory(
        vendor__name="Draft Caller",
        vendor__status=PublicationStatus.DRAFT,
        audience=parent_audience,
        elements=[phone],
    )
    assert audience_names(client.get("/parent-data/", {"element": "parent-phone"})) == ["Caller"]


def test_filtered_audience_page_query_count_does_not_grow(client, district, parent_audience, phone):
    def add_titles(count):
        for _ in range(count):
            SharingRecordFactory(audience=parent_audience, elements=[phone, DataElementFactory()])

    add_titles(5)
    with_five = query_count(client, "/parent-data/?q=vendor&element=parent-phone")
    add_titles(20)
    assert query_count(client, "/parent-data/?q=vendor&element=parent-phone") == with_five


def test_long_audience_page_offers_an_a_to_z_jump(client, district, parent_audience):
    for name in ["Apple", "Banana", "Cherry"] * 7:
        SharingRecordFactory(vendor__name=name, audience=parent_audience)
    content = client.get("/parent-data/").content.decode()
    assert 'href="#letter-b"' in content
    assert 'id="letter-b"' in content


def test_short_audience_page_has_no_a_to_z_jump(client, two_titles):
    assert 'href="#letter-' not in client.get("/parent-data/").content.decode()


def test_a_former_vendor_is_found_marked_and_linked_to_its_audience_entry(
    client, district, parent_audience
):
    SharingRecordFactory(
        audience=parent_audience,
        vendor__name="AllHere",
        vendor__slug="allhere",
        vendor__status=PublicationStatus.RETIRED,
    )
    content = client.get("/search/?q=allhere").content.decode()
    assert 'href="/vendors/allhere/"' in content
    assert "Former vendor" in content
    assert "/parent-data/#allhere" in content


def reasons(content):
    return re.findall(
        r'<p class="search-result__why"><strong>Why it matched:</strong> ([^<]*)</p>', content
    )


def test_a_result_says_it_matched_because_it_receives_the_element(client, clever, phone):
    SharingRecordFactory(
        vendor__name="Caller", audience=clever.sharing_records.first().audience, elements=[phone]
    )
    assert reasons(client.get("/search/", {"q": "phone"}).content.decode()) == [
        "receives Parent Phone Number"
    ]


def test_a_result_says_its_name_or_company_matched(client, clever):
    assert reasons(client.get("/search/", {"q": "clever"}).content.decode()) == ["name matches"]
    assert reasons(client.get("/search/", {"q": "inc"}).content.decode()) == ["company matches"]


def test_a_result_says_which_words_its_description_mentions(client, clever):
    content = client.get("/search/", {"q": "clever teachers"}).content.decode()
    assert reasons(content) == ["name matches; description mentions “teachers”"]

"""A usage statement or destruction term that several entries on a page use is printed
once, and each entry names it and links there; one used by a single entry is in full there."""

import pytest

from tests.factories import (
    DestructionTermFactory,
    SharingRecordFactory,
    UsageStatementFactory,
    VendorFactory,
)
from vendors.shared_texts import share_texts

pytestmark = pytest.mark.django_db

STANDARD_USAGE = "Used only to run the service the school asked for."
STANDARD_DESTRUCTION = "Destroyed at the end of the agreement, on the School Board's request."
OWN_USAGE = "Used also to improve the vendor's reading model, as the agreement allows."


@pytest.fixture
def standard():
    return {
        "usage_statement": UsageStatementFactory(text=STANDARD_USAGE),
        "destruction_term": DestructionTermFactory(text=STANDARD_DESTRUCTION),
    }


@pytest.fixture
def three_titles(district, parent_audience, student_audience, standard):
    """Clever and DashPass use the district's standard texts for both audiences; Reader's
    parent record has a usage statement of its own."""
    for name in ("Clever", "DashPass", "Reader"):
        vendor = VendorFactory(name=name, slug=name.lower())
        for audience in (parent_audience, student_audience):
            SharingRecordFactory(vendor=vendor, audience=audience, **standard)
    reader = vendor.sharing_records.get(audience=parent_audience)
    reader.usage_statement = UsageStatementFactory(text=OWN_USAGE)
    reader.save()


def test_a_shared_text_appears_once_on_an_audience_page(client, three_titles):
    content = client.get("/parent-data/").content.decode()
    assert content.count(STANDARD_USAGE) == 1
    assert content.count(STANDARD_DESTRUCTION) == 1


def test_each_entry_names_the_shared_text_and_links_its_one_copy(client, three_titles):
    content = client.get("/parent-data/").content.decode()
    assert content.count('href="#usage-statement-1"') == 2
    assert content.count('href="#destruction-statement-1"') == 3
    assert "standard statement</a> (below)" in content
    copy = content[content.index('id="usage-statement-1"') :]
    assert copy.index(STANDARD_USAGE) < copy.index("</div>")


def test_a_text_only_one_entry_uses_is_in_full_at_that_entry(client, three_titles):
    content = client.get("/parent-data/").content.decode()
    entry = content[content.index('id="reader"') :]
    entry = entry[: entry.index("</li>")]
    assert OWN_USAGE in entry
    assert "#usage-statement-1" not in entry


def test_a_permalink_with_two_audiences_shows_a_shared_text_once(client, three_titles):
    content = client.get("/vendors/clever/").content.decode()
    assert content.count(STANDARD_USAGE) == 1
    assert content.count(STANDARD_DESTRUCTION) == 1
    assert content.count('href="#usage-statement-1"') == 2


def test_a_permalink_shows_its_own_text_in_full_in_its_section(client, three_titles):
    content = client.get("/vendors/reader/").content.decode()
    parents = content[content.index('id="audience-parent-data"') :]
    parents = parents[: parents.index("</section>")]
    assert OWN_USAGE in parents
    # The standard statement is now used by one audience only, so it is in full there too.
    assert content.count(STANDARD_USAGE) == 1
    assert "#usage-statement-" not in content


def test_two_shared_texts_of_a_kind_are_numbered_in_the_order_the_page_uses_them(
    district, parent_audience, standard
):
    other = UsageStatementFactory(text="Another standard statement.")
    records = [
        SharingRecordFactory(audience=parent_audience, usage_statement=text)
        for text in (other, other, standard["usage_statement"], standard["usage_statement"])
    ]
    usage = [text for text in share_texts(records) if text.kind == "usage"]
    assert [(text.text, text.anchor, text.numbered) for text in usage] == [
        (other, "usage-statement-1", True),
        (standard["usage_statement"], "usage-statement-2", True),
    ]
    assert records[2].shared_usage_statement is usage[1]

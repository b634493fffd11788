"""The admin pages staff use every day stay a small, fixed number of queries however many
titles, records and elements there are, and the titles list filters by element with a
search box rather than a link per element."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.admin_forms import change_form_data
from tests.factories import (
    AgreementFactory,
    AudienceFactory,
    DataElementCategoryFactory,
    DataElementFactory,
    DestructionTermFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    SubprocessorFactory,
    UsageStatementFactory,
    VendorFactory,
)
from tests.helpers import query_count
from vendors.models import Agreement, SharingRecord, Subprocessor

pytestmark = pytest.mark.django_db

# What the title change page may cost, whatever the title holds (the decision's schools and
# approved alternatives are one query each, for their pickers' chosen options, and one lists
# the vendors' answers and held changes waiting for review).
CHANGE_PAGE_QUERIES = 23
LIST_PAGE_QUERIES = 20


@pytest.fixture
def catalog():
    """A catalog of a realistic shape: several categories of several elements."""
    categories = [DataElementCategoryFactory() for _ in range(6)]
    return [DataElementFactory(category=category) for category in categories for _ in range(8)]


def audiences(count):
    return [
        AudienceFactory(name=f"Group {n}", slug=f"group-{n}", title=f"Group {n} Data", position=n)
        for n in range(count)
    ]


def title_with(records, catalog):
    """A title with `records` sharing records (each with its own shared texts and elements
    from several categories), as many agreements and subprocessors, and an incident."""
    vendor = VendorFactory()
    for number, audience in enumerate(audiences(records)):
        SharingRecordFactory(
            vendor=vendor, audience=audience, elements=catalog[number : number + 12 : 3]
        )
        AgreementFactory(vendor=vendor, audience=audience)
        SubprocessorFactory(vendor=vendor)
    SecurityIncidentFactory(vendor=vendor, elements=catalog[:3])
    return vendor


def change_url(vendor):
    return reverse("admin:vendors_vendor_change", args=[vendor.pk])


def form_prefix(data, formset, row):
    """The prefix of the inline form that edits `row`, as the page numbered it."""
    (prefix,) = [
        key.removesuffix("-id")
        for key, value in data.items()
        if key.startswith(f"{formset}-") and key.endswith("-id") and value == row.pk
    ]
    return prefix


def warm_query_count(client, url):
    """The queries of a page a staff member opens again: the first request of a process
    also reads the content types, which Django then keeps for the life of the process."""
    client.get(url)
    return query_count(client, url)


def test_title_change_page_costs_the_same_few_queries_for_two_records_or_six(
    admin_client, district, catalog
):
    VendorFactory.create_batch(20)
    small = title_with(2, catalog)
    # Six more audiences than the small title has records: the large one uses the first six.
    large = title_with(6, catalog)

    two = warm_query_count(admin_client, change_url(small))
    six = warm_query_count(admin_client, change_url(large))

    assert two <= CHANGE_PAGE_QUERIES
    assert six == two


def test_title_change_page_shows_each_records_own_choices(admin_client, district, catalog):
    vendor = VendorFactory()
    first, second = audiences(2)
    usage = UsageStatementFactory(title="Usage for the first group")
    term = DestructionTermFactory(title="Destruction for the second group")
    SharingRecordFactory(vendor=vendor, audience=first, usage_statement=usage, elements=[])
    SharingRecordFactory(vendor=vendor, audience=second, destruction_term=term, elements=[])
    response = admin_client.get(change_url(vendor))
    html = response.content.decode()
    # An autocomplete renders only the chosen option of each form, selected.
    assert f'<option value="{usage.pk}" selected>Usage for the first group</option>' in html
    assert f'<option value="{term.pk}" selected>Destruction for the second group</option>' in html
    assert html.count("Usage for the first group") == 1
    # Every element of the catalog is offered in each record's picker, and in the blank form
    # "Add another" copies, named with its category.
    element = catalog[0]
    assert html.count(f">{element.name} ({element.category.name})</option>") == 3


def test_saving_the_title_form_with_its_inlines_stores_every_change(
    admin_client, district, catalog
):
    vendor = title_with(2, catalog)
    url = change_url(vendor)
    data = change_form_data(admin_client.get(url))
    first, second = vendor.sharing_records.order_by("audience__position")
    subprocessor = vendor.subprocessors.first()
    new_usage = UsageStatementFactory(title="Rewritten usage")
    chosen = [element.pk for element in catalog[-4:]]
    data[f"{form_prefix(data, 'sharing_records', first)}-elements"] = chosen
    data[f"{form_prefix(data, 'sharing_records', second)}-usage_statement"] = new_usage.pk
    data[f"{form_prefix(data, 'subprocessors', subprocessor)}-name"] = "Renamed Hosting"
    for number in range(vendor.agreements.count()):
        data[f"agreements-{number}-contact_name"] = "Records Office"

    response = admin_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    assert sorted(first.elements.values_list("pk", flat=True)) == sorted(chosen)
    assert SharingRecord.objects.get(pk=second.pk).usage_statement == new_usage
    assert Subprocessor.objects.get(pk=subprocessor.pk).name == "Renamed Hosting"
    assert set(Agreement.objects.filter(vendor=vendor).values_list("contact_name", flat=True)) == {
        "Records Office"
    }
    assert vendor.sharing_records.count() == 2


def test_titles_list_costs_the_same_few_queries_for_five_titles_or_sixty(
    admin_client, district, catalog
):
    (audience,) = audiences(1)
    url = reverse("admin:vendors_vendor_changelist")

    def add_titles(count):
        for number in range(count):
            SharingRecordFactory(audience=audience, elements=catalog[number % 40 : number % 40 + 5])

    add_titles(5)
    few = query_count(admin_client, url)
    add_titles(55)
    many = query_count(admin_client, url)

    assert few <= LIST_PAGE_QUERIES
    assert many == few


def test_element_filter_finds_titles_by_part_of_an_element_name_in_any_case(admin_client, district):
    (audience,) = audiences(1)
    email = DataElementFactory(name="Parent Email")
    SharingRecordFactory(audience=audience, vendor__name="Sends Mail", elements=[email])
    SharingRecordFactory(audience=audience, vendor__name="Keeps Grades")
    response = admin_client.get(reverse("admin:vendors_vendor_changelist"), {"element": "EMAIL"})
    assert [vendor.name for vendor in response.context["cl"].result_list] == ["Sends Mail"]


def test_element_filter_is_a_get_form_that_keeps_the_other_filters(admin_client, district):
    DataElementFactory(name="Student Photo")
    response = admin_client.get(
        reverse("admin:vendors_vendor_changelist"),
        {"status__exact": "published", "element": "photo"},
    )
    html = response.content.decode()
    assert '<form method="get" class="element-filter"' in html
    assert 'name="element" value="photo"' in html
    assert '<input type="hidden" name="status__exact" value="published">' in html
    # The browser suggests the catalog's names.
    assert '<option value="Student Photo"></option>' in html


def test_titles_sidebar_no_longer_lists_a_link_per_element(admin_client, district):
    element = DataElementFactory(name="Locker Number")
    SharingRecordFactory(elements=[element])
    html = admin_client.get(reverse("admin:vendors_vendor_changelist")).content.decode()
    assert "sharing_records__elements__id__exact" not in html


@pytest.mark.parametrize("name", ["sharingrecord", "agreement", "dataelement", "subprocessor"])
def test_daily_lists_cost_the_same_queries_for_few_rows_or_many(
    admin_client, district, catalog, name
):
    url = reverse(f"admin:vendors_{name}_changelist")
    title_with(2, catalog)
    few = query_count(admin_client, url)
    for _ in range(4):
        title_with(4, catalog)
    assert query_count(admin_client, url) == few


def test_sharing_record_change_page_costs_the_same_for_few_elements_or_many(
    admin_client, district, catalog
):
    (audience,) = audiences(1)
    few = SharingRecordFactory(audience=audience, elements=catalog[:2])
    many = SharingRecordFactory(audience=audience, elements=catalog[:30])

    def cost(record):
        return query_count(
            admin_client, reverse("admin:vendors_sharingrecord_change", args=[record.pk])
        )

    assert cost(few) <= CHANGE_PAGE_QUERIES
    assert cost(many) == cost(few)


def test_incident_sidebar_lists_only_the_titles_that_had_one(admin_client, district):
    SecurityIncidentFactory(vendor__name="Had A Breach")
    VendorFactory(name="Never Breached")
    html = admin_client.get(reverse("admin:vendors_securityincident_changelist")).content.decode()
    assert "Had A Breach" in html
    assert "Never Breached" not in html

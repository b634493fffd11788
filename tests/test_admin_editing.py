import datetime
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse

from tests.admin_forms import change_form_data, post_action
from tests.factories import (
    DataElementCategoryFactory,
    DataElementFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    VendorFactory,
)
from tests.helpers import wait_for_the_next_second
from vendors.models import LegalBasis, PublicationStatus, SharingRecord, Vendor

pytestmark = pytest.mark.django_db


def vendor_change(client, vendor):
    url = reverse("admin:vendors_vendor_change", args=[vendor.pk])
    return url, change_form_data(client.get(url))


def test_renaming_a_slug_in_the_admin_keeps_the_old_link_working(
    admin_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, vendor__slug="old-name")
    url, data = vendor_change(admin_client, record.vendor)
    data["slug"] = "new-name"
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND

    visitor = Client()
    response = visitor.get("/vendors/old-name/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "/vendors/new-name/"
    assert visitor.get(response["Location"]).status_code == HTTPStatus.OK
    # The audience page still answers to the old #anchor, next to the new one.
    page = visitor.get("/parent-data/").content.decode()
    assert 'id="old-name"' in page
    assert 'id="new-name"' in page


def test_a_published_record_without_data_elements_gets_a_form_error(
    admin_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience)
    url, data = vendor_change(admin_client, record.vendor)
    data["sharing_records-0-elements"] = []
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "at least one data element" in response.content.decode()
    assert record.elements.exists()


def test_a_translated_legal_basis_without_the_other_basis_is_refused_on_its_own_field(
    admin_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, legal_basis=LegalBasis.PARENT_CONSENT)
    url = reverse("admin:vendors_sharingrecord_change", args=[record.pk])
    data = change_form_data(admin_client.get(url))
    data["legal_basis_other_es"] = "Una ley estatal."
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["legal_basis_other_es"]
    assert "Only write a basis here when the legal basis is “Other”." in str(errors)


def test_a_draft_record_may_be_saved_before_its_elements_are_chosen(
    admin_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, status=PublicationStatus.DRAFT)
    url, data = vendor_change(admin_client, record.vendor)
    data["sharing_records-0-elements"] = []
    assert admin_client.post(url, data).status_code == HTTPStatus.FOUND
    assert not record.elements.exists()


def test_a_second_record_for_the_same_audience_gets_a_form_error(
    admin_client, district, parent_audience, student_audience
):
    record = SharingRecordFactory(audience=parent_audience)
    url, data = vendor_change(admin_client, record.vendor)
    data.update(
        {
            "sharing_records-TOTAL_FORMS": "2",
            "sharing_records-1-audience": parent_audience.pk,
            "sharing_records-1-status": PublicationStatus.DRAFT,
            "sharing_records-1-usage_statement": record.usage_statement.pk,
            "sharing_records-1-destruction_term": record.destruction_term.pk,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert SharingRecord.objects.filter(vendor=record.vendor).count() == 1
    assert (
        "This title already has a sharing record for this audience. Change that record "
        "instead of adding a second one."
    ) in response.content.decode()


def test_an_empty_statement_gets_a_form_error(admin_client, district):
    record = SharingRecordFactory()
    url = reverse("admin:vendors_usagestatement_change", args=[record.usage_statement.pk])
    data = change_form_data(admin_client.get(url))
    data["text_en"] = "   "
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "text_en" in response.context["adminform"].form.errors


def test_statement_change_form_warns_how_many_titles_show_it(
    admin_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience)
    SharingRecordFactory(audience=parent_audience, usage_statement=record.usage_statement)
    url = reverse("admin:vendors_usagestatement_change", args=[record.usage_statement.pk])
    assert "This text appears on 2 titles" in admin_client.get(url).content.decode()


def test_statement_title_count_links_to_the_titles_that_show_it(
    admin_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, vendor__name="Uses It")
    SharingRecordFactory(audience=parent_audience, vendor__name="Does Not")
    query = f"sharing_records__destruction_term__id__exact={record.destruction_term.pk}"
    changelist = admin_client.get(reverse("admin:vendors_destructionterm_changelist"))
    assert query in changelist.content.decode()
    response = admin_client.get(f"{reverse('admin:vendors_vendor_changelist')}?{query}")
    assert response.status_code == HTTPStatus.OK
    assert [v.name for v in response.context["cl"].result_list] == ["Uses It"]


@pytest.mark.parametrize(
    "lookup",
    ["sharing_records__elements__id__exact", "sharing_records__elements__category__id__exact"],
)
def test_title_changelist_filters_by_data_element_and_category(
    admin_client, district, parent_audience, lookup
):
    category = DataElementCategoryFactory()
    element = DataElementFactory(category=category)
    SharingRecordFactory(audience=parent_audience, vendor__name="Has It", elements=[element])
    SharingRecordFactory(audience=parent_audience, vendor__name="Lacks It")
    value = element.pk if "category" not in lookup else category.pk
    response = admin_client.get(reverse("admin:vendors_vendor_changelist"), {lookup: value})
    assert [v.name for v in response.context["cl"].result_list] == ["Has It"]


def test_title_change_form_links_to_its_permalink(admin_client, district):
    vendor = VendorFactory(slug="linked-app")
    page = admin_client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk]))
    link = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(vendor).pk, vendor.pk]
    )
    assert f'href="{link}"' in page.content.decode()
    view_on_site = admin_client.get(link, follow=True)
    assert view_on_site.redirect_chain[-1][0].endswith("/vendors/linked-app/")


def test_the_inline_offers_no_more_records_than_audiences(
    admin_client, district, parent_audience, student_audience
):
    vendor = VendorFactory()
    response = admin_client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk]))
    (records_inline,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is SharingRecord
    ]
    assert records_inline.formset.max_num == 2


def test_title_changelist_offers_import_export_and_deleted_titles(publisher_client, district):
    page = publisher_client.get(reverse("admin:vendors_vendor_changelist")).content.decode()
    for name in ("import", "export", "deleted"):
        assert reverse(f"admin:vendors_vendor_{name}") in page


@contextmanager
def database_refuses(obj):
    """The database refuses to save this one row, as it refuses a row that breaks a
    constraint."""

    def refuse(sender, instance, **kwargs):
        if instance.pk == obj.pk:
            raise IntegrityError("CHECK constraint failed: refused by the test")

    pre_save.connect(refuse, sender=type(obj), dispatch_uid="refuse-one-row")
    try:
        yield
    finally:
        pre_save.disconnect(sender=type(obj), dispatch_uid="refuse-one-row")


DRAFT, PUBLISHED = PublicationStatus.DRAFT, PublicationStatus.PUBLISHED


@pytest.mark.parametrize(
    ("factory", "action", "before"),
    [
        (VendorFactory, "publish", DRAFT),
        (VendorFactory, "unpublish", PUBLISHED),
        (VendorFactory, "retire", PUBLISHED),
        (SharingRecordFactory, "publish", DRAFT),
        (SharingRecordFactory, "unpublish", PUBLISHED),
        (SharingRecordFactory, "retire", PUBLISHED),
        (SecurityIncidentFactory, "publish", DRAFT),
        (SecurityIncidentFactory, "unpublish", PUBLISHED),
    ],
)
def test_a_bulk_status_action_that_fails_on_one_row_changes_no_row(
    publisher_client, district, parent_audience, factory, action, before
):
    model = factory._meta.model
    rows = factory.create_batch(5, status=before)
    versions = sum(row.history.count() for row in rows)
    # The last row in the order the action saves them: every other row comes first.
    refused = model.objects.filter(pk__in=[row.pk for row in rows]).last()
    with database_refuses(refused):
        response = post_action(publisher_client, action, rows, follow=True)
    assert response.status_code == HTTPStatus.OK
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("Nothing was changed")
    assert [row.status for row in model.objects.filter(pk__in=[r.pk for r in rows])] == [
        before
    ] * len(rows)
    assert sum(row.history.count() for row in rows) == versions


def test_bulk_publishing_refuses_a_record_without_data_elements_and_changes_none(
    publisher_client, district, parent_audience
):
    drafts = SharingRecordFactory.create_batch(3, status=DRAFT)
    drafts[1].elements.clear()
    response = post_action(publisher_client, "publish", drafts, follow=True)
    errors = [m.message for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("Nothing was changed")
    assert str(drafts[1]) in errors[0]
    assert not SharingRecord.objects.filter(status=PUBLISHED).exists()


# Real commits: outside a test transaction each save used to move the version on its own.
@pytest.mark.django_db(transaction=True)
def test_publishing_fifty_titles_moves_last_modified_once(publisher_client, district):
    with transaction.atomic():
        drafts = VendorFactory.create_batch(50, status=PublicationStatus.DRAFT)
    visitor = Client()
    wait_for_the_next_second()
    before = parsedate_to_datetime(visitor.get("/vendors/")["Last-Modified"])
    post_action(publisher_client, "publish", drafts)
    wait_for_the_next_second()
    after = parsedate_to_datetime(visitor.get("/vendors/")["Last-Modified"])
    now = datetime.datetime.now(datetime.UTC)
    assert Vendor.objects.listed().count() == 50
    assert after <= max(before, now) + datetime.timedelta(seconds=2)

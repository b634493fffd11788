from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.admin_forms import NO_VENDOR_INLINES
from tests.factories import (
    DataElementFactory,
    DestructionTermFactory,
    SharingRecordFactory,
    UsageStatementFactory,
)
from vendors.models import PublicationStatus, Vendor

pytestmark = pytest.mark.django_db


def test_every_model_is_registered_in_the_admin():
    from django.apps import apps

    unregistered = [
        model.__name__
        for model in apps.get_app_config("vendors").get_models()
        # History is read from each object's own History page, not a list of its own.
        if not admin.site.is_registered(model) and not model.__name__.startswith("Historical")
    ]
    assert unregistered == []


@pytest.mark.parametrize(
    "model",
    [
        "vendor",
        "sharingrecord",
        "dataelement",
        "dataelementcategory",
        "usagestatement",
        "destructionterm",
        "audience",
        "districtprofile",
        "vendorslugredirect",
    ],
)
def test_changelist_and_search_work(admin_client, parent_audience, model, district):
    SharingRecordFactory(audience=parent_audience)
    url = reverse(f"admin:vendors_{model}_changelist")
    assert admin_client.get(url).status_code == HTTPStatus.OK
    assert admin_client.get(url, {"q": "vendor"}).status_code == HTTPStatus.OK


def test_staff_add_a_title_with_a_sharing_record_and_see_it_live(
    admin_client, client, district, parent_audience
):
    element = DataElementFactory(name="Parent Email")
    usage = UsageStatementFactory()
    destruction = DestructionTermFactory()
    response = admin_client.post(
        reverse("admin:vendors_vendor_add"),
        {
            "name": "New Reading App",
            "slug": "new-reading-app",
            "company": "",
            "status": PublicationStatus.PUBLISHED,
            "description_en": "Helps children read.",
            "privacy_policy_label_en": "Privacy",
            "privacy_policy_url": "https://reading.example/privacy",
            "terms_label_en": "",
            "terms_url": "",
            "website_label_en": "reading.example",
            "website_url": "reading.example",
            "sharing_records-TOTAL_FORMS": "1",
            "sharing_records-INITIAL_FORMS": "0",
            "sharing_records-0-audience": parent_audience.pk,
            "sharing_records-0-status": PublicationStatus.PUBLISHED,
            "sharing_records-0-elements_intro_en": "",
            "sharing_records-0-elements": [element.pk],
            "sharing_records-0-usage_statement": usage.pk,
            "sharing_records-0-destruction_term": destruction.pk,
            "slug_redirects-TOTAL_FORMS": "0",
            "slug_redirects-INITIAL_FORMS": "0",
            "agreements-TOTAL_FORMS": "0",
            "agreements-INITIAL_FORMS": "0",
            "subprocessors-TOTAL_FORMS": "0",
            "subprocessors-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    vendor = Vendor.objects.get(slug="new-reading-app")
    # A bare domain is stored as a secure web address.
    assert vendor.website_url == "https://reading.example"
    page = client.get("/parent-data/").content.decode()
    assert "New Reading App" in page
    assert "Parent Email" in page


def test_a_non_web_link_gets_a_form_error_not_a_crash(admin_client, parent_audience):
    record = SharingRecordFactory(audience=parent_audience)
    url = reverse("admin:vendors_vendor_change", args=[record.vendor.pk])
    response = admin_client.get(url)
    form = response.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {
            "privacy_policy_url": "ftp://files.example/policy",
            **NO_VENDOR_INLINES,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "privacy_policy_url" in response.context["adminform"].form.errors


def test_shared_texts_show_how_many_titles_use_them(
    admin_client, parent_audience, student_audience
):
    record = SharingRecordFactory(audience=parent_audience)
    SharingRecordFactory(
        vendor=record.vendor, audience=student_audience, usage_statement=record.usage_statement
    )
    SharingRecordFactory(audience=parent_audience, usage_statement=record.usage_statement)
    response = admin_client.get(reverse("admin:vendors_usagestatement_changelist"))
    statement = response.context["cl"].result_list.get(pk=record.usage_statement.pk)
    assert statement.title_count == 2

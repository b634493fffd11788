from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests import admin_forms
from tests.admin_forms import NO_VENDOR_INLINES, change_form_data
from tests.factories import SharingRecordFactory, VendorFactory
from vendors.models import PublicationStatus, Vendor

pytestmark = pytest.mark.django_db


def group_permissions(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_editor_group_may_add_and_change_but_not_publish_or_delete():
    permissions = group_permissions("Clearinghouse editor")
    assert {"add_vendor", "change_vendor", "change_usagestatement", "add_dataelement"} <= (
        permissions
    )
    assert "publish_vendor" not in permissions
    assert not any(codename.startswith("delete_") for codename in permissions)
    assert not any(codename.endswith("_user") for codename in permissions)


def test_publisher_group_may_also_publish_and_delete():
    permissions = group_permissions("Clearinghouse publisher")
    assert group_permissions("Clearinghouse editor") < permissions
    assert {"publish_vendor", "delete_vendor", "delete_sharingrecord"} <= permissions


def post_action(client, action, vendors):
    return admin_forms.post_action(client, action, vendors, follow=True)


def test_editor_is_not_offered_the_publish_action(editor_client, district):
    VendorFactory()
    page = editor_client.get(reverse("admin:vendors_vendor_changelist")).content.decode()
    assert 'value="publish"' not in page
    assert 'value="delete_selected"' not in page


def test_publisher_is_offered_the_publish_action(publisher_client, district):
    VendorFactory()
    page = publisher_client.get(reverse("admin:vendors_vendor_changelist")).content.decode()
    assert 'value="publish"' in page


def test_editor_cannot_publish_through_the_action(editor_client, district):
    draft = VendorFactory(status=PublicationStatus.DRAFT)
    post_action(editor_client, "publish", [draft])
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT


def test_editor_cannot_delete_through_the_action(editor_client, district):
    vendor = VendorFactory()
    post_action(editor_client, "delete_selected", [vendor])
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_editor_cannot_publish_through_the_change_form(editor_client, district, parent_audience):
    record = SharingRecordFactory(
        audience=parent_audience,
        vendor__status=PublicationStatus.DRAFT,
        status=PublicationStatus.DRAFT,
    )
    url = reverse("admin:vendors_vendor_change", args=[record.vendor.pk])
    data = change_form_data(editor_client.get(url))
    data["status"] = PublicationStatus.PUBLISHED
    data["sharing_records-0-status"] = PublicationStatus.PUBLISHED
    data["description_en"] = "Edited by the editor."
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    record.refresh_from_db()
    record.vendor.refresh_from_db()
    assert record.vendor.description == "Edited by the editor."
    assert record.vendor.status == PublicationStatus.DRAFT
    assert record.status == PublicationStatus.DRAFT


def test_editor_cannot_delete_through_the_delete_page(editor_client, district):
    vendor = VendorFactory()
    url = reverse("admin:vendors_vendor_delete", args=[vendor.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == HTTPStatus.FORBIDDEN
    assert Vendor.objects.filter(pk=vendor.pk).exists()


def test_editor_can_add_a_draft_title(editor_client, district):
    response = editor_client.post(
        reverse("admin:vendors_vendor_add"),
        {
            "name": "Draft App",
            "slug": "draft-app",
            "description_en": "Not yet reviewed.",
            **NO_VENDOR_INLINES,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Vendor.objects.get(slug="draft-app").status == PublicationStatus.DRAFT


def test_publishing_shows_the_title_on_the_public_pages_at_once(
    publisher_client, district, parent_audience
):
    record = SharingRecordFactory(
        audience=parent_audience, vendor__name="Fresh App", vendor__status=PublicationStatus.DRAFT
    )
    assert Client().get(record.vendor.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    post_action(publisher_client, "publish", [record.vendor])
    assert Client().get(record.vendor.get_absolute_url()).status_code == HTTPStatus.OK
    assert "Fresh App" in Client().get("/parent-data/").content.decode()


def test_publishing_a_title_whose_records_are_drafts_warns_it_is_on_no_list(
    publisher_client, district, parent_audience
):
    record = SharingRecordFactory(
        audience=parent_audience,
        status=PublicationStatus.DRAFT,
        vendor__name="Quiet App",
        vendor__status=PublicationStatus.DRAFT,
    )
    response = post_action(publisher_client, "publish", [record.vendor])
    warnings = [m.message for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        "Published, but on no audience page until a sharing record is published too: Quiet App."
    ]
    assert "Quiet App" not in Client().get("/parent-data/").content.decode()


def test_publishing_a_title_with_a_published_record_gives_no_warning(
    publisher_client, district, parent_audience
):
    record = SharingRecordFactory(
        audience=parent_audience, vendor__name="Loud App", vendor__status=PublicationStatus.DRAFT
    )
    response = post_action(publisher_client, "publish", [record.vendor])
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_unpublishing_hides_the_title_from_the_public_at_once(
    publisher_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, vendor__name="Gone App")
    assert "Gone App" in Client().get("/parent-data/").content.decode()
    post_action(publisher_client, "unpublish", [record.vendor])
    assert Client().get(record.vendor.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert "Gone App" not in Client().get("/parent-data/").content.decode()


def test_publisher_can_unpublish_a_single_sharing_record(
    publisher_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, vendor__name="Half App")
    post_action(publisher_client, "unpublish", [record])
    record.refresh_from_db()
    assert record.status == PublicationStatus.DRAFT
    assert "Half App" not in Client().get("/parent-data/").content.decode()


def test_publisher_can_delete_a_title(publisher_client, district):
    vendor = VendorFactory()
    post_action(publisher_client, "delete_selected", [vendor])
    response = publisher_client.post(
        reverse("admin:vendors_vendor_changelist"),
        {"action": "delete_selected", "_selected_action": [vendor.pk], "post": "yes"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert not Vendor.objects.filter(pk=vendor.pk).exists()


@pytest.mark.parametrize("model", ["vendor", "sharingrecord"])
def test_editor_cannot_publish_by_reverting_to_a_published_version(
    editor_client, district, parent_audience, model
):
    record = SharingRecordFactory(audience=parent_audience)
    obj = record.vendor if model == "vendor" else record
    published_version = obj.history.latest()
    obj.status = PublicationStatus.DRAFT
    obj.save()
    url = reverse(
        f"admin:vendors_{model}_simple_history", args=[obj.pk, published_version.history_id]
    )
    response = editor_client.post(url, change_form_data(editor_client.get(url)))
    assert response.status_code == HTTPStatus.FORBIDDEN
    obj.refresh_from_db()
    assert obj.status == PublicationStatus.DRAFT

import re
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests import admin_forms
from tests.admin_forms import NO_VENDOR_INLINES, change_form_data
from tests.factories import (
    AgreementFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    VendorFactory,
)
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


# Visibility decisions beyond the status: each is tried with a crafted POST (the form
# would not offer it to an editor), refused for an editor and allowed for a publisher.

ROLES = [("editor_client", False), ("publisher_client", True)]
DOCUMENTS = ["signed_agreement", "destruction_certificate"]


def change_page(client, obj):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return url, change_form_data(client.get(url))


def is_shown(entry):
    """Whether a visitor finds the entry's title on the public page that lists the entry."""
    page = Client().get(entry.get_absolute_url().partition("#")[0]).content.decode()
    return entry.vendor.name in page


@pytest.mark.parametrize(("role", "allowed"), ROLES)
@pytest.mark.parametrize("factory", [SharingRecordFactory, SecurityIncidentFactory])
def test_only_a_publisher_moves_a_published_entry_onto_a_draft_title(
    request, district, parent_audience, factory, role, allowed
):
    client = request.getfixturevalue(role)
    entry = factory(vendor__name="Shown App")  # a record's audience: the parents'
    shown_on = entry.vendor
    draft = VendorFactory(name="Hidden App", status=PublicationStatus.DRAFT)
    url, data = change_page(client, entry)
    data["vendor"] = draft.pk
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    assert entry.vendor == (draft if allowed else shown_on)
    assert is_shown(entry) is not allowed


def pdf(text="signed"):
    content = f"%PDF-1.4\n% {text}\n%%EOF\n".encode()
    return SimpleUploadedFile(f"{text}.pdf", content, content_type="application/pdf")


def download(agreement, field):
    """What a visitor gets at the document's public address: its bytes, or None."""
    url = reverse(
        f"vendors:agreement_{field}", kwargs={"slug": agreement.vendor.slug, "pk": agreement.pk}
    )
    response = Client().get(url)
    if response.status_code == HTTPStatus.NOT_FOUND:
        return None
    return b"".join(response.streaming_content)


@pytest.fixture
def agreement_of(settings, tmp_path, district, parent_audience):
    settings.MEDIA_ROOT = tmp_path / "media"

    def make(field, public):
        title = SharingRecordFactory(audience=parent_audience).vendor
        return AgreementFactory(vendor=title, **{field: pdf(), f"{field}_public": public})

    return make


@pytest.mark.parametrize(("role", "allowed"), ROLES)
@pytest.mark.parametrize("field", DOCUMENTS)
@pytest.mark.parametrize("public", [False, True], ids=["tick", "untick"])
def test_only_a_publisher_ticks_or_unticks_a_documents_public_box(
    request, agreement_of, public, field, role, allowed
):
    client = request.getfixturevalue(role)
    agreement = agreement_of(field, public=public)
    url, data = change_page(client, agreement)
    if public:
        del data[f"{field}_public"]  # an unticked box is not sent
    else:
        data[f"{field}_public"] = "on"
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    downloadable = download(agreement, field) is not None
    assert downloadable is (public is not allowed)


@pytest.mark.parametrize(("role", "allowed"), ROLES)
def test_only_a_publisher_makes_a_document_public_from_the_title_page(
    request, agreement_of, role, allowed
):
    client = request.getfixturevalue(role)
    agreement = agreement_of("signed_agreement", public=False)
    url, data = change_page(client, agreement.vendor)
    data["agreements-0-signed_agreement_public"] = "on"
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    assert (download(agreement, "signed_agreement") is not None) is allowed


@pytest.mark.parametrize(("role", "allowed"), ROLES)
def test_only_a_publisher_replaces_a_public_document(request, agreement_of, role, allowed):
    client = request.getfixturevalue(role)
    agreement = agreement_of("signed_agreement", public=True)
    url, data = change_page(client, agreement)
    data["signed_agreement"] = pdf("unreviewed")
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    replaced = b"unreviewed" in download(agreement, "signed_agreement")
    assert replaced is allowed


def test_an_editor_still_uploads_a_private_document(editor_client, agreement_of):
    agreement = agreement_of("destruction_certificate", public=False)
    url, data = change_page(editor_client, agreement)
    data["signed_agreement"] = pdf("draft copy")
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    agreement.refresh_from_db()
    assert agreement.signed_agreement
    assert download(agreement, "signed_agreement") is None


@pytest.mark.parametrize(("role", "allowed"), ROLES)
def test_only_a_publisher_moves_an_agreement_with_a_public_document(
    request, agreement_of, role, allowed
):
    client = request.getfixturevalue(role)
    agreement = agreement_of("signed_agreement", public=True)
    first = agreement.vendor
    other = VendorFactory()
    url, data = change_page(client, agreement)
    data["vendor"] = other.pk
    assert client.post(url, data).status_code == HTTPStatus.FOUND
    agreement.refresh_from_db()
    assert agreement.vendor == (other if allowed else first)


def test_an_editor_moves_an_agreement_whose_documents_are_private(editor_client, agreement_of):
    agreement = agreement_of("signed_agreement", public=False)
    other = VendorFactory()
    url, data = change_page(editor_client, agreement)
    data["vendor"] = other.pk
    assert editor_client.post(url, data).status_code == HTTPStatus.FOUND
    agreement.refresh_from_db()
    assert agreement.vendor == other


def test_an_editor_sees_the_public_boxes_disabled(editor_client, agreement_of):
    agreement = agreement_of("signed_agreement", public=False)
    page = editor_client.get(reverse("admin:vendors_agreement_change", args=[agreement.pk]))
    boxes = re.findall(r'<input[^>]*name="[a-z_]*_public"[^>]*>', page.content.decode())
    assert len(boxes) == len(DOCUMENTS)
    assert all("disabled" in box for box in boxes)

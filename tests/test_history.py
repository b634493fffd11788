from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin_forms import change_form_data
from tests.factories import DataElementFactory, SharingRecordFactory
from vendors.models import SharingRecord, UsageStatement, Vendor

pytestmark = pytest.mark.django_db


def test_a_change_in_the_admin_records_who_when_and_old_and_new_values(
    publisher_client, publisher, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, vendor__company="Old Co")
    url = reverse("admin:vendors_vendor_change", args=[record.vendor.pk])
    data = change_form_data(publisher_client.get(url))
    data["company"] = "New Co"
    assert publisher_client.post(url, data).status_code == HTTPStatus.FOUND
    latest = record.vendor.history.latest()
    assert latest.history_user == publisher
    assert latest.history_date is not None
    change = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in change] == [("company", "Old Co", "New Co")]


def test_data_elements_added_and_removed_are_recorded(
    publisher_client, publisher, district, parent_audience
):
    kept, removed, added = DataElementFactory(), DataElementFactory(), DataElementFactory()
    record = SharingRecordFactory(audience=parent_audience, elements=[kept, removed])
    url = reverse("admin:vendors_vendor_change", args=[record.vendor.pk])
    data = change_form_data(publisher_client.get(url))
    data["sharing_records-0-elements"] = [kept.pk, added.pk]
    before = record.history.latest()
    assert publisher_client.post(url, data).status_code == HTTPStatus.FOUND
    latest = record.history.latest()
    assert latest.history_user == publisher
    delta = latest.diff_against(before)
    (elements_change,) = [c for c in delta.changes if c.field == "elements"]
    old = {row["dataelement"] for row in elements_change.old}
    new = {row["dataelement"] for row in elements_change.new}
    assert old - new == {removed.pk}
    assert new - old == {added.pk}


def test_a_statement_edit_is_recorded(publisher_client, publisher, district):
    record = SharingRecordFactory()
    statement = record.usage_statement
    url = reverse("admin:vendors_usagestatement_change", args=[statement.pk])
    data = change_form_data(publisher_client.get(url))
    data["text_en"] = "Used to run the reading program only."
    assert publisher_client.post(url, data).status_code == HTTPStatus.FOUND
    latest = UsageStatement.history.filter(id=statement.pk).latest()
    assert latest.history_user == publisher
    assert latest.text == "Used to run the reading program only."


def test_history_page_lists_the_change(publisher_client, district, parent_audience):
    record = SharingRecordFactory(audience=parent_audience, vendor__company="Old Co")
    vendor = record.vendor
    vendor.company = "New Co"
    vendor.save()
    response = publisher_client.get(reverse("admin:vendors_vendor_history", args=[vendor.pk]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Old Co" in page
    assert "New Co" in page


def test_the_history_page_has_no_inline_style_the_csp_would_refuse(publisher_client, district):
    vendor = SharingRecordFactory(vendor__company="Old Co").vendor
    vendor.save()
    page = publisher_client.get(reverse("admin:vendors_vendor_history", args=[vendor.pk]))
    assert page.status_code == HTTPStatus.OK
    assert " style=" not in page.content.decode()


def delete_title(client, vendor):
    return client.post(reverse("admin:vendors_vendor_delete", args=[vendor.pk]), {"post": "yes"})


def test_a_deleted_title_stays_in_the_history(publisher_client, publisher, district):
    record = SharingRecordFactory(vendor__name="Removed App")
    vendor_pk = record.vendor.pk
    assert delete_title(publisher_client, record.vendor).status_code == HTTPStatus.FOUND
    deletion = Vendor.history.filter(id=vendor_pk).latest()
    assert deletion.history_type == "-"
    assert deletion.history_user == publisher
    assert SharingRecord.history.filter(id=record.pk, history_type="-").exists()
    changelist = publisher_client.get(reverse("admin:vendors_vendor_changelist"))
    assert reverse("admin:vendors_vendor_deleted") in changelist.content.decode()
    page = publisher_client.get(reverse("admin:vendors_vendor_deleted")).content.decode()
    assert "Removed App" in page


def test_a_deleted_title_is_restored_with_its_sharing_records(
    publisher_client, district, parent_audience, student_audience
):
    elements = [DataElementFactory(name="Parent Email"), DataElementFactory()]
    record = SharingRecordFactory(
        audience=parent_audience, vendor__name="Comeback App", elements=elements
    )
    SharingRecordFactory(vendor=record.vendor, audience=student_audience)
    vendor_pk, slug = record.vendor.pk, record.vendor.slug
    delete_title(publisher_client, record.vendor)
    assert Client().get(f"/vendors/{slug}/").status_code == HTTPStatus.NOT_FOUND

    deletion = Vendor.history.filter(id=vendor_pk).latest()
    response = publisher_client.post(
        reverse("admin:vendors_vendor_restore", args=[deletion.history_id])
    )
    assert response.status_code == HTTPStatus.FOUND
    vendor = Vendor.objects.get(pk=vendor_pk)
    assert vendor.sharing_records.count() == 2
    restored = vendor.sharing_records.get(audience=parent_audience)
    assert set(restored.elements.all()) == set(elements)
    assert "Parent Email" in Client().get(f"/vendors/{slug}/").content.decode()


def test_an_editor_cannot_restore_a_deleted_title(publisher_client, editor_client, district):
    record = SharingRecordFactory()
    vendor_pk = record.vendor.pk
    record.vendor.delete()
    deletion = Vendor.history.filter(id=vendor_pk).latest()
    response = editor_client.post(
        reverse("admin:vendors_vendor_restore", args=[deletion.history_id])
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Vendor.objects.filter(pk=vendor_pk).exists()


def test_the_history_of_a_deleted_title_stays_viewable(publisher_client, district):
    record = SharingRecordFactory(vendor__name="Gone But Recorded")
    vendor_pk = record.vendor.pk
    record.vendor.delete()
    response = publisher_client.get(reverse("admin:vendors_vendor_history", args=[vendor_pk]))
    assert response.status_code == HTTPStatus.OK
    assert "Gone But Recorded" in response.content.decode()


# Translations: the Spanish and Haitian Creole columns are part of each recorded version.


def test_a_spanish_description_edit_in_the_admin_is_recorded(
    publisher_client, publisher, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, vendor__description_es="Antes.")
    url = reverse("admin:vendors_vendor_change", args=[record.vendor.pk])
    data = change_form_data(publisher_client.get(url))
    data["description_es"] = "Ayuda a los niños a leer."
    assert publisher_client.post(url, data).status_code == HTTPStatus.FOUND
    latest = record.vendor.history.latest()
    assert latest.history_user == publisher
    assert latest.description_es == "Ayuda a los niños a leer."
    change = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in change] == [
        ("description_es", "Antes.", "Ayuda a los niños a leer.")
    ]


def revert(client, obj, version):
    url = reverse(f"admin:vendors_{obj._meta.model_name}_simple_history", args=[obj.pk, version])
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    return page, client.post(url, change_form_data(page))


def test_reverting_a_title_brings_back_its_spanish_description(
    publisher_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, vendor__description_es="Texto viejo.")
    vendor = record.vendor
    old_version = vendor.history.latest().history_id
    vendor.description_es = "Texto nuevo."
    vendor.save()
    page, response = revert(publisher_client, vendor, old_version)
    assert "Texto viejo." in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    vendor.refresh_from_db()
    assert vendor.description_es == "Texto viejo."
    assert "Texto viejo." in Client().get(f"/es/vendors/{vendor.slug}/").content.decode()


def test_reverting_a_statement_brings_back_its_haitian_creole_text(publisher_client, district):
    statement = SharingRecordFactory().usage_statement
    statement.text_ht = "Pou pwogram lekti a sèlman."
    statement.save()
    old_version = statement.history.latest().history_id
    statement.text_ht = "Yon lòt tèks."
    statement.save()
    _page, response = revert(publisher_client, statement, old_version)
    assert response.status_code == HTTPStatus.FOUND
    statement.refresh_from_db()
    assert statement.text_ht == "Pou pwogram lekti a sèlman."


def test_a_version_recorded_before_translations_were_keeps_todays_translation(
    publisher_client, district, parent_audience
):
    record = SharingRecordFactory(audience=parent_audience, vendor__description="Old English.")
    vendor = record.vendor
    old = vendor.history.latest()
    # What migration 0009 leaves in a version recorded before it: the English text only.
    Vendor.history.filter(history_id=old.history_id).update(description_es=None)
    vendor.description = "New English."
    vendor.description_es = "Traducción de hoy."
    vendor.save()
    _page, response = revert(publisher_client, vendor, old.history_id)
    assert response.status_code == HTTPStatus.FOUND
    vendor.refresh_from_db()
    assert vendor.description_en == "Old English."
    assert vendor.description_es == "Traducción de hoy."


def test_a_restored_title_keeps_its_translations(publisher_client, district, parent_audience):
    record = SharingRecordFactory(
        audience=parent_audience,
        vendor__description_es="Vuelve con su descripción.",
        elements_intro_ht="Done sa yo pataje:",
    )
    vendor_pk = record.vendor.pk
    delete_title(publisher_client, record.vendor)
    deletion = Vendor.history.filter(id=vendor_pk).latest()
    publisher_client.post(reverse("admin:vendors_vendor_restore", args=[deletion.history_id]))
    vendor = Vendor.objects.get(pk=vendor_pk)
    assert vendor.description_es == "Vuelve con su descripción."
    assert vendor.sharing_records.get().elements_intro_ht == "Done sa yo pataje:"

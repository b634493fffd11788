import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    DistrictProfileFactory,
    SharingRecordFactory,
    UsageStatementFactory,
    VendorFactory,
)
from vendors.models import DistrictProfile, PublicationStatus, SharingRecord, Vendor

pytestmark = pytest.mark.django_db


def test_a_title_has_at_most_one_sharing_record_per_audience(parent_audience):
    record = SharingRecordFactory(audience=parent_audience)
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingRecord.objects.create(
            vendor=record.vendor,
            audience=parent_audience,
            usage_statement=record.usage_statement,
            destruction_term=record.destruction_term,
        )


def test_slugs_are_unique():
    VendorFactory(slug="clever")
    with pytest.raises(IntegrityError), transaction.atomic():
        VendorFactory(slug="clever")


def test_the_database_refuses_an_empty_statement():
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageStatementFactory(text="")


def test_the_database_refuses_an_unknown_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        VendorFactory(status="hidden")


def test_there_is_only_ever_one_district_profile():
    DistrictProfileFactory()
    DistrictProfile(
        short_name="X", full_name="Other", intro="x", contact_email="a@b.example"
    ).save()
    assert DistrictProfile.objects.count() == 1
    assert DistrictProfile.load().full_name == "Other"


@pytest.mark.parametrize("url", ["ftp://example.org/policy", "javascript:alert(1)", "example"])
def test_link_urls_must_be_web_addresses(url):
    vendor = VendorFactory.build(privacy_policy_url=url)
    with pytest.raises(ValidationError) as error:
        vendor.full_clean()
    assert "privacy_policy_url" in error.value.message_dict


def test_listed_titles_are_the_published_ones_only():
    published = VendorFactory()
    VendorFactory(status=PublicationStatus.DRAFT)
    VendorFactory(status=PublicationStatus.RETIRED)
    assert list(Vendor.objects.listed()) == [published]


def test_public_titles_include_former_vendors_but_never_drafts():
    published = VendorFactory(name="A")
    VendorFactory(name="B", status=PublicationStatus.DRAFT)
    retired = VendorFactory(name="C", status=PublicationStatus.RETIRED)
    assert list(Vendor.objects.public()) == [published, retired]
    assert list(Vendor.objects.former()) == [retired]


def test_a_record_is_public_only_when_its_title_is_too(parent_audience):
    SharingRecordFactory(audience=parent_audience, vendor__status=PublicationStatus.DRAFT)
    assert not SharingRecord.objects.public().exists()
    assert not SharingRecord.objects.listed().exists()


def test_a_former_vendors_record_is_public_but_not_listed(parent_audience):
    SharingRecordFactory(audience=parent_audience, vendor__status=PublicationStatus.RETIRED)
    assert SharingRecord.objects.public().exists()
    assert not SharingRecord.objects.listed().exists()


def test_staff_see_drafts_and_visitors_do_not(parent_audience, admin_user):
    draft = SharingRecordFactory(
        audience=parent_audience,
        status=PublicationStatus.DRAFT,
        vendor__status=PublicationStatus.DRAFT,
    )
    assert list(SharingRecord.objects.visible_to(admin_user)) == [draft]
    assert not SharingRecord.objects.visible_to(AnonymousUser()).exists()
    assert list(Vendor.objects.visible_to(admin_user)) == [draft.vendor]
    assert not Vendor.objects.visible_to(AnonymousUser()).exists()


def test_summary_shows_nothing_the_sanitizer_removes():
    vendor = VendorFactory.build(
        description="<script>alert('x')</script>Reading <b>help</b> for <i>all</i>. More."
    )
    assert vendor.summary == "Reading help for all."


def test_summary_is_the_first_sentence_as_plain_text():
    vendor = VendorFactory.build(
        description="**Clever** is a [platform](https://clever.com). It does more.\n\nMore."
    )
    assert vendor.summary == "Clever is a platform."


def test_saving_a_record_marks_its_title_as_updated(parent_audience):
    record = SharingRecordFactory(audience=parent_audience)
    before = Vendor.objects.get(pk=record.vendor.pk)
    record.save()
    after = Vendor.objects.get(pk=before.pk)
    assert after.updated_at >= before.updated_at
    assert after.updated_at == SharingRecord.objects.get(pk=record.pk).updated_at


def test_models_read_well_in_the_admin(parent_audience):
    record = SharingRecordFactory(vendor__name="Clever", audience=parent_audience)
    assert str(record) == "Clever — Parents"
    assert str(record.vendor) == "Clever"
    assert record.get_absolute_url() == "/parent-data/#" + record.vendor.slug

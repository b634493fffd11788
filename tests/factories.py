import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from vendors.models import (
    Agreement,
    AgreementStatus,
    Audience,
    DataElement,
    DataElementCategory,
    DestructionTerm,
    DistrictProfile,
    PublicationStatus,
    ReviewRequest,
    School,
    SecurityIncident,
    SharingRecord,
    Subprocessor,
    Subscription,
    UsageStatement,
    Vendor,
)


class DistrictProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistrictProfile
        django_get_or_create = ["id"]

    id = DistrictProfile.SINGLETON_ID
    short_name = "TDS"
    full_name = "Test District Schools"
    intro = "We tell parents which companies receive their family's data."
    contact_email = "privacy@district.example"


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience
        django_get_or_create = ["slug"]

    name = "Parents"
    slug = "parent-data"
    title = "Parent Data"
    position = 10


class DataElementCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataElementCategory
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class DataElementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataElement

    name = factory.Sequence(lambda n: f"Element {n}")
    slug = factory.Sequence(lambda n: f"element-{n}")
    category = factory.SubFactory(DataElementCategoryFactory)
    description = "A piece of personal information."


class UsageStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageStatement

    title = factory.Sequence(lambda n: f"Usage statement {n}")
    text = "Used only to run the service for the school."


class DestructionTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DestructionTerm

    title = factory.Sequence(lambda n: f"Destruction term {n}")
    text = "Destroyed within 30 days of the end of the agreement."


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n:04d}")
    slug = factory.Sequence(lambda n: f"vendor-{n:04d}")
    description = "An app that helps teachers. It does many things."
    privacy_policy_label = "Privacy policy"
    privacy_policy_url = factory.LazyAttribute(lambda v: f"https://{v.slug}.example/privacy")
    terms_label = "Terms"
    terms_url = factory.LazyAttribute(lambda v: f"https://{v.slug}.example/terms")
    website_label = "Website"
    website_url = factory.LazyAttribute(lambda v: f"https://{v.slug}.example/")
    status = PublicationStatus.PUBLISHED


class SharingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharingRecord
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    audience = factory.SubFactory(AudienceFactory)
    usage_statement = factory.SubFactory(UsageStatementFactory)
    destruction_term = factory.SubFactory(DestructionTermFactory)
    status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def elements(self, create, extracted, **kwargs):
        if not create:
            return
        self.elements.set(extracted if extracted is not None else [DataElementFactory()])


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    vendor = factory.SubFactory(VendorFactory)
    audience = None
    status = AgreementStatus.ACTIVE
    signed_on = datetime.date(2026, 1, 15)
    effective_on = datetime.date(2026, 2, 1)
    expires_on = datetime.date(2029, 1, 31)
    last_reviewed_on = datetime.date(2026, 8, 1)
    next_review_due = datetime.date(2027, 8, 1)
    contact_name = "Office of Student Privacy"
    contact_email = "privacy@district.example"
    contact_phone = "555-0100"


class SubprocessorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subprocessor

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Hosting Company {n}")
    purpose = "Stores the data on its servers."
    location = "United States"


class SecurityIncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SecurityIncident
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    discovered_on = datetime.date(2026, 2, 10)
    disclosed_on = datetime.date(2026, 2, 20)
    summary = "Someone used a stolen password to copy student records."
    students_affected = 1200
    notice_url = "https://vendor.example/notice"
    status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def elements(self, create, extracted, **kwargs):
        if create and extracted:
            self.elements.set(extracted)


class StaffFactory(factory.django.DjangoModelFactory):
    """A staff member; `role="Clearinghouse editor"` (or publisher) puts them in that group,
    which the roles migration made."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@district.example")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


class ReviewRequestFactory(factory.django.DjangoModelFactory):
    """A confirmed request in the queue, as a teacher sent it."""

    class Meta:
        model = ReviewRequest
        skip_postgeneration_save = True

    tool_name = factory.Sequence(lambda n: f"Math Tool {n}")
    website = factory.Sequence(lambda n: f"https://math-tool-{n}.example/")
    intended_use = "My 4th-grade class, for math practice at school."
    grades_3_5 = True
    data_elements_unknown = True
    requester_email = factory.Sequence(lambda n: f"teacher{n}@district.example")
    language = "en"
    confirmed_at = factory.LazyFunction(timezone.now)


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"School {n}")


def vendor_invitation(vendor=None, email="privacy@vendor.example", language="en", **changes):
    """An invitation and its token, made as the admin makes them (the token exists only
    then); `changes` are written over it afterwards (expires_at, revoked_at)."""
    from vendors.models import VendorInvitation

    invitation, token = VendorInvitation.issue(vendor or VendorFactory(), email, language)
    if changes:
        VendorInvitation.objects.filter(pk=invitation.pk).update(**changes)
        invitation.refresh_from_db()
    return invitation, token


class SubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed subscriber, last sent to a day ago."""

    class Meta:
        model = Subscription
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"parent{n}@example.org")
    language = "en"
    all_changes = True
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    sent_through = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def titles(self, create, extracted, **kwargs):
        if create and extracted:
            self.all_changes = False
            self.save(update_fields=["all_changes"])
            self.titles.set(extracted)

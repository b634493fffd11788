"""The clearinghouse's domain: who receives which family data, for what, and until when.

A `Vendor` is one software title. For each `Audience` (parents, students) it
receives data from, it has one `SharingRecord` naming the `DataElement`s shared,
the `UsageStatement` that says how they are used, and the `DestructionTerm` that
says when and how they are destroyed. Statements and terms are written once and
attached to many records, so one edit changes every page that shows them.
"""

import datetime
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .documents import (
    DOCUMENT_FILENAMES,
    agreement_document_path,
    delete_files_after_commit,
    validate_pdf,
)

# Staff sometimes paste ftp:// or javascript: addresses; a parent's browser must
# only ever be sent to a web page.
http_url_validator = URLValidator(schemes=["http", "https"])


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    # An agreement that has ended: off the current lists, but its permalink stays.
    RETIRED = "retired", _("Retired")


def publication_status_field():
    """Draft until a publisher says otherwise, so the public never sees a half-written entry."""
    return models.CharField(
        _("status"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )


class StatePreset(models.TextChoices):
    """States whose law makes districts post their data recipients (see state_presets.py)."""

    NONE = "", _("None")
    COLORADO = "CO", _("Colorado")
    CONNECTICUT = "CT", _("Connecticut")
    UTAH = "UT", _("Utah")
    LOUISIANA = "LA", _("Louisiana")
    ILLINOIS = "IL", _("Illinois")
    OHIO = "OH", _("Ohio")


class DistrictProfile(models.Model):
    """The one record describing the district that publishes this clearinghouse."""

    short_name = models.CharField(_("short name"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=200)
    site_title = models.CharField(
        _("site title"),
        max_length=200,
        default="Instructional Technology Data Sharing Clearinghouse",
    )
    intro = models.TextField(
        _("intro statement"),
        help_text=_("Shown at the top of the home page. Markdown: paragraphs, lists, bold, links."),
    )
    contact_email = models.EmailField(_("contact email"))
    state = models.CharField(
        _("state law preset"),
        max_length=2,
        choices=StatePreset.choices,
        blank=True,
        default=StatePreset.NONE,
        help_text=_(
            "The state whose posting law this clearinghouse must meet. The admin then flags "
            "each published title missing a field that law requires."
        ),
    )
    parent_rights = models.TextField(
        _("how parents exercise their rights"),
        blank=True,
        help_text=_(
            "How a parent can review and correct their child's data, ask for it to be "
            "deleted, and inspect the district's agreements. Shown on the home page; every "
            "title's page links to it. Markdown."
        ),
    )
    complaint_process = models.TextField(
        _("parent complaint process"),
        blank=True,
        help_text=_(
            "How a parent files a complaint about how data is shared, and what happens "
            "next. Shown on the home page; every title's page links to it. Markdown."
        ),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    SINGLETON_ID = 1

    class Meta:
        verbose_name = _("district profile")
        verbose_name_plural = _("district profile")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="district_profile_is_a_singleton"),
            models.CheckConstraint(
                condition=Q(state__in=StatePreset.values), name="district_profile_state_valid"
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("vendors:home")

    @classmethod
    def load(cls):
        """The profile, or None before the district has entered one."""
        return cls.objects.filter(pk=cls.SINGLETON_ID).first()


class Audience(models.Model):
    """Whose data is shared: parents or students. Each has its own public page."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        help_text=_("The page's address, e.g. parent-data for /parent-data/. Never change it."),
    )
    title = models.CharField(_("page title"), max_length=100)
    intro = models.TextField(_("intro"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["position", "name"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("vendors:audience", kwargs={"slug": self.slug})


class DataElementCategory(models.Model):
    """A heading of the NDPA Exhibit B schedule, e.g. "Student Contact Information"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("data element category")
        verbose_name_plural = _("data element categories")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class DataElementQuerySet(models.QuerySet):
    def with_category(self):
        return self.select_related("category")


class DataElement(models.Model):
    """One kind of personal data a vendor may receive, e.g. "Parent Email"."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True, max_length=100)
    category = models.ForeignKey(
        DataElementCategory,
        on_delete=models.PROTECT,
        related_name="elements",
        verbose_name=_("category"),
    )
    description = models.TextField(_("plain-language description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = DataElementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["category__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"], name="data_element_name_unique_in_category"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.category.name})"

    def get_absolute_url(self):
        return reverse("vendors:data_element", kwargs={"slug": self.slug})


class SharedText(models.Model):
    """A text staff write once and attach to many sharing records."""

    title = models.CharField(
        _("internal title"),
        max_length=200,
        unique=True,
        help_text=_("For staff only, to pick this text from a list. Not shown to the public."),
    )
    text = models.TextField(_("text"), help_text=_("Markdown: paragraphs, lists, bold, links."))
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="%(class)s_text_not_empty"),
        ]

    def __str__(self):
        return self.title


class UsageStatement(SharedText):
    """How the data is being used."""

    history = HistoricalRecords()

    class Meta(SharedText.Meta):
        verbose_name = _("usage statement")
        verbose_name_plural = _("usage statements")


class DestructionTerm(SharedText):
    """When and how the data will be destroyed."""

    history = HistoricalRecords()

    class Meta(SharedText.Meta):
        verbose_name = _("destruction term")
        verbose_name_plural = _("destruction terms")


def set_status_one_by_one(queryset, status):
    """Change each row's status through save(), so that history, signals and any cache
    invalidation hooked on them see every publish and unpublish. Returns how many changed."""
    changed = 0
    for obj in queryset.exclude(status=status):
        obj.status = status
        obj.save()
        changed += 1
    return changed


class VendorQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def set_status(self, status):
        return set_status_one_by_one(self, status)

    def former(self):
        """Former vendors: retired titles, off the current lists but public at their permalink."""
        return self.filter(status=PublicationStatus.RETIRED)

    def public(self):
        """Every title a visitor can read: current (published) and former (retired) ones."""
        return self.exclude(status=PublicationStatus.DRAFT)

    def visible_to(self, user):
        """Staff may preview drafts at their real address; visitors see published titles."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.public()

    def with_public_details(self, records, records_attr):
        """Everything a title's page or export shows about it, in a fixed number of queries:
        the given sharing records (as `records_attr`), agreements, subprocessors and the
        published security incidents (as `public_incidents`)."""
        return self.prefetch_related(
            models.Prefetch(
                "sharing_records", queryset=records.with_details(), to_attr=records_attr
            ),
            models.Prefetch("agreements", queryset=Agreement.objects.select_related("audience")),
            "subprocessors",
            models.Prefetch(
                "security_incidents",
                queryset=SecurityIncident.objects.published().prefetch_related("elements"),
                to_attr="public_incidents",
            ),
        )


class Vendor(models.Model):
    """One software title that receives data, e.g. Clever."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        max_length=100,
        help_text=_("The permalink, e.g. clever for /vendors/clever/. Renaming keeps a redirect."),
    )
    company = models.CharField(
        _("company"),
        max_length=200,
        blank=True,
        help_text=_("The company behind the title, when its name differs (e.g. PowerSchool)."),
    )
    description = models.TextField(
        _("description"), help_text=_("Markdown: paragraphs, bullet lists, bold, links.")
    )
    privacy_policy_label = models.CharField(_("privacy policy label"), max_length=300, blank=True)
    privacy_policy_url = models.URLField(
        _("privacy policy URL"), max_length=500, blank=True, validators=[http_url_validator]
    )
    terms_label = models.CharField(_("terms of service label"), max_length=300, blank=True)
    terms_url = models.URLField(
        _("terms of service URL"), max_length=500, blank=True, validators=[http_url_validator]
    )
    website_label = models.CharField(_("website label"), max_length=300, blank=True)
    website_url = models.URLField(
        _("website URL"), max_length=500, blank=True, validators=[http_url_validator]
    )
    business_address = models.TextField(
        _("vendor business address"),
        blank=True,
        help_text=_("The company's postal address, as its agreement gives it."),
    )
    has_no_subprocessors = models.BooleanField(
        _("passes the data to no other company"),
        default=False,
        help_text=_(
            "Tick only when the vendor has stated that it passes the district's data to no "
            "other company. An empty list of subprocessors otherwise reads as not yet known."
        ),
    )
    status = publication_status_field()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    # Name, company and description folded to lowercase without accents, so that both
    # databases can match "electronico" to "electrónico" without a database extension.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = VendorQuerySet.as_manager()
    # search_text is derived from the other fields: recording it would double every entry.
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("software title")
        verbose_name_plural = _("software titles")
        ordering = ["name"]
        # Editors prepare content; only a publisher decides what the public sees.
        permissions = [
            ("publish_vendor", _("Can publish, unpublish and retire titles and sharing records")),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="vendor_name_not_empty"),
            models.CheckConstraint(condition=~Q(slug=""), name="vendor_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values), name="vendor_status_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        previous_slug = None
        if self.pk:
            previous_slug = Vendor.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
        super().save(*args, **kwargs)
        # The slug now belongs to this title, whoever used to answer to it.
        VendorSlugRedirect.objects.filter(old_slug=self.slug).delete()
        if previous_slug and previous_slug != self.slug:
            VendorSlugRedirect.objects.update_or_create(
                old_slug=previous_slug, defaults={"vendor": self}
            )

    def get_absolute_url(self):
        return reverse("vendors:vendor_detail", kwargs={"slug": self.slug})

    @property
    def summary(self):
        """The description's first sentence, as plain text, for lists that must stay scannable."""
        first_paragraph = next((line for line in self.description.splitlines() if line.strip()), "")
        plain = re.sub(r"[*_`#>\[\]]|\(https?://[^)]*\)", "", first_paragraph).strip()
        sentence, _separator, _rest = plain.partition(". ")
        return sentence if sentence.endswith(".") or not _rest else f"{sentence}."

    @property
    def is_draft(self):
        return self.status == PublicationStatus.DRAFT

    @property
    def is_former(self):
        return self.status == PublicationStatus.RETIRED

    @property
    def ended_agreement(self):
        """The agreement that ended last, for a former vendor's summary; None if none ended.

        Reads agreements.all() so that a prefetch answers it."""
        ended = [a for a in self.agreements.all() if a.status == AgreementStatus.ENDED]
        return max(ended, key=lambda a: a.ended_on or datetime.date.min, default=None)

    @property
    def all_agreements_ended(self):
        agreements = list(self.agreements.all())
        return bool(agreements) and all(a.status == AgreementStatus.ENDED for a in agreements)

    @property
    def links(self):
        """The three links in the order the page shows them: (heading, label field, url). The
        label is named rather than read, so the page can mark an untranslated one."""
        return [
            (_("Privacy Policy"), "privacy_policy_label", self.privacy_policy_url),
            (_("Terms of Service"), "terms_label", self.terms_url),
            (_("Website"), "website_label", self.website_url),
        ]


def fold_for_search(text):
    """Lowercase, without accents: what search compares, on any database."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# pre_save rather than save(): loaddata (the demo content) saves raw, skipping save().
@receiver(pre_save, sender=Vendor, dispatch_uid="vendor_search_text")
def fill_vendor_search_text(sender, instance, **kwargs):
    # Every language's description, so a parent finds a title by words in their language or
    # in English, whichever the page they search from.
    descriptions = [
        getattr(instance, f"description_{code}", None) or "" for code, _name in settings.LANGUAGES
    ]
    instance.search_text = fold_for_search(
        " ".join([instance.name, instance.company, instance.description, *descriptions])
    )


class VendorSlugRedirect(models.Model):
    """An old permalink slug, kept so that links already sent to parents still work."""

    old_slug = models.SlugField(_("old slug"), unique=True, max_length=100)
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="slug_redirects", verbose_name=_("title")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("old slug")
        verbose_name_plural = _("old slugs")
        ordering = ["old_slug"]

    def __str__(self):
        return f"{self.old_slug} → {self.vendor.slug}"


class LegalBasis(models.TextChoices):
    FERPA_SCHOOL_OFFICIAL = "ferpa_school_official", _("FERPA school official")
    DIRECTORY_INFORMATION = "directory_information", _("Directory information")
    PARENT_CONSENT = "parent_consent", _("Parent consent")
    COPPA_SCHOOL_CONSENT = "coppa_school_consent", _("COPPA school consent")
    OTHER = "other", _("Other")


# What each basis means for a family, in the words a parent page can use as they are.
LEGAL_BASIS_EXPLANATIONS = {
    LegalBasis.FERPA_SCHOOL_OFFICIAL: _(
        "Federal law (FERPA) lets the district share these records without asking you first "
        "because the company works for the district as a “school official”: it may use them "
        "only for the service the district asked for, under the district's direct control."
    ),
    LegalBasis.DIRECTORY_INFORMATION: _(
        "These are “directory information” under federal law (FERPA). The district may share "
        "them unless you have opted out of directory information sharing; if you opt out, "
        "they are not shared."
    ),
    LegalBasis.PARENT_CONSENT: _(
        "The district shares these records only with a parent's written consent."
    ),
    LegalBasis.COPPA_SCHOOL_CONSENT: _(
        "Federal law (COPPA) lets the school consent on parents' behalf for children under 13, "
        "for educational use only: the company may not use the data for anything else."
    ),
}


class SharingRecordQuerySet(models.QuerySet):
    def published(self):
        return self.filter(
            status=PublicationStatus.PUBLISHED, vendor__status=PublicationStatus.PUBLISHED
        )

    def public(self):
        """Published records of current and former titles: a former (retired) title's
        permalink and exports still say what it received."""
        return self.filter(status=PublicationStatus.PUBLISHED).exclude(
            vendor__status=PublicationStatus.DRAFT
        )

    def visible_to(self, user):
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.public()

    def set_status(self, status):
        return set_status_one_by_one(self, status)

    def with_details(self):
        """A record's own joins, for a page that has its title already: the title's page,
        where the prefetch sets each record's vendor to that title, agreements included."""
        return self.select_related(
            "audience", "usage_statement", "destruction_term"
        ).prefetch_related(
            models.Prefetch("elements", queryset=DataElement.objects.with_category()),
        )

    def for_display(self):
        """Everything a public page shows of a record, in a fixed number of queries."""
        return (
            self.with_details()
            .select_related("vendor")
            .prefetch_related(
                "vendor__agreements",
            )
        )


class SharingRecord(models.Model):
    """What one title receives about one audience, why, and until when."""

    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        related_name="sharing_records",
        verbose_name=_("software title"),
    )
    audience = models.ForeignKey(
        Audience,
        on_delete=models.PROTECT,
        related_name="sharing_records",
        verbose_name=_("audience"),
    )
    elements_intro = models.CharField(
        _("data elements lead-in"),
        max_length=300,
        blank=True,
        help_text=_(
            "The sentence before the list of data elements. Leave blank for the standard wording."
        ),
    )
    elements = models.ManyToManyField(
        DataElement, related_name="sharing_records", verbose_name=_("data elements")
    )
    usage_statement = models.ForeignKey(
        UsageStatement,
        on_delete=models.PROTECT,
        related_name="sharing_records",
        verbose_name=_("how the data is being used"),
    )
    destruction_term = models.ForeignKey(
        DestructionTerm,
        on_delete=models.PROTECT,
        related_name="sharing_records",
        verbose_name=_("when & how the data will be destroyed"),
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=30,
        choices=LegalBasis.choices,
        blank=True,
        help_text=_("Why the law allows the district to share this data. Blank: not stated."),
    )
    legal_basis_other = models.CharField(
        _("legal basis, in your words"),
        max_length=500,
        blank=True,
        help_text=_("Only when the legal basis is “Other”: say it in plain language."),
    )
    status = publication_status_field()
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = SharingRecordQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        verbose_name = _("sharing record")
        verbose_name_plural = _("sharing records")
        ordering = ["audience__position", "vendor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "audience"],
                name="one_sharing_record_per_title_and_audience",
                violation_error_message=_(
                    "This title already has a sharing record for this audience. Change that "
                    "record instead of adding a second one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values),
                name="sharing_record_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(legal_basis__in=["", *LegalBasis.values]),
                name="sharing_record_legal_basis_valid",
            ),
        ]

    def __str__(self):
        return f"{self.vendor.name} — {self.audience.name}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A title's "last updated" date covers what it shares, not just its own fields.
        Vendor.objects.filter(pk=self.vendor_id).update(updated_at=self.updated_at)

    def get_absolute_url(self):
        return f"{self.audience.get_absolute_url()}#{self.vendor.slug}"

    @property
    def legal_basis_explanation(self):
        """The basis in plain language, or "" when staff have not stated it."""
        if self.legal_basis == LegalBasis.OTHER:
            return self.legal_basis_other
        return LEGAL_BASIS_EXPLANATIONS.get(self.legal_basis, "")

    @property
    def agreement(self):
        """The agreement covering this record: its audience's own, else the title's general one.

        Reads vendor.agreements.all() so that a prefetch (for_display) answers it."""
        general = None
        for agreement in self.vendor.agreements.all():
            if agreement.audience_id == self.audience_id:
                return agreement
            if agreement.audience_id is None:
                general = agreement
        return general


def touch_vendor(vendor_id):
    """A title's "last updated" date, and the exports' Last-Modified, cover its agreements
    and subprocessors too: a parent comparing dates must see that something changed."""
    Vendor.objects.filter(pk=vendor_id).update(updated_at=timezone.now())


class AgreementStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class EndReason(models.TextChoices):
    EXPIRED = "expired", _("The agreement expired")
    TERMINATED = "terminated", _("The agreement was terminated")
    VENDOR_CEASED = "vendor_ceased", _("The vendor ceased operations")


# How long a published entry may go without review before pages say so.
REVIEW_MAX_AGE = datetime.timedelta(days=365)
EXPIRY_WARNING = datetime.timedelta(days=90)
# The seed's terms give the vendor time to destroy and certify; past this, staff chase it.
CERTIFICATE_GRACE = datetime.timedelta(days=30)


class AgreementQuerySet(models.QuerySet):
    """The lists staff must act on; the dashboard, the report command and filters share them."""

    def expiring_soon(self, today=None):
        today = today or timezone.localdate()
        return self.exclude(status=AgreementStatus.ENDED).filter(
            expires_on__gte=today, expires_on__lte=today + EXPIRY_WARNING
        )

    def review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.exclude(status=AgreementStatus.ENDED).filter(
            Q(next_review_due__lt=today) | Q(last_reviewed_on__lt=today - REVIEW_MAX_AGE)
        )

    def with_public_document(self, field, user):
        """Agreements whose `field` document anyone may download: the title is visible to
        `user`, the document exists and its public flag is on."""
        return self.filter(
            vendor__in=Vendor.objects.visible_to(user), **{f"{field}_public": True}
        ).exclude(**{field: ""})

    def certificate_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            status=AgreementStatus.ENDED,
            destruction_certified_on__isnull=True,
            ended_on__lte=today - CERTIFICATE_GRACE,
        )


DOCUMENT_FIELDS = tuple(DOCUMENT_FILENAMES)


class Agreement(models.Model):
    """The district's data-sharing agreement with a title, over its whole life.

    One per title, or one per title and audience where the terms differ: a record uses
    its audience's agreement when there is one, else the title's general one."""

    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("software title"),
    )
    audience = models.ForeignKey(
        Audience,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        help_text=_("Leave blank when one agreement covers every audience."),
    )
    status = models.CharField(
        _("agreement status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.PENDING,
    )
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    effective_on = models.DateField(_("effective"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    contact_name = models.CharField(
        _("district point of contact"),
        max_length=200,
        blank=True,
        help_text=_("The person or office at the district that parents can ask about it."),
    )
    contact_email = models.EmailField(_("point of contact email"), blank=True)
    contact_phone = models.CharField(_("point of contact phone"), max_length=40, blank=True)
    ended_on = models.DateField(_("sharing ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    destruction_requested_on = models.DateField(_("destruction requested"), null=True, blank=True)
    destruction_certified_on = models.DateField(
        _("destruction certified"),
        null=True,
        blank=True,
        help_text=_("The date the vendor certified in writing that the data was destroyed."),
    )
    signed_agreement = models.FileField(
        _("signed agreement (PDF)"),
        upload_to=agreement_document_path,
        blank=True,
        max_length=200,
        validators=[validate_pdf],
    )
    signed_agreement_public = models.BooleanField(
        _("signed agreement is public"),
        default=False,
        help_text=_("Public copies are downloadable from the vendor page."),
    )
    destruction_certificate = models.FileField(
        _("destruction certificate (PDF)"),
        upload_to=agreement_document_path,
        blank=True,
        max_length=200,
        validators=[validate_pdf],
        help_text=_("The vendor's written certification that the data was destroyed."),
    )
    destruction_certificate_public = models.BooleanField(
        _("destruction certificate is public"),
        default=False,
        help_text=_("Public copies are downloadable from the vendor page."),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        # The general agreement (no audience) first on every database: PostgreSQL would
        # put NULL last, SQLite first.
        ordering = ["vendor__name", models.F("audience__position").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "audience"], name="one_agreement_per_title_and_audience"
            ),
            models.UniqueConstraint(
                fields=["vendor"],
                condition=Q(audience__isnull=True),
                name="one_general_agreement_per_title",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_reason__in=["", *EndReason.values]),
                name="agreement_end_reason_valid",
            ),
        ]

    def __str__(self):
        if self.audience_id:
            return f"{self.vendor.name} — {self.audience.name}"
        return self.vendor.name

    def save(self, *args, **kwargs):
        replaced = []
        if self.pk:
            # A replaced or cleared document leaves no orphan file behind.
            stored = Agreement.objects.filter(pk=self.pk).values(*DOCUMENT_FIELDS).first() or {}
            replaced = [
                self._meta.get_field(field).attr_class(self, self._meta.get_field(field), name)
                for field, name in stored.items()
                if name and name != getattr(self, field).name
            ]
        super().save(*args, **kwargs)
        touch_vendor(self.vendor_id)
        delete_files_after_commit(replaced)

    def get_absolute_url(self):
        return f"{self.vendor.get_absolute_url()}#agreement"

    def public_document_url(self, field):
        """The download address of a public document, or None when there is none to give."""
        if not getattr(self, field) or not getattr(self, f"{field}_public"):
            return None
        return reverse(
            f"vendors:agreement_{field}", kwargs={"slug": self.vendor.slug, "pk": self.pk}
        )

    @property
    def signed_agreement_url(self):
        return self.public_document_url("signed_agreement")

    @property
    def destruction_certificate_url(self):
        return self.public_document_url("destruction_certificate")

    @property
    def review_overdue(self):
        """True when the district's last review is more than a year old: the public flag."""
        if self.status == AgreementStatus.ENDED or not self.last_reviewed_on:
            return False
        return self.last_reviewed_on < timezone.localdate() - REVIEW_MAX_AGE

    @property
    def destruction_pending_days(self):
        """Days since sharing ended without a destruction certificate; None when not pending."""
        if self.status != AgreementStatus.ENDED or not self.ended_on:
            return None
        if self.destruction_certified_on:
            return None
        return (timezone.localdate() - self.ended_on).days

    def clean(self):
        errors = {}
        if self.effective_on and self.expires_on and self.expires_on < self.effective_on:
            errors["expires_on"] = _("An agreement cannot expire before it takes effect.")
        if self.status == AgreementStatus.ENDED and not self.ended_on:
            errors["ended_on"] = _("Say when sharing ended: parents count the days from it.")
        if self.ended_on and self.status != AgreementStatus.ENDED:
            errors["status"] = _("An agreement with an end date must have the status “Ended”.")
        certified, ended = self.destruction_certified_on, self.ended_on
        if certified and ended and certified < ended:
            errors["destruction_certified_on"] = _(
                "Destruction cannot be certified before sharing ended."
            )
        if errors:
            raise ValidationError(errors)


# A signal rather than delete(): deleting a title deletes its agreements without calling it.
@receiver(post_delete, sender=Agreement, dispatch_uid="agreement_documents_deleted")
def delete_agreement_documents(sender, instance, **kwargs):
    delete_files_after_commit(getattr(instance, field) for field in DOCUMENT_FIELDS)


class Subprocessor(models.Model):
    """A company the vendor passes the district's data to (Illinois calls them subcontractors)."""

    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        related_name="subprocessors",
        verbose_name=_("software title"),
    )
    name = models.CharField(_("company name"), max_length=200)
    purpose = models.CharField(_("what it does with the data"), max_length=500)
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_("Where it processes the data, if known, e.g. United States."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("subprocessor")
        verbose_name_plural = _("subprocessors")
        ordering = ["vendor__name", "position", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="subprocessor_name_not_empty"),
            models.UniqueConstraint(
                fields=["vendor", "name"], name="subprocessor_name_unique_per_title"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.vendor.name})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        touch_vendor(self.vendor_id)

    def get_absolute_url(self):
        return f"{self.vendor.get_absolute_url()}#subprocessors"


class SecurityIncidentQuerySet(models.QuerySet):
    def published(self):
        # An incident stays public when its title is retired: families still need to know.
        return self.filter(status=PublicationStatus.PUBLISHED).exclude(
            vendor__status=PublicationStatus.DRAFT
        )

    def set_status(self, status):
        return set_status_one_by_one(self, status)


class SecurityIncident(models.Model):
    """A breach or other security incident at a vendor that touched the district's data."""

    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        related_name="security_incidents",
        verbose_name=_("software title"),
    )
    discovered_on = models.DateField(_("discovered"))
    disclosed_on = models.DateField(
        _("disclosed to the district"),
        null=True,
        blank=True,
        help_text=_("When the vendor told the district. Blank while not yet disclosed."),
    )
    summary = models.TextField(
        _("what happened"),
        help_text=_("In plain language, for parents. Shown as written (no Markdown)."),
    )
    elements = models.ManyToManyField(
        DataElement,
        related_name="security_incidents",
        verbose_name=_("data elements involved"),
        blank=True,
    )
    students_affected = models.PositiveIntegerField(
        _("district students affected"),
        null=True,
        blank=True,
        help_text=_("Leave blank while the number is not known."),
    )
    notice_url = models.URLField(
        _("link to the notice"), max_length=500, blank=True, validators=[http_url_validator]
    )
    status = publication_status_field()
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = SecurityIncidentQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        verbose_name = _("security incident")
        verbose_name_plural = _("security incidents")
        ordering = ["-discovered_on", "vendor__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""), name="security_incident_summary_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values),
                name="security_incident_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.vendor.name}, {self.discovered_on.isoformat()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        touch_vendor(self.vendor_id)

    def get_absolute_url(self):
        return f"{reverse('vendors:incident_list')}#incident-{self.pk}"

    def clean(self):
        if self.disclosed_on and self.discovered_on and self.disclosed_on < self.discovered_on:
            raise ValidationError(
                {"disclosed_on": _("An incident cannot be disclosed before it was discovered.")}
            )

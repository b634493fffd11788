"""The clearinghouse's domain: who receives which family data, for what, and until when.

A `Vendor` is one software title. For each `Audience` (parents, students) it
receives data from, it has one `SharingRecord` naming the `DataElement`s shared,
the `UsageStatement` that says how they are used, and the `DestructionTerm` that
says when and how they are destroyed. Statements and terms are written once and
attached to many records, so one edit changes every page that shows them.
"""

import re
import unicodedata

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Staff sometimes paste ftp:// or javascript: addresses; a parent's browser must
# only ever be sent to a web page.
http_url_validator = URLValidator(schemes=["http", "https"])


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    # An agreement that has ended: off the current lists, but its permalink stays.
    RETIRED = "retired", _("Retired")


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
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    SINGLETON_ID = 1

    class Meta:
        verbose_name = _("district profile")
        verbose_name_plural = _("district profile")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="district_profile_is_a_singleton"),
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

    def visible_to(self, user):
        """Staff may preview drafts at their real address; visitors see published titles."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.exclude(status=PublicationStatus.DRAFT)


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
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
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


class SharingRecordQuerySet(models.QuerySet):
    def published(self):
        return self.filter(
            status=PublicationStatus.PUBLISHED, vendor__status=PublicationStatus.PUBLISHED
        )

    def visible_to(self, user):
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def set_status(self, status):
        return set_status_one_by_one(self, status)

    def for_display(self):
        """Everything a public page shows of a record, in a fixed number of queries."""
        return self.select_related(
            "vendor", "audience", "usage_statement", "destruction_term"
        ).prefetch_related(
            models.Prefetch("elements", queryset=DataElement.objects.with_category()),
            "vendor__slug_redirects",
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
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = SharingRecordQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[elements])

    class Meta:
        verbose_name = _("sharing record")
        verbose_name_plural = _("sharing records")
        ordering = ["audience__position", "vendor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "audience"], name="one_sharing_record_per_title_and_audience"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values),
                name="sharing_record_status_valid",
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

"""Software titles: who receives the data, under which permalink."""

import datetime
import html
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from ..documents import consent_form_path, delete_files_after_commit, validate_pdf
from ..markdown import render_markdown
from .agreements import AgreementStatus
from .decisions import GRADE_BANDS, GRADE_FIELDS, Decision, School, grade_ranges
from .disclosures import AIAnswer
from .publication import (
    PublicationStatus,
    http_url_validator,
    publication_status_field,
)
from .title_queries import VendorQuerySet


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
    generative_ai = models.CharField(
        _("generative AI processes student data"),
        max_length=20,
        choices=AIAnswer.choices,
        default=AIAnswer.NOT_STATED,
        help_text=_("Whether the vendor runs student data through generative AI."),
    )
    trains_models = models.CharField(
        _("student data trains AI models"),
        max_length=20,
        choices=AIAnswer.choices,
        default=AIAnswer.NOT_STATED,
        help_text=_("Whether the vendor uses student data to train its models."),
    )
    accessibility_report_url = models.URLField(
        _("accessibility conformance report (VPAT) URL"),
        max_length=500,
        blank=True,
        validators=[http_url_validator],
        help_text=_("The vendor's accessibility conformance report, e.g. a VPAT."),
    )
    status = publication_status_field()
    decision = models.CharField(
        _("decision"),
        max_length=30,
        choices=Decision.choices,
        blank=True,
        help_text=_("The district's decision on this title. Only a publisher sets it."),
    )
    decided_on = models.DateField(
        _("decided on"),
        null=True,
        blank=True,
        help_text=_("When the decision was made. Leave empty when it is not known."),
    )
    decision_conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_(
            "For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led "
            "use only; students do not create accounts”."
        ),
    )
    # A line of its own on /vendors/, beside every refused title: short, so that a page of
    # them stays light on a phone.
    decision_reason = models.CharField(
        _("why it is not approved"),
        max_length=300,
        blank=True,
        help_text=_(
            "For “Not approved”: the reason in plain words, in a sentence or two, so nobody "
            "requests it again."
        ),
    )
    # One column per band, so that both databases filter by band with a plain lookup.
    grade_pk = models.BooleanField(GRADE_BANDS[0].label, default=False)
    grade_k_2 = models.BooleanField(GRADE_BANDS[1].label, default=False)
    grade_3_5 = models.BooleanField(GRADE_BANDS[2].label, default=False)
    grade_6_8 = models.BooleanField(GRADE_BANDS[3].label, default=False)
    grade_9_12 = models.BooleanField(GRADE_BANDS[4].label, default=False)
    schools = models.ManyToManyField(
        School,
        blank=True,
        related_name="vendors",
        verbose_name=_("schools"),
        help_text=_("Only when the decision is limited to some schools."),
    )
    alternatives = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="alternative_to",
        verbose_name=_("approved alternatives"),
        help_text=_("For “Not approved”: titles the district approves instead."),
    )
    consent_form = models.FileField(
        _("consent form (PDF)"),
        upload_to=consent_form_path,
        blank=True,
        max_length=200,
        validators=[validate_pdf],
        help_text=_("For “Parental consent required”: the form parents sign, in each language."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    # Name, company and description folded to lowercase without accents, so that both
    # databases can match "electronico" to "electrónico" without a database extension.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = VendorQuerySet.as_manager()
    # `history` is registered in vendors/translation.py, once the language columns exist.

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
            models.CheckConstraint(
                condition=Q(decision__in=["", *Decision.values]), name="vendor_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(generative_ai__in=AIAnswer.values), name="vendor_generative_ai_valid"
            ),
            models.CheckConstraint(
                condition=Q(trains_models__in=AIAnswer.values), name="vendor_trains_models_valid"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        previous_slug = None
        replaced = []
        if self.pk:
            stored = Vendor.objects.filter(pk=self.pk).values("slug", *CONSENT_FORM_FIELDS).first()
            previous_slug = (stored or {}).pop("slug", None)
            # A replaced or cleared consent form leaves no orphan file behind.
            replaced = [
                self._meta.get_field(name).attr_class(self, self._meta.get_field(name), old)
                for name, old in (stored or {}).items()
                if old and old != getattr(self, name).name
            ]
        super().save(*args, **kwargs)
        delete_files_after_commit(replaced)
        # The slug now belongs to this title, whoever used to answer to it.
        VendorSlugRedirect.objects.filter(old_slug=self.slug).delete()
        if previous_slug and previous_slug != self.slug:
            VendorSlugRedirect.objects.update_or_create(
                old_slug=previous_slug, defaults={"vendor": self}
            )

    def get_absolute_url(self):
        return reverse("vendors:vendor_detail", kwargs={"slug": self.slug})

    def clean(self):
        # In English at least: the English column is the one a visitor's language falls
        # back to. Translated columns, so no CheckConstraint can hold these.
        errors = {}
        if self.decision == Decision.APPROVED_WITH_CONDITIONS and not self.decision_conditions_en:
            errors["decision_conditions_en"] = _(
                "Say what the conditions are, in plain words, at least in English."
            )
        if self.decision == Decision.NOT_APPROVED and not self.decision_reason_en:
            errors["decision_reason_en"] = _(
                "Say why the title is not approved, at least in English, so nobody requests it "
                "again."
            )
        if self.decision == Decision.CONSENT_REQUIRED and not self.consent_form_en:
            errors["consent_form_en"] = _(
                "Upload the consent form parents sign, at least in English."
            )
        if self.decided_on and not self.decision:
            errors["decided_on"] = _("A date needs a decision: choose one, or clear the date.")
        if errors:
            raise ValidationError(errors)

    @property
    def grade_bands(self):
        """The bands the decision is limited to; empty when it covers every grade."""
        return [band for band in GRADE_BANDS if getattr(self, band.field)]

    @property
    def grade_ranges(self):
        return grade_ranges([getattr(self, field) for field in GRADE_FIELDS])

    @property
    def is_not_approved(self):
        return self.decision == Decision.NOT_APPROVED

    @property
    def consent_form_url(self):
        """The consent form's download address in the visitor's language (English where
        none was uploaded in it), or None."""
        if self.decision != Decision.CONSENT_REQUIRED or not self.consent_form:
            return None
        return reverse("vendors:consent_form", kwargs={"slug": self.slug})

    @property
    def summary(self):
        """The description's first sentence, as plain text, for lists that must stay
        scannable: read from the rendered, sanitized Markdown, so that nothing the sanitizer
        removes (a script, raw HTML) shows, and no Markdown mark-up either."""
        text = html.unescape(strip_tags(render_markdown(self.description)))
        plain = next((line.strip() for line in text.splitlines() if line.strip()), "")
        sentence, _separator, _rest = plain.partition(". ")
        return sentence if sentence.endswith(".") or not _rest else f"{sentence}."

    @property
    def is_draft(self):
        return self.status == PublicationStatus.DRAFT

    @property
    def is_under_review(self):
        return self.decision == Decision.UNDER_REVIEW

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

    # Each link's label and address, in the order the page shows them.
    LINK_FIELDS = (
        "privacy_policy_label",
        "privacy_policy_url",
        "terms_label",
        "terms_url",
        "website_label",
        "website_url",
    )

    @property
    def links(self):
        """The three links in the order the page shows them: (heading, label field, url). The
        label is named rather than read, so the page can mark an untranslated one."""
        return [
            (_("Privacy Policy"), "privacy_policy_label", self.privacy_policy_url),
            (_("Terms of Service"), "terms_label", self.terms_url),
            (_("Website"), "website_label", self.website_url),
        ]


# The consent form's column in each language: modeltranslation adds them.
CONSENT_FORM_FIELDS = tuple(f"consent_form_{code}" for code, _name in settings.LANGUAGES)


# A signal rather than delete(): deleting many titles at once does not call it.
@receiver(post_delete, sender=Vendor, dispatch_uid="vendor_consent_forms_deleted")
def delete_consent_forms(sender, instance, **kwargs):
    delete_files_after_commit(getattr(instance, name) for name in CONSENT_FORM_FIELDS)


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

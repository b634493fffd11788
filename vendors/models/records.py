"""Sharing records: what one title receives about one audience, why, and until when."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalog import Audience, DataElement, DestructionTerm, UsageStatement
from .decisions import Decision
from .publication import (
    PublicationQuerySet,
    PublicationStatus,
    TitlePart,
    listed_q,
    public_q,
    publication_status_field,
    sees_drafts,
)


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


def listed_records_q(prefix=""):
    """A sharing record on the current lists: it and its title are published."""
    return Q(**{f"{prefix}status": PublicationStatus.PUBLISHED}) & listed_q(f"{prefix}vendor__")


def public_records_q(prefix=""):
    """A record any visitor may read: published, of a current or former title."""
    return Q(**{f"{prefix}status": PublicationStatus.PUBLISHED}) & public_q(f"{prefix}vendor__")


def receiving_records_q(prefix=""):
    """A record that may be shown as the title receiving data: its title is not one the
    district refused. A not-approved title stays public (its permalink, /vendors/, search)
    so that nobody requests it again, but never reads as a recipient."""
    return ~Q(**{f"{prefix}vendor__decision": Decision.NOT_APPROVED})


class SharingRecordQuerySet(PublicationQuerySet):
    def listed(self):
        return self.filter(listed_records_q())

    def public(self):
        """Published records of current and former titles: a former title's permalink and
        exports still say what it received."""
        return self.filter(public_records_q())

    def visible_to(self, user):
        return self.all() if sees_drafts(user) else self.public()

    def receiving(self):
        """Public records of titles the district has not refused: what audience pages and
        data-element pages list as a title receiving data."""
        return self.public().filter(receiving_records_q())

    def set_status(self, status):
        """Publishing many records at once holds each to the rule the form holds one to."""
        if status == PublicationStatus.PUBLISHED:
            empty = self.exclude(status=status).filter(elements__isnull=True)
            names = [str(record) for record in empty.select_related("vendor", "audience")]
            if names:
                raise ValidationError(
                    _(
                        "A published sharing record must name at least one data element. "
                        "Without any: %(records)s."
                    ),
                    params={"records": "; ".join(names)},
                    code="no_elements",
                )
        return super().set_status(status)

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


class SharingRecord(TitlePart):
    """What one title receives about one audience, why, and until when."""

    vendor = models.ForeignKey(
        "Vendor",
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
    # `history` is registered in vendors/translation.py, once the language columns exist.

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

    def get_absolute_url(self):
        return f"{self.audience.get_absolute_url()}#{self.vendor.slug}"

    # The admin form and the spreadsheet import both hold a record to these two rules. They
    # are not in clean(): each caller names the place an error belongs (a form field per
    # language, a spreadsheet column), and a record being created has no elements yet.

    @staticmethod
    def validate_elements(status, elements):
        """A published record with nothing in it would tell parents a vendor receives no data."""
        if status == PublicationStatus.PUBLISHED and not elements:
            raise ValidationError(
                _("A published sharing record must name at least one data element."),
                code="no_elements",
            )

    @staticmethod
    def validate_legal_basis(basis, wordings):
        """`wordings` maps each place the basis was written in words to its text, the English
        one first: it is what every other language falls back to. Errors are keyed by place."""
        errors = {}
        english = next(iter(wordings))
        if basis == LegalBasis.OTHER and not wordings[english]:
            errors[english] = _("With “Other”, say in plain language what the basis is.")
        for place, text in wordings.items():
            if text and basis != LegalBasis.OTHER:
                # Text the page would never show is text a later editor would trust by mistake.
                errors[place] = _("Only write a basis here when the legal basis is “Other”.")
        if errors:
            raise ValidationError(errors)

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

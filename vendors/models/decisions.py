"""The district's decision on a title: may it be used, and on what terms."""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    """What a publisher decided. Blank on a title means no decision is recorded yet."""

    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
    CONSENT_REQUIRED = "consent_required", _("Parental consent required")
    NOT_APPROVED = "not_approved", _("Not approved")
    UNDER_REVIEW = "under_review", _("Under review")


@dataclass(frozen=True)
class GradeBand:
    """A band of grades a decision may be limited to: its address value (?grade=6-8), the
    title's boolean field, and how it reads as the start and the end of a range."""

    value: str
    field: str
    label: str
    first: str
    last: str


# A range of grades is written with an en dash, "K\u201312", in every language.
DASH = "\u2013"
# In school order, so that adjacent bands read as one range.
GRADE_BANDS = (
    GradeBand("pk", "grade_pk", "PK", "PK", "PK"),
    GradeBand("k-2", "grade_k_2", f"K{DASH}2", "K", "2"),
    GradeBand("3-5", "grade_3_5", f"3{DASH}5", "3", "5"),
    GradeBand("6-8", "grade_6_8", f"6{DASH}8", "6", "8"),
    GradeBand("9-12", "grade_9_12", f"9{DASH}12", "9", "12"),
)
GRADE_BANDS_BY_VALUE = {band.value: band for band in GRADE_BANDS}
GRADE_FIELDS = tuple(band.field for band in GRADE_BANDS)


def grade_q(value, prefix=""):
    """Titles whose decision covers a grade band: that band ticked, or none ticked (a
    decision not limited to any band covers every grade). A title with no decision
    recorded covers none."""
    band = GRADE_BANDS_BY_VALUE[value]
    unlimited = Q(**{f"{prefix}{field}": False for field in GRADE_FIELDS})
    decided = ~Q(**{f"{prefix}decision": ""})
    return decided & (Q(**{f"{prefix}{band.field}": True}) | unlimited)


def grade_ranges(ticked):
    """The ticked bands (booleans in GRADE_BANDS order) as ranges, e.g. K to 12, or K to 2
    and 6 to 8 ("K-2, 6-8", with dashes)."""
    runs, run = [], []
    for band, on in zip(GRADE_BANDS, ticked, strict=True):
        if on:
            run.append(band)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return ", ".join(
        run[0].label if len(run) == 1 else f"{run[0].first}{DASH}{run[-1].last}" for run in runs
    )


def decision_phrase(decision, ticked):
    """A decision in a few words, for the change log and the feed: "approved for grades
    K to 12" (with a dash); "" when none is recorded."""
    if not decision:
        return ""
    label = str(Decision(decision).label).lower()
    grades = grade_ranges(ticked)
    if not grades:
        return label
    return gettext("%(decision)s for grades %(grades)s") % {"decision": label, "grades": grades}


class School(models.Model):
    """A school of the district, to which a decision may be limited."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="school_name_not_empty")]

    def __str__(self):
        return self.name

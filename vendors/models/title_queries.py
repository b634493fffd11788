"""Which titles a visitor sees, and what a title's page reads with it: the title's
QuerySet, one name per visibility rule."""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .agreements import Agreement
from .decisions import Decision, grade_q
from .district import DistrictProfile
from .incidents import SecurityIncident
from .publication import PublicationQuerySet, PublicationStatus, listed_q, public_q, sees_drafts


def withheld_under_review_q():
    """A title under review that shares nothing yet (no published record), while the district
    keeps such titles off its public pages (the district profile's "show titles under
    review", off by default). One subquery each, so a list costs no extra query."""
    from .records import SharingRecord

    published_records = SharingRecord.objects.filter(
        vendor=OuterRef("pk"), status=PublicationStatus.PUBLISHED
    )
    shown = DistrictProfile.objects.filter(show_titles_under_review=True)
    return Q(decision=Decision.UNDER_REVIEW) & ~Exists(published_records) & ~Exists(shown)


class VendorQuerySet(PublicationQuerySet):
    def listed(self):
        """Current titles, on the lists: published, unless withheld while under review."""
        return self.filter(listed_q()).exclude(withheld_under_review_q())

    def public(self):
        """Every title a visitor can open: current and former ones, unless withheld while
        under review."""
        return self.filter(public_q()).exclude(withheld_under_review_q())

    def former(self):
        """Former vendors: retired titles, off the current lists but public at their permalink."""
        return self.public().exclude(listed_q())

    def visible_to(self, user):
        """Staff may preview drafts at their real address; visitors see public titles."""
        return self.all() if sees_drafts(user) else self.public()

    def with_decision(self, decision):
        """Titles with this decision; "" for those with none recorded."""
        return self.filter(decision=decision)

    def for_grade(self, value):
        """Titles whose decision covers a grade band (`GRADE_BANDS` value, e.g. "6-8")."""
        return self.filter(grade_q(value))

    def with_public_details(self, records, records_attr):
        """Everything a title's page or export shows about it, in a fixed number of queries:
        the given sharing records (as `records_attr`), agreements, subprocessors and the
        public security incidents (as `public_incidents`)."""
        return self.prefetch_related(
            models.Prefetch(
                "sharing_records", queryset=records.with_details(), to_attr=records_attr
            ),
            models.Prefetch("agreements", queryset=Agreement.objects.select_related("audience")),
            "subprocessors",
            "schools",
            models.Prefetch("alternatives", queryset=self.model.objects.public()),
            models.Prefetch(
                "security_incidents",
                queryset=SecurityIncident.objects.public().prefetch_related("elements"),
                to_attr="public_incidents",
            ),
        )

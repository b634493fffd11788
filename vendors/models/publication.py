"""What the public may see: the publication status, and one name for each visibility rule.

- **listed**: on the current lists (the A-Z list, counts, the home page);
- **public**: anything a visitor may open, former vendors included (permalinks, search,
  data-element pages, audience pages after the current titles, the open data);
- **visible_to(user)**: staff also see drafts, at their real address.

Each model's QuerySet has these methods; the `Q` builders here serve `Count(filter=...)`
and lookups through a relation, and `is_listed`/`is_public` the history, which reads
statuses from past versions rather than rows.
"""

from django.core.validators import URLValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


LISTED_STATUSES = frozenset({PublicationStatus.PUBLISHED})
# A retired title is a former vendor: off the current lists, its permalink still open.
PUBLIC_STATUSES = frozenset({PublicationStatus.PUBLISHED, PublicationStatus.RETIRED})


def is_listed(status):
    return status in LISTED_STATUSES


def is_public(status):
    return status in PUBLIC_STATUSES


def listed_q(prefix=""):
    """A title on the current lists; `prefix` reaches it through a relation ("vendor__")."""
    return Q(**{f"{prefix}status__in": LISTED_STATUSES})


def public_q(prefix=""):
    """A title any visitor may open: current or former."""
    return Q(**{f"{prefix}status__in": PUBLIC_STATUSES})


def sees_drafts(user):
    return user.is_authenticated and user.is_staff


class PublicationQuerySet(models.QuerySet):
    def set_status(self, status):
        """Change each row's status through save(), so that history and the content version
        see every publish and unpublish. Returns how many changed.

        All or nothing, in one transaction: a failure on any row (or a worker killed half
        way) leaves every row as it was, and the content version moves once for the lot
        rather than once per save."""
        changed = 0
        with transaction.atomic(using=self.db):
            for obj in self.exclude(status=status):
                obj.status = status
                obj.save()
                changed += 1
        return changed


class TitlePart(models.Model):
    """Something shown on a title's page (a sharing record, an agreement, a subprocessor, an
    incident). Saving it moves the title's "last updated" date, which parents compare and
    the exports' Last-Modified reads."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The part's own timestamp, where it has one, so the two dates agree.
        moment = getattr(self, "updated_at", None) or timezone.now()
        title = self._meta.get_field("vendor").related_model
        title.objects.filter(pk=self.vendor_id).update(updated_at=moment)

"""A district employee's request that the district review a tool, and the queue it joins.

A request is written when the form is sent, unconfirmed; it joins the queue once its
requester follows the link mailed to their district address (or at once, for a signed-in
staff member). `decision_notified` and `notified_at` record what the requester was last
told, so that a mail server failing half-way neither loses a notice nor sends it twice
(vendors/requests.py sends them; `manage.py notify_decisions` sends what is still due).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .catalog import DataElement
from .decisions import GRADE_BANDS, Decision
from .publication import http_url_validator
from .titles import Vendor


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    WAITING_ON_VENDOR = "waiting_on_vendor", _("Waiting on vendor")
    DECIDED = "decided", _("Decided")
    DECLINED_DUPLICATE = "declined_duplicate", _("Declined: duplicate")


OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.IN_REVIEW, RequestStatus.WAITING_ON_VENDOR)

# The grade bands a tool may be used in, as decisions name them: (the request's field, label).
REQUEST_GRADE_BANDS = [
    (band.field.replace("grade_", "grades_", 1), band.label) for band in GRADE_BANDS
]


def is_final(decision):
    """A decision the requester is told about: anything but none yet and "under review"."""
    return bool(decision) and decision != Decision.UNDER_REVIEW


class ReviewRequestQuerySet(models.QuerySet):
    def confirmed(self):
        """In the queue: the requester proved the address (or was signed in)."""
        return self.filter(confirmed_at__isnull=False)

    def open(self):
        """Confirmed and still waiting on the district."""
        return self.confirmed().filter(status__in=OPEN_STATUSES)

    def notice_due(self):
        """Requests whose requester has not yet been told what now applies: a decided
        request whose title's decision they were not told, and a folded duplicate whose
        requester was never told of the first request, or not of its final decision."""
        final = Q(title__decision__in=[d for d in Decision.values if is_final(d)])
        not_told_this = ~Q(decision_notified=models.F("title__decision"))
        decided = Q(status=RequestStatus.DECIDED) & final & not_told_this
        duplicate = Q(status=RequestStatus.DECLINED_DUPLICATE) & (
            Q(notified_at__isnull=True) | (final & not_told_this)
        )
        return self.confirmed().filter(decided | duplicate)


class ReviewRequest(models.Model):
    tool_name = models.CharField(_("tool name"), max_length=200)
    website = models.URLField(_("website"), max_length=500, validators=[http_url_validator])
    intended_use = models.TextField(
        _("how and with whom it will be used"),
        help_text=_("Which classes or groups, for what, and who will sign in."),
    )
    # One boolean per grade band: a plain filter on SQLite and PostgreSQL alike.
    grades_pk = models.BooleanField(_("used in Pre-K"), default=False)
    grades_k_2 = models.BooleanField(_("used in grades K to 2"), default=False)
    grades_3_5 = models.BooleanField(_("used in grades 3 to 5"), default=False)
    grades_6_8 = models.BooleanField(_("used in grades 6 to 8"), default=False)
    grades_9_12 = models.BooleanField(_("used in grades 9 to 12"), default=False)
    data_elements = models.ManyToManyField(
        DataElement,
        blank=True,
        related_name="review_requests",
        verbose_name=_("student data it will need"),
    )
    data_elements_unknown = models.BooleanField(
        _("does not know which data it will need"), default=False
    )
    requester_email = models.EmailField(_("requester's email"))
    language = models.CharField(
        _("requester's language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Every mail to the requester is in this language."),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    title = models.ForeignKey(
        Vendor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_requests",
        verbose_name=_("title"),
        help_text=_("The title this request became."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    decision_notified = models.CharField(
        _("decision the requester was told"),
        max_length=30,
        choices=Decision.choices,
        blank=True,
        editable=False,
    )
    notified_at = models.DateTimeField(
        _("requester last told"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = ReviewRequestQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="review_request_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.DECLINED_DUPLICATE)
                | Q(duplicate_of__isnull=False),
                name="review_request_duplicate_names_the_first",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("pk")),
                name="review_request_not_its_own_duplicate",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="review_request_queue")]

    def __str__(self):
        if self.created_at is None:
            return self.tool_name
        return f"{self.tool_name} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("admin:vendors_reviewrequest_change", args=[self.pk])

    def clean(self):
        if self.status == RequestStatus.DECIDED and not (
            self.title and is_final(self.title.decision)
        ):
            raise ValidationError(
                {
                    "status": _(
                        "A request is decided when the title it became has the district's "
                        "decision: link the title, and have a publisher record the decision "
                        "on it."
                    )
                }
            )
        if self.status == RequestStatus.DECLINED_DUPLICATE and not self.duplicate_of_id:
            raise ValidationError({"duplicate_of": _("Name the first request for this tool.")})
        if self.duplicate_of_id and self.duplicate_of_id == self.pk:
            raise ValidationError({"duplicate_of": _("A request cannot duplicate itself.")})

    @property
    def grade_bands(self):
        return [label for field, label in REQUEST_GRADE_BANDS if getattr(self, field)]

    @property
    def first_request(self):
        """The request this one folded into, followed to the first: what applies to it."""
        request, seen = self, {self.pk}
        while request.duplicate_of_id and request.duplicate_of_id not in seen:
            seen.add(request.duplicate_of_id)
            request = request.duplicate_of
        return request

"""Review requests: the confirmation link, the duplicate check, the queue's actions and the
notices a requester gets, testable without a request.

A notice is sent after the commit that made it due, and recorded on the request as it goes
(`decision_notified`, `notified_at`): a mail server failing half-way leaves the rest due,
and `manage.py notify_decisions` (cron) sends exactly those, never one twice.
"""

import contextlib
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify

from . import mail
from .models import (
    OPEN_STATUSES,
    Decision,
    PublicationStatus,
    RequestStatus,
    ReviewRequest,
    Vendor,
    is_final,
)
from .search import search_terms, vendors_matching

logger = logging.getLogger(__name__)

TOKEN_SALT = "vendors.review-request.confirm"  # noqa: S105 (a namespace, not a secret)
# The check step lists at most this many titles: enough to spot one's tool.
SHOWN = 10


def is_district_address(address):
    domain = address.rpartition("@")[2].strip().casefold()
    return domain in {d.strip().casefold().lstrip("@") for d in settings.DISTRICT_EMAIL_DOMAINS}


# The confirmation link -----------------------------------------------------------------


def confirmation_token(review_request):
    """A signed, time-limited token naming the pending request (and its address, so a token
    for one row cannot confirm another that reused its id after a clean-up)."""
    return signing.dumps(
        {"id": review_request.pk, "to": review_request.requester_email}, salt=TOKEN_SALT
    )


def pending_request_for(token):
    """The unconfirmed request a token names, or None for a forged, expired, malformed or
    already used one: the page says the same for each."""
    try:
        data = signing.loads(
            token, salt=TOKEN_SALT, max_age=settings.REVIEW_REQUEST_LINK_HOURS * 3600
        )
        pk, address = int(data["id"]), str(data["to"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return ReviewRequest.objects.filter(
        pk=pk, requester_email=address, confirmed_at__isnull=True
    ).first()


def confirm(review_request):
    """Into the queue. One UPDATE, so that of two racing confirms only one wins: the other
    finds it confirmed already."""
    moment = timezone.now()
    joined = ReviewRequest.objects.filter(pk=review_request.pk, confirmed_at__isnull=True).update(
        confirmed_at=moment
    )
    if joined:
        review_request.confirmed_at = moment
    return bool(joined)


def forget_unconfirmed():
    """Requests whose link has expired unused: nobody can confirm them any more."""
    cutoff = timezone.now() - timezone.timedelta(hours=settings.REVIEW_REQUEST_LINK_HOURS)
    deleted, _by_model = ReviewRequest.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return deleted


# The duplicate check ---------------------------------------------------------------------


def website_host(url):
    host = (urlsplit(url).hostname or "").casefold()
    return host.removeprefix("www.")


@dataclass
class SimilarTitles:
    """What the check step shows: the public titles with a decision that match, and whether
    the district is already working on a match nobody may see yet (a draft under review, or
    a request in the queue), which it mentions without naming: drafts stay private."""

    public: list = field(default_factory=list)
    in_preparation: bool = False


def similar_titles(name, website=""):
    """Titles already decided or under review that match the name (the search's word
    matching) or the website's host."""
    terms = search_terms(name)
    matches = Q(pk__in=vendors_matching(terms).order_by().values("pk")) if terms else Q(pk=None)
    host = website_host(website)
    if host:
        matches |= Q(website_url__icontains=f"//{host}") | Q(website_url__icontains=f".{host}")
    decided = Vendor.objects.exclude(decision="").filter(matches)
    public = Vendor.objects.public().order_by()
    shown = list(decided.filter(pk__in=public.values("pk")).order_by("name", "pk")[:SHOWN])
    requested = Q(pk=None)
    if terms:
        requested = Q()
        for term in terms:
            requested &= Q(tool_name__icontains=term)
    elif host:
        requested = Q(website__icontains=host)
    in_preparation = (
        decided.filter(decision=Decision.UNDER_REVIEW).exclude(pk__in=public.values("pk")).exists()
        or ReviewRequest.objects.open().filter(requested).exists()
    )
    return SimilarTitles(shown, in_preparation)


# The queue's actions -----------------------------------------------------------------------


def unique_slug(name):
    base = slugify(name)[:90] or "title"
    slug, number = base, 1
    while Vendor.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def create_draft_title(review_request):
    """A draft title named after the request, under review, linked back to it and to the
    requests folded into it. Inside the caller's transaction."""
    title = Vendor.objects.create(
        name=review_request.tool_name,
        slug=unique_slug(review_request.tool_name),
        description="",
        website_label=website_host(review_request.website),
        website_url=review_request.website,
        status=PublicationStatus.DRAFT,
        decision=Decision.UNDER_REVIEW,
    )
    review_request.title = title
    if review_request.status == RequestStatus.NEW:
        review_request.status = RequestStatus.IN_REVIEW
    review_request.save()
    for duplicate in review_request.duplicates.filter(title__isnull=True):
        duplicate.title = title
        duplicate.save()
    return title


def fold_into(duplicate, first):
    """Fold a duplicate (and what was folded into it) into the first request: it takes the
    first's title, and its requester is told which title and decision apply, after commit."""
    if duplicate.pk == first.pk:
        raise ValueError("A request cannot be a duplicate of itself.")
    first = first.first_request
    for request in [duplicate, *duplicate.duplicates.all()]:
        request.duplicate_of = first
        request.status = RequestStatus.DECLINED_DUPLICATE
        request.title = first.title
        request.save()


# Notices -------------------------------------------------------------------------------------


def notice_for(review_request):
    """The message a due request's requester gets now, in their language."""
    title = review_request.title
    first = review_request.first_request
    decision = title.decision if title else ""
    context = {
        "request": review_request,
        "first": first,
        "title": title,
        "decision": Decision(decision).label if decision else "",
        "final": is_final(decision),
        "title_url": (
            mail.absolute_url(title.get_absolute_url())
            if title and Vendor.objects.public().filter(pk=title.pk).exists()
            else ""
        ),
    }
    template = (
        "review_request_duplicate"
        if review_request.status == RequestStatus.DECLINED_DUPLICATE and not is_final(decision)
        else "review_request_decided"
    )
    return mail.compose(
        review_request.requester_email, template, context, language=review_request.language
    )


def send_due_notices(requests=None):
    """Send every notice that is due, recording each as it goes; returns how many went.
    A failure stops here, logged: what was not sent stays due for the next run."""
    due = list(
        (requests if requests is not None else ReviewRequest.objects.all())
        .notice_due()
        .select_related("title", "duplicate_of")
        .order_by("pk")
    )
    sent = 0
    messages = ((request, notice_for(request)) for request in due)
    try:
        for request in _sent_requests(messages):
            decision = request.title.decision if request.title else ""
            ReviewRequest.objects.filter(pk=request.pk).update(
                decision_notified=decision, notified_at=timezone.now()
            )
            sent += 1
    except OSError:
        logger.exception("Review request notices: the mail server failed; %d sent", sent)
        raise
    return sent


def _sent_requests(pairs):
    """Each request once its message has gone (mail.send_each)."""
    pairs = list(pairs)
    by_message = {id(message): request for request, message in pairs}
    for message in mail.send_each([message for _request, message in pairs]):
        yield by_message[id(message)]


def send_due_notices_quietly():
    """After a commit: a mail server that is down must not turn a staff save into an error;
    the notices stay due for `notify_decisions`."""
    with contextlib.suppress(OSError):
        send_due_notices()


def send_due_notices_after_commit():
    """After this transaction commits. Registered once per row it decides or folds: the
    first run sends and records them all, and the others find nothing due (one query)."""
    transaction.on_commit(send_due_notices_quietly)


# A title's decision decides the requests that became it ---------------------------------------


@receiver(post_init, sender=Vendor, dispatch_uid="review_requests_decision_loaded")
def remember_loaded_decision(sender, instance, **kwargs):
    # Read from __dict__: a deferred decision must not cost a query per title loaded.
    instance._loaded_decision = instance.__dict__.get("decision")


@receiver(post_save, sender=Vendor, dispatch_uid="review_requests_decision_saved")
def decide_requests_of_title(sender, instance, created, raw=False, **kwargs):
    """When a publisher gives a title a final decision (or changes it), its open requests are
    decided, and every requester of it is told after the commit."""
    if raw or "decision" not in instance.__dict__:
        return
    changed = instance.decision != instance._loaded_decision
    instance._loaded_decision = instance.decision
    if not changed or not is_final(instance.decision):
        return
    for request in ReviewRequest.objects.filter(title=instance, status__in=OPEN_STATUSES):
        request.status = RequestStatus.DECIDED
        request.save()
    send_due_notices_after_commit()


@receiver(post_save, sender=ReviewRequest, dispatch_uid="review_requests_status_saved")
def notify_after_commit(sender, instance, raw=False, **kwargs):
    if not raw and instance.status in (RequestStatus.DECIDED, RequestStatus.DECLINED_DUPLICATE):
        send_due_notices_after_commit()

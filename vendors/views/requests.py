"""A district employee's request for the review of a tool: the form, its duplicate check,
the "check your inbox" page, and the confirmation that puts it in the staff's queue.

Every page here is per-person or posts a form, so none is kept by the page cache
(`never_cache` marks them private and no-store, which the cache leaves alone). The pages
read the same whether or not anyone has asked from an address: the only thing an address
changes is whether it is in a district domain, which the form says openly.
"""

import logging
from http import HTTPStatus

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.timezone import now
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from .. import mail
from ..forms import ReviewRequestForm
from ..requests import confirm, confirmation_token, pending_request_for, similar_titles
from ..search import catalog
from ..throttle import too_often

logger = logging.getLogger(__name__)

FORM_NAME = "review-request"


def signed_in_staff_email(user):
    """A signed-in staff member with an address needs no confirmation: the account vouches."""
    if user.is_authenticated and user.is_staff and user.email:
        return user.email.casefold()
    return None


@method_decorator(never_cache, name="dispatch")
class RequestReviewView(FormView):
    """GET: the form. POST with step=check: the same form with the titles it may duplicate,
    and a "Send my request" button. POST with step=send: the request is written and the
    link mailed (or, for signed-in staff, it joins the queue at once)."""

    form_class = ReviewRequestForm
    template_name = "vendors/request_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "staff_email": self.staff_email}

    def dispatch(self, request, *args, **kwargs):
        self.staff_email = signed_in_staff_email(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = kwargs.get("form") or self.get_form()
        chosen = {str(value) for value in (form["data_elements"].value() or [])}
        return super().get_context_data(
            categories=catalog(),
            chosen_elements=chosen,
            chosen_grades=set(form["grade_bands"].value() or []),
            staff_email=self.staff_email,
            **kwargs,
        )

    def form_valid(self, form):
        if self.request.POST.get("step") != "send":
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    checked=True,
                    similar=similar_titles(
                        form.cleaned_data["tool_name"], form.cleaned_data["website"]
                    ),
                )
            )
        if too_often(self.request, FORM_NAME, form.address):
            return render(
                self.request, "vendors/request_too_often.html", status=HTTPStatus.TOO_MANY_REQUESTS
            )
        review_request = form.save(commit=False)
        review_request.language = translation.get_language()
        if self.staff_email:
            review_request.confirmed_at = now()
        with transaction.atomic():
            review_request.save()
            form.save_m2m()
        if self.staff_email:
            return redirect("vendors:request_thanks")
        try:
            send_confirmation(review_request)
        except OSError:
            logger.exception("Review request: the confirmation mail could not be sent")
            review_request.delete()
            return render(
                self.request,
                "vendors/request_mail_failed.html",
                status=HTTPStatus.SERVICE_UNAVAILABLE,
            )
        return redirect("vendors:request_sent")


def send_confirmation(review_request):
    """The link, in the requester's language, to the address they gave. Raises on an SMTP
    failure: the request is then dropped and the person told to try again."""
    with translation.override(review_request.language):
        path = reverse("vendors:request_confirm", args=[confirmation_token(review_request)])
    mail.send(
        review_request.requester_email,
        "review_request_confirm",
        {
            "request": review_request,
            "link": mail.absolute_url(path),
            "link_hours": settings.REVIEW_REQUEST_LINK_HOURS,
        },
        language=review_request.language,
    )


@method_decorator(never_cache, name="dispatch")
class RequestSentView(TemplateView):
    """The same words for every district address: the link is on its way."""

    template_name = "vendors/request_sent.html"
    extra_context = {"link_hours": settings.REVIEW_REQUEST_LINK_HOURS}


@method_decorator(never_cache, name="dispatch")
class RequestThanksView(TemplateView):
    template_name = "vendors/request_thanks.html"


@method_decorator(never_cache, name="dispatch")
class ConfirmRequestView(View):
    """GET shows what will be sent, with a button; only the POST confirms, so that a mail
    scanner following the link confirms nothing. A link that is forged, expired, cut short
    or already used gets one page, with a 400."""

    def get(self, request, token):
        review_request = pending_request_for(token)
        if review_request is None:
            return self.unusable()
        return render(request, "vendors/request_confirm.html", {"review_request": review_request})

    def post(self, request, token):
        review_request = pending_request_for(token)
        if review_request is None or not confirm(review_request):
            return self.unusable()
        return redirect("vendors:request_thanks")

    def unusable(self):
        return render(
            self.request, "vendors/request_link_unusable.html", status=HTTPStatus.BAD_REQUEST
        )

"""Email subscriptions: the form, the confirmation, the unsubscribe, and the annual notice.

None of the subscription pages may be kept by the page cache or a browser: the form and
the confirmation carry a CSRF token, the confirmation and unsubscribe pages are one
person's (their token is in the address), so each is `never_cache`, which marks it
private and no-store, which the page cache never keeps.
"""

import logging
import smtplib
from http import HTTPStatus

from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView

from pagecache.middleware import reads_query_parameters

from ..annual_notice import notice_context
from ..forms import SubscribeForm
from ..models import Subscription
from ..subscriptions import LinkError, ask_to_confirm, confirm, is_used, read_link, unsubscribe
from ..throttle import too_often

logger = logging.getLogger(__name__)

LINK_ERROR_STATUS = {
    "invalid": HTTPStatus.BAD_REQUEST,
    "expired": HTTPStatus.GONE,
    "used": HTTPStatus.GONE,
}


def link_problem(request, reason):
    return render(
        request,
        "vendors/subscription_link_problem.html",
        {"reason": reason},
        status=LINK_ERROR_STATUS[reason],
    )


@reads_query_parameters("title")
@method_decorator(never_cache, name="dispatch")
class SubscribeView(View):
    """/subscribe/: the same answer for every well-formed address, subscribed or not."""

    template_name = "vendors/subscribe.html"

    def get(self, request):
        offered = request.GET.getlist("title")
        initial = {"language": request.LANGUAGE_CODE}
        if offered:
            # From a title's page: that title, chosen.
            initial.update(scope=SubscribeForm.CHOSEN, titles=offered)
        return self.form_page(SubscribeForm(initial=initial, offered=offered))

    def post(self, request):
        form = SubscribeForm(request.POST, offered=request.POST.getlist("titles"))
        if not form.is_valid():
            return self.form_page(form, status=HTTPStatus.BAD_REQUEST)
        choices = form.choices()
        if too_often(request, "subscribe", choices.email):
            return render(
                request, "vendors/subscribe_too_often.html", status=HTTPStatus.TOO_MANY_REQUESTS
            )
        try:
            ask_to_confirm(choices)
        except (smtplib.SMTPException, OSError):
            logger.exception("The confirmation message could not be sent.")
            return render(
                request, "vendors/subscribe_not_sent.html", status=HTTPStatus.SERVICE_UNAVAILABLE
            )
        return render(request, "vendors/subscribe_sent.html", {"email": choices.email})

    def form_page(self, form, status=HTTPStatus.OK):
        return render(self.request, self.template_name, {"form": form}, status=status)


@method_decorator(never_cache, name="dispatch")
class ConfirmView(View):
    """/subscribe/confirm/<signed>/: GET shows the choices and a button, which POSTs: mail
    scanners follow links, and must not subscribe anyone by doing so."""

    def get(self, request, signed):
        try:
            choices, state = read_link(signed)
        except LinkError as error:
            return link_problem(request, error.reason)
        if is_used(choices, state):
            return link_problem(request, "used")
        return render(
            request,
            "vendors/subscribe_confirm.html",
            {
                "choices": choices,
                "titles": list(choices.titles()),
                "already_subscribed": Subscription.objects.filter(email=choices.email).exists(),
            },
        )

    def post(self, request, signed):
        try:
            subscription = confirm(signed)
        except LinkError as error:
            return link_problem(request, error.reason)
        return render(
            request,
            "vendors/subscribe_confirmed.html",
            {"subscription": subscription, "titles": list(subscription.titles.order_by("name"))},
        )


# Exempt as a whole because the CSRF middleware asks the view, not its method; GET is never
# checked, so this exempts exactly the POST.
@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class UnsubscribeView(View):
    """/unsubscribe/<token>/: GET shows a button; a POST unsubscribes, whether it is that
    button or a mail client's one-click (RFC 8058: the body `List-Unsubscribe=One-Click`,
    no cookie, no CSRF token). The token is the authentication, hence the CSRF exemption,
    which a POST that only deletes the token's own row can afford."""

    def get(self, request, token):
        subscription = Subscription.objects.filter(token=token).first()
        if subscription is None:
            return self.not_found(request)
        return render(request, "vendors/unsubscribe.html", {"subscription": subscription})

    def post(self, request, token):
        if not unsubscribe(token):
            return self.not_found(request)
        return render(request, "vendors/unsubscribed.html")

    @staticmethod
    def not_found(request):
        return render(request, "vendors/unsubscribe_unknown.html", status=HTTPStatus.NOT_FOUND)


class AnnualNoticeView(TemplateView):
    """/annual-notice/: the direct notice to families, to read or print: one page, every
    current title, in a fixed number of queries."""

    template_name = "vendors/annual_notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**notice_context(), **kwargs)

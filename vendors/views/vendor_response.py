"""/vendor-response/<token>/: the form a vendor answers from its invitation, without an
account. Per person and with a form, so never cached: `never_cache` marks it private and
no-store, which the page cache (pagecache/middleware.py, is_public_page) never keeps.

Every refusal of a token (malformed, forged, unknown) is the same 404, which names no title;
only the holder of a genuine link learns that it has expired or been revoked (410)."""

from http import HTTPStatus

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from ..models import VendorInvitation
from ..throttle import too_often
from ..vendor_response import VendorResponseForm, draft_as_initial, form_context, submit

FORM_NAME = "vendor_response"


@method_decorator(never_cache, name="dispatch")
class VendorResponseView(View):
    template_name = "vendors/vendor_response.html"
    closed_template = "vendors/vendor_response_closed.html"
    http_method_names = ["get", "post", "head"]

    def dispatch(self, request, token):
        self.invitation = VendorInvitation.from_token(token)
        if self.invitation is None:
            return self.closed(request, "unknown", HTTPStatus.NOT_FOUND)
        if self.invitation.submitted_at:
            return self.closed(request, "submitted", HTTPStatus.OK)
        if self.invitation.is_revoked:
            return self.closed(request, "revoked", HTTPStatus.GONE)
        if self.invitation.is_expired:
            return self.closed(request, "expired", HTTPStatus.GONE)
        self.context = form_context(self.invitation.vendor)
        return super().dispatch(request, token)

    def closed(self, request, reason, status):
        context = {"reason": reason, "invitation": self.invitation}
        return TemplateResponse(request, self.closed_template, context, status=status)

    def form(self, data=None, initial=None):
        return VendorResponseForm(data, initial=initial, **self.context)

    def get(self, request, token):
        context = self.context
        initial = VendorResponseForm.current_values(
            context["vendor"], context["audiences"], context["records"]
        )
        form = self.form(initial=initial)
        if self.invitation.draft:
            form = self.form(initial={**initial, **draft_as_initial(form, self.invitation.draft)})
        return self.render(request, form)

    def post(self, request, token):
        if too_often(request, FORM_NAME, self.invitation.email):
            return TemplateResponse(
                request,
                self.closed_template,
                {"reason": "too_often", "invitation": self.invitation},
                status=HTTPStatus.TOO_MANY_REQUESTS,
            )
        if request.POST.get("action") == "draft":
            # Only the form's own fields, as typed: whatever else a POST carries is dropped.
            fields = self.form().fields
            self.invitation.draft = {
                name: values for name, values in request.POST.lists() if name in fields
            }
            self.invitation.draft_saved_at = timezone.now()
            self.invitation.save(update_fields=["draft", "draft_saved_at"])
            messages.success(
                request,
                _("Draft saved. Come back to this link to finish; it is checked when you submit."),
            )
            return redirect(request.path)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render(request, form, status=HTTPStatus.BAD_REQUEST)
        submit(self.invitation, form)
        return redirect(request.path)

    def render(self, request, form, status=HTTPStatus.OK):
        context = {
            "form": form,
            "invitation": self.invitation,
            "vendor": self.invitation.vendor,
            "today": timezone.localdate(),
        }
        return TemplateResponse(request, self.template_name, context, status=status)

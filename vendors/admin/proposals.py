"""A proposal's side-by-side review in the admin (a vendor's response or an editor's held
change), where each changed field is accepted or rejected."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import FieldDecision, Proposal, ProposalStatus
from ..proposals import ProposalError, apply_proposal, may_apply, review_rows


class ReviewForm(forms.Form):
    """One accept/reject choice per changed field of a proposal."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(FieldDecision.ACCEPTED, _("Accept")), (FieldDecision.REJECTED, _("Reject"))]
        for row in rows:
            self.fields[row.key] = forms.ChoiceField(
                label=row.label, choices=choices, widget=forms.RadioSelect, required=False
            )
            row.field = self[row.key]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["vendor", "source", "status", "created_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "source"]
    search_fields = ["vendor__name", "invitation__email"]
    list_select_related = ["vendor", "reviewed_by"]
    readonly_fields = [
        "vendor",
        "source",
        "invitation",
        "proposed_by",
        "status",
        "created_at",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "<int:proposal_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name="vendors_proposal_review",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The review is the page that matters: the stored fields are only its header.
        if object_id and str(object_id).isdigit():
            return redirect("admin:vendors_proposal_review", object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, proposal_id):
        proposal = get_object_or_404(
            Proposal.objects.select_related("vendor", "invitation", "proposed_by"), pk=proposal_id
        )
        if not self.has_view_permission(request, proposal):
            raise PermissionDenied
        rows = review_rows(proposal)
        may_review = self.has_change_permission(request, proposal) and may_apply(
            request.user, proposal.vendor
        )
        pending = proposal.status == ProposalStatus.PENDING
        form = ReviewForm(request.POST or None, rows=rows)
        if request.method == "POST":
            if not (may_review and pending):
                raise PermissionDenied
            if form.is_valid():
                choices = {key: value for key, value in form.cleaned_data.items() if value}
                try:
                    accepted = apply_proposal(proposal, choices, request.user)
                except ProposalError as error:
                    self.message_user(request, str(error), messages.ERROR)
                else:
                    self.message_user(request, self.applied_message(proposal, accepted))
                    return redirect("admin:vendors_vendor_change", proposal.vendor_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": proposal,
            "title": _("Review: %(proposal)s") % {"proposal": proposal},
            "proposal": proposal,
            "rows": rows,
            "form": form,
            "may_review": may_review and pending,
            "needs_publisher": pending and not may_apply(request.user, proposal.vendor),
            "vendor_url": reverse("admin:vendors_vendor_change", args=[proposal.vendor_id]),
        }
        return TemplateResponse(request, "admin/vendors/proposal/review.html", context)

    @staticmethod
    def applied_message(proposal, accepted):
        message = ngettext(
            "%(count)d change accepted into “%(name)s”.",
            "%(count)d changes accepted into “%(name)s”.",
            accepted,
        ) % {"count": accepted, "name": proposal.vendor.name}
        if accepted and proposal.vendor.is_draft:
            message += " " + str(_("The title is a draft: a publisher publishes it as usual."))
        return message

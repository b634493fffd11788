"""Vendors' answers in the admin: inviting a title's vendor, the invitations with their
revoke action, and the side-by-side review of a proposal (a vendor's response or an
editor's held change), where each changed field is accepted or rejected."""

import logging
import smtplib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import mail
from ..models import FieldDecision, Proposal, ProposalStatus, Vendor, VendorInvitation
from ..models.responses import response_url
from ..proposals import ProposalError, apply_proposal, may_apply, review_rows

logger = logging.getLogger(__name__)


class InviteVendorForm(forms.Form):
    email = forms.EmailField(
        label=_("Vendor contact email"),
        help_text=_("The person at the vendor who can answer for this title."),
    )
    language = forms.ChoiceField(
        label=_("Language of the message and the form"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )


def send_invitation(invitation, token):
    with translation.override(invitation.language):
        link = mail.absolute_url(response_url(token))
    mail.send(
        invitation.email,
        "vendor_invitation",
        {
            "vendor": invitation.vendor,
            "link": link,
            "expires_at": invitation.expires_at,
            "days": settings.VENDOR_LINK_DAYS,
        },
        language=invitation.language,
    )


class VendorResponseAdminMixin:
    """For the title admin: "Invite the vendor" on a title's page, and what it has been sent
    and has answered."""

    def get_urls(self):
        return [
            path(
                "<int:object_id>/invite/",
                self.admin_site.admin_view(self.invite_view),
                name="vendors_vendor_invite",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id and str(object_id).isdigit():
            extra_context["pending_proposals"] = list(
                Proposal.objects.pending().filter(vendor_id=object_id).order_by("created_at")
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def invite_view(self, request, object_id):
        vendor = get_object_or_404(Vendor, pk=object_id)
        if not self.has_change_permission(request, vendor):
            raise PermissionDenied
        form = InviteVendorForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    invitation, token = VendorInvitation.issue(
                        vendor,
                        form.cleaned_data["email"],
                        form.cleaned_data["language"],
                        created_by=request.user,
                    )
                    # Inside the transaction: an invitation whose mail failed never existed.
                    send_invitation(invitation, token)
            except (smtplib.SMTPException, OSError):
                logger.exception("vendor invitation mail not sent")
                self.message_user(
                    request,
                    _("The message could not be sent, so no invitation was made. Try again."),
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("Invitation sent to %(email)s. The link works until %(date)s.")
                    % {
                        "email": invitation.email,
                        "date": timezone.localtime(invitation.expires_at).date().isoformat(),
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:vendors_vendor_invite", vendor.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": vendor,
            "title": _("Invite the vendor of “%(name)s”") % {"name": vendor.name},
            "form": form,
            "invitations": vendor.invitations.select_related("created_by"),
            "days": settings.VENDOR_LINK_DAYS,
        }
        return TemplateResponse(request, "admin/vendors/vendor/invite.html", context)


@admin.register(VendorInvitation)
class VendorInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "vendor", "language", "created_at", "expires_at", "state"]
    list_filter = ["language", "created_at"]
    search_fields = ["email", "vendor__name"]
    list_select_related = ["vendor"]
    autocomplete_fields = ["vendor"]
    actions = ["revoke"]
    readonly_fields = [
        "vendor",
        "email",
        "language",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "submitted_at",
        "draft_saved_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        # Made from a title's page, which sends the link: a token is shown to nobody else.
        return False

    @admin.display(description=_("state"))
    def state(self, invitation):
        if invitation.submitted_at:
            return _("Answered")
        if invitation.is_revoked:
            return _("Revoked")
        if invitation.is_expired:
            return _("Expired")
        return _("Open")

    @admin.action(permissions=["change"], description=_("Revoke the selected invitations"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "Revoked %(count)d invitation: its link no longer opens the form.",
                "Revoked %(count)d invitations: their links no longer open the form.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


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

"""Vendors' answers in the admin: inviting a title's vendor, the invitations with their
revoke action, and holding an editor's change to a public title as a proposal (reviewed in
proposals.py)."""

import logging
import smtplib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import mail
from ..held_changes import is_public_part, json_value, part_changes
from ..models import (
    Proposal,
    ProposalSource,
    PublicationStatus,
    SharingRecord,
    Vendor,
    VendorInvitation,
)
from ..models.responses import response_url
from .publishing import can_publish

logger = logging.getLogger(__name__)


def held_field_names():
    """The title's own fields an editor's held change may carry (the language columns
    included): every editable column, not its relations."""
    return {
        field.name
        for field in Vendor._meta.concrete_fields
        if field.editable and not field.is_relation
    }


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


def holding(request, change):
    """Whether this save by this user is one HOLD_EDITOR_CHANGES holds, if what it changes
    is public: a change (not an addition) by someone who may not publish."""
    return settings.HOLD_EDITOR_CHANGES and change and not can_publish(request)


def hold(request, vendor_id):
    """The held changes of this request as one proposal for the title, if there are any."""
    request.held_proposal = None
    if request.held_changes:
        request.held_proposal = Proposal.objects.create(
            vendor_id=vendor_id,
            source=ProposalSource.EDITOR,
            proposed_by=request.user,
            changes=request.held_changes,
        )


class HeldChangesMixin:
    """What a held save answers instead of Django's own: no change logged (nothing changed),
    and the editor told that the change waits for a publisher."""

    def construct_change_message(self, request, form, formsets, add=False):
        if hasattr(request, "held_changes"):
            return ""
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if hasattr(request, "held_changes"):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if not hasattr(request, "held_changes"):
            return super().response_change(request, obj)
        if getattr(request, "held_proposal", None) is not None:
            self.message_user(
                request,
                _("Your change is held for a publisher's review. The public page is unchanged."),
                messages.WARNING,
            )
        else:
            self.message_user(request, _("Nothing was changed."))
        return redirect(request.path)


class HeldPartChangesMixin(HeldChangesMixin):
    """For the admins of a title's published records and incidents: with
    HOLD_EDITOR_CHANGES on, an editor's change to one is held as a proposal for its title."""

    def save_model(self, request, obj, form, change):
        if not (holding(request, change) and is_public_part(obj)):
            return super().save_model(request, obj, form, change)
        request.held_changes = part_changes(form)
        return None

    def save_related(self, request, form, formsets, change):
        if not hasattr(request, "held_changes"):
            return super().save_related(request, form, formsets, change)
        hold(request, type(form.instance)._base_manager.get(pk=form.instance.pk).vendor_id)
        return None


class VendorResponseAdminMixin(HeldChangesMixin):
    """For the title admin: "Invite the vendor" on a title's page, what it has been sent and
    has answered, and, with HOLD_EDITOR_CHANGES on, an editor's change to a public title
    held as a proposal until a publisher accepts it.

    Held are the title's own fields and its sharing records' changes on the same page. New
    or deleted records, agreements and subprocessors are not held but left unsaved, and the
    editor is told so: saving them would publish them at once, which is what the setting
    is there to prevent."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A form that does not send an AI answer (an older script, a hand-made POST) means
        # "not stated", as the default says, rather than failing the whole save.
        if db_field.name in ("generative_ai", "trains_models"):
            return forms.TypedChoiceField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                choices=db_field.choices,
                initial=db_field.default,
                required=False,
                empty_value=db_field.default,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def holds_change(self, request, obj, change):
        if not holding(request, change):
            return False
        stored = Vendor.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
        return stored in (PublicationStatus.PUBLISHED, PublicationStatus.RETIRED)

    def save_model(self, request, obj, form, change):
        if not self.holds_change(request, obj, change):
            return super().save_model(request, obj, form, change)
        names = [name for name in form.changed_data if name in held_field_names()]
        request.held_changes = {
            f"title.{name}": json_value(form.cleaned_data[name]) for name in names
        }
        return None

    def save_related(self, request, form, formsets, change):
        if not hasattr(request, "held_changes"):
            return super().save_related(request, form, formsets, change)
        unsaved = False
        for formset in formsets:
            for subform in formset.forms:
                if not subform.has_changed():
                    continue
                deleted = formset.can_delete and subform in formset.deleted_forms
                if formset.model is SharingRecord and subform.instance.pk and not deleted:
                    request.held_changes.update(part_changes(subform))
                else:
                    unsaved = True
        if unsaved:
            self.message_user(
                request,
                _(
                    "New or deleted records, and changes to agreements and subprocessors, "
                    "were not saved: while changes are held, ask a publisher to make them."
                ),
                messages.WARNING,
            )
        hold(request, form.instance.pk)
        return None

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

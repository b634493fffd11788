"""Families' email subscriptions: read-only, for answering a family who calls. Only the
double opt-in adds one; deleting one here is unsubscribing them."""

from django.contrib import admin

from ..models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "all_changes", "confirmed_at", "last_sent_at"]
    list_filter = ["language", "all_changes"]
    search_fields = ["email"]
    # The token stays out: it is the subscriber's own unsubscribe link.
    fields = [
        "email",
        "language",
        "all_changes",
        "titles",
        "confirmed_at",
        "sent_through",
        "last_sent_at",
        "annual_notice_year",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

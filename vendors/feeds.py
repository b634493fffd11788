"""/changes/feed/: the change log as an Atom feed, for parents and journalists to subscribe to."""

import uuid

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .changes import all_changes

FEED_LENGTH = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = _("What changed in the data sharing clearinghouse")
    subtitle = _(
        "Software titles added, updated, retired or removed, and security incidents reported, "
        "newest first."
    )
    link = reverse_lazy("vendors:changes")

    def items(self):
        return all_changes()[:FEED_LENGTH]

    def item_title(self, item):
        return f"{item.kind_label}: {item.subject}"

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        # An entry about a title that is no longer public points to the change log itself.
        return item.url or f"{reverse('vendors:changes')}#{item.anchor}"

    def item_guid(self, item):
        # Atom wants an absolute IRI that never changes; a name-based UUID of the key is one.
        # (The key, not the anchor: feed readers already hold ids made from it.)
        return uuid.uuid5(uuid.NAMESPACE_URL, f"clearinghouse:changes:{item.key}").urn

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.date

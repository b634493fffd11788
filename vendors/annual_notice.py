"""The annual notice: the direct notice to families that the page /annual-notice/ prints and
`manage.py send_digests` mails once a year, built from the same records as the other pages.

Every current title with what it receives about each audience and why, then the former
vendors whose data is not yet certified destroyed, in a fixed number of queries.
"""

from dataclasses import dataclass
from itertools import groupby

from django.db.models import Prefetch

from .models import Agreement, SharingRecord, Vendor


@dataclass
class NoticeTitle:
    vendor: Vendor
    records: list


def current_titles():
    """Each listed title with its listed records, A to Z, audiences in their order."""
    records = (
        SharingRecord.objects.listed()
        .for_display()
        .order_by("vendor__name", "vendor__pk", "audience__position")
    )
    return [
        NoticeTitle(vendor, list(group))
        for vendor, group in groupby(records, key=lambda record: record.vendor)
    ]


def awaiting_destruction(agreement):
    """Sharing has ended, yet the vendor has not certified that the data is destroyed."""
    return agreement is None or not (
        agreement.destruction_certified_on or agreement.destruction_certificate_url
    )


def former_awaiting_destruction():
    """Former vendors that may still hold the data, A to Z."""
    vendors = Vendor.objects.former().prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.select_related("vendor"))
    )
    return [vendor for vendor in vendors if awaiting_destruction(vendor.ended_agreement)]


def notice_context():
    titles = current_titles()
    return {
        "titles": titles,
        "records": [record for title in titles for record in title.records],
        "former_vendors": former_awaiting_destruction(),
    }

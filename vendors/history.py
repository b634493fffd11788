"""Deleted titles, read back from django-simple-history's records, and their restoration."""

from .models import SharingRecord, Vendor


def deleted_vendors():
    """The latest deletion record of each title that does not exist any more, newest first."""
    deletions = (
        Vendor.history.filter(history_type="-")
        .exclude(id__in=Vendor.objects.values("pk"))
        .select_related("history_user")
        .order_by("-history_date")
    )
    seen = set()
    latest = []
    for deletion in deletions:
        if deletion.id not in seen:
            seen.add(deletion.id)
            latest.append(deletion)
    return latest


def restore_vendor(deletion):
    """Bring a deleted title back as it was, with the sharing records deleted along with it.

    Returns (vendor, number of sharing records restored), or (None, 0) when a title with
    that id or slug exists again.
    """
    vendor = deletion.instance
    if (
        Vendor.objects.filter(pk=vendor.pk).exists()
        or Vendor.objects.filter(slug=vendor.slug).exists()
    ):
        return None, 0
    vendor._state.adding = True
    vendor.save()
    restored = 0
    record_ids = (
        SharingRecord.history.filter(vendor_id=vendor.pk, history_type="-")
        .values_list("id", flat=True)
        .distinct()
    )
    for record_id in set(record_ids):
        if SharingRecord.objects.filter(pk=record_id).exists():
            continue
        versions = SharingRecord.history.filter(id=record_id)
        # The deletion record's element list is empty: the links go before the row does.
        last_version = versions.exclude(history_type="-").latest("history_date")
        record = versions.filter(history_type="-").latest("history_date").instance
        record._state.adding = True
        record.save()
        record.elements.set(last_version.elements.values_list("dataelement_id", flat=True))
        restored += 1
    return vendor, restored

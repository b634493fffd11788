from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from vendors.models import CERTIFICATE_GRACE, EXPIRY_WARNING, Agreement, StatePreset
from vendors.state_presets import active_state, entries_missing_required_fields


class Command(BaseCommand):
    help = (
        "List the agreements that need staff action: expiring within 90 days, review "
        "overdue, ended with no destruction certificate after 30 days; and the published "
        "titles missing a field the state preset requires. For cron or email: "
        "exits with status 1 when any list is not empty, 0 when nothing needs action."
    )

    def handle(self, *args, **options):
        agreements = Agreement.objects.select_related("vendor", "audience")
        sections = [
            (
                _("Expiring within %(days)d days") % {"days": EXPIRY_WARNING.days},
                agreements.expiring_soon().order_by("expires_on"),
                lambda a: _("expires %(date)s") % {"date": a.expires_on.isoformat()},
            ),
            (
                _("Review overdue"),
                agreements.review_overdue().order_by("next_review_due", "last_reviewed_on"),
                review_text,
            ),
            (
                _("Ended, no destruction certificate after %(days)d days")
                % {"days": CERTIFICATE_GRACE.days},
                agreements.certificate_overdue().order_by("ended_on"),
                lambda a: (
                    _("ended %(date)s, %(days)d days ago")
                    % {"date": a.ended_on.isoformat(), "days": a.destruction_pending_days}
                ),
            ),
        ]
        needing_action = 0
        for title, queryset, describe in sections:
            rows = list(queryset)
            needing_action += len(rows)
            self.stdout.write(f"{title}: {len(rows)}")
            for agreement in rows:
                self.stdout.write(f"  - {agreement}: {describe(agreement)}")
        state = active_state()
        if state:
            entries = entries_missing_required_fields()
            needing_action += len(entries)
            self.stdout.write(
                _("Published titles missing a field the %(state)s preset requires: %(count)d")
                % {"state": StatePreset(state).label, "count": len(entries)}
            )
            for vendor, missing in entries:
                self.stdout.write(f"  - {vendor}: " + "; ".join(str(item) for item in missing))
        if needing_action:
            raise CommandError(
                _("%(count)d item(s) need action.") % {"count": needing_action},
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(_("Nothing needs action.")))


def review_text(agreement):
    if agreement.next_review_due and agreement.next_review_due < timezone.localdate():
        return _("review was due %(date)s") % {"date": agreement.next_review_due.isoformat()}
    return _("last reviewed %(date)s") % {"date": agreement.last_reviewed_on.isoformat()}

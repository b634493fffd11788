from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vendors.keeping_current import action_sections


class Command(BaseCommand):
    help = (
        "List what needs staff action: the same lists as the admin dashboard (agreements "
        "expiring within 90 days, reviews overdue, ended with no destruction certificate after "
        "30 days, active agreements missing their signed, expiry or review date, published "
        "titles missing a field the state preset requires). For cron or "
        "email: exits with status 1 when any list is not empty, 0 when nothing needs action."
    )

    def handle(self, *args, **options):
        needing_action = 0
        for section in action_sections():
            needing_action += len(section.rows)
            self.stdout.write(f"{section.title}: {len(section.rows)}")
            for row in section.rows:
                self.stdout.write(f"  - {row.obj}: {section.describe(row)}")
        if needing_action:
            raise CommandError(
                _("%(count)d item(s) need action.") % {"count": needing_action},
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(_("Nothing needs action.")))

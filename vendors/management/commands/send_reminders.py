from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vendors.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Email every staff member with a role (editors and publishers with an email address) "
        "a digest of what needs action: the dashboard's lists, counted and linked. For cron: "
        "at most one digest per REMINDER_PERIOD (daily or weekly), however often it runs, and "
        "none when nothing needs action. Silent on success (-v 2 says what it did); exits 1 "
        "when the mail server failed, after which the next run sends only what is still due."
    )

    def handle(self, *args, verbosity=1, **options):
        outcome = send_reminders()
        run = outcome.run
        if outcome.error:
            raise CommandError(
                _(
                    "Reminders for %(period)s: sent to %(sent)d, %(pending)d still due. The mail "
                    "server failed: %(error)s. Run the command again to send the rest."
                )
                % {
                    "period": run.period,
                    "sent": outcome.sent,
                    "pending": outcome.pending,
                    "error": outcome.error,
                },
                returncode=1,
            )
        if outcome.refused:
            raise CommandError(
                _(
                    "Reminders for %(period)s: the mail server refused %(addresses)s (see "
                    "Reminder deliveries in the admin). Correct the address; the next run "
                    "tries again."
                )
                % {"period": run.period, "addresses": ", ".join(outcome.refused)},
                returncode=1,
            )
        if outcome.no_one_to_tell:
            # Something needs action and no one can be told: cron should say so.
            raise CommandError(
                _(
                    "Nothing was sent: no active staff member in the editor or publisher group "
                    "has an email address."
                ),
                returncode=1,
            )
        if verbosity < 2:
            return
        if outcome.sent:
            message = ngettext(
                "Reminders for %(period)s sent to %(count)d staff member.",
                "Reminders for %(period)s sent to %(count)d staff members.",
                outcome.sent,
            )
            self.stdout.write(message % {"period": run.period, "count": outcome.sent})
        elif not outcome.items:
            self.stdout.write(_("Nothing needs action: no reminder sent."))
        else:
            self.stdout.write(
                _("Reminders for %(period)s were already sent.") % {"period": run.period}
            )

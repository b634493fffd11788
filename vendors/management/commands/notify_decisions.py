"""Send every review-request notice still due, e.g. from cron every few minutes.

A notice is due when a request's title has a decision its requester was not told of, or a
folded duplicate's requester was not yet told which request it joined. Each is recorded as
it goes, so a run stopped by the mail server leaves exactly the rest for the next run, and
running it twice sends nothing twice. It also forgets unconfirmed requests whose link has
expired. Exits 1 when the mail server failed.
"""

from django.core.management.base import BaseCommand

from vendors.requests import forget_unconfirmed, send_due_notices


class Command(BaseCommand):
    help = "Email review requesters the decisions they have not yet been told of."

    def handle(self, *args, **options):
        forgotten = forget_unconfirmed()
        try:
            sent = send_due_notices()
        except OSError as error:
            self.stderr.write(f"The mail server failed ({error}); what was not sent stays due.")
            raise SystemExit(1) from error
        self.stdout.write(
            f"{sent} notice(s) sent; {forgotten} expired unconfirmed request(s) removed."
        )

from django.core.management.base import BaseCommand, CommandError

from vendors.digests import Outcome, send_annual_notices, send_digests


class Command(BaseCommand):
    help = (
        "Email each confirmed subscriber what changed since their last message (daily, or "
        "weekly with DIGEST_FREQUENCY=weekly), and on the district profile's annual notice "
        "date the annual notice. Run it once a day from cron. Nothing is sent to a subscriber "
        "with nothing new. Exits with status 1 when the mail server fails: whoever was not "
        "sent to yet gets their message on the next run, and nobody gets one twice."
    )

    def handle(self, *args, **options):
        outcome = send_annual_notices(outcome=Outcome())
        if outcome.failure is None:
            send_digests(outcome=outcome)
        self.stdout.write(
            f"Annual notices sent: {outcome.annual_notices}. Digests sent: {outcome.digests}. "
            f"Subscribers with nothing new: {outcome.unchanged}."
        )
        for address in outcome.refused:
            self.stderr.write(f"The mail server refused {address}; it is tried again next run.")
        if outcome.failure is not None:
            raise CommandError(
                f"The mail server failed ({outcome.failure}). The messages not sent yet go "
                "on the next run.",
                returncode=1,
            )

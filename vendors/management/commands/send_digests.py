from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError

from vendors.digests import Outcome, send_annual_notices, send_digests

# Two runs at once (a cron job overlapping a slow one) would both send to whoever neither
# had recorded yet. The default cache is shared by every host (Redis) or by this host's
# processes (the file cache), so a key there keeps it to one run; it expires in case a run
# is killed before it can remove it.
LOCK = "vendors:send_digests:running"
LOCK_SECONDS = 6 * 3600


class Command(BaseCommand):
    help = (
        "Email each confirmed subscriber what changed since their last message (daily, or "
        "weekly with DIGEST_FREQUENCY=weekly), and on the district profile's annual notice "
        "date the annual notice. Run it once a day from cron. Nothing is sent to a subscriber "
        "with nothing new. Exits with status 1 when the mail server fails: whoever was not "
        "sent to yet gets their message on the next run, and nobody gets one twice; with "
        "status 2 when another run has not finished."
    )

    def handle(self, *args, **options):
        if not cache.add(LOCK, True, timeout=LOCK_SECONDS):
            raise CommandError("Another send_digests is still running.", returncode=2)
        try:
            outcome = send_annual_notices(outcome=Outcome())
            if outcome.failure is None:
                send_digests(outcome=outcome)
        finally:
            cache.delete(LOCK)
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

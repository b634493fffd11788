"""`make bench-digests`: how long `manage.py send_digests` takes for 10,000 subscribers.

Generates a clearinghouse (BENCH_DIGEST_VENDORS titles, 1,000 by default) into a scratch
SQLite database (bench/digests.sqlite3, or the database DATABASE_URL names, which it
empties only when BENCH_RESET=1), subscribes BENCH_SUBSCRIBERS addresses (10,000) in
the three languages, a fifth of them to a few titles each, changes BENCH_CHANGES titles
(20), and times the command delivering to a local aiosmtpd in its own process, which
accepts and discards every message, as a relay would. Then it times a second run, which
has nothing new to send. Prints the table and writes it as JSON to bench/results/.
"""

import io
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "10000"))
VENDORS = int(os.environ.get("BENCH_DIGEST_VENDORS", "1000"))
CHANGES = int(os.environ.get("BENCH_CHANGES", "20"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
LANGUAGES = ["en", "en", "es", "ht"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure_environment(port):
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "clearinghouse.settings"
    os.environ["DEBUG"] = "false"
    os.environ["LOCAL_ENV_FILE"] = ""
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    os.environ["SITE_URL"] = "https://clearinghouse.district.example"
    os.environ.setdefault("PAGE_CACHE_DIR", str(BENCH / "page-cache"))
    if not os.environ.get("DATABASE_URL"):
        scratch = BENCH / "digests.sqlite3"
        scratch.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
        return "SQLite (bench/digests.sqlite3)"
    return "PostgreSQL" if os.environ["DATABASE_URL"].startswith("postgres") else "DATABASE_URL"


def start_smtp_server(port):
    """aiosmtpd's own command line, with its Sink handler: every message taken, none kept."""
    process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    sys.exit("aiosmtpd did not start.")


def prepare():
    import django
    from django.core.management import call_command

    django.setup()
    from django.utils import timezone

    from vendors.models import (
        DestructionTerm,
        SecurityIncident,
        SharingRecord,
        Subscription,
        UsageStatement,
        Vendor,
    )

    call_command("migrate", verbosity=0, interactive=False)
    if Vendor.objects.exists():
        if os.environ.get("BENCH_RESET") != "1":
            sys.exit(
                "The database DATABASE_URL names already holds titles. Point it at a scratch "
                "database, or set BENCH_RESET=1 to let the benchmark empty it."
            )
        call_command("flush", verbosity=0, interactive=False)
    call_command("generate_clearinghouse", vendors=VENDORS, seed=SEED, verbosity=0)
    rng = random.Random(SEED)  # noqa: S311 (repeatable bench data, not a secret)
    now = timezone.now()
    # The generated clearinghouse is old news: its history predates every subscriber.
    for model in (Vendor, SharingRecord, SecurityIncident, UsageStatement, DestructionTerm):
        model.history.update(history_date=now - timedelta(hours=1))
    vendors = list(Vendor.objects.listed().order_by("pk").values_list("pk", flat=True))
    subscribed = now - timedelta(minutes=30)
    Subscription.objects.bulk_create(
        Subscription(
            email=f"parent{number}@example.org",
            language=LANGUAGES[number % len(LANGUAGES)],
            all_changes=number % 5 != 0,
            confirmed_at=subscribed,
            sent_through=subscribed,
        )
        for number in range(SUBSCRIBERS)
    )
    links = [
        Subscription.titles.through(subscription_id=pk, vendor_id=vendor)
        for pk in Subscription.objects.filter(all_changes=False).values_list("pk", flat=True)
        for vendor in rng.sample(vendors, 3)
    ]
    Subscription.titles.through.objects.bulk_create(links)
    for vendor in Vendor.objects.filter(pk__in=rng.sample(vendors, CHANGES)):
        vendor.description = f"{vendor.description} Now also in the district's new app."
        vendor.save()
    # The changes are settled: older than the change log's two-minute grouping window.
    Vendor.history.filter(history_date__gt=subscribed).update(
        history_date=now - timedelta(minutes=10)
    )


def timed_run():
    from django.core.management import call_command

    out = io.StringIO()
    started = time.perf_counter()
    call_command("send_digests", stdout=out, stderr=io.StringIO())
    return round(time.perf_counter() - started, 2), out.getvalue().strip()


def main():
    port = free_port()
    database = configure_environment(port)
    smtp = start_smtp_server(port)
    try:
        prepare()
        first, first_out = timed_run()
        second, second_out = timed_run()
    finally:
        smtp.terminate()
        smtp.wait(timeout=10)
    rows = {
        "database": database,
        "subscribers": SUBSCRIBERS,
        "titles": VENDORS,
        "titles changed": CHANGES,
        "first run seconds": first,
        "first run": first_out,
        "second run seconds": second,
        "second run": second_out,
    }
    for name, value in rows.items():
        print(f"{name:>20}: {value}")
    out = BENCH / "results" / f"digests-{SUBSCRIBERS}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()

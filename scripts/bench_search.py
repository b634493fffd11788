"""Time search on a clearinghouse of 5,000 titles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clearinghouse_bench \\
        .venv/bin/python scripts/bench_search.py

It migrates the database, replaces its titles with generated ones (never run it on a
database whose content you want to keep), then prints p50/p99 for the title query alone
and for the whole /search/ page, and PostgreSQL's plan for the title query.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault(
    "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from vendors.models import (  # noqa: E402
    Audience,
    DataElement,
    DataElementCategory,
    DestructionTerm,
    DistrictProfile,
    PublicationStatus,
    SharingRecord,
    UsageStatement,
    Vendor,
    fold_for_search,
)
from vendors.search import search_terms, vendors_matching  # noqa: E402

TITLES = 5000
RUNS = 50
# Generated titles, not secrets; the seed makes every run build the same clearinghouse.
RNG = random.Random(5)  # noqa: S311
QUERIES = ["clever", "reading", "electronico", "phone", "math tutor", "zzz-nothing", "vend"]
WORDS = [
    "reading",
    "math",
    "science",
    "tutor",
    "quiz",
    "video",
    "chat",
    "portfolio",
    "grades",
    "attendance",
    "library",
    "electrónico",
    "música",
    "clase",
    "lectura",
    "behaviour",
    "coding",
    "typing",
    "maps",
    "history",
    "art",
]


def populate():
    pass
    with transaction.atomic():
        SharingRecord.objects.all().delete()
        Vendor.objects.all().delete()
        DistrictProfile(
            short_name="BENCH", full_name="Bench District", intro="x", contact_email="a@b.example"
        ).save()
        category, _ = DataElementCategory.objects.get_or_create(
            slug="bench-contact", defaults={"name": "Bench Contact Information"}
        )
        elements = [
            DataElement.objects.get_or_create(
                slug=f"bench-{name}", defaults={"name": f"Bench {name}", "category": category}
            )[0]
            for name in ("phone", "email", "address", "grades")
        ]
        audiences = [
            Audience.objects.get_or_create(
                slug=slug, defaults={"name": slug, "title": slug, "position": position}
            )[0]
            for position, slug in enumerate(["parent-data", "student-data"])
        ]
        usage = UsageStatement.objects.get_or_create(title="Bench usage", defaults={"text": "x"})[0]
        term = DestructionTerm.objects.get_or_create(title="Bench term", defaults={"text": "x"})[0]
        vendors = []
        for number in range(TITLES):
            name = "Clever" if number == 0 else f"Vendor {number:05d} {RNG.choice(WORDS)}"
            description = " ".join(RNG.choices(WORDS, k=60))
            vendors.append(
                Vendor(
                    name=name,
                    slug=f"bench-{number:05d}",
                    company=RNG.choice(["", "Acme Learning", "Edu Corp"]),
                    description=description,
                    # bulk_create skips the pre_save signal that fills this.
                    search_text=fold_for_search(f"{name} {description}"),
                    status=PublicationStatus.PUBLISHED,
                )
            )
        vendors = Vendor.objects.bulk_create(vendors, batch_size=1000)
        records = SharingRecord.objects.bulk_create(
            [
                SharingRecord(
                    vendor=vendor,
                    audience=audience,
                    usage_statement=usage,
                    destruction_term=term,
                    status=PublicationStatus.PUBLISHED,
                )
                for vendor in vendors
                for audience in audiences
            ],
            batch_size=1000,
        )
        through = SharingRecord.elements.through
        through.objects.bulk_create(
            [
                through(sharingrecord_id=record.pk, dataelement_id=RNG.choice(elements).pk)
                for record in records
            ],
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")


def percentiles(timings):
    ordered = sorted(timings)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


def time_it(function):
    function()  # warm caches and connections
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return percentiles(timings)


def main():
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    populate()
    print(f"created {Vendor.objects.count()} titles in {time.perf_counter() - started:.1f} s")
    client = Client()
    print(f"{'query':<14} {'matches':>7} {'titles p50':>11} {'p99':>8} {'page p50':>9} {'p99':>8}")
    for query in QUERIES:
        terms = search_terms(query)
        matches = vendors_matching(terms).count()
        query_p50, query_p99 = time_it(lambda terms=terms: list(vendors_matching(terms)[:25]))
        page_p50, page_p99 = time_it(lambda query=query: client.get("/search/", {"q": query}))
        print(
            f"{query:<14} {matches:>7} {query_p50:>9.2f}ms {query_p99:>6.2f}ms"
            f" {page_p50:>7.2f}ms {page_p99:>6.2f}ms"
        )
    if connection.vendor == "postgresql":
        print("\nplan for 'reading':")
        print(vendors_matching(["reading"]).explain())


if __name__ == "__main__":
    main()

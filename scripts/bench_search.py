"""Time search on a clearinghouse of 5,000 titles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clearinghouse_bench \\
        .venv/bin/python scripts/bench_search.py

It migrates the database, empties it and fills it with `manage.py generate_clearinghouse`
(never run it on a database whose content you want to keep), then prints p50/p99 for the
title query alone and for the whole /search/ page, and PostgreSQL's plan for the title query.
"""

import io
import os
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from vendors.models import Vendor  # noqa: E402
from vendors.search import search_terms, vendors_matching  # noqa: E402

TITLES = 5000
RUNS = 50
# Against generate_clearinghouse's titles: a name, a description word, a company written
# with an accent, a word prefix, two prefixes, nothing, and a prefix most titles match.
QUERIES = ["clever", "reading", "éducation", "phone", "teacher read", "zzz-nothing", "learn"]


def populate():
    call_command("flush", interactive=False, verbosity=0)
    # Its progress lines would break up the table below.
    call_command("generate_clearinghouse", vendors=TITLES, stdout=io.StringIO())


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

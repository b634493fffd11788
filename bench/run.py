"""`make bench`: the public pages under load, against the same bytes served as a static file.

For each size in BENCH_VENDORS (1,000 and then 3,000 titles), generates a clearinghouse
into a scratch database (bench/bench.sqlite3, or the PostgreSQL database DATABASE_URL
names, which it empties only when BENCH_RESET=1), times the export and the import of
its titles and each page's first render after a write, starts gunicorn on 127.0.0.1
with DEBUG off, and runs wrk against each target in turn, round after round, so that
drift on a shared machine hits every target alike. wrk asks for pages as a browser
does; the gzip-only rows ask as a client without brotli does, each compared with the
ceiling asked the same way.
Prints a table and writes it as JSON to bench/results/.
"""

import contextlib
import gzip
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import brotli

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# The sizes to run, each in a database generated afresh: a district of our demo's scale,
# and one of a real district's inventory (about 2,700 titles).
VENDOR_COUNTS = [int(n) for n in os.environ.get("BENCH_VENDORS", "1000,3000").split(",")]
VENDORS = VENDOR_COUNTS[0]
# First renders timed per page, each after emptying the cache, as after a write.
RENDER_SAMPLES = int(os.environ.get("BENCH_RENDER_SAMPLES", "20"))
RENDERED_TARGETS = ("audience", "permalink", "search")
SEED = int(os.environ.get("BENCH_SEED", "1"))
DURATION = int(os.environ.get("BENCH_SECONDS", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = 2
# The README's production advice: 2 x cores + 1 synchronous workers.
WORKERS = int(os.environ.get("WEB_CONCURRENCY", str(2 * os.cpu_count() + 1)))
CEILING_NAME = "bench-ceiling.html"
# What Chrome and Firefox send over HTTPS, which is how parents reach the site; the
# ceiling is asked the same, so WhiteNoise answers with its brotli copy.
BROWSER = "gzip, deflate, br, zstd"
# Some API clients (Go's net/http, Python without a brotli package) take gzip only.
GZIP_ONLY = "gzip"


class Target(NamedTuple):
    path: str
    accept_encoding: str = BROWSER
    # The row whose throughput this one is divided by: the ceiling asked the same way.
    ceiling: str = "static ceiling"
    # A header to add (a made-up session cookie), or a wrk script that makes each address.
    header: str | None = None
    script: str | None = None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure_environment():
    os.environ["DJANGO_SETTINGS_MODULE"] = "clearinghouse.settings"
    os.environ["DEBUG"] = "false"
    os.environ["LOCAL_ENV_FILE"] = ""  # production-like: not the .env from make run
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["GUNICORN_LOG_LEVEL"] = "warning"
    os.environ.setdefault("PAGE_CACHE_DIR", str(BENCH / "page-cache"))
    # The first render of a 1,000-title page takes seconds of CPU, and far longer on a
    # machine shared with test suites: a cold worker must not be killed mid-render.
    os.environ.setdefault("GUNICORN_TIMEOUT", "300")
    if not os.environ.get("DATABASE_URL"):
        scratch = BENCH / "bench.sqlite3"
        scratch.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
        return "SQLite (bench/bench.sqlite3)"
    return "PostgreSQL" if os.environ["DATABASE_URL"].startswith("postgres") else "DATABASE_URL"


_generated_here = False


def prepare_database(vendors=VENDORS):
    global _generated_here  # a later size may empty what an earlier one made
    import django
    from django.core.management import call_command

    django.setup()
    from vendors.models import Vendor

    call_command("migrate", verbosity=0, interactive=False)
    if Vendor.objects.exists():
        if os.environ.get("BENCH_RESET") != "1" and not _generated_here:
            sys.exit(
                "The database DATABASE_URL names already holds titles. Point it at a scratch "
                "database, or set BENCH_RESET=1 to let the benchmark empty it."
            )
        call_command("flush", verbosity=0, interactive=False)
    started = time.monotonic()
    call_command("generate_clearinghouse", vendors=vendors, seed=SEED, verbosity=0)
    _generated_here = True
    call_command("collectstatic", verbosity=0, interactive=False)
    return time.monotonic() - started


def time_import_and_export():
    """Seconds for `manage.py export_titles`, then `import_titles --dry-run` and
    `import_titles` of that same file: what a district's nightly sync costs when nothing
    changed (every row read, compared and found equal)."""
    from django.core.management import call_command

    scratch = tempfile.TemporaryDirectory()
    path = Path(scratch.name) / "titles.csv"
    seconds = {}
    for name, command, options in (
        ("export", "export_titles", {}),
        ("import dry run", "import_titles", {"dry_run": True}),
        ("import", "import_titles", {}),
    ):
        started = time.monotonic()
        call_command(command, str(path), stdout=io.StringIO(), **options)
        seconds[name] = round(time.monotonic() - started, 2)
    scratch.cleanup()
    return seconds


def first_render_times(urls):
    """Per target, p50 and p95 of a render with the cache emptied first, in-process."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    rows = {}
    for name in RENDERED_TARGETS:
        samples = []
        for _ in range(RENDER_SAMPLES):
            cache.clear()
            started = time.perf_counter()
            client.get(urls[name].path)
            samples.append((time.perf_counter() - started) * 1000)
        cuts = statistics.quantiles(samples, n=20, method="inclusive")
        rows[name] = {
            "path": urls[name].path,
            "p50_ms": round(statistics.median(samples), 1),
            "p95_ms": round(cuts[18], 1),
        }
    return rows


def targets():
    from django.urls import reverse

    from vendors.models import DataElement, Vendor

    vendor = Vendor.objects.listed().order_by("name").first()
    element = DataElement.objects.order_by("pk").first()
    json_list = "/api/v1/vendors.json"
    ceiling = f"/static/{CEILING_NAME}"
    return {
        "home": Target("/"),
        "audience": Target("/parent-data/"),
        "permalink": Target(vendor.get_absolute_url()),
        "data element": Target(element.get_absolute_url()),
        # The whole list is one 10.5 MB document at 1,000 titles, bound by its size on
        # the wire: 130 KB in brotli, whose window spans the statements and definitions
        # that every title repeats, but 590 KB in gzip, whose 32 KB window cannot.
        "JSON API (all titles)": Target(json_list),
        "JSON API (one title)": Target(
            reverse("vendors:api_vendor_detail", kwargs={"slug": vendor.slug})
        ),
        "search": Target("/search/?q=math"),
        "static ceiling": Target(ceiling),
        "JSON API (all titles), gzip only": Target(
            json_list, GZIP_ONLY, "static ceiling, gzip only"
        ),
        "static ceiling, gzip only": Target(ceiling, GZIP_ONLY, "static ceiling, gzip only"),
        # Requests that try to skip the cache, against the audience page as usually asked.
        "audience, made-up session cookie": Target(
            "/parent-data/", ceiling="audience", header="Cookie: sessionid=" + "x" * 32
        ),
        "audience, a new made-up parameter each time": Target(
            "/parent-data/", ceiling="audience", script="made_up.lua"
        ),
    }


def is_static(path):
    return path.startswith("/static/")


def measure_in_process(paths):
    """Per page address: queries per request, cold (empty cache, new version) and warm,
    and its bytes in each coding. None of these depends on how wrk asks for the page."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    rows = {}
    for url in paths:
        cache.clear()
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                plain = client.get(url)
                # A streamed list reads the database as it is sent.
                body = plain.getvalue()
            counts.append(len(queries))
        zipped = client.get(url, headers={"accept-encoding": "gzip"}).getvalue()
        squeezed = client.get(url, headers={"accept-encoding": "br"})
        if plain.status_code != 200:
            sys.exit(f"{url} answered {plain.status_code}: the generated data is incomplete.")
        rows[url] = {
            "queries_cold": counts[0],
            "queries_warm": counts[1],
            "bytes_identity": len(body),
            "bytes_gzip": len(zipped) if zipped[:2] == b"\x1f\x8b" else None,
            "bytes_brotli": len(squeezed.getvalue())
            if squeezed.get("Content-Encoding") == "br"
            else None,
        }
    return rows


def write_ceiling(audience_html):
    """The audience page's own bytes as a static file, with the .gz and .br that
    collectstatic would make of it (WhiteNoise's gzip 9 and brotli 11, smaller than the
    page cache's): the same size and compressibility, served by the same gunicorn."""
    from django.conf import settings

    static_root = Path(settings.STATIC_ROOT)
    (static_root / CEILING_NAME).write_bytes(audience_html)
    (static_root / f"{CEILING_NAME}.gz").write_bytes(gzip.compress(audience_html, 9, mtime=0))
    (static_root / f"{CEILING_NAME}.br").write_bytes(brotli.compress(audience_html))


def start_gunicorn(port):
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(WORKERS)}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [gunicorn, "-c", "gunicorn.conf.py", "clearinghouse.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    sys.exit("gunicorn did not answer /readyz within 30 seconds.")


_database = None


def set_up(vendors=VENDORS):
    """What make bench and make profile both start from: DEBUG off, the generated
    database, the targets, and the ceiling's static files. Returns the database's name,
    the seconds generation took, and the targets."""
    global _database  # the environment is set once, before Django starts
    # A kill (or timeout) must still stop gunicorn, in serving()'s finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Stopped."))
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: sudo apt-get install wrk (Debian package wrk).")
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    if _database is None:
        _database = configure_environment()
    database = _database
    generated_in = prepare_database(vendors)
    urls = targets()
    from django.test import Client

    write_ceiling(Client().get(urls["audience"].path).content)
    return database, generated_in, urls


@contextlib.contextmanager
def serving(paths):
    """gunicorn on a free 127.0.0.1 port, each of its workers having rendered and cached
    every page in `paths`; yields its base address and master process, then stops it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port)
    try:
        for path in paths:
            for _ in range(WORKERS * 2):
                urllib.request.urlopen(base + path, timeout=300).read()  # noqa: S310
        yield base, server
    finally:
        stop(server)


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(base, path, accept_encoding=BROWSER, connections=CONNECTIONS, script=None, header=None):
    command = ["wrk", f"-t{min(THREADS, connections)}", f"-c{connections}", f"-d{DURATION}s"]
    command += ["--latency", "-H", f"Accept-Encoding: {accept_encoding}"]
    if header:
        command += ["-H", header]
    if script:
        command += ["-s", str(script)]
    # After --, the script's arguments: a token no other run uses.
    script_args = ["--", secrets.token_hex(8)] if script else []
    output = subprocess.run(  # noqa: S603 (wrk against our own 127.0.0.1 server)
        [*command, base + path, *script_args], capture_output=True, text=True, check=True
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))

    def parse(text):
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
        return ms(value, unit)

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": parse(latency["50"]),
        "p99_ms": parse(latency["99"]),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def main():
    for vendors in VENDOR_COUNTS:
        run_case(vendors)


def run_case(vendors):
    began = time.monotonic()
    database, generated_in, urls = set_up(vendors)
    transfers = time_import_and_export()
    first_renders = first_render_times(urls)
    paths = list(dict.fromkeys(target.path for target in urls.values()))
    in_process = measure_in_process([path for path in paths if not is_static(path)])
    runs = {name: [] for name in urls}
    uncached_search = []
    with serving(paths) as (base, _server):
        for _ in range(ROUNDS):
            for name, target in urls.items():
                script = BENCH / target.script if target.script else None
                runs[name].append(
                    run_wrk(
                        base,
                        target.path,
                        target.accept_encoding,
                        script=script,
                        header=target.header,
                    )
                )
            # Search with a new query each time, at one connection: the search target.
            uncached_search.append(run_wrk(base, "/", connections=1, script=BENCH / "search.lua"))

    def summary(samples):
        return {
            "rps": round(statistics.mean(s["rps"] for s in samples), 1),
            "p50_ms": round(statistics.median(s["p50_ms"] for s in samples), 2),
            "p99_ms": round(max(s["p99_ms"] for s in samples), 2),
            "errors": sum(s["errors"] for s in samples),
        }

    table = []
    for name, target in urls.items():
        row = {"target": name, "path": target.path, "accept_encoding": target.accept_encoding}
        row.update(summary(runs[name]))
        row["ratio_to_ceiling"] = round(row["rps"] / summary(runs[target.ceiling])["rps"], 2)
        row.update(in_process.get(target.path, {}))
        table.append(row)
    search_row = {"target": "search, every query new (1 connection)", **summary(uncached_search)}
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "vendors": vendors,
        "seed": SEED,
        "database": database,
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds_per_run": DURATION,
        "rounds": ROUNDS,
        "generated_in_seconds": round(generated_in, 1),
        "table": table,
        "uncached_search": search_row,
        "import_export_seconds": transfers,
        "first_render_ms": first_renders,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "total_seconds": round(time.monotonic() - began, 1),
    }
    print_table(result)
    out = BENCH / "results" / f"bench-{vendors}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}")


def print_table(result):
    print(
        f"\n{result['vendors']} titles, {result['database']}, "
        f"{result['workers']} gunicorn workers, "
        f"wrk {result['connections']} connections x {result['seconds_per_run']} s x "
        f"{result['rounds']} alternating rounds\n"
    )
    header = (
        "target",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "x ceiling",
        "queries cold/warm",
        "bytes identity",
        "bytes gzip",
        "bytes brotli",
    )
    lines = [header]
    for row in result["table"]:
        queries = f"{row['queries_cold']}/{row['queries_warm']}" if "queries_cold" in row else "-"
        lines.append(
            (
                row["target"],
                f"{row['rps']:.0f}",
                f"{row['p50_ms']:.2f}",
                f"{row['p99_ms']:.2f}",
                str(row["errors"]),
                f"{row['ratio_to_ceiling']:.2f}",
                queries,
                str(row.get("bytes_identity", "-")),
                str(row.get("bytes_gzip") or "-"),
                str(row.get("bytes_brotli") or "-"),
            )
        )
    s = result["uncached_search"]
    lines.append(
        (
            s["target"],
            f"{s['rps']:.0f}",
            f"{s['p50_ms']:.2f}",
            f"{s['p99_ms']:.2f}",
            str(s["errors"]),
            "-",
            "-",
            "-",
            "-",
            "-",
        )
    )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for number, line in enumerate(lines):
        print(" | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)))
        if number == 0:
            print("-|-".join("-" * w for w in widths))
    transfers = ", ".join(f"{k} {v} s" for k, v in result["import_export_seconds"].items())
    print(f"\nTitles as a file (export_titles, then import_titles of that file): {transfers}")
    print(
        f"First render after a write, in-process, {RENDER_SAMPLES} samples each: "
        + "; ".join(
            f"{name} p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms"
            for name, row in result["first_render_ms"].items()
        )
    )
    print(f"Load average during the run (1, 5, 15 min): {result['load_average']}")
    print(
        f"\nwrk asks as a browser does over HTTPS ({BROWSER}); the gzip-only rows ask for "
        "gzip alone and are compared with the ceiling asked the same.\n"
        f"Total {result['total_seconds']} s (generation {result['generated_in_seconds']} s)."
    )


if __name__ == "__main__":
    main()

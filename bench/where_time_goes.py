"""`make profile`: where the time goes while a page is under load, measured two ways.

Sets up as `make bench` does (generated titles, gunicorn on 127.0.0.1, DEBUG off) and,
for each target, runs wrk while:

- /proc counts the CPU time of every process: wrk, the gunicorn workers in user space
  and in the kernel, and the rest of the machine;
- py-spy samples every gunicorn worker, and the samples are summed by part of the
  stack (the page cache, the middleware, gunicorn's socket writes, ...).

Prints both, and writes each target's stacks (py-spy's collapsed format, for
speedscope or flamegraph.pl) and a summary.json to bench/results/profile-<time>/.
py-spy reads the workers' memory, which needs root or CAP_SYS_PTRACE.
"""

import collections
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import run as bench

SAMPLES_PER_SECOND = 250
TICKS = os.sysconf("SC_CLK_TCK")

# A frame is "function (file)" in py-spy's raw output.
WAITING = r"^SyncWorker\.wait \("  # a worker with nothing to do, in select()
# Parts that own every sample taken anywhere under them, the first that matches.
SCOPES = [
    ("search: which titles match (database)", r"^titles_matching \(vendors/search\.py\)"),
    (
        "page cache: reading the entry and version",
        r"\((django/core/cache/|pagecache/version\.py)",
    ),
    ("rendering a page (views, templates)", r"\((django/template|django/views|vendors)/"),
    ("page cache: compressing a new page", r"^StoredPage\.store \("),
    ("Django: request signals (query log, connection checks)", r"^Signal\.send \("),
]
# Otherwise a sample belongs to the innermost frame one of these names. Helpers they call
# (django.utils, django.http, the standard library) are charged to them: a header set by
# a middleware is the middleware's time. Every middleware's __call__ wraps the rest of
# the request, so only its own frames below count, never what it passes on to.
OWNERS = [
    ("database", r"\(django/db/"),
    ("page cache: the rest (key, validators, 304, headers)", r"\(pagecache/middleware\.py\)"),
    ("WhiteNoise: finding the static file", r"\(whitenoise/"),
    ("gunicorn: the access log", r"\((clearinghouse/gunicorn_logging\.py|gunicorn/glogging\.py)\)"),
    (
        "the other middleware (security, CSP, ...)",
        r"\((django/middleware/|clearinghouse/middleware\.py|django_permissions_policy/)",
    ),
    ("Django's request handler", r"\(django/core/handlers/"),
    # In the kernel: on loopback, the sender's write also delivers the bytes to wrk.
    (
        "gunicorn: writing the response to the socket",
        r"^Response\.(send_headers|_emit_body|sendfile) \(",
    ),
    # Sync workers close the connection after each response, so wrk reconnects each time.
    ("gunicorn: accepting and closing a connection", r"^(close_graceful|socket\.accept) \("),
    ("gunicorn: reading and parsing the request", r"\(gunicorn/http/(parser|message|unreader)"),
]


def part_of(frames):
    for label, pattern in SCOPES:
        if any(re.search(pattern, frame) for frame in frames):
            return label
    for frame in reversed(frames):
        for label, pattern in OWNERS:
            if re.search(pattern, frame):
                return label
    if any("(gunicorn/" in frame for frame in frames):
        return "gunicorn: the rest of the worker loop"
    return "other"


def cpu_ticks(pid):
    """utime, stime, and the utime and stime of its reaped children, of one process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return [int(value) for value in fields[11:15]]


def worker_pids(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def machine_ticks():
    """(busy, total) clock ticks of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def gunicorn_ticks(master):
    """User and kernel ticks of the workers alive now plus those already recycled (a
    worker's time moves into the master's children counters when it is reaped)."""
    user, system = 0, 0
    for pid in worker_pids(master):
        try:
            utime, stime, _, _ = cpu_ticks(pid)
        except FileNotFoundError:  # recycled between the listing and the read
            continue
        user, system = user + utime, system + stime
    _, _, cutime, cstime = cpu_ticks(master)
    return user + cutime, system + cstime


def measure(base, name, path, master, out_dir, **wrk_options):
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent))
    stacks = out_dir / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.txt"
    command = [spy, "record", "--pid", str(master), "--subprocesses", "--nonblocking"]
    command += ["--nolineno", "--rate", str(SAMPLES_PER_SECOND)]
    command += ["--duration", str(bench.DURATION + 2), "--format", "raw", "-o", str(stacks)]
    sampler = subprocess.Popen(  # noqa: S603 (py-spy on our own gunicorn)
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1)  # py-spy attaches to every worker before the load starts
    busy_before, total_before = machine_ticks()
    workers_before = gunicorn_ticks(master)
    wrk_before = os.times()
    result = bench.run_wrk(base, path, **wrk_options)
    wrk_after = os.times()
    workers_after = gunicorn_ticks(master)
    busy_after, total_after = machine_ticks()
    if sampler.wait() != 0:
        sys.exit(f"py-spy failed (it needs root or CAP_SYS_PTRACE): {sampler.stderr.read()}")
    wrk = (
        wrk_after.children_user
        + wrk_after.children_system
        - wrk_before.children_user
        - wrk_before.children_system
    ) * TICKS
    user = workers_after[0] - workers_before[0]
    system = workers_after[1] - workers_before[1]
    busy = busy_after - busy_before
    total = total_after - total_before
    cpu = {
        "gunicorn workers in user space (Python, brotli, pickle)": user,
        "gunicorn workers in the kernel (sockets, files)": system,
        "wrk, the load generator": wrk,
        "the rest (loopback network, py-spy, other processes)": max(busy - user - system - wrk, 0),
        "idle": total - busy,
    }
    return {
        "wrk": result,
        "cpu_percent": {part: round(100 * ticks / total, 1) for part, ticks in cpu.items()},
        # Samples are wall-clock time, and five workers share two cores: the shares are
        # spread over the CPU time the workers were measured to use.
        "worker_cpu_us_per_request": round(
            (user + system) / TICKS / (result["rps"] * bench.DURATION) * 1e6
        ),
        "worker_time_percent": parts(stacks),
        "stacks": str(stacks.relative_to(bench.ROOT)),
    }


def parts(stacks_file):
    """Per part of the workers' stacks, its share of their busy samples (in percent)."""
    counts = collections.Counter()
    for line in stacks_file.read_text(errors="replace").splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = stack.split(";")
        # py-spy nests each worker under the master: "process M;process W;frames...".
        if len(frames) < 3 or not frames[1].startswith("process "):
            continue  # the master's own stacks
        if re.search(WAITING, frames[-1]):
            continue  # a worker waiting for a connection
        counts[part_of(frames[2:])] += int(samples)
    total = sum(counts.values()) or 1
    return {label: round(100 * n / total, 1) for label, n in counts.most_common()}


def main():
    database, _generated_in, urls = bench.set_up()
    profiled = {
        name: ({"accept_encoding": target.accept_encoding}, target.path)
        for name, target in urls.items()
        if name in ("static ceiling", "audience", "JSON API (all titles)")
    }
    profiled["search, every query new (1 connection)"] = (
        {"connections": 1, "script": bench.BENCH / "search.lua"},
        "/",
    )
    out_dir = bench.BENCH / "results" / f"profile-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    out_dir.mkdir(parents=True)
    results = {}
    with bench.serving([path for _, path in profiled.values()]) as (base, server):
        for name, (wrk_options, path) in profiled.items():
            results[name] = measure(base, name, path, server.pid, out_dir, **wrk_options)
    report(results, database)
    (out_dir / "summary.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {out_dir.relative_to(bench.ROOT)} (py-spy's collapsed stacks: open")
    print("them in speedscope.app or flamegraph.pl for the whole picture).")


def report(results, database):
    print(
        f"\n{bench.VENDORS} titles, {database}, {bench.WORKERS} gunicorn workers, "
        f"wrk {bench.DURATION} s a target; py-spy sampling every worker at "
        f"{SAMPLES_PER_SECOND} Hz\n"
    )
    for name, result in results.items():
        wrk = result["wrk"]
        print(f"## {name}: {wrk['rps']:.0f} req/s, p50 {wrk['p50_ms']:.2f} ms")
        print("CPU time of the whole machine (2 cores = 100%):")
        for part, percent in result["cpu_percent"].items():
            print(f"  {percent:5.1f}%  {part}")
        cpu_us = result["worker_cpu_us_per_request"]
        print(
            f"Where a worker's {cpu_us} us of CPU per request went (py-spy's samples, "
            "waiting for a connection left out):"
        )
        for part, percent in result["worker_time_percent"].items():
            print(f"  {percent:5.1f}%  ~{percent * cpu_us / 100:6.0f} us  {part}")
        print()


if __name__ == "__main__":
    main()

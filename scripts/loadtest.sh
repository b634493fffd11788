#!/usr/bin/env bash
# make loadtest: DURATION seconds (30) of mixed public traffic against gunicorn on 127.0.0.1;
# fails on any socket error, timeout or non-2xx/3xx response. Not part of CI.
set -euo pipefail
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 2; }
source "$(dirname "$0")/serve_for_test.sh"
DURATION="${DURATION:-30}"
CONNECTIONS="${CONNECTIONS:-8}"

LUA=$(mktemp --suffix=.lua)
trap 'rm -f "$LUA"; kill "$GUNICORN_PID" 2>/dev/null || true' EXIT
cat > "$LUA" <<LUA
local paths = {"/", "/parent-data/", "/student-data/", "/vendors/", "/vendors/${VENDOR}/",
  "/data-elements/", "/data-elements/${ELEMENT}/", "/static/css/site.css", "/healthz", "/readyz"}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f "
    .. "connect=%d read=%d write=%d timeout=%d non2xx3xx=%d\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
end
LUA

echo "== ${DURATION}s, ${CONNECTIONS} connections, ${WEB_CONCURRENCY} gunicorn workers, $BASE"
OUTPUT=$(timeout $((DURATION + 30)) wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s --latency -s "$LUA" "$BASE")
echo "$OUTPUT"
RESULT=$(grep '^RESULT' <<<"$OUTPUT")
for counter in connect read write timeout non2xx3xx; do
  value=$(sed -E "s/.* ${counter}=([0-9]+).*/\1/" <<<"$RESULT")
  if [ "$value" != 0 ]; then echo "FAIL: $counter=$value"; exit 1; fi
done
echo "PASS: zero errors, zero 5xx"

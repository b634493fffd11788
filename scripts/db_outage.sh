#!/usr/bin/env bash
# make outage: serve the site from PostgreSQL, put it under load, stop PostgreSQL for
# OUTAGE seconds with pg_ctlcluster, start it again, and check what visitors got.
# It uses a throwaway cluster on its own port (PG_PORT, 5499), so the machine's main
# cluster, and anyone else's tests on it, are untouched. Not part of CI.
set -euo pipefail
command -v pg_ctlcluster >/dev/null || { echo "needs Debian's postgresql-common"; exit 2; }
PG_VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -1)}"
PG_CLUSTER="${PG_CLUSTER:-clearinghouse-outage}"
PG_PORT="${PG_PORT:-5499}"
OUTAGE="${OUTAGE:-15}"
pg() { pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_CLUSTER" "$@"; }

if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$PG_CLUSTER"; then
  pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" -- --auth-host=trust --auth-local=trust >/dev/null
fi
pg start 2>/dev/null || true
for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p "$PG_PORT" -q && break; sleep 1; done
psql "postgres://postgres@127.0.0.1:$PG_PORT/postgres" -qc "DROP DATABASE IF EXISTS outage" -qc "CREATE DATABASE outage"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/outage?conn_max_age=600"
export GUNICORN_LOG=/tmp/clearinghouse-outage-gunicorn.log
source "$(dirname "$0")/serve_for_test.sh"
trap 'kill "$GUNICORN_PID" 2>/dev/null || true; pg stop 2>/dev/null || true' EXIT

status() { curl -s -o /tmp/clearinghouse-outage-body -w "%{http_code}" --max-time 5 "$BASE$1"; }
# A search for a word nobody asked before is never in the page cache: it needs the database.
uncached() { echo "/search/?q=outage$RANDOM$RANDOM"; }
probe() {
  local label=$1
  printf "%-20s cached: /vendors/ %s /parent-data/ %s  uncached: search %s  /healthz %s  /readyz %s  static %s\n" \
    "$label" "$(status /vendors/)" "$(status /parent-data/)" "$(status "$(uncached)")" \
    "$(status /healthz)" "$(status /readyz)" "$(status /static/css/site.css)"
}

wrk -t1 -c4 -d"$((OUTAGE + 20))s" --timeout 5s "$BASE/vendors/" > /tmp/clearinghouse-outage-wrk.txt &
WRK_PID=$!
sleep 5
probe "before the outage"  # this also puts /parent-data/ in the page cache
# An edit, as staff make them: every stored page is now out of date.
.venv/bin/python manage.py shell -v0 -c "from vendors.models import Vendor; Vendor.objects.first().save()"
pg stop -m fast
echo "-- PostgreSQL stopped"
sleep 2
probe "during the outage"
status /parent-data/ >/dev/null
grep -q "Parent Data" /tmp/clearinghouse-outage-body && echo "   /parent-data/ (stored before the edit) is still served in full: $(curl -s -o /dev/null -D - "$BASE/parent-data/" | grep -i '^cache-status' | tr -d '\r')"
status "$(uncached)" >/dev/null
if grep -q "This page is temporarily unavailable" /tmp/clearinghouse-outage-body; then
  echo "   an uncached search shows the styled 503 page, no traceback: $(grep -c Traceback /tmp/clearinghouse-outage-body || true) tracebacks"
fi
sleep $((OUTAGE - 2))
pg start
echo "-- PostgreSQL started"
for second in $(seq 30); do
  [ "$(status /vendors/)" = 200 ] && { echo "   recovered ${second}s after the restart, by itself"; break; }
  sleep 1
done
probe "after the outage"
wait "$WRK_PID" || true
echo "-- load during the whole run (503s expected while the database was down):"
grep -E "requests in|Non-2xx|Socket errors" /tmp/clearinghouse-outage-wrk.txt
[ "$(status /vendors/)" = 200 ] && [ "$(status /readyz)" = 200 ]

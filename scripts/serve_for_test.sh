# Sourced by loadtest.sh and db_outage.sh: a production-like gunicorn on 127.0.0.1 only,
# with the demo content, stopped when the calling script exits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
PORT="${PORT:-8765}"
BASE="http://127.0.0.1:${PORT}"
export DEBUG=false
# Production-like: not the developer's .env from make run.
export LOCAL_ENV_FILE=
export SECRET_KEY="loadtest-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}"
export GUNICORN_BIND="127.0.0.1:${PORT}"
export DATABASE_URL="${DATABASE_URL:-sqlite:////tmp/clearinghouse-loadtest.sqlite3}"

$PY manage.py migrate --noinput -v0
$PY manage.py load_demo_content -v0 || true
$PY manage.py collectstatic --noinput -v0

.venv/bin/gunicorn --config gunicorn.conf.py --access-logfile /dev/null clearinghouse.wsgi \
  > "${GUNICORN_LOG:-/tmp/clearinghouse-loadtest-gunicorn.log}" 2>&1 &
GUNICORN_PID=$!
trap 'kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "$BASE/healthz" >/dev/null || { echo "gunicorn did not start"; exit 1; }

# Real addresses from the demo content, so the traffic reaches real pages.
read -r VENDOR ELEMENT < <($PY manage.py shell -v0 -c "
from vendors.models import Vendor, DataElement
print(Vendor.objects.listed().first().slug, DataElement.objects.first().slug)")

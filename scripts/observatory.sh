#!/usr/bin/env bash
# make observatory: score the production settings with Mozilla's own HTTP Observatory
# scanner (npm @mdn/mdn-http-observatory, pinned below), not a re-implementation of it.
#
# The scanner checks a host name on ports 80 and 443, so this script, for the length of
# the run only: makes a throwaway certificate authority and a certificate for
# clearinghouse.test, points clearinghouse.test at 127.0.0.1 in /etc/hosts, and serves
# the demo with production settings from gunicorn on 443 (TLS) and 80 (plain, which
# redirects). It needs root (ports below 1024, /etc/hosts), Node.js 20+ and openssl, and
# reaches only the npm registry and 127.0.0.1. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
OBSERVATORY_VERSION=1.4.8
HOST=clearinghouse.test
WORK="$(mktemp -d /tmp/clearinghouse-observatory.XXXXXX)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  sed -i "/ $HOST # clearinghouse-observatory$/d" /etc/hosts
}
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "needs root: ports 80 and 443, and /etc/hosts"; exit 2; }
command -v node >/dev/null || { echo "needs Node.js 20+ and npm"; exit 2; }

echo "== the scanner, @mdn/mdn-http-observatory@$OBSERVATORY_VERSION"
# --ignore-scripts: one dependency's install script downloads a CA bundle from the
# internet; this run trusts only its own throwaway CA (below) anyway.
npm install --prefix "$WORK/scanner" --no-audit --no-fund --ignore-scripts --silent \
  "@mdn/mdn-http-observatory@$OBSERVATORY_VERSION"
SCANNER="$WORK/scanner/node_modules/@mdn/mdn-http-observatory"
# Its install step also downloads Chromium's HSTS preload list from GitHub. The list only
# changes the score of domains that are on it, and clearinghouse.test is not: empty it is.
echo "{}" > "$SCANNER/conf/hsts-preload.json"

echo "== a throwaway CA and a certificate for $HOST"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=Clearinghouse test CA" \
  -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$HOST" \
  -keyout "$WORK/site.key" -out "$WORK/site.csr" 2>/dev/null
printf "subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n" "$HOST" > "$WORK/ext.cnf"
openssl x509 -req -in "$WORK/site.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
  -CAcreateserial -days 1 -extfile "$WORK/ext.cnf" -out "$WORK/site.pem" 2>/dev/null
echo "127.0.0.1 $HOST # clearinghouse-observatory" >> /etc/hosts

echo "== the demo with production settings on https://$HOST and http://$HOST"
export DEBUG=false ALLOWED_HOSTS="$HOST" LOG_LEVEL=WARNING WEB_CONCURRENCY=2
# Production settings: not the developer's .env from make run.
export LOCAL_ENV_FILE=
export SECRET_KEY="observatory-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')"
export DATABASE_URL="sqlite:///$WORK/db.sqlite3"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py load_demo_content -v0
.venv/bin/python manage.py collectstatic --noinput -v0
# gunicorn terminates TLS itself here, so requests arrive as https without a proxy header.
# Loopback only: clearinghouse.test is 127.0.0.1, and nothing else need reach the demo.
GUNICORN_BIND="127.0.0.1:443" .venv/bin/gunicorn --config gunicorn.conf.py \
  --certfile "$WORK/site.pem" --keyfile "$WORK/site.key" clearinghouse.wsgi \
  > "$WORK/https.log" 2>&1 &
PIDS+=($!)
GUNICORN_BIND="127.0.0.1:80" .venv/bin/gunicorn --config gunicorn.conf.py clearinghouse.wsgi \
  > "$WORK/http.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
  curl -fs --cacert "$WORK/ca.pem" "https://$HOST/healthz" >/dev/null && break
  sleep 0.2
done

echo "== scan"
NODE_EXTRA_CA_CERTS="$WORK/ca.pem" node "$SCANNER/src/scan.js" \
  "$HOST" > "$WORK/scan.json"
node -e '
const scan = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`grade ${scan.scan.grade}, score ${scan.scan.score}, tests passed ${scan.scan.testsPassed} of ${scan.scan.testsQuantity}`);
for (const [name, test] of Object.entries(scan.tests)) {
  console.log(`  ${test.pass ? "pass" : "FAIL"}  ${String(test.scoreModifier).padStart(4)}  ${name}: ${test.result}`);
}
' "$WORK/scan.json"
echo "(full result: $WORK/scan.json)"

# The README's commands. Each target is idempotent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
INSTALLED := $(VENV)/.installed

.PHONY: run test lint migrate demo superuser clean backup restore loadtest outage observatory screenshots compile messages bench profile lighthouse bench-digests

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.12 or newer is needed (found %s)." % sys.version.split()[0]) if sys.version_info < (3, 12) else None'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[test]"
	touch $@

install: $(INSTALLED)

# The interface in Spanish and Haitian Creole: .po catalogs (committed) compiled to .mo
# (not committed) in pure Python, so no system gettext is needed to run the site.
CATALOGS := $(wildcard locale/*/LC_MESSAGES/django.po)
COMPILED := $(CATALOGS:.po=.mo)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(INSTALLED)
	$(BIN)/pybabel compile -i $< -o $@ -l $*

compile: $(COMPILED)

## make messages: collect new interface strings into the es and ht catalogs (needs GNU gettext)
messages: $(INSTALLED)
	DEBUG=true $(BIN)/python manage.py makemessages -l es -l ht --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=static --ignore=tests

migrate: $(INSTALLED) compile
	DEBUG=true $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=true $(BIN)/python manage.py load_demo_content

# Local settings for this machine, written once (scripts/local_env.py says what and why).
LOCAL_ENV := .env
$(LOCAL_ENV): | $(BIN)/python
	$(BIN)/python scripts/local_env.py $@

# With DEBUG off, WhiteNoise serves the collected, hashed files as in production; collected
# again only when a file under static/ has changed.
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(shell find static -type f) | $(INSTALLED) $(LOCAL_ENV)
	$(BIN)/python manage.py collectstatic --noinput -v0

## make run: set up everything and serve the demo on http://127.0.0.1:$(PORT), as visitors see it
# The task worker runs long imports beside the server; Ctrl-C stops both.
run: $(LOCAL_ENV) demo $(STATIC_MANIFEST)
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite (SQLite by default; DATABASE_URL picks another database)
test: $(INSTALLED) compile
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make screenshots: PNGs of the demo pages at desktop and phone widths, into docs/screenshots/
screenshots: $(INSTALLED) compile
	$(BIN)/python -m pytest tests/browser/screenshots.py -q -p no:cacheprovider

superuser: migrate
	DEBUG=true $(BIN)/python manage.py createsuperuser

## make backup: the database and uploaded files into backups/clearinghouse-<time>.tar.gz
backup: $(INSTALLED)
	DEBUG=true $(BIN)/python manage.py backup $(FILE)

## make restore FILE=backups/….tar.gz: into an empty database (it migrates first)
restore: $(INSTALLED)
	@test -n "$(FILE)" || { echo "Say which archive: make restore FILE=backups/clearinghouse-….tar.gz"; exit 2; }
	DEBUG=true $(BIN)/python manage.py restore $(FILE)

## make loadtest: 30 s of mixed public traffic against gunicorn on 127.0.0.1 (needs wrk)
loadtest: $(INSTALLED)
	scripts/loadtest.sh

## make bench: 1,000 and 3,000 generated titles under wrk, against a static file of the same size (needs wrk)
bench: $(INSTALLED)
	@command -v wrk >/dev/null || { echo "make bench needs wrk: sudo apt-get install wrk"; exit 2; }
	$(BIN)/python bench/run.py

## make bench-digests: manage.py send_digests to 10,000 subscribers through a local aiosmtpd, timed
bench-digests: $(INSTALLED)
	$(BIN)/python bench/digests.py

## make profile: where a page's time goes under load (wrk, /proc and py-spy; needs root or CAP_SYS_PTRACE)
profile: $(INSTALLED)
	@command -v wrk >/dev/null || { echo "make profile needs wrk: sudo apt-get install wrk"; exit 2; }
	$(BIN)/python bench/where_time_goes.py

## make observatory: Mozilla's HTTP Observatory scanner against the production settings
## on a throwaway https://clearinghouse.test (needs root, Node.js and openssl; not for CI)
observatory: $(INSTALLED) compile
	scripts/observatory.sh

## make outage: stop PostgreSQL during a load test and watch the site recover (not for CI)
outage: $(INSTALLED)
	scripts/db_outage.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

## make lighthouse: Lighthouse (mobile) scores and DOM sizes of the public pages (needs Node and Chromium)
lighthouse: $(INSTALLED) compile
	scripts/lighthouse.sh

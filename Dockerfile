# A slim, non-root image that serves the clearinghouse with gunicorn.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY requirements/constraints.txt requirements/constraints.txt
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -c requirements/constraints.txt -r /tmp/requirements.txt

COPY . .

# The Spanish and Haitian Creole interface: .po catalogs compiled to .mo in pure Python.
RUN pybabel compile -d locale -D django

# Hashed, compressed static files are built into the image; the key is a throwaway.
RUN DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput

RUN useradd --create-home --uid 10001 clearinghouse \
    && mkdir -p /app/media && chown clearinghouse /app/media
USER clearinghouse

# A container must listen beyond its own loopback; outside the image gunicorn does not.
# Behind a proxy, set FORWARDED_ALLOW_IPS to the proxy's address (README, "Production").
ENV GUNICORN_BIND=0.0.0.0:8000
EXPOSE 8000
# Liveness only: /healthz never touches the database, so an outage does not get every
# container restarted. Load balancers should route on /readyz.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "clearinghouse.wsgi"]

"""What a gunicorn worker would otherwise do on its first requests: done once in the
master before it forks (compile the site's templates, build the URL maps of each
language, load the translation catalogs), and in each new worker before it takes a
request (read what every search needs: warm_worker).

gunicorn replaces each worker after a couple of thousand requests (max_requests), and a
new worker's first page took 215 ms against 26 ms for the next: on a busy day, that was
the slowest one in a hundred searches. warm_up() touches neither the database nor the
cache, whose connections must not be shared across the fork."""

import logging
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def site_template_names(engine):
    for directory in map(Path, engine.template_dirs):
        if directory.is_relative_to(settings.BASE_DIR) and directory.is_dir():
            for path in directory.rglob("*.html"):
                yield path.relative_to(directory).as_posix()


def warm_up():
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("vendors:home")
    for engine in engines.all():
        for name in site_template_names(engine):
            engine.get_template(name)


def warm_worker():
    """In a new worker, before its first request: the element catalog, which titles share
    each element and the order titles are listed in, which each worker otherwise reads on
    its first searches (30 ms at 5,000 titles). Nothing here may stop the worker from
    starting, a database or cache that is down included: cached pages are still served
    then (`make outage`), and searches read the catalog themselves."""
    from vendors import search

    try:
        search.fill_worker_memos()
    except Exception:
        logger.warning("Could not read the search catalog at worker start.", exc_info=True)

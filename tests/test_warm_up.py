"""The gunicorn master's warm-up before it forks workers (clearinghouse/warm_up.py)."""

from django.template import engines

from clearinghouse.warm_up import site_template_names, warm_up


def test_warm_up_compiles_every_site_template_without_touching_the_database():
    # No django_db mark: pytest-django makes any database access here an error. A
    # connection opened in the master would be shared by every forked worker.
    warm_up()
    engine = engines["django"]
    names = set(site_template_names(engine))
    assert {"base.html", "vendors/search.html", "includes/search_result.html"} <= names
    # The cached loader keys a template by its name alone when nothing is skipped.
    cached = {
        key
        for loader in engine.engine.template_loaders
        for key in getattr(loader, "get_template_cache", {})
    }
    assert names <= cached

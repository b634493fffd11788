"""The gunicorn master's warm-up before it forks workers (clearinghouse/warm_up.py)."""

import pytest
from django.template import engines

from clearinghouse.warm_up import site_template_names, warm_up, warm_worker


def test_warm_up_compiles_every_site_template_without_touching_the_database():
    engine = engines["django"]
    # Forget what earlier tests compiled, so that only warm_up() can fill the cache.
    for loader in engine.engine.template_loaders:
        loader.reset()
    # No django_db mark: pytest-django makes any database access here an error. A
    # connection opened in the master would be shared by every forked worker.
    warm_up()
    names = set(site_template_names(engine))
    assert {"base.html", "vendors/search.html", "includes/search_result.html"} <= names
    # The cached loader keys a template by its name alone when nothing is skipped.
    cached = {
        key
        for loader in engine.engine.template_loaders
        for key in getattr(loader, "get_template_cache", {})
    }
    assert names <= cached


@pytest.mark.django_db
def test_a_worker_reads_the_search_catalog_before_its_first_search(
    client, django_assert_max_num_queries
):
    from tests.factories import DataElementFactory, SharingRecordFactory

    phone = DataElementFactory(name="Parent Phone Number", slug="parent-phone")
    SharingRecordFactory(vendor__name="Caller", elements=[phone])
    warm_worker()
    # Left for the search itself: which titles' words match, and the results it shows.
    with django_assert_max_num_queries(5):
        page = client.get("/search/", {"q": "phone"}).content.decode()
    assert ">Caller</a>" in page


def test_a_database_that_is_down_does_not_stop_a_worker_from_starting(monkeypatch, caplog):
    from django.db import OperationalError

    from vendors import search

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(search, "fill_worker_memos", unreachable)
    warm_worker()
    assert "Could not read the search catalog" in caplog.text

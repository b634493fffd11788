"""One number that changes whenever anything a public page shows changes.

Rendered pages are cached under this version, and their ETag and Last-Modified come
from it, so a write never has to guess which cached pages it made stale: it bumps the
version and every page is re-rendered on its next request. The version lives in the
page cache (settings.PAGE_CACHE), which every worker process must share (see the
README's "Performance" section).
"""

import time

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "clearinghouse:content-version"
NS_PER_SECOND = 1_000_000_000


def _store():
    return caches[settings.PAGE_CACHE]


def current():
    """The version in nanoseconds since the epoch; set on first use."""
    store = _store()
    version = store.get(KEY)
    if version is None:
        version = time.time_ns()
        # add(), not set(): another worker may have just bumped it.
        if not store.add(KEY, version, timeout=None):
            version = store.get(KEY, version)
    return version


def current_with(keys):
    """The version and whichever of these page-cache keys are stored, in one lookup: with
    Redis one round trip rather than two. The version is read with them, before any
    render, so that a write during the render leaves what is stored under this version
    to be read again."""
    found = _store().get_many([KEY, *keys])
    version = found.pop(KEY, None)
    return (version if version is not None else current()), found


def last_modified(version):
    return version // NS_PER_SECOND


def bump(*, new_second=True):
    """Move to a new version and return it.

    With new_second, the version moves at least one whole second past the old one:
    HTTP dates have a resolution of one second, and if two committed versions shared
    a second, a client revalidating with If-Modified-Since alone would be told its
    stale copy is current.
    """
    store = _store()
    previous = store.get(KEY) or 0
    floor = (last_modified(previous) + 1) * NS_PER_SECOND if new_second else previous + 1
    version = max(time.time_ns(), floor)
    store.set(KEY, version, timeout=None)
    return version


class WorkerMemo:
    """A value read from the database once per content version in this worker process,
    rather than on every request: any write moves the version and so retires it. The
    version is read before the value, as the page cache reads it before a render, so a
    value read while a write commits is read again on the next request."""

    def __init__(self, compute):
        self.compute = compute
        self.version = None
        self.value = None

    def get(self):
        version = current()
        if version != self.version:
            self.value = self.compute()
            self.version = version
        return self.value


def _bump_after_commit():
    _forget_bumps()
    bump(new_second=True)


def record_write(using=None):
    """Called for every write to the app's tables.

    Inside a transaction the version moves at once (so the writing request, and a
    test, sees its own change) and again after the commit: another worker may have
    rendered the old rows under the first bump, and the second one retires that page.
    Each happens once per transaction and request, so an import of a thousand rows
    costs two bumps and moves Last-Modified by one second, not a thousand.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump(new_second=True)
        return
    if not getattr(connection, "_content_version_bumped", False):
        connection._content_version_bumped = True
        bump(new_second=False)
    if not any(entry[1] is _bump_after_commit for entry in connection.run_on_commit):
        transaction.on_commit(_bump_after_commit, using=using, robust=True)


def _forget_bumps(**kwargs):
    for connection in connections.all(initialized_only=True):
        connection._content_version_bumped = False


def _on_save_or_delete(sender, using=None, **kwargs):
    record_write(using)


def _on_m2m_changed(sender, action, using=None, **kwargs):
    if action.startswith("post_") and sender._meta.app_label == "vendors":
        record_write(using)


def connect_signals(app_label="vendors"):
    """Every model of the app, its history models and m2m tables included, and any
    model added later: no model can change a page without moving the version."""
    for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
        uid = f"content-version:{model._meta.label}"
        post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_on_save_or_delete, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(_on_m2m_changed, dispatch_uid="content-version:m2m")
    request_started.connect(_forget_bumps, dispatch_uid="content-version:request-started")
    request_finished.connect(_forget_bumps, dispatch_uid="content-version:request-finished")

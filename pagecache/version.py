"""One number that changes whenever anything a public page shows changes.

Rendered pages are cached under this version, and their ETag and Last-Modified come from
it, so a write never has to name which cached pages it made stale: it moves the version
and every page is rendered again on its next request. The version lives in the default
cache, which every worker process shares (the host's file cache, or Redis with
CACHE_URL), so a write in one worker retires the pages every other worker serves.

`cached()` keeps anything else derived from the content (the search's lists of titles)
under the same version, in the same store.

An app opts in with `track_writes(app_label)` in its `ready()`: every save, delete and
many-to-many change of its models, history models included, then moves the version.
"""

import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

KEY = "pagecache:content-version"
NS_PER_SECOND = 1_000_000_000


def current():
    """The version in nanoseconds since the epoch; set on first use."""
    version = cache.get(KEY)
    if version is None:
        version = time.time_ns()
        # add(), not set(): another worker may have just moved it.
        if not cache.add(KEY, version, timeout=None):
            version = cache.get(KEY, version)
    return version


def current_with(keys):
    """The version and whichever of these cache keys are stored, in one lookup (one round
    trip with Redis). Read before any render, so that a write during the render leaves
    what is stored under this version to be read again."""
    found = cache.get_many([KEY, *keys])
    version = found.pop(KEY, None)
    return (version if version is not None else current()), found


def cached_many(keys, compute):
    """{key: value} for these cache keys, each value computed once per content version and
    kept in the shared cache, like a rendered page: for what is derived from the content
    and costs more to work out than to read. `compute(missing_keys)` returns
    {key: value} for the keys not stored under the current version."""
    version, found = current_with(keys)
    values = {key: entry[1] for key, entry in found.items() if entry[0] == version}
    missing = [key for key in keys if key not in values]
    if missing:
        computed = compute(missing)
        cache.set_many(
            {key: (version, value) for key, value in computed.items()},
            timeout=settings.PAGE_CACHE_SECONDS,
        )
        values.update(computed)
    return values


def cached(key, compute):
    """The value of `compute()`, worked out once per content version (see cached_many)."""
    return cached_many([key], lambda missing: {key: compute()})[key]


def last_modified(version):
    return version // NS_PER_SECOND


def bump():
    """Move to a new version, the time now (a nanosecond past the old one if the clock has
    not moved), and return it: a version never claims a time later than now."""
    version = max(time.time_ns(), (cache.get(KEY) or 0) + 1)
    cache.set(KEY, version, timeout=None)
    return version


def _bump_after_commit():
    _forget_bumps()
    bump()


def record_write(using=None):
    """Called for every write to a tracked app's tables.

    Inside a transaction the version moves at once (so the writing request, and a test,
    sees its own change) and again after the commit: another worker may have rendered the
    old rows under the first move, and the second one retires that page. Each happens once
    per transaction and request, so an import of a thousand rows costs two moves, not a
    thousand.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump()
        return
    if not getattr(connection, "_content_version_bumped", False):
        connection._content_version_bumped = True
        bump()
    if not any(entry[1] is _bump_after_commit for entry in connection.run_on_commit):
        transaction.on_commit(_bump_after_commit, using=using, robust=True)


def _forget_bumps(**kwargs):
    for connection in connections.all(initialized_only=True):
        connection._content_version_bumped = False


def _on_save_or_delete(sender, using=None, **kwargs):
    record_write(using)


def track_writes(app_label, untracked=()):
    """Every model of the app, its history models and m2m tables included: no model of it
    can change a page without moving the version. `untracked` names models (and so their
    m2m tables) that no page shows, whose many writes must not retire every page."""
    models = {
        model
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
        if model._meta.object_name not in untracked
        and not any(
            field.related_model and field.related_model._meta.object_name in untracked
            for field in model._meta.fields
            if model._meta.auto_created
        )
    }

    def on_m2m_changed(sender, action, using=None, **kwargs):
        if action.startswith("post_") and sender in models:
            record_write(using)

    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(_on_save_or_delete, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_on_save_or_delete, sender=model, dispatch_uid=f"{uid}:delete")
    m2m_changed.connect(on_m2m_changed, weak=False, dispatch_uid=f"pagecache:{app_label}:m2m")
    request_started.connect(_forget_bumps, dispatch_uid="pagecache:request-started")
    request_finished.connect(_forget_bumps, dispatch_uid="pagecache:request-finished")

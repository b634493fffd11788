from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """Public pages cached under one content version (see middleware.py and version.py)."""

    name = "pagecache"
    verbose_name = "Page cache"

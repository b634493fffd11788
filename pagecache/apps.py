from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PageCacheConfig(AppConfig):
    """Public pages cached under one content version (see middleware.py and version.py)."""

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        # Every deploy runs `migrate`: a new release's templates and static files must not
        # wait behind pages the old one rendered under the same content.
        post_migrate.connect(retire_every_page, dispatch_uid="pagecache:deploy")


def retire_every_page(**kwargs):
    from .version import bump

    bump()

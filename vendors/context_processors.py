from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import Audience, DistrictProfile

CHROME_KEY = "clearinghouse:site-chrome"


def _store():
    # The content version's store, which every worker shares: forgetting the chrome
    # there after a write reaches every worker at once.
    return caches[settings.PAGE_CACHE]


def site_chrome():
    """The district profile and the audiences, which every page's header and footer show,
    read from the database only after one of them changed, not on every render."""
    store = _store()
    chrome = store.get(CHROME_KEY)
    if chrome is None:
        chrome = {"district": DistrictProfile.load(), "audiences": list(Audience.objects.all())}
        store.set(CHROME_KEY, chrome, timeout=settings.PAGE_CACHE_SECONDS)
    return chrome


def forget_chrome(**kwargs):
    # Now, so the writing request sees its change, and again after the commit, in case
    # another worker read the old rows in between.
    _store().delete(CHROME_KEY)
    transaction.on_commit(lambda: _store().delete(CHROME_KEY), robust=True)


def connect_signals():
    for model in (Audience, DistrictProfile):
        uid = f"site-chrome:{model._meta.label}"
        post_save.connect(forget_chrome, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(forget_chrome, sender=model, dispatch_uid=f"{uid}:delete")


def district(request):
    """What the header and footer of every page show: the district and the audience pages,
    and whether the district's state law wants each data element's definition shown."""
    # Imported here: state_presets reads the district through site_chrome() above.
    from .state_presets import active_state, requirements_for

    chrome = site_chrome()
    required = {item.key for item in requirements_for(active_state(chrome["district"]))}
    return {
        "district": chrome["district"],
        "nav_audiences": chrome["audiences"],
        "show_element_definitions": "element_definitions" in required,
    }

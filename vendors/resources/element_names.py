"""A data-element cell as a district writes it: the catalog's slugs, or its names in any of
the site's languages, in any case and with or without accents."""

import difflib

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import fold_for_search


class ElementNames:
    """Every way of writing each element, read from the catalog already in memory."""

    def __init__(self, elements):
        self.by_key = {}
        self.ambiguous = {}
        for element in elements:
            spellings = {element.slug}
            for code, _language in settings.LANGUAGES:
                name = getattr(element, f"name_{code}", None) or ""
                if name:
                    spellings.add(name)
            for spelling in spellings:
                key = fold_for_search(spelling).strip()
                found = self.by_key.setdefault(key, element)
                if found.pk != element.pk:
                    # The same name under two headings: only the slug says which.
                    self.ambiguous.setdefault(key, {found.slug}).add(element.slug)
        # What a near miss is compared with, each leading to the element's English name.
        self.suggestions = {}
        for element in elements:
            name = getattr(element, f"name_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}", None)
            for spelling in (element.slug, name or element.slug):
                self.suggestions[fold_for_search(spelling)] = name or element.slug

    def find(self, value):
        """(element, None), or (None, the message that says why not)."""
        key = fold_for_search(value).strip()
        if key in self.ambiguous:
            return None, _("“%(value)s” names several data elements: use one of %(slugs)s.") % {
                "value": value,
                "slugs": ", ".join(sorted(self.ambiguous[key])),
            }
        if key in self.by_key:
            return self.by_key[key], None
        near = difflib.get_close_matches(key, self.suggestions, n=6, cutoff=0.6)
        names = list(dict.fromkeys(self.suggestions[match] for match in near))[:3]
        if names:
            return None, _("Unknown data element “%(value)s”: did you mean %(names)s?") % {
                "value": value,
                "names": _(" or ").join(f"“{name}”" for name in names),
            }
        return None, _("Unknown data element “%(value)s”.") % {"value": value}

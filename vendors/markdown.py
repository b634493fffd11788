"""Staff write Markdown; parents get sanitized HTML.

Markdown is rendered first and the result is passed through an allow-list
sanitizer (nh3, the Rust "ammonia" library), so raw HTML, script, event
handlers, styles and javascript: links typed by staff never reach a page.
"""

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "h3", "h4", "blockquote", "span"}
# A passage in another language is marked `<span lang="es">…</span>` (WCAG 3.1.2), so that
# screen readers switch voice; lang is the only attribute allowed beyond a link's.
LANG_ELEMENTS = {"p", "li", "blockquote", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "lang"}} | {tag: {"lang"} for tag in LANG_ELEMENTS}
# A BCP 47 tag's shape (en, es, pt-BR, zh-Hant): anything else would be an invalid lang.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(text or "", output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_drop_malformed_lang,
    )


def _drop_malformed_lang(element, attribute, value):
    if attribute == "lang" and not LANGUAGE_TAG.fullmatch(value):
        return None
    return value

"""Staff write Markdown; parents get sanitized HTML.

Markdown is rendered first and the result is passed through an allow-list
sanitizer (nh3, the Rust "ammonia" library), so raw HTML, script, event
handlers, styles and javascript: links typed by staff never reach a page.
"""

import html
import re
import xml.etree.ElementTree as ET
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.html import strip_tags
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "br", "h3", "h4", "blockquote", "span"}
# A passage in another language is marked `<span lang="es">…</span>` (WCAG 3.1.2), so that
# screen readers switch voice; lang is the only attribute allowed beyond a link's.
LANG_ELEMENTS = {"p", "li", "blockquote", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "lang"}} | {tag: {"lang"} for tag in LANG_ELEMENTS}
# A BCP 47 tag's shape (en, es, pt-BR, zh-Hant): anything else would be an invalid lang.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# An email address written out in the text ("contact us at innovation@dadeschools.net."),
# not the full stop after it.
EMAIL_ADDRESS = r"(?<![\w.+-])([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"


class EmailLinkProcessor(InlineProcessor):
    """Makes a written-out email address a mailto: link, so that a parent taps it to write."""

    # Never inside a link staff already made, which would nest one link in another.
    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, match, data):
        link = ET.Element("a", href=f"mailto:{match.group(1)}")
        link.text = match.group(1)
        return link, match.start(0), match.end(0)


class EmailLinks(Extension):
    def extendMarkdown(self, md):
        # Below Python-Markdown's own links and <address> autolinks (priorities 160-120).
        md.inlinePatterns.register(EmailLinkProcessor(EMAIL_ADDRESS, md), "email_link", 100)


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(text or "", output_format="html", extensions=[EmailLinks()])
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


def first_sentence(text: str) -> str:
    """The first sentence of staff Markdown, as plain text, for lists and descriptions that
    must stay short: read from the rendered, sanitized HTML, so that nothing the sanitizer
    removes (a script, raw HTML) shows, and no Markdown mark-up either."""
    plain_text = html.unescape(strip_tags(render_markdown(text)))
    plain = next((line.strip() for line in plain_text.splitlines() if line.strip()), "")
    sentence, _separator, rest = plain.partition(". ")
    return sentence if sentence.endswith(".") or not rest else f"{sentence}."

import re
import secrets
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.template import Node
from django.template.defaultfilters import linebreaksbr
from django.urls import translate_url
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from vendors.markdown import render_markdown
from vendors.shared_texts import share_texts

register = template.Library()

# Every English stand-in carries this class, so that a page can say once that it shows some,
# whichever piece brought one: a template, or a search result rendered earlier and cached.
ENGLISH_STAND_IN = "english-stand-in"


class NotingEnglishStandInsNode(Node):
    """Renders its content first, then puts the notice where {% english_stand_in_notice %}
    stands (before the content it is about) if the content shows any English stand-in."""

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        slot = f"<!--english-stand-in-notice-{secrets.token_hex(8)}-->"
        with context.push(english_stand_in_notice_slot=slot):
            html = self.nodelist.render(context)
        shown = f'class="{ENGLISH_STAND_IN}"' in html
        notice = (
            format_html(
                '<p class="site-untranslated-notice">{}</p>',
                _("Some parts of this page are not yet translated and are shown in English."),
            )
            if shown
            else ""
        )
        return mark_safe(html.replace(slot, notice, 1))  # noqa: S308 - both parts are escaped


@register.tag
def noting_english_stand_ins(parser, token):
    nodelist = parser.parse(("end_noting_english_stand_ins",))
    parser.delete_first_token()
    return NotingEnglishStandInsNode(nodelist)


@register.simple_tag(takes_context=True)
def english_stand_in_notice(context):
    """Where the page's notice goes; {% noting_english_stand_ins %} fills it in."""
    return mark_safe(context.get("english_stand_in_notice_slot", ""))  # noqa: S308 - our own comment


@register.filter(name="markdown")
def markdown_filter(text):
    """Render staff-written Markdown as sanitized HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitized by nh3 in render_markdown


@register.simple_tag(takes_context=True)
def permalink(context, obj):
    """The object's full address, as it is pasted into emails."""
    return context["request"].build_absolute_uri(obj.get_absolute_url())


@register.simple_tag(takes_context=True)
def ask_district_href(context, vendor):
    """A mailto: to the district about this title. Subject and body are percent-encoded
    (quote, not quote_plus: mail clients show a + literally)."""
    district = context.get("district")
    if district is None:
        return ""
    subject = _("Question about %(name)s") % {"name": vendor.name}
    body = _("My question is about %(name)s: %(url)s") % {
        "name": vendor.name,
        "url": permalink(context, vendor),
    }
    return "mailto:{}?subject={}&body={}".format(
        quote(district.contact_email, safe="@"),
        quote(subject, safe=""),
        quote(body + "\n\n", safe=""),
    )


def shows_english_fallback(obj, field):
    """True when the visitor's language has no text for this field and English stands in."""
    language = get_language() or settings.LANGUAGE_CODE
    if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return False
    own_text = getattr(obj, build_localized_fieldname(field, language), None)
    return not own_text and bool(getattr(obj, field))


# A web address used as a link label ("www.clever.com") reads the same in every language.
LANGUAGE_NEUTRAL = re.compile(r"^\S+\.\S+$")


def english_stand_in(value):
    """A short English text shown for want of a translation: lang="en", and marked for the
    page's notice (one per page, not one per text, so a list of names stays readable)."""
    if LANGUAGE_NEUTRAL.match(str(value)):
        return value
    return format_html('<span class="{}" lang="en">{}</span>', ENGLISH_STAND_IN, value)


@register.filter
def translated(obj, field):
    """A short text in the visitor's language; the English stand-in is marked lang="en" so
    that a screen reader reads it with an English voice (WCAG 3.1.2), and followed by a
    notice at the top of the page so that a sighted reader knows why it is in English."""
    value = getattr(obj, field)
    if shows_english_fallback(obj, field):
        return english_stand_in(value)
    return value


@register.filter
def translated_summary(vendor):
    """The first sentence of a title's description, marked like any short stand-in."""
    if shows_english_fallback(vendor, "description"):
        return english_stand_in(vendor.summary)
    return vendor.summary


def untranslated_passage(html):
    return format_html('<div class="{}" lang="en">{}</div>', ENGLISH_STAND_IN, html)


@register.simple_tag
def translated_text(obj, field):
    """A plain-text passage (no Markdown), as paragraphs with its line breaks kept, in the
    visitor's language or the English one, marked lang="en"."""
    html = format_html("<p>{}</p>", linebreaksbr(getattr(obj, field), autoescape=True))
    if not shows_english_fallback(obj, field):
        return html
    return untranslated_passage(html)


@register.simple_tag
def translated_markdown(obj, field):
    """A Markdown passage in the visitor's language or, where it is not yet translated, the
    English one marked lang="en". Never blank."""
    html = markdown_filter(getattr(obj, field))
    if not shows_english_fallback(obj, field):
        return html
    return untranslated_passage(html)


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each language: (code, name in its own language, absolute address,
    is current). The query string is kept, so a filtered list stays filtered."""
    request = context.get("request")
    if request is None:
        # The 500 and 503 pages render without a request, and must not fail for want of one.
        return []
    current = get_language()
    try:
        request.get_host()
    except DisallowedHost:
        # The 400 page for a request naming a host not ours: no address is absolute.
        return []
    versions = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(request.get_full_path(), code)
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "path": path,
                "url": request.build_absolute_uri(path),
                "current": code == current,
            }
        )
    return versions


@register.simple_tag
def shared_texts(records):
    """`{% shared_texts records as texts %}` before a list of records: see share_texts."""
    return share_texts(records)


@register.simple_tag
def translated_names(objects, field="name"):
    """Names as one comma-separated line in the visitor's language. Neighbouring English
    stand-ins share one lang="en" span, so that a title's fifteen elements
    stay one short line, and a few elements, on a page of many titles."""
    runs = []
    for obj in objects:
        english = shows_english_fallback(obj, field)
        if runs and runs[-1][0] == english:
            runs[-1][1].append(getattr(obj, field))
        else:
            runs.append((english, [getattr(obj, field)]))
    pieces = [
        english_stand_in(", ".join(names)) if english else conditional_escape(", ".join(names))
        for english, names in runs
    ]
    return mark_safe(", ".join(str(piece) for piece in pieces))  # noqa: S308 - each piece escaped

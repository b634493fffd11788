from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from vendors.markdown import render_markdown

register = template.Library()


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

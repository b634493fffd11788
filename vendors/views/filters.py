"""The audience page's filter as links: a phone narrows the list by kind of data in a tap
or two, and each applied filter is a chip that links to the same page without it.

Every link is built from the visitor's own query string, so the search words and the
other filters stay, and the old checkbox addresses (?element=, ?category=, ?agreement=,
?q=) keep working."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass
class Choice:
    label: str
    href: str
    current: bool = False
    # A catalog row, when the label is its name: the template shows it in the visitor's language.
    named: object = None


@dataclass
class FilterLinks:
    categories: list
    open_category: object
    elements: list
    chips: list


def href(query, **changes):
    """This page's address with some parameters replaced (a list) or removed (None); the
    page number goes, since the list it counted changes."""
    query = query.copy()
    query.pop("page", None)
    for name, values in changes.items():
        query.pop(name, None)
        if values:
            query.setlist(name, values)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def without(query, name, value):
    return href(query, **{name: [v for v in query.getlist(name) if v != value]})


def filter_links(query, filters, categories, statuses):
    """Category links; the chosen category's element links (the category of a chosen
    element counts as chosen); one chip per applied filter."""
    chosen_elements = {
        element.category_id
        for category in categories
        for element in category.catalog_elements
        if element.slug in filters.element_slugs
    }
    open_category = next(
        (
            category
            for category in categories
            if category.slug in filters.category_slugs or category.pk in chosen_elements
        ),
        None,
    )
    category_choices = [
        Choice(category.name, href(query, category=[category.slug], element=None), named=category)
        for category in categories
    ]
    element_choices = []
    if open_category is not None:
        # A chosen kind replaces the row of kinds with its own elements: the second tap.
        category_choices = []
        element_choices = [
            Choice(_("All kinds of data"), href(query, category=None, element=None)),
            Choice(
                _("Anything in this kind"),
                href(query, category=[open_category.slug], element=None),
                open_category.slug in filters.category_slugs,
            ),
        ]
        element_choices += [
            Choice(
                element.name,
                href(query, element=[element.slug], category=None),
                element.slug in filters.element_slugs,
                element,
            )
            for element in open_category.catalog_elements
        ]
    chips = []
    if filters.query:
        chips.append(
            Choice(_("Words: “%(query)s”") % {"query": filters.query}, href(query, q=None))
        )
    by_slug = {category.slug: category for category in categories}
    elements = {
        element.slug: element for category in categories for element in category.catalog_elements
    }
    for slug in sorted(filters.category_slugs):
        category = by_slug.get(slug)
        label = _("Anything in %(name)s") % {"name": category.name if category else slug}
        chips.append(Choice(label, without(query, "category", slug)))
    for slug in sorted(filters.element_slugs):
        element = elements.get(slug)
        chips.append(
            Choice(
                element.name if element else slug, without(query, "element", slug), named=element
            )
        )
    status_names = dict(statuses)
    for status in sorted(filters.agreement_statuses):
        label = _("Agreement: %(status)s") % {"status": status_names[status]}
        chips.append(Choice(label, without(query, "agreement", status)))
    return FilterLinks(category_choices, open_category, element_choices, chips)

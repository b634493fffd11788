"""The trimmed USWDS sheet keeps every rule the templates use (scripts/trim_uswds.sh makes it)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

USWDS = Path(settings.BASE_DIR) / "static" / "vendor" / "uswds" / "css"
MARKUP = [
    *Path(settings.BASE_DIR, "templates").rglob("*.html"),
    *Path(settings.BASE_DIR, "static", "js").glob("*.js"),
    *(
        path
        for app in ("vendors", "clearinghouse", "pagecache")
        for path in Path(settings.BASE_DIR, app).rglob("*.py")
    ),
]


def selectors_in_css(path):
    """Each selector of the sheet as the set of class names it needs."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    # Dropping innermost blocks, twice, leaves the selectors of rules inside @media too.
    for _ in range(2):
        css = re.sub(r"\{[^{}]*\}", ",", css)
    return [
        frozenset(
            name.replace("\\", "")
            for name in re.findall(r"\.(-?[A-Za-z_](?:[\w-]|\\.)*)", selector)
        )
        for selector in css.split(",")
    ]


def words_in_markup():
    return {word for path in MARKUP for word in re.findall(r"[\w:-]+", path.read_text())}


def test_every_uswds_class_the_markup_uses_is_in_the_trimmed_sheet():
    words = words_in_markup()
    applying = {
        selector
        for selector in selectors_in_css(USWDS / "uswds.min.css")
        if selector and selector <= words
    }
    kept = set(selectors_in_css(USWDS / "uswds-used.min.css"))
    missing = sorted(" ".join(sorted(selector)) for selector in applying - kept)
    assert missing == [], "Run scripts/trim_uswds.sh: the trimmed USWDS sheet lacks these classes"


@pytest.mark.django_db
def test_the_pages_load_the_trimmed_sheet_not_the_full_one(client, district):
    html = client.get("/").content.decode()
    assert "uswds-used.min" in html
    assert "uswds.min." not in html

"""A district re-themes the site in static/css/site.css alone: its variables reach every page."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

LOGO = "/static/vendor/uswds/img/usa-icons/info.svg"


@pytest.fixture
def browser_context_args(browser_context_args):
    # These tests stand in for a district editing site.css by injecting a stylesheet; the
    # site's Content Security Policy rightly blocks injected styles, so it is set aside here.
    return {**browser_context_args, "bypass_csp": True}


def test_header_colour_comes_from_the_theme_variable(page, site):
    page.goto(site + "/")
    page.add_style_tag(content=":root { --site-primary-dark: rgb(80, 0, 80); }")
    background = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(80, 0, 80)"


def test_logo_appears_beside_the_district_name_when_the_theme_sets_one(page, site):
    page.goto(site + "/")
    page.add_style_tag(content=f':root {{ --site-logo: url("{LOGO}"); --site-logo-width: 3rem; }}')
    logo = page.evaluate(
        "() => { const style = getComputedStyle("
        "document.querySelector('.site-header__brand'), '::before');"
        " return [style.width, style.backgroundImage]; }"
    )
    assert logo[0] == "48px"
    assert LOGO in logo[1]


def test_no_logo_space_is_taken_by_default(page, site):
    page.goto(site + "/")
    width = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header__brand'), '::before').width"
    )
    assert width == "0px"

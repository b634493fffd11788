"""Staff filter the titles list by data element by typing, with JavaScript off too."""

import pytest

from vendors.models import Vendor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page_without_javascript(browser, site, django_user_model):
    django_user_model.objects.create_superuser("root", "root@district.example", "a-long-passw0rd!")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-passw0rd!")
    page.click("input[type=submit]")
    page.wait_for_url(site + "/admin/")
    yield page
    context.close()


def test_typing_an_element_name_filters_the_titles_and_keeps_the_other_filters(
    page_without_javascript, site
):
    page = page_without_javascript
    page.goto(site + "/admin/vendors/vendor/?status__exact=published")
    page.fill("#element-filter-text", "PARENT EMAIL")
    page.press("#element-filter-text", "Enter")
    page.wait_for_load_state()

    assert "status__exact=published" in page.url
    shown = set(page.locator("#result_list th.field-name a").all_inner_texts())
    expected = set(
        Vendor.objects.listed()
        .filter(sharing_records__elements__name__icontains="parent email")
        .values_list("name", flat=True)
    )
    assert expected
    assert shown == expected

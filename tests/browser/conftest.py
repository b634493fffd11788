"""Browser tests drive Debian's Chromium through Playwright; nothing downloads a browser."""

import os
import shutil

import pytest
from django.core.management import call_command

from tests.helpers import skip_unless_required

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls in fixtures
# would otherwise be refused as "unsafe from an async context".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The browser must contact nothing but the test server: no updates, sync or calls home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


# A phone's first screen, as parents see the site.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if not path:
        skip_unless_required(
            "Chromium is not installed, so the browser tests did not run. Install it with "
            "`apt-get install chromium` (or set CHROMIUM_PATH) to run them.",
            "CLEARINGHOUSE_BROWSER_REQUIRED",
        )
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(transactional_db, live_server):
    """The demo clearinghouse, served by a live server; its base URL."""
    call_command("load_demo_content", verbosity=0)
    return live_server.url


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page_without_javascript(browser):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    yield context.new_page()
    context.close()

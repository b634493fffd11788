import shutil

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils import translation

from tests.factories import AudienceFactory, DistrictProfileFactory
from tests.helpers import ReceivedMail, free_port, skip_unless_required
from tests.identity_provider import running_identity_provider


@pytest.fixture(autouse=True)
def english_to_start():
    """A request under /es/ leaves Spanish active in the test's thread, and a translated field
    written then (a factory's description) lands in the Spanish column. Each test starts in
    English, as every request to an unprefixed address does."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def district():
    return DistrictProfileFactory()


@pytest.fixture
def parent_audience():
    return AudienceFactory()


@pytest.fixture
def student_audience():
    return AudienceFactory(name="Students", slug="student-data", title="Student Data", position=20)


@pytest.fixture(scope="session")
def java():
    """The machine's Java, which runs the HTML validator (tests.helpers.validation_messages)."""
    path = shutil.which("java")
    if not path:
        skip_unless_required(
            "Java is not installed, so the HTML validator did not run. Install it with "
            "`apt-get install default-jre-headless` to run it.",
            "CLEARINGHOUSE_BROWSER_REQUIRED",
        )
    return path


@pytest.fixture
def demo_content(db):
    """The seed district's clearinghouse, loaded exactly as `make run` loads it."""
    call_command("load_demo_content", verbosity=0)


@pytest.fixture(scope="session")
def role_permissions(django_db_setup, django_db_blocker):
    """Each role group's permissions as the migrations left them, read once per run."""
    with django_db_blocker.unblock():
        return {
            group.name: list(
                group.permissions.values_list(
                    "codename", "content_type__app_label", "content_type__model"
                )
            )
            for group in Group.objects.all()
        }


def role_group(group_name, role_permissions):
    """The role group as the migrations make it. A transactional test (the browser tests)
    flushes the database afterwards, which takes migration-made rows with it, so the group
    is remade here when it has gone, with the same permissions."""
    group, created = Group.objects.get_or_create(name=group_name)
    if created:
        group.permissions.set(
            Permission.objects.get_by_natural_key(*natural_key)
            for natural_key in role_permissions[group_name]
        )
    return group


@pytest.fixture
def role_groups(db, role_permissions):
    """Every role group, remade as the migrations made it if a browser test flushed it."""
    return {name: role_group(name, role_permissions) for name in role_permissions}


def staff_in_group(django_user_model, group, username):
    user = django_user_model.objects.create_user(username=username, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def editor(django_user_model, role_permissions):
    group = role_group("Clearinghouse editor", role_permissions)
    return staff_in_group(django_user_model, group, "editor")


@pytest.fixture
def publisher(django_user_model, role_permissions):
    group = role_group("Clearinghouse publisher", role_permissions)
    return staff_in_group(django_user_model, group, "publisher")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture(autouse=True)
def fresh_caches(settings, tmp_path):
    """Each test starts with an empty page cache (and content version) in its own folder, so
    a page cached by one test is never served to the next."""
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.filecache.PageFileCache",
            "LOCATION": str(tmp_path / "pages"),
        }
    }


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on loopback that the site's mail goes to, through Django's SMTP
    backend as in production; its `messages` are what it received."""
    received = ReceivedMail()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    yield received
    controller.stop()


@pytest.fixture(scope="session")
def identity_provider():
    """A real OpenID Connect provider on loopback (tests/identity_provider.py)."""
    with running_identity_provider() as provider:
        yield provider


@pytest.fixture
def oidc(settings, identity_provider):
    """The district's sign-in configured against the loopback provider."""
    settings.OIDC_ISSUER = identity_provider.issuer
    settings.OIDC_CLIENT_ID = "clearinghouse"
    settings.OIDC_CLIENT_SECRET = "test-client-secret"
    settings.OIDC_ALLOWED_DOMAINS = ["district.example"]
    settings.OIDC_ROLES_CLAIM = "groups"
    settings.OIDC_EDITOR_VALUES = ["clearinghouse-editors"]
    settings.OIDC_PUBLISHER_VALUES = ["clearinghouse-publishers"]
    # As settings.py does for the issuer: the sign-in form's redirect goes there.
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "form-action": [*settings.SECURE_CSP["form-action"], identity_provider.issuer],
    }
    return identity_provider

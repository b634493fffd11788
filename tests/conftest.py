import pytest
from django.core.management import call_command

from tests.factories import AudienceFactory, DistrictProfileFactory


@pytest.fixture
def district():
    return DistrictProfileFactory()


@pytest.fixture
def parent_audience():
    return AudienceFactory()


@pytest.fixture
def student_audience():
    return AudienceFactory(name="Students", slug="student-data", title="Student Data", position=20)


@pytest.fixture
def demo_content(db):
    """The seed district's clearinghouse, loaded exactly as `make run` loads it."""
    call_command("load_demo_content", verbosity=0)


def staff_in_group(django_user_model, group_name, username):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(django_user_model):
    return staff_in_group(django_user_model, "Clearinghouse editor", "editor")


@pytest.fixture
def publisher(django_user_model):
    return staff_in_group(django_user_model, "Clearinghouse publisher", "publisher")


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
    """Each test starts with empty caches, and the shared content version in its own
    folder, so a page cached by one test is never served to the next."""
    settings.CACHES = {
        **settings.CACHES,
        "content_version": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "content-version"),
        },
    }
    settings.CONTENT_VERSION_CACHE = "content_version"
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from tests.factories import AudienceFactory, DistrictProfileFactory


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

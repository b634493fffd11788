import importlib

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
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


ROLES_MIGRATION = importlib.import_module("vendors.migrations.0003_roles")


def role_group(group_name):
    """The role group as the data migration makes it. A transactional test (the browser
    tests) flushes the database afterwards, which takes migration-made rows with it, so
    the group is remade here when it has gone."""
    codenames = {
        ROLES_MIGRATION.EDITOR: ROLES_MIGRATION.editor_codenames,
        ROLES_MIGRATION.PUBLISHER: ROLES_MIGRATION.publisher_codenames,
    }[group_name]()
    group, created = Group.objects.get_or_create(name=group_name)
    if created:
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="vendors", codename__in=codenames)
        )
    return group


def staff_in_group(django_user_model, group_name, username):
    user = django_user_model.objects.create_user(username=username, is_staff=True)
    user.groups.add(role_group(group_name))
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

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

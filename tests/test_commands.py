import pytest
from django.core.management import call_command

from vendors.models import DataElement, SharingRecord, Vendor

pytestmark = pytest.mark.django_db


def test_demo_content_loads_the_seed_and_the_catalog(demo_content):
    assert list(Vendor.objects.values_list("name", flat=True)) == [
        "AllHere",
        "Clever",
        "DashPass",
        "Schoology",
    ]
    assert SharingRecord.objects.count() == 8
    assert DataElement.objects.count() >= 60


def test_loading_again_keeps_what_staff_edited(demo_content):
    Vendor.objects.filter(slug="clever").update(name="Clever (edited by staff)")
    call_command("load_demo_content", verbosity=0)
    assert Vendor.objects.get(slug="clever").name == "Clever (edited by staff)"


def test_demo_content_starts_the_change_log(client, demo_content):
    content = client.get("/changes/").content.decode()
    for name in ["AllHere", "Clever", "DashPass", "Schoology"]:
        assert name in content

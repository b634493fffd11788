"""`manage.py export_titles` and `import_titles`: the admin's spreadsheet, from cron, with
an exit status a script can act on."""

import pytest
import tablib

from tests.factories import DataElementFactory
from tests.helpers import (
    CSV_FORMAT,
    EXPORT_URL,
    admin_export,
    entity_expansion_xlsx,
    new_title_csv,
    run_command,
    zip_bomb_xlsx,
)
from vendors.models import SharingRecord, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(district, parent_audience, student_audience):
    return [DataElementFactory(slug="parent-email"), DataElementFactory(slug="student-name")]


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return str(path)


def test_the_export_is_the_admins_export_byte_for_byte(admin_client, demo_content, tmp_path):
    path = tmp_path / "titles.csv"
    status, out, _err = run_command("export_titles", str(path))
    assert status == 0 and "Exported 4 titles" in out
    assert path.read_bytes() == admin_export(admin_client, EXPORT_URL, CSV_FORMAT)


def test_an_xlsx_export_opens_as_the_same_table(demo_content, tmp_path):
    run_command("export_titles", str(tmp_path / "titles.csv"))
    run_command("export_titles", str(tmp_path / "titles.xlsx"))
    as_csv = tablib.Dataset().load((tmp_path / "titles.csv").read_text(), format="csv")
    as_xlsx = tablib.Dataset().load((tmp_path / "titles.xlsx").read_bytes(), format="xlsx")
    assert as_xlsx.headers == as_csv.headers
    assert as_xlsx["name"] == as_csv["name"] == ["AllHere", "Clever", "DashPass", "Schoology"]


def test_an_import_applies_and_counts(catalog, tmp_path):
    status, out, _err = run_command("import_titles", write(tmp_path, "titles.csv", new_title_csv()))
    assert status == 0
    assert "New: 1. Updated: 0. Unchanged: 0. Errors: 0." in out
    assert SharingRecord.objects.get(vendor__slug="new-app").elements.get().slug == "parent-email"


def test_a_dry_run_counts_and_writes_nothing(catalog, tmp_path):
    status, out, _err = run_command(
        "import_titles", write(tmp_path, "titles.csv", new_title_csv()), "--dry-run"
    )
    assert status == 0
    assert "New: 1." in out and "nothing was written" in out
    assert not Vendor.objects.exists()


def test_a_reimport_of_the_export_counts_every_title_unchanged(demo_content, tmp_path):
    path = str(tmp_path / "titles.xlsx")
    run_command("export_titles", path)
    status, out, _err = run_command("import_titles", path)
    assert status == 0
    assert "New: 0. Updated: 0. Unchanged: 4. Errors: 0." in out


def test_row_errors_name_row_and_column_and_write_nothing(catalog, tmp_path):
    good = tablib.Dataset().load(new_title_csv(), format="csv")
    bad = tablib.Dataset().load(
        new_title_csv(slug="bad-app", privacy_policy_url="javascript:alert(1)"), format="csv"
    )
    good.append(bad[0])
    status, out, err = run_command("import_titles", write(tmp_path, "titles.csv", good.csv))
    assert status == 1
    assert "Errors: 1." in out
    assert "Row 2 (line 3 of the file), privacy_policy_url:" in err
    assert "Nothing was imported." in err
    assert not Vendor.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("titles.csv", None, "could not be read"),
        ("titles.txt", "slug,name\n", "neither .csv nor .xlsx"),
        ("titles.csv", "slug,name\nnew-app,Café\n".encode("latin-1"), "not UTF-8"),
        ("titles.csv", "slug,name\nnew-app,New App\n", "Missing columns"),
        ("titles.xlsx", b"PK\x03\x04 not a zip at all", "could not be read"),
        ("titles.xlsx", zip_bomb_xlsx(), "unpacks to"),
        ("titles.xlsx", entity_expansion_xlsx(), "could not be read"),
    ],
    ids=["missing", "wrong-type", "not-utf8", "malformed", "broken-xlsx", "zip-bomb", "entities"],
)
def test_a_file_it_cannot_read_exits_2_with_the_admins_message(
    catalog, tmp_path, name, content, message
):
    path = str(tmp_path / name) if content is None else write(tmp_path, name, content)
    status, _out, err = run_command("import_titles", path)
    assert status == 2
    assert message in err
    assert not Vendor.objects.exists()


def test_a_file_over_the_limit_exits_2_with_the_limit(catalog, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1024
    status, _out, err = run_command("import_titles", write(tmp_path, "titles.csv", "x" * 1025))
    assert status == 2
    assert "the limit is 1.0\xa0KB" in err

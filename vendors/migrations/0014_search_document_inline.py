"""PostgreSQL keeps each title's search document in the row itself, not in TOAST.

A title's row holds three descriptions and a document of about 1.2 KB, so PostgreSQL
moved the document out of line. A broad word is answered by reading every document,
and fetching each from TOAST was most of the time: 38 ms at 5,000 titles for "parent",
21 ms with the document kept in the row (compressed where it must be) and the
descriptions moved out instead. The UPDATE rewrites the rows already stored.
SQLite has no such column.
"""

from django.db import migrations

KEEP_IN_ROW = "ALTER TABLE vendors_vendor ALTER COLUMN search_document SET STORAGE MAIN"
DEFAULT_STORAGE = "ALTER TABLE vendors_vendor ALTER COLUMN search_document SET STORAGE EXTENDED"
# Regenerates the stored document of every row, under the new storage.
REWRITE = "UPDATE vendors_vendor SET search_text = search_text"


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(KEEP_IN_ROW)
        schema_editor.execute(REWRITE)


def default_storage(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DEFAULT_STORAGE)


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0013_general_agreement_first"),
    ]

    operations = [
        migrations.RunPython(keep_in_row, default_storage),
    ]

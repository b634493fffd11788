from django.db import migrations, models

# The expression must match vendors.search.SEARCH_VECTOR exactly, or PostgreSQL will not use it.
CREATE_GIN_INDEX = (
    "CREATE INDEX vendor_search_text_gin ON vendors_vendor "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
)
DROP_GIN_INDEX = "DROP INDEX IF EXISTS vendor_search_text_gin"


def fill_search_text(apps, schema_editor):
    # The signal that keeps search_text current does not run in migrations.
    from vendors.models import fold_for_search

    Vendor = apps.get_model("vendors", "Vendor")
    for vendor in Vendor.objects.all():
        vendor.search_text = fold_for_search(
            " ".join([vendor.name, vendor.company, vendor.description])
        )
        vendor.save(update_fields=["search_text"])


def create_gin_index(apps, schema_editor):
    # Full-text search with a GIN index is PostgreSQL's; SQLite searches the same column plainly.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_GIN_INDEX)


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_GIN_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0003_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="vendor",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="search text"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]

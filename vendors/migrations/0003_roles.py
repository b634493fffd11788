"""The two staff roles. See the README's "Staff roles" section for how to give a person one."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Clearinghouse editor"
PUBLISHER = "Clearinghouse publisher"

# What an editor writes: titles (with their sharing records inline), the shared texts and
# the element catalog. The rest of the vendors app is reference data they may only look at.
EDITED_MODELS = ["vendor", "sharingrecord", "usagestatement", "destructionterm", "dataelement"]
VIEWED_MODELS = ["audience", "dataelementcategory", "districtprofile", "vendorslugredirect"]


def editor_codenames():
    codenames = [f"{action}_{model}" for model in EDITED_MODELS for action in ("add", "change")]
    codenames += [f"view_{model}" for model in EDITED_MODELS + VIEWED_MODELS]
    return codenames


def publisher_codenames():
    return editor_codenames() + [f"delete_{model}" for model in EDITED_MODELS] + ["publish_vendor"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after the last migration; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((EDITOR, editor_codenames()), (PUBLISHER, publisher_codenames())):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="vendors", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, PUBLISHER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("vendors", "0002_history"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]

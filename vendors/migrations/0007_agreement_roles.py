"""Give the two staff roles the agreement and subprocessor models: editors keep them
current, publishers may also delete them (as with every model editors write)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Clearinghouse editor"
PUBLISHER = "Clearinghouse publisher"
NEW_MODELS = ["agreement", "subprocessor"]


def codenames(actions):
    return [f"{action}_{model}" for model in NEW_MODELS for action in actions]


def extend_groups(apps, schema_editor):
    # Permissions are normally created after the last migration; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in (
        (EDITOR, ["add", "change", "view"]),
        (PUBLISHER, ["add", "change", "view", "delete"]),
    ):
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="vendors", codename__in=codenames(actions)
            )
        )


def shrink_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="vendors",
        codename__in=codenames(["add", "change", "view", "delete"]),
    )
    for group in Group.objects.filter(name__in=[EDITOR, PUBLISHER]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0006_agreements_legal_basis_subprocessors"),
    ]

    operations = [migrations.RunPython(extend_groups, shrink_groups)]

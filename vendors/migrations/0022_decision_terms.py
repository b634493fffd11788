"""The terms of a title's decision, and the schools it may be limited to. Publishers manage
the schools; editors see them."""

import django.db.models.deletion
import simple_history.models
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import vendors.documents

EDITOR = "Clearinghouse editor"
PUBLISHER = "Clearinghouse publisher"


def extend_groups(apps, schema_editor):
    # Permissions are normally created after the last migration; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in ((EDITOR, ["view"]), (PUBLISHER, ["add", "change", "view", "delete"])):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="vendors",
                    codename__in=[f"{action}_school" for action in actions],
                )
            )


def shrink_groups(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="vendors", codename__endswith="_school"
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, PUBLISHER]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0021_review_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalvendor",
            name="consent_form",
            field=models.TextField(
                blank=True,
                help_text="For “Parental consent required”: the form parents sign, in each language.",
                max_length=200,
                validators=[vendors.documents.validate_pdf],
                verbose_name="consent form (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="consent_form_en",
            field=models.TextField(
                blank=True,
                help_text="For “Parental consent required”: the form parents sign, in each language.",
                max_length=200,
                null=True,
                validators=[vendors.documents.validate_pdf],
                verbose_name="consent form (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="consent_form_es",
            field=models.TextField(
                blank=True,
                help_text="For “Parental consent required”: the form parents sign, in each language.",
                max_length=200,
                null=True,
                validators=[vendors.documents.validate_pdf],
                verbose_name="consent form (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="consent_form_ht",
            field=models.TextField(
                blank=True,
                help_text="For “Parental consent required”: the form parents sign, in each language.",
                max_length=200,
                null=True,
                validators=[vendors.documents.validate_pdf],
                verbose_name="consent form (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="decision_conditions",
            field=models.TextField(
                blank=True,
                help_text="For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led use only; students do not create accounts”.",
                verbose_name="conditions",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="decision_conditions_en",
            field=models.TextField(
                blank=True,
                help_text="For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led use only; students do not create accounts”.",
                null=True,
                verbose_name="conditions",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="decision_conditions_es",
            field=models.TextField(
                blank=True,
                help_text="For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led use only; students do not create accounts”.",
                null=True,
                verbose_name="conditions",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="decision_conditions_ht",
            field=models.TextField(
                blank=True,
                help_text="For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led use only; students do not create accounts”.",
                null=True,
                verbose_name="conditions",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="decision_reason",
            field=models.CharField(
                blank=True,
                help_text="For “Not approved”: the reason in plain words, in a sentence or two, so nobody requests it again.",
                max_length=300,
                verbose_name="why it is not approved",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="decision_reason_en",
            field=models.CharField(
                blank=True,
                help_text="For “Not approved”: the reason in plain words, in a sentence or two, so nobody requests it again.",
                max_length=300,
                null=True,
                verbose_name="why it is not approved",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="decision_reason_es",
            field=models.CharField(
                blank=True,
                help_text="For “Not approved”: the reason in plain words, in a sentence or two, so nobody requests it again.",
                max_length=300,
                null=True,
                verbose_name="why it is not approved",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="decision_reason_ht",
            field=models.CharField(
                blank=True,
                help_text="For “Not approved”: the reason in plain words, in a sentence or two, so nobody requests it again.",
                max_length=300,
                null=True,
                verbose_name="why it is not approved",
            ),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="grade_3_5",
            field=models.BooleanField(default=False, verbose_name="3\u20135"),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="grade_6_8",
            field=models.BooleanField(default=False, verbose_name="6\u20138"),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="grade_9_12",
            field=models.BooleanField(default=False, verbose_name="9\u201312"),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="grade_k_2",
            field=models.BooleanField(default=False, verbose_name="K\u20132"),
        ),
        migrations.AddField(
            model_name="historicalvendor",
            name="grade_pk",
            field=models.BooleanField(default=False, verbose_name="PK"),
        ),
        migrations.AddField(
            model_name="vendor",
            name="alternatives",
            field=models.ManyToManyField(
                blank=True,
                help_text="For “Not approved”: titles the district approves instead.",
                related_name="alternative_to",
                to="vendors.vendor",
                verbose_name="approved alternatives",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="consent_form",
            field=models.FileField(
                blank=True,
                help_text="For “Parental consent required”: the form parents sign, in each language.",
                max_length=200,
                upload_to=vendors.documents.consent_form_path,
                validators=[vendors.documents.validate_pdf],
                verbose_name="consent form (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="consent_form_en",
            field=models.FileField(
                blank=True,
                help_text="For “Parental consent required”: the form parents sign, in each language.",
                max_length=200,
                null=True,
                upload_to=vendors.documents.consent_form_path,
                validators=[vendors.documents.validate_pdf],
                verbose_name="consent form (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="consent_form_es",
            field=models.FileField(
                blank=True,
                help_text="For “Parental consent required”: the form parents sign, in each language.",
                max_length=200,
                null=True,
                upload_to=vendors.documents.consent_form_path,
                validators=[vendors.documents.validate_pdf],
                verbose_name="consent form (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="consent_form_ht",
            field=models.FileField(
                blank=True,
                help_text="For “Parental consent required”: the form parents sign, in each language.",
                max_length=200,
                null=True,
                upload_to=vendors.documents.consent_form_path,
                validators=[vendors.documents.validate_pdf],
                verbose_name="consent form (PDF)",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="decision_conditions",
            field=models.TextField(
                blank=True,
                help_text="For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led use only; students do not create accounts”.",
                verbose_name="conditions",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="decision_conditions_en",
            field=models.TextField(
                blank=True,
                help_text="For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led use only; students do not create accounts”.",
                null=True,
                verbose_name="conditions",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="decision_conditions_es",
            field=models.TextField(
                blank=True,
                help_text="For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led use only; students do not create accounts”.",
                null=True,
                verbose_name="conditions",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="decision_conditions_ht",
            field=models.TextField(
                blank=True,
                help_text="For “Approved with conditions”: the conditions in plain words, e.g. “teacher-led use only; students do not create accounts”.",
                null=True,
                verbose_name="conditions",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="decision_reason",
            field=models.CharField(
                blank=True,
                help_text="For “Not approved”: the reason in plain words, in a sentence or two, so nobody requests it again.",
                max_length=300,
                verbose_name="why it is not approved",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="decision_reason_en",
            field=models.CharField(
                blank=True,
                help_text="For “Not approved”: the reason in plain words, in a sentence or two, so nobody requests it again.",
                max_length=300,
                null=True,
                verbose_name="why it is not approved",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="decision_reason_es",
            field=models.CharField(
                blank=True,
                help_text="For “Not approved”: the reason in plain words, in a sentence or two, so nobody requests it again.",
                max_length=300,
                null=True,
                verbose_name="why it is not approved",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="decision_reason_ht",
            field=models.CharField(
                blank=True,
                help_text="For “Not approved”: the reason in plain words, in a sentence or two, so nobody requests it again.",
                max_length=300,
                null=True,
                verbose_name="why it is not approved",
            ),
        ),
        migrations.AddField(
            model_name="vendor",
            name="grade_3_5",
            field=models.BooleanField(default=False, verbose_name="3\u20135"),
        ),
        migrations.AddField(
            model_name="vendor",
            name="grade_6_8",
            field=models.BooleanField(default=False, verbose_name="6\u20138"),
        ),
        migrations.AddField(
            model_name="vendor",
            name="grade_9_12",
            field=models.BooleanField(default=False, verbose_name="9\u201312"),
        ),
        migrations.AddField(
            model_name="vendor",
            name="grade_k_2",
            field=models.BooleanField(default=False, verbose_name="K\u20132"),
        ),
        migrations.AddField(
            model_name="vendor",
            name="grade_pk",
            field=models.BooleanField(default=False, verbose_name="PK"),
        ),
        migrations.CreateModel(
            name="HistoricalVendor_alternatives",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "from_vendor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="vendors.vendor",
                    ),
                ),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="vendors.historicalvendor",
                    ),
                ),
                (
                    "to_vendor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="vendors.vendor",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalVendor_alternatives",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="School",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
            ],
            options={
                "verbose_name": "school",
                "verbose_name_plural": "schools",
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True),
                        name="school_name_not_empty",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalVendor_schools",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="vendors.historicalvendor",
                    ),
                ),
                (
                    "vendor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="vendors.vendor",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_tablespace="",
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="vendors.school",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalVendor_schools",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="vendor",
            name="schools",
            field=models.ManyToManyField(
                blank=True,
                help_text="Only when the decision is limited to some schools.",
                related_name="vendors",
                to="vendors.school",
                verbose_name="schools",
            ),
        ),
        migrations.RunPython(extend_groups, shrink_groups),
    ]

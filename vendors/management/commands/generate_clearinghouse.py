"""A realistic clearinghouse of any size, for the benchmark and for demos."""

import random

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from pagecache.version import record_write
from vendors.models import (
    Audience,
    DataElement,
    DestructionTerm,
    PublicationStatus,
    SharingRecord,
    UsageStatement,
    Vendor,
    fold_for_search,
)

BATCH = 500

FIRST = [
    "Bright",
    "Clever",
    "Quantum",
    "Nimbus",
    "Atlas",
    "Beacon",
    "Summit",
    "Orbit",
    "Pioneer",
    "Maple",
    "Harbor",
    "Cedar",
    "Lumen",
    "Polar",
    "Vivid",
    "Echo",
    "Spark",
    "Nova",
    "Granite",
    "River",
    "Meadow",
    "Crimson",
    "Falcon",
    "Willow",
    "Prism",
]
SECOND = [
    "Math",
    "Reader",
    "Lab",
    "Notes",
    "Class",
    "Path",
    "Quest",
    "Tutor",
    "Board",
    "Scholar",
    "Grade",
    "Voice",
    "Story",
    "Code",
    "Science",
    "Words",
    "Atlas",
    "Music",
    "Chess",
    "Planner",
    "Portal",
    "Cards",
    "Studio",
    "Campus",
    "Gym",
]
SUFFIX = ["", "", "", " Pro", " Plus", " for Schools", " Classroom", " K-12", " Learning"]
COMPANIES = [
    "Learnwell Inc.",
    "EdSoft LLC",
    "Brightpath Education",
    "K12 Systems",
    "Classworks Co.",
    "Northstar Learning",
    "Open Campus Ltd.",
    "Sunrise EdTech",
]
SENTENCES = [
    "Teachers assign practice that adapts to each student's level.",
    "Students sign in once with their district account.",
    "Progress reports show families what was learned each week.",
    "The app works on Chromebooks, tablets and phones.",
    "Lessons follow the state standards for each grade.",
    "Teachers see which skills a class has mastered and which need review.",
    "Parents receive messages from teachers in their preferred language.",
    "Reading passages come with audio support for early readers.",
    "Quizzes are graded automatically and results sync to the gradebook.",
    "Accessibility features include captions, screen-reader support and large text.",
    "The service stores work in the cloud so it is never lost.",
    "Students can collaborate on projects with classmates in real time.",
]
FEATURES = [
    "**Single sign-on (SSO):** one district login for every app.",
    "**Rostering:** classes are created from the student information system.",
    "**Messaging:** teachers and families can write to each other.",
    "**Analytics:** dashboards for teachers and school leaders.",
    "**Offline mode:** assignments can be completed without a connection.",
]


class Command(BaseCommand):
    help = (
        "Add N generated software titles (default 1,000), each shared with both audiences, "
        "with a few paragraphs of description, 3-15 catalog data elements, the shared "
        "statements and an edit history. The same --seed gives the same titles. Loads the "
        "demo content and catalog first if they are missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vendors", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, vendors, seed, **options):
        if vendors < 0:
            raise CommandError("--vendors must be zero or more.")
        call_command("load_demo_content", verbosity=0, stdout=self.stdout)
        rng = random.Random(seed)  # noqa: S311 (repeatable demo data, not a secret)
        elements = list(DataElement.objects.order_by("pk"))
        audiences = list(Audience.objects.order_by("position"))
        usage = UsageStatement.objects.order_by("pk").first()
        destruction = DestructionTerm.objects.order_by("pk").first()
        if len(elements) < 15 or not audiences or usage is None or destruction is None:
            raise CommandError("The catalog and demo content are incomplete: run migrate first.")
        taken = set(Vendor.objects.values_list("slug", flat=True))
        with transaction.atomic():
            # In bulk, history included: a thousand titles one save() at a time take
            # minutes, and the benchmark must finish in five.
            titles = bulk_create_with_history(
                [self.make_vendor(rng, number, taken) for number in range(vendors)],
                Vendor,
                batch_size=BATCH,
            )
            chosen = {}
            records = []
            for vendor in titles:
                for audience in audiences:
                    records.append(
                        SharingRecord(
                            vendor=vendor,
                            audience=audience,
                            usage_statement=usage,
                            destruction_term=destruction,
                            status=PublicationStatus.PUBLISHED,
                        )
                    )
                    chosen[(vendor.slug, audience.pk)] = rng.sample(elements, rng.randint(3, 15))
            records = bulk_create_with_history(records, SharingRecord, batch_size=BATCH)
            self.add_elements(records, chosen)
            # A third of the titles were edited after they were first published.
            for vendor in titles:
                if rng.random() < 1 / 3:
                    vendor.description += "\n\n" + rng.choice(SENTENCES)
                    vendor.save()
            # Bulk inserts send no signals: tell the page cache once.
            record_write()
        if connection.vendor == "postgresql":
            # Fresh statistics: without them the planner took minutes over a search that
            # takes milliseconds once autovacuum has caught up.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Generated {vendors} titles (seed {seed})."))

    @staticmethod
    def add_elements(records, chosen):
        """Each record's data elements, and the same rows in its first history entry."""
        through = SharingRecord.elements.through
        rows = through.objects.bulk_create(
            [
                through(sharingrecord_id=record.pk, dataelement_id=element.pk)
                for record in records
                for element in chosen[(record.vendor.slug, record.audience_id)]
            ],
            batch_size=BATCH,
        )
        history_ids = dict(
            SharingRecord.history.filter(id__in=[r.pk for r in records]).values_list(
                "id", "history_id"
            )
        )
        history_rows = apps.get_model("vendors", "HistoricalSharingRecord_elements")
        history_rows.objects.bulk_create(
            [
                history_rows(
                    id=row.pk,
                    history_id=history_ids[row.sharingrecord_id],
                    sharingrecord_id=row.sharingrecord_id,
                    dataelement_id=row.dataelement_id,
                )
                for row in rows
            ],
            batch_size=BATCH,
        )

    @staticmethod
    def make_vendor(rng, number, taken):
        name = f"{rng.choice(FIRST)} {rng.choice(SECOND)}{rng.choice(SUFFIX)}"
        slug = slugify(name)
        if slug in taken:
            name = f"{name} {number + 1}"
            slug = slugify(name)
        taken.add(slug)
        paragraphs = [
            " ".join(rng.sample(SENTENCES, rng.randint(2, 4))) for _ in range(rng.randint(2, 3))
        ]
        paragraphs.append("\n".join(f"- {item}" for item in rng.sample(FEATURES, 3)))
        company = rng.choice(COMPANIES)
        description = "\n\n".join(paragraphs)
        return Vendor(
            name=name,
            slug=slug,
            company=company,
            description=description,
            privacy_policy_label="Privacy policy",
            privacy_policy_url=f"https://{slug}.example/privacy",
            terms_label="Terms of service",
            terms_url=f"https://{slug}.example/terms",
            website_label=f"{slug}.example",
            website_url=f"https://{slug}.example/",
            status=PublicationStatus.PUBLISHED,
            # bulk_create skips the pre_save hook that fills this in.
            search_text=fold_for_search(f"{name} {company} {description}"),
        )

"""The real worker, `manage.py db_worker`, picks up an import the admin queued in the
database and runs it to the end, as `make run` and the compose file run it."""

# The test starts our own manage.py commands.
# ruff: noqa: S603

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

QUEUE_AN_IMPORT = """
import csv, io
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.contrib.auth.models import User
from vendors.models import ImportJob
from vendors.resources.files import export_titles
from vendors.tasks import import_in_background

export_titles("{folder}/titles.csv")
rows = list(csv.DictReader(open("{folder}/titles.csv", encoding="utf-8-sig")))
rows[0]["name"] = "Renamed by the worker"
out = io.StringIO()
writer = csv.DictWriter(out, fieldnames=list(rows[0]))
writer.writeheader()
writer.writerows(rows)
default_storage.save("spreadsheet-imports/queued.csv", ContentFile(out.getvalue().encode()))
staff = User.objects.create_superuser("staff", "staff@example.org", "unused-password-1")
job = ImportJob.objects.create(
    created_by=staff, upload_name="queued.csv", original_file_name="titles.csv",
    format_path="import_export.formats.base_formats.CSV", encoding="utf-8-sig",
    resource_path="vendors.resources.titles.VendorResource", rows_total=len(rows),
)
import_in_background.enqueue(str(job.pk))
print(job.pk)
"""

PROGRESS_PAGE = """
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
client = Client(HTTP_HOST="localhost")
client.force_login(User.objects.get(username="staff"))
print(client.get(reverse("admin:vendors_vendor_import_job", args=["{job}"])).content.decode())
"""


def manage(environment, *arguments):
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout


def test_the_worker_command_runs_a_queued_import_and_the_page_then_says_done(tmp_path):
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PAGE_CACHE_DIR": str(tmp_path / "cache"),
    }
    manage(environment, "migrate", "-v0")
    manage(environment, "load_demo_content", "-v0")
    job = manage(environment, "shell", "-c", QUEUE_AN_IMPORT.format(folder=tmp_path)).split()[-1]
    waiting = manage(environment, "shell", "-c", PROGRESS_PAGE.format(job=job))
    assert "Waiting to start" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    # --batch: run what is queued, then stop, as a cron job would.
    manage(environment, "db_worker", "--batch", "--no-startup-delay")
    done = manage(environment, "shell", "-c", PROGRESS_PAGE.format(job=job))
    assert "Finished" in done
    assert "1 updated, 3 unchanged" in done
    assert 'http-equiv="refresh"' not in done
    assert not (tmp_path / "media" / "spreadsheet-imports" / "queued.csv").exists()


def test_django_tasks_db_is_the_version_whose_running_on_our_django_was_checked():
    # 0.13.0 declares Django 5.2 and 6.0; these tests are what says it works on ours.
    assert version("django-tasks-db") == "0.13.0"


def test_make_run_starts_the_worker_beside_the_server_and_stops_it_with_it():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun: ", 1)[1].split("\n\n", 1)[0]
    assert "manage.py db_worker &" in recipe
    assert "trap 'kill $$worker" in recipe
    assert recipe.index("db_worker") < recipe.index("manage.py runserver")


def test_the_compose_file_runs_a_worker_like_the_app_containers():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    worker = services["worker"]
    assert worker["command"] == ["python", "manage.py", "db_worker"]
    # The same database, and the uploads it imports.
    assert worker["environment"] == services["app1"]["environment"]
    assert "media:/app/media" in worker["volumes"]
    assert worker["healthcheck"] == {"disable": True}
